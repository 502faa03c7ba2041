"""Reading the whole network topology cheaply.

A snapshot costs exactly two list calls: `GET /networks` and
`GET /containers/json?all=1`, joined on NetworkID. The container list lacks
aliases and DNS names; those come from one inspect per container, cached and
redone only for containers that are new or changed (name, state, endpoints).
A refresh with nothing changed therefore costs two requests, whatever the size.
An engine in swarm mode adds the cluster's lists and the overlays' verbose views
(netui.engine.swarm_reader), cached between reads; a plain engine adds nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.model import Container, ContainerConfig, Endpoint, Network, NetworkIndex, Snapshot, engine_networks
from netui.engine.swarm_reader import SwarmReader

INSPECT_WORKERS = 8
DETAIL_FIELDS = ("Aliases", "DNSNames", "IPAMConfig", "GwPriority")  # what _merge takes from an endpoint's inspect


class TopologyReader:
    """Builds snapshots from one engine, keeping the inspect cache between reads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.swarm = SwarmReader(engine)  # the swarm side: nothing asked unless the engine is in swarm mode
        # container id -> (inspect key, endpoints keyed by network name, HostConfig.NetworkMode,
        # what else the inspect told)
        self._details: dict[str, tuple[tuple[object, ...], dict[str, dict[str, Any]], str, ContainerConfig]] = {}
        # container id -> (as listed, as merged with its details): reused while the listing is equal
        self._merged: dict[str, tuple[Container, Container]] = {}
        # container id -> (its raw list entry without "Status", the parsed container, that
        # joined to the networks, their signature)
        self._raw: dict[str, tuple[dict[str, Any], Container, Container, tuple[object, ...]]] = {}
        self._index_signature: tuple[object, ...] | None = None  # of the networks the last listing was joined to
        self._lock = threading.Lock()

    # -- the two list calls -------------------------------------------------
    def read_lists(self, changed: Iterable[str] | None = None, base: Snapshot | None = None) -> tuple[Snapshot, tuple[str, ...]]:
        """One snapshot from two list calls, merged with cached details.

        With `changed` (container ids named by events) and `base` (the snapshot
        on screen), the container list is asked for those containers only
        (`filters={"id": [...]}`) and every other container is taken from `base`:
        still two requests, but the engine and netui handle a few containers
        instead of all of them. Without them, everything is listed.

        Returns the snapshot and the ids of containers whose details (aliases,
        DNS names) are still to be inspected.
        """
        self._check_open()
        api = self.engine.api
        raw_networks = self.engine.call(api.networks)
        raw_networks = [n for n in raw_networks if isinstance(n, dict)] if isinstance(raw_networks, list) else []
        podman = self.engine.info.is_podman
        networks = list(engine_networks((Network.from_api(n) for n in raw_networks), podman))
        index = NetworkIndex(networks, podman=podman, listed_members=_listed_members(raw_networks))
        targeted = changed is not None and base is not None
        ids = sorted(set(changed or ()))
        if targeted:
            raw_containers = self.engine.call(api.containers, all=True, filters={"id": ids}) if ids else []
        else:
            raw_containers = self.engine.call(api.containers, all=True)
        listed, statuses = self._parse(raw_containers, index)
        if targeted:
            wanted = set(ids)
            listed = [c for c in listed if c.id in wanted]  # the id filter matches prefixes
        user_nets = {n.id for n in networks if not n.builtin}
        merged: list[Container] = []
        pending: list[str] = []
        with self._lock:
            if not targeted:
                live = {c.id for c in listed}
                self.forget_gone(live)
                for cid in list(self._details):
                    if cid not in live:
                        del self._details[cid]
                for cid in list(self._merged):
                    if cid not in live:
                        del self._merged[cid]
            for c in listed:
                previous = self._merged.get(c.id)
                if previous is not None and previous[0] == c:
                    merged.append(_status(previous[1], statuses))  # unchanged since the last read: reuse it
                    continue
                if not self._wants_details(c, user_nets):
                    done = replace(c, details=True)
                    merged.append(_status(done, statuses))
                    self._merged[c.id] = (c, done)
                    continue
                cached = self._from_cache(c, index)
                if cached is not None:
                    merged.append(_status(cached, statuses))
                    self._merged[c.id] = (c, cached)
                else:
                    merged.append(_status(c, statuses))
                    pending.append(c.id)
            if targeted:
                assert base is not None
                fresh = {c.id for c in merged}
                gone = set(ids) - fresh  # destroyed since
                for cid in gone:
                    self._details.pop(cid, None)
                    self._merged.pop(cid, None)
                for c in base.containers:
                    if c.id in fresh or c.id in gone:
                        continue
                    if not c.details and self._wants_details(c, user_nets):
                        # `base` may be the first half of a read whose inspects were still
                        # running when this read began: take their result from the cache,
                        # or ask for them again, rather than carry the gap on.
                        cached = self._from_cache(c, index)
                        if cached is not None:
                            c = cached
                        else:
                            pending.append(c.id)
                    merged.append(c)
        swarm = self.swarm.read(networks, merged, full=not targeted)
        snap = Snapshot.build(networks, merged, engine=self.engine.info, taken_at=time.time(), swarm=swarm)
        return snap, tuple(pending)

    def _parse(self, raw_containers: Any, index: NetworkIndex) -> tuple[list[Container], dict[str, str]]:
        """Parse list entries, reusing the container parsed last time when its entry is
        the same but for "Status" ("Up 5 minutes" changes every minute; it is set after).
        Endpoints are joined to this read's networks (which may have changed since)."""
        listed: list[Container] = []
        statuses: dict[str, str] = {}
        # A stopped container's endpoints name no network id: joining them makes new objects.
        # An entry joined to networks equal to these is reused (one signature object while
        # they are equal: the check per container is `is`).
        signature = index.signature
        if signature == self._index_signature:
            signature = self._index_signature
        self._index_signature = signature
        for d in raw_containers if isinstance(raw_containers, list) else ():
            if not isinstance(d, dict):
                continue
            status = d.pop("Status", None)
            cid = str(d.get("Id") or "")
            statuses[cid] = "" if status is None else str(status)
            prev = self._raw.get(cid)
            if prev is not None and prev[0] == d:
                if prev[3] is signature:
                    listed.append(prev[2])  # parsed and joined alike last time: the same object
                    continue
                c = prev[1]
            else:
                c = Container.from_api({**d, "Status": status})
            joined = index.join(c)
            self._raw[cid] = (d, c, joined, signature)
            listed.append(joined)
        return listed, statuses

    def _from_cache(self, c: Container, index: NetworkIndex) -> Container | None:
        """The container merged with its cached details, if they are still current (call under the lock)."""
        cached = self._details.get(c.id)
        if cached is not None and cached[0] == c.inspect_key:
            return _merge(c, cached[1], cached[2], index, cached[3])
        return None

    def forget_gone(self, live: set[str]) -> None:
        for cid in list(self._raw):
            if cid not in live:
                del self._raw[cid]

    @staticmethod
    def _wants_details(c: Container, user_nets: set[str]) -> bool:
        """Only endpoints on user-defined networks carry aliases and DNS names. A container
        listed without its network mode is inspected for it."""
        if not c.network_mode:
            # Listed without its mode (Podman lists none): a container:<x> one is listed with
            # x's endpoints, a host or none one with none. Only its inspect tells.
            return True
        return any(e.network_id in user_nets or not e.network_id for e in c.endpoints)

    # -- details ------------------------------------------------------------
    def complete(self, snap: Snapshot, pending: Iterable[str]) -> Snapshot:
        """Inspect the pending containers (concurrently) and merge their details in."""
        todo = [cid for cid in pending if cid in snap.container_by_id]
        if not todo:
            return snap
        results: dict[str, tuple[dict[str, dict[str, Any]], str, ContainerConfig] | None] = {}
        by_id = snap.container_by_id

        def inspect(cid: str) -> None:
            self._check_open()  # netui quitting: the rest are not asked (nor a new connection made for them)
            try:
                data = self.engine.call(self.engine.api.inspect_container, cid)
            except NotFound:
                results[cid] = None  # removed since the list call: the next read drops it
                return
            data = data if isinstance(data, dict) else {}
            nets = (data.get("NetworkSettings") or {}).get("Networks") or {}
            # Kept per container for as long as it lives: only the fields the merge reads
            # (an endpoint's whole inspect is ~3 KB in memory; at 3000 containers, 9 MB).
            details = {str(k): {f: v[f] for f in DETAIL_FIELDS if f in v} if isinstance(v, dict) else {}
                       for k, v in nets.items() if isinstance(v, dict) or v is None} if isinstance(nets, dict) else {}
            mode = str((data.get("HostConfig") or {}).get("NetworkMode") or "")
            config = ContainerConfig.from_inspect(data)
            results[cid] = (details, mode, config)
            with self._lock:
                # Kept as it arrives: if the engine goes away half-way through a large
                # engine's inspects, the next read goes on from here.
                self._details[cid] = (by_id[cid].inspect_key, details, mode, config)

        if len(todo) == 1:
            inspect(todo[0])
        else:
            pool = ThreadPoolExecutor(max_workers=min(INSPECT_WORKERS, len(todo)))
            try:
                for f in [pool.submit(inspect, cid) for cid in todo]:
                    f.result()  # re-raise engine errors (e.g. the engine went away)
            finally:
                # On the first error the rest are dropped, not tried one by one.
                pool.shutdown(wait=True, cancel_futures=True)
        containers = []
        index = NetworkIndex(snap.networks, podman=snap.engine.is_podman)
        with self._lock:
            for c in snap.containers:
                found = results.get(c.id)
                if found is not None:
                    listed = c
                    c = _merge(c, found[0], found[1], index, found[2])
                    self._merged[c.id] = (listed, c)
                containers.append(c)
        return replace(snap, containers=tuple(containers))

    def _check_open(self) -> None:
        if self.engine.closed:
            raise EngineError("the connection to the engine is closed", kind="closed")

    def read(self) -> Snapshot:
        """A complete snapshot: the two list calls plus any inspects that are due."""
        snap, pending = self.read_lists()
        return self.complete(snap, pending)

    def forget(self) -> None:
        with self._lock:
            self._details.clear()


def _status(c: Container, statuses: dict[str, str]) -> Container:
    """The container with the status text of this read ("Up 6 minutes")."""
    status = statuses.get(c.id)
    return c if status is None or status == c.status else replace(c, status=status)


def _listed_members(raw_networks: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    """network id -> ids of the containers its list entry names (Podman 4 fills
    "Containers" in the list; Docker leaves it empty there)."""
    out: dict[str, tuple[str, ...]] = {}
    for n in raw_networks:
        members = n.get("Containers")
        nid = str(n.get("Id") or n.get("ID") or n.get("Name") or "")
        if isinstance(members, dict) and members and nid:
            out[nid] = tuple(str(k) for k in members)
    return out


def _merge(c: Container, details: dict[str, dict[str, Any]], mode: str = "", index: NetworkIndex | None = None,
           config: ContainerConfig | None = None) -> Container:
    """A container with aliases, DNS names and static IPs taken from its inspect (and what
    else the inspect told: port bindings, environment hosts, links), and its network mode
    when the list left it out (Podman); then joined again, which places a host or none
    container on that network."""
    if mode and not c.network_mode:
        c = replace(c, network_mode=mode)
        if c.mode == "container":
            # Podman lists the stack owner's endpoints under it too (Docker lists none): they
            # are the owner's, shown through it.
            c = replace(c, endpoints=())
        if index is not None:
            c = index.join(c)
    eps = []
    for e in c.endpoints:
        d = details.get(e.network_name)
        if d is None:
            eps.append(e)
            continue
        full = Endpoint.from_api(e.network_name, d, c.id, c.name)
        eps.append(
            replace(
                e,
                aliases=full.aliases,
                dns_names=full.dns_names,
                static_ipv4=full.static_ipv4 or e.static_ipv4,
                static_ipv6=full.static_ipv6 or e.static_ipv6,
                gw_priority=full.gw_priority if full.gw_priority is not None else e.gw_priority,
            )
        )
    return replace(c, endpoints=tuple(eps), details=True, config=config if config is not None else c.config)
