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
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from netui.engine.client import Engine, NotFound
from netui.engine.model import Container, ContainerConfig, Endpoint, Network, Snapshot

INSPECT_WORKERS = 8


class TopologyReader:
    """Builds snapshots from one engine, keeping the inspect cache between reads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # container id -> (inspect key, endpoints keyed by network name, what else the inspect told)
        self._details: dict[str, tuple[tuple, dict[str, dict[str, Any]], ContainerConfig]] = {}
        # container id -> (as listed, as merged with its details): reused while the listing is equal
        self._merged: dict[str, tuple[Container, Container]] = {}
        # container id -> (its raw list entry without "Status", the parsed container)
        self._raw: dict[str, tuple[dict, Container]] = {}
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
        api = self.engine.api
        raw_networks = self.engine.call(api.networks)
        networks = [Network.from_api(n) for n in raw_networks if isinstance(n, dict)]
        by_name = {n.name: n.id for n in networks}
        targeted = changed is not None and base is not None
        ids = sorted(set(changed or ()))
        if targeted:
            raw_containers = self.engine.call(api.containers, all=True, filters={"id": ids}) if ids else []
        else:
            raw_containers = self.engine.call(api.containers, all=True)
        listed, statuses = self._parse(raw_containers, by_name)
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
                done = self._from_cache(c)
                if done is not None:
                    merged.append(_status(done, statuses))
                    self._merged[c.id] = (c, done)
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
                        done = self._from_cache(c)
                        if done is not None:
                            c = done
                        else:
                            pending.append(c.id)
                    merged.append(c)
        snap = Snapshot.build(networks, merged, engine=self.engine.info, taken_at=time.time())
        return snap, tuple(pending)

    def _parse(self, raw_containers: Any, by_name: dict[str, str]) -> tuple[list[Container], dict[str, str]]:
        """Parse list entries, reusing the container parsed last time when its entry is
        the same but for "Status" ("Up 5 minutes" changes every minute; it is set after)."""
        listed: list[Container] = []
        statuses: dict[str, str] = {}
        for d in raw_containers if isinstance(raw_containers, list) else ():
            if not isinstance(d, dict):
                continue
            status = d.pop("Status", None)
            cid = str(d.get("Id") or "")
            statuses[cid] = "" if status is None else str(status)
            prev = self._raw.get(cid)
            if prev is not None and prev[0] == d:
                c = prev[1]
            else:
                c = _with_network_ids(Container.from_api({**d, "Status": status}), by_name)
                self._raw[cid] = (d, c)
            listed.append(c)
        return listed, statuses

    def _from_cache(self, c: Container) -> Container | None:
        """The container merged with its cached details, if they are still current (call under the lock)."""
        cached = self._details.get(c.id)
        if cached is not None and cached[0] == c.inspect_key:
            return _merge(c, cached[1], cached[2])
        return None

    def forget_gone(self, live: set[str]) -> None:
        for cid in list(self._raw):
            if cid not in live:
                del self._raw[cid]

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
        results: dict[str, tuple[dict[str, dict[str, Any]], ContainerConfig] | None] = {}
        by_id = snap.container_by_id

        def inspect(cid: str) -> None:
            try:
                data = self.engine.call(self.engine.api.inspect_container, cid)
            except NotFound:
                results[cid] = None  # removed since the list call: the next read drops it
                return
            nets = ((data.get("NetworkSettings") or {}).get("Networks") or {}) if isinstance(data, dict) else {}
            details = {str(k): (v or {}) for k, v in nets.items() if isinstance(v, dict) or v is None}
            config = ContainerConfig.from_inspect(data)
            results[cid] = (details, config)
            with self._lock:
                # Kept as it arrives: if the engine goes away half-way through a large
                # engine's inspects, the next read goes on from here.
                self._details[cid] = (by_id[cid].inspect_key, details, config)

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
        with self._lock:
            for c in snap.containers:
                got = results.get(c.id)
                if got is not None:
                    listed = c
                    c = _merge(c, *got)
                    self._merged[c.id] = (listed, c)
                containers.append(c)
        return replace(snap, containers=tuple(containers))

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


def _with_network_ids(c: Container, by_name: dict[str, str]) -> Container:
    """A stopped container's listed endpoints have no NetworkID: fill it in from the name."""
    if all(e.network_id for e in c.endpoints):
        return c
    eps = tuple(e if e.network_id or e.network_name not in by_name else replace(e, network_id=by_name[e.network_name])
                for e in c.endpoints)
    return replace(c, endpoints=eps)


def _merge(c: Container, details: dict[str, dict[str, Any]], config: ContainerConfig | None = None) -> Container:
    """A container with aliases, DNS names and static IPs taken from its inspect (and
    what else the inspect told: port bindings, environment hosts, links)."""
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
