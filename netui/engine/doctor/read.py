"""Reading what the doctor checks, for `netui doctor`.

By default: the two list calls of a snapshot (networks, containers; no request per
container) and the host's routes when the engine runs on this machine. With
`deep`, also one inspect per container (port bindings of stopped containers,
environment, links, aliases) and one per network (endpoints of containers that are
gone): complete, but it grows with the engine.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from netui.engine.client import Engine, NotFound
from netui.engine.doctor.context import Context, NetworkEndpoint
from netui.engine.hostnet import read_host_networking
from netui.engine.topology import TopologyReader

WORKERS = 8


def read_context(engine: Engine, *, deep: bool = False) -> Context:
    reader = TopologyReader(engine)
    snap, _pending = reader.read_lists()
    endpoints = None
    if deep:
        snap = reader.complete(snap, [c.id for c in snap.containers])
        endpoints = network_endpoints(engine, [n.id for n in snap.networks if n.driver not in ("host", "null")])
    return Context(snap, read_host_networking(engine.info), endpoints)


def network_endpoints(engine: Engine, network_ids: list[str]) -> tuple[NetworkEndpoint, ...]:
    def one(nid: str) -> list[NetworkEndpoint]:
        try:
            data = engine.call(engine.api.inspect_network, nid)
        except NotFound:
            return []  # removed meanwhile
        out = []
        for cid, ep in ((data or {}).get("Containers") or {}).items():
            ep = ep if isinstance(ep, dict) else {}
            out.append(NetworkEndpoint(nid, str(cid), str(ep.get("Name") or ""), str(ep.get("IPv4Address") or "").split("/")[0]))
        return out

    if not network_ids:
        return ()
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(network_ids))) as pool:
        return tuple(e for part in pool.map(one, network_ids) for e in part)
