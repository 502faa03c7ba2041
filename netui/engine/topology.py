"""Reading the whole network topology cheaply.

A snapshot costs exactly two list calls: `GET /networks` and
`GET /containers/json?all=1`, joined on NetworkID. The container list lacks
aliases and DNS names; those come from one inspect per container, cached and
redone only for containers that are new or changed (name, state, endpoints).
A refresh with nothing changed therefore costs two requests, whatever the size.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Iterable

from netui.engine.client import Engine, NotFound
from netui.engine.model import Container, Endpoint, Network, Snapshot

INSPECT_WORKERS = 8


class TopologyReader:
    """Builds snapshots from one engine, keeping the inspect cache between reads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # container id -> (inspect key, endpoints keyed by network name)
        self._details: dict[str, tuple[tuple, dict[str, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    # -- the two list calls -------------------------------------------------
    def read_lists(self) -> tuple[Snapshot, tuple[str, ...]]:
        """One snapshot from the two list calls, merged with cached details.

        Returns the snapshot and the ids of containers whose details (aliases,
        DNS names) are still to be inspected.
        """
        api = self.engine.api
        raw_networks = self.engine.call(api.networks)
        raw_containers = self.engine.call(api.containers, all=True)
        networks = [Network.from_api(n) for n in raw_networks if isinstance(n, dict)]
        containers = [Container.from_api(c) for c in raw_containers if isinstance(c, dict)]
        user_nets = {n.id for n in networks if not n.builtin}
        merged: list[Container] = []
        pending: list[str] = []
        with self._lock:
            live = {c.id for c in containers}
            for cid in list(self._details):
                if cid not in live:
                    del self._details[cid]
            for c in containers:
                if not self._wants_details(c, user_nets):
                    merged.append(replace(c, details=True))
                    continue
                cached = self._details.get(c.id)
                if cached is not None and cached[0] == c.inspect_key:
                    merged.append(_merge(c, cached[1]))
                else:
                    merged.append(c)
                    pending.append(c.id)
        snap = Snapshot.build(networks, merged, engine=self.engine.info, taken_at=time.time())
        return snap, tuple(pending)

    @staticmethod
    def _wants_details(c: Container, user_nets: set[str]) -> bool:
        """Only endpoints on user-defined networks carry aliases and DNS names."""
        return any(e.network_id in user_nets or not e.network_id for e in c.endpoints)

    # -- details ------------------------------------------------------------
    def complete(self, snap: Snapshot, pending: Iterable[str]) -> Snapshot:
        """Inspect the pending containers (concurrently) and merge their details in."""
        todo = [cid for cid in pending if cid in snap.container_by_id]
        if not todo:
            return snap
        results: dict[str, dict[str, dict[str, Any]] | None] = {}

        def inspect(cid: str) -> None:
            try:
                data = self.engine.call(self.engine.api.inspect_container, cid)
            except NotFound:
                results[cid] = None  # removed since the list call: the next read drops it
                return
            nets = ((data.get("NetworkSettings") or {}).get("Networks") or {}) if isinstance(data, dict) else {}
            results[cid] = {str(k): (v or {}) for k, v in nets.items() if isinstance(v, dict) or v is None}

        if len(todo) == 1:
            inspect(todo[0])
        else:
            with ThreadPoolExecutor(max_workers=min(INSPECT_WORKERS, len(todo))) as pool:
                for f in [pool.submit(inspect, cid) for cid in todo]:
                    f.result()  # re-raise engine errors (e.g. the engine went away)
        containers = []
        with self._lock:
            for c in snap.containers:
                details = results.get(c.id)
                if details is not None:
                    self._details[c.id] = (c.inspect_key, details)
                    c = _merge(c, details)
                containers.append(c)
        return replace(snap, containers=tuple(containers))

    def read(self) -> Snapshot:
        """A complete snapshot: the two list calls plus any inspects that are due."""
        snap, pending = self.read_lists()
        return self.complete(snap, pending)

    def forget(self) -> None:
        with self._lock:
            self._details.clear()


def _merge(c: Container, details: dict[str, dict[str, Any]]) -> Container:
    """A container with aliases, DNS names and static IPs taken from its inspect."""
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
    return replace(c, endpoints=tuple(eps), details=True)
