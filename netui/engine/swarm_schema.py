"""The swarm part of `netui dump --json` (schema netui.dump/1, docs/dump-schema.md).

`swarm_dict` is the top-level `swarm` object: everything read, so a replay shows it
again (`swarm_from_dict`). `network_swarm_dict` is what each network entry gains: its
services with their VIP and tasks, the peers and the other endpoints, as netui shows
them (derived from the top-level object; ignored when a dump is read back).
"""

from __future__ import annotations

from typing import Any

from netui.engine.swarm import (
    Attachment,
    GatewayEndpoint,
    LBService,
    LBTask,
    OverlayView,
    Peer,
    Service,
    ServicePort,
    SpecialEndpoint,
    SwarmNode,
    SwarmState,
    Task,
    TaskView,
)


def _task_view(t: TaskView) -> dict[str, Any]:
    return {"name": t.name, "ip": t.ip, "node": t.node, "node_addr": t.node_addr, "local": t.local, "state": t.state,
            "container_id": t.container_id, "task_id": t.task_id, "message": t.message}


def network_swarm_dict(state: SwarmState | None, network_id: str, scope: str) -> dict[str, Any] | None:
    if state is None or scope != "swarm":
        return None
    return {
        "services": [
            {"name": s.name, "vip": s.vip, "endpoint_mode": s.endpoint_mode, "ports": list(s.ports), "replicas": s.replicas,
             "service_id": s.service_id, "tasks": [_task_view(t) for t in s.tasks]}
            for s in state.services_on(network_id)
        ],
        "peers": [{"node": name, "ip": ip} for name, ip in state.peers_of(network_id)],
        "other_endpoints": [_task_view(t) for t in state.others_on(network_id)],
    }


def swarm_dict(state: SwarmState | None) -> dict[str, Any] | None:
    if state is None:
        return None
    return {
        "node_id": state.node_id,
        "node_addr": state.node_addr,
        "hostname": state.hostname,
        "state": state.state,
        "manager": state.manager,
        "managers": list(state.managers),
        "cluster_error": state.cluster_error,
        "nodes": [
            {"id": n.id, "hostname": n.hostname, "role": n.role, "state": n.state, "availability": n.availability, "addr": n.addr,
             "leader": n.leader, "manager_addr": n.manager_addr, "engine_version": n.engine_version}
            for n in state.nodes
        ],
        "services": [
            {"id": s.id, "name": s.name, "mode": s.mode, "replicas": s.replicas, "endpoint_mode": s.endpoint_mode,
             "ports": [{"target": p.target, "published": p.published, "protocol": p.protocol, "mode": p.mode} for p in s.ports],
             "vips": [{"network_id": nid, "addr": addr} for nid, addr in s.vips], "networks": list(s.networks),
             "image": s.image, "labels": dict(s.labels), "created": s.created, "updated": s.updated}
            for s in state.services
        ],
        "tasks": [
            {"id": t.id, "name": t.name, "service_id": t.service_id, "service_name": t.service_name, "slot": t.slot,
             "node_id": t.node_id, "state": t.state, "desired_state": t.desired_state, "message": t.message, "error": t.error,
             "container_id": t.container_id, "timestamp": t.timestamp,
             "networks": [{"network_id": a.network_id, "network_name": a.network_name, "addresses": list(a.addresses)}
                          for a in t.attachments]}
            for t in state.tasks
        ],
        "overlays": [
            {"network_id": o.network_id, "known": o.known,
             "peers": [{"name": p.name, "ip": p.ip} for p in o.peers],
             "services": [{"name": s.name, "vip": s.vip, "ports": list(s.ports),
                           "tasks": [{"name": t.name, "ip": t.ip, "host_ip": t.host_ip, "endpoint_id": t.endpoint_id} for t in s.tasks]}
                          for s in o.services],
             "special": [{"key": e.key, "name": e.name, "ip": e.ip, "mac": e.mac} for e in o.special]}
            for o in state.overlays
        ],
        "gwbridge_id": state.gwbridge_id,
        "gateways": [{"container_id": g.container_id, "name": g.name, "ipv4": g.ipv4, "mac": g.mac} for g in state.gateways],
    }


def swarm_from_dict(d: Any) -> SwarmState | None:
    """The top-level `swarm` object read back (None when absent: not in swarm mode, or an older dump)."""
    if not isinstance(d, dict):
        return None
    return SwarmState(
        node_id=str(d.get("node_id", "")),
        node_addr=str(d.get("node_addr", "")),
        hostname=str(d.get("hostname", "")),
        state=str(d.get("state") or "inactive"),
        manager=bool(d.get("manager")),
        managers=tuple(str(m) for m in d.get("managers") or ()),
        cluster_error=str(d.get("cluster_error") or ""),
        nodes=tuple(SwarmNode(id=n["id"], hostname=n.get("hostname", ""), role=n.get("role", ""), state=n.get("state", ""),
                              availability=n.get("availability", ""), addr=n.get("addr", ""), leader=bool(n.get("leader")),
                              manager_addr=n.get("manager_addr", ""), engine_version=n.get("engine_version", ""))
                    for n in d.get("nodes") or ()),
        services=tuple(Service(
            id=s["id"], name=s["name"], mode=s.get("mode", "replicated"), replicas=s.get("replicas"),
            endpoint_mode=s.get("endpoint_mode", "vip"),
            ports=tuple(ServicePort(target=int(p["target"]), published=p.get("published"), protocol=p.get("protocol", "tcp"),
                                    mode=p.get("mode", "ingress")) for p in s.get("ports") or ()),
            vips=tuple((str(v["network_id"]), str(v["addr"])) for v in s.get("vips") or ()),
            networks=tuple(s.get("networks") or ()), image=s.get("image", ""),
            labels=tuple(sorted((str(k), str(v)) for k, v in (s.get("labels") or {}).items())),
            created=s.get("created", ""), updated=s.get("updated", ""),
        ) for s in d.get("services") or ()),
        tasks=tuple(Task(
            id=t["id"], service_id=t.get("service_id", ""), service_name=t.get("service_name", ""), slot=t.get("slot"),
            node_id=t.get("node_id", ""), state=t.get("state", ""), desired_state=t.get("desired_state", ""),
            message=t.get("message", ""), error=t.get("error", ""), container_id=t.get("container_id", ""),
            timestamp=t.get("timestamp", ""),
            attachments=tuple(Attachment(a["network_id"], a.get("network_name", ""), tuple(a.get("addresses") or ()))
                              for a in t.get("networks") or ()),
        ) for t in d.get("tasks") or ()),
        overlays=tuple(OverlayView(
            network_id=o["network_id"], known=bool(o.get("known", True)),
            peers=tuple(Peer(p.get("name", ""), p.get("ip", "")) for p in o.get("peers") or ()),
            services=tuple(LBService(name=s.get("name", ""), vip=s.get("vip", ""), ports=tuple(s.get("ports") or ()),
                                     tasks=tuple(LBTask(t.get("name", ""), t.get("ip", ""), t.get("host_ip", ""), t.get("endpoint_id", ""))
                                                 for t in s.get("tasks") or ()))
                           for s in o.get("services") or ()),
            special=tuple(SpecialEndpoint(e["key"], e.get("name", ""), e.get("ip", ""), e.get("mac", "")) for e in o.get("special") or ()),
        ) for o in d.get("overlays") or ()),
        gwbridge_id=str(d.get("gwbridge_id") or ""),
        gateways=tuple(GatewayEndpoint(g["container_id"], g.get("name", ""), g.get("ipv4", ""), g.get("mac", ""))
                       for g in d.get("gateways") or ()),
    )
