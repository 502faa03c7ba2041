"""Reading the swarm side of a snapshot: a few requests per read, none on a plain engine.

On an engine in swarm mode a read adds, in parallel:
- on a manager: `GET /nodes`, `/services`, `/tasks` (the whole cluster, one request
  each whatever its size), and `GET /networks/{id}?verbose=true` for the overlays this
  node has a local endpoint on (ingress included): there the engine adds what the
  cluster lists do not say: the peers and the endpoints that are no service task
  (containers attached on any node). Without a local endpoint the verbose view is
  null, so it is not asked;
- on a worker, which answers 503 to the cluster endpoints: the verbose view of each
  overlay it lists (a worker lists only the overlays its tasks use);
- both: `GET /networks/docker_gwbridge`, whose Containers name each container's
  gateway interface, which the container's own network list leaves out;
- a full read (connect, the periodic resync, `r`) also asks `GET /info` again: the
  node may have left the swarm, or been promoted or demoted.

What is read is cached: a read driven by events reuses it unless a swarm event came
in since (a service or node event, a task's container, an overlay network). Tasks
start seconds after their service is created and no event says so on the manager
when they run on another node: while a task is on its way to running the event
stream ticks every CONVERGE_TICK seconds (`tick`), for at most CONVERGE_FOR.

A plain engine (swarm inactive) costs nothing more, unless an event hints that it
joined a swarm (the ingress or docker_gwbridge network appearing, a node event).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from typing import Any

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.events import SWARM_TYPES, TopologyEvent
from netui.engine.model import Container, Network
from netui.engine.swarm import GWBRIDGE, SwarmState

CONVERGE_TICK = 1.0  # seconds between reads while tasks are starting
CONVERGE_FOR = 60.0  # …for at most this long (a task that cannot be placed stays pending)
SWARM_WORKERS = 6

WORKER_NOTE = ("this node is a swarm worker: only managers answer for the cluster's services, tasks and nodes. "
               "Shown here is what this node sees: the overlays its tasks use, each with its services, their "
               "virtual IPs and every task's address and node address. Watch a manager too (netui --host <manager>) "
               "for nodes by name, task states and published ports.")


class SwarmReader:
    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.clock = clock
        self._lock = threading.Lock()
        self._state: SwarmState | None = None
        self._events = 0  # swarm events noted
        self._clean = -1  # the event count the cached state is current for
        self._info_due = False
        self.converging_since: float | None = None

    # -- events ------------------------------------------------------------------------
    def note_event(self, ev: TopologyEvent) -> None:
        """An event went by: does the cached swarm state still hold?"""
        hint = ev.type == "node" or (ev.type == "network" and ev.name in ("ingress", GWBRIDGE)
                                     and ev.action in ("create", "destroy", "remove"))
        if not (ev.swarm or ev.type in SWARM_TYPES or hint):
            return
        with self._lock:
            self._events += 1
            if hint:
                self._info_due = True  # joined or left a swarm, promoted or demoted

    def tick(self) -> list[TopologyEvent]:
        """Called every CONVERGE_TICK by the event stream: an event when tasks are still
        starting, which makes the app read (and this reader ask the cluster) again."""
        since = self.converging_since
        if since is None or self.clock() - since > CONVERGE_FOR:
            return []
        ev = TopologyEvent(type="service", action="update", id="", polled=True, swarm=True)
        self.note_event(ev)
        return [ev]

    @property
    def event_types(self) -> tuple[str, ...]:
        """What the event stream subscribes to on this engine."""
        info = self.engine.info
        return ("network", "container", *SWARM_TYPES) if info.swarm != "inactive" else ("network", "container")

    # -- reading -------------------------------------------------------------------------
    def read(self, networks: Sequence[Network], containers: Sequence[Container], *, full: bool) -> SwarmState | None:
        """The swarm state for a snapshot with these networks and containers, or None
        when the engine is not in swarm mode. Raises EngineError when the engine fails."""
        with self._lock:
            events, info_due = self._events, self._info_due
            cached = self._state if self._clean == events else None
        api = self.engine.api
        in_swarm = self.engine.info.swarm != "inactive"
        if not in_swarm and not info_due:
            return None
        if cached is not None and not full and not info_due:
            return cached
        info: Any = None
        if full or info_due or not in_swarm:
            info = self.engine.call(api.info)
            self._update_engine(info)
            with self._lock:
                self._info_due = False
        else:
            # The node as last seen: /info only on full reads and hints.
            info = {"Swarm": self._info_swarm(), "Name": self._state.hostname if self._state else self.engine.info.name}
        base = SwarmState.from_info(info)
        if not base.active:
            self._store(None, events)
            return None
        jobs: dict[str, Callable[[], Any]] = {}
        if base.manager:
            jobs["nodes"] = api.nodes
            jobs["services"] = api.services
            jobs["tasks"] = api.tasks
        local = self._local_overlays(networks, containers, manager=base.manager)
        for n in local:
            jobs[f"overlay:{n.id}"] = partial(api.inspect_network, n.id, verbose=True)
        gw = next((n for n in networks if n.name == GWBRIDGE and n.driver == "bridge"), None)
        if gw is not None:
            jobs["gwbridge"] = partial(api.inspect_network, gw.id)
        results, errors = self._run(jobs)
        cluster_error = "" if base.manager else WORKER_NOTE
        for key in ("nodes", "services", "tasks"):
            err = errors.get(key)
            if err is None:
                continue
            if getattr(err, "kind", "") == "unreachable":
                raise err
            # 503: demoted since /info was read; anything else: said, not fatal.
            cluster_error = WORKER_NOTE if "not a swarm manager" in str(err) else f"the cluster's lists could not be read: {err}"
            with self._lock:
                self._info_due = True
        for key, err in errors.items():
            if key.startswith("overlay:") or key == "gwbridge":
                if getattr(err, "kind", "") == "unreachable":
                    raise err
                # NotFound: removed since the network list; the next read settles it.
        state = SwarmState.parse(
            info,
            nodes=results.get("nodes"), services=results.get("services"), tasks=results.get("tasks"),
            overlays=[results[k] for k in results if k.startswith("overlay:")],
            gwbridge=results.get("gwbridge"), cluster_error=cluster_error,
        )
        self._store(state, events)
        return state

    def _store(self, state: SwarmState | None, events: int) -> None:
        with self._lock:
            self._state = state
            self._clean = events
            if state is not None and state.converging:
                if self.converging_since is None:
                    self.converging_since = self.clock()
            else:
                self.converging_since = None

    def _info_swarm(self) -> dict[str, Any]:
        state = self._state
        if state is None:
            info = self.engine.info
            return {"LocalNodeState": info.swarm, "ControlAvailable": info.swarm_manager}
        return {"NodeID": state.node_id, "NodeAddr": state.node_addr, "LocalNodeState": state.state,
                "ControlAvailable": state.manager, "RemoteManagers": [{"Addr": a} for a in state.managers]}

    def _update_engine(self, info: Any) -> None:
        """The engine's swarm role as /info says it now (the create form offers overlay by it)."""
        sw = info.get("Swarm") if isinstance(info, dict) else None
        sw = sw if isinstance(sw, dict) else {}
        state = str(sw.get("LocalNodeState") or "inactive")
        manager = bool(sw.get("ControlAvailable"))
        cur = self.engine.info
        if (cur.swarm, cur.swarm_manager) != (state, manager):
            self.engine.info = replace(cur, swarm=state, swarm_manager=manager)

    @staticmethod
    def _local_overlays(networks: Sequence[Network], containers: Sequence[Container], *, manager: bool) -> list[Network]:
        overlays = [n for n in networks if n.driver == "overlay" and n.scope == "swarm"]
        if not manager:
            return overlays  # a worker lists only the overlays it has endpoints on
        used = {e.network_id for c in containers for e in c.endpoints}
        return [n for n in overlays if n.id in used or n.ingress]

    def _run(self, jobs: dict[str, Callable[[], Any]]) -> tuple[dict[str, Any], dict[str, EngineError]]:
        results: dict[str, Any] = {}
        errors: dict[str, EngineError] = {}

        def one(key: str) -> None:
            try:
                results[key] = self.engine.call(jobs[key])
            except NotFound as exc:
                errors[key] = exc
            except EngineError as exc:
                errors[key] = exc

        if len(jobs) <= 1:
            for key in jobs:
                one(key)
            return results, errors
        with ThreadPoolExecutor(max_workers=min(SWARM_WORKERS, len(jobs)), thread_name_prefix="netui-swarm") as pool:
            list(pool.map(one, list(jobs)))
        return results, errors
