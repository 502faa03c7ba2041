"""The JSON form of a snapshot: `netui dump --json`, schema "netui.dump/1".

The schema is documented in docs/dump-schema.md. Within version 1, fields are
only ever added, never renamed or removed. A dump can be read back into a
Snapshot (`from_dict`), which is how tests and `netui --replay` show a
topology recorded from a real engine.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from netui.engine.model import Container, ContainerConfig, Endpoint, EngineInfo, IpamConfig, Network, Port, Snapshot, parse_time
from netui.engine.swarm_schema import network_swarm_dict, swarm_dict, swarm_from_dict

SCHEMA = "netui.dump/1"


class SchemaError(ValueError):
    pass


def _iso(ts: float) -> str:
    if not ts:
        return ""
    return _dt.datetime.fromtimestamp(ts, _dt.UTC).isoformat().replace("+00:00", "Z")


def _from_iso(text: str) -> float:
    return parse_time(text)


def endpoint_dict(e: Endpoint) -> dict[str, Any]:
    return {
        "network_id": e.network_id,
        "network_name": e.network_name,
        "container_id": e.container_id,
        "container_name": e.container_name,
        "endpoint_id": e.endpoint_id,
        "ipv4": e.ipv4,
        "prefix_len": e.prefix_len,
        "ipv6": e.ipv6,
        "ipv6_prefix_len": e.ipv6_prefix_len,
        "mac": e.mac,
        "gateway": e.gateway,
        "ipv6_gateway": e.ipv6_gateway,
        "static_ipv4": e.static_ipv4,
        "static_ipv6": e.static_ipv6,
        "aliases": list(e.aliases),
        "dns_names": list(e.dns_names),
        "gw_priority": e.gw_priority,
    }


def port_dict(p: Port) -> dict[str, Any]:
    return {
        "container_port": p.container_port,
        "protocol": p.protocol,
        "host_ip": p.host_ip,
        "host_port": p.host_port,
        "published": p.published,
        "all_interfaces": p.all_interfaces,
    }


def network_dict(n: Network, snap: Snapshot) -> dict[str, Any]:
    return {
        "id": n.id,
        "name": n.name,
        "driver": n.driver,
        "scope": n.scope,
        "builtin": n.builtin,
        "default_bridge": n.is_default_bridge,
        "dns": n.has_dns,
        "internal": n.internal,
        "attachable": n.attachable,
        "ingress": n.ingress,
        "ipv6": n.ipv6,
        "ipv4": n.ipv4,
        "config_only": n.config_only,
        "config_from": n.config_from,
        "ipam": {
            "driver": n.ipam_driver,
            "options": dict(n.ipam_options),
            "config": [
                {"subnet": c.subnet, "gateway": c.gateway, "ip_range": c.ip_range, "aux_addresses": dict(c.aux_addresses)}
                for c in n.ipam
            ],
        },
        "options": dict(n.options),
        "labels": dict(n.labels),
        "compose_project": n.compose_project,
        "compose_network": n.compose_network,
        "created": n.created,
        "synthetic": n.synthetic,
        "containers": [
            {
                "id": m.container.id,
                "name": m.container.name,
                "via": m.via.name if m.via else None,
                "ipv4": m.endpoint.ipv4_cidr if m.endpoint else "",
                "ipv6": m.endpoint.ipv6_cidr if m.endpoint else "",
                "mac": m.endpoint.mac if m.endpoint else "",
                "names": list(m.endpoint.names) if m.endpoint else [],
            }
            for m in snap.members(n.id)
        ],
        # A swarm-scoped network: its services (VIP, tasks with their node), peers and other endpoints; else null.
        "swarm": network_swarm_dict(snap.swarm, n.id, n.scope),
    }


def container_dict(c: Container, snap: Snapshot) -> dict[str, Any]:
    owner = snap.stack_holder(c) if c.mode == "container" else None
    return {
        "id": c.id,
        "name": c.name,
        "image": c.image,
        "image_id": c.image_id,
        "command": c.command,
        "created": c.created,
        "state": c.state,
        "status": c.status,
        "network_mode": c.network_mode,
        "mode": c.mode,
        "shares_stack_with": owner.id if owner else (c.stack_owner or None),
        "labels": dict(c.labels),
        "compose_project": c.compose_project,
        "compose_service": c.compose_service,
        "details": c.details,
        "endpoints": [endpoint_dict(e) for e in c.endpoints],
        "ports": [port_dict(p) for p in c.ports],
        "mounts": list(c.mounts),
        "config": config_dict(c.config) if c.config is not None else None,
    }


def engine_dict(e: EngineInfo) -> dict[str, Any]:
    return {
        "host": e.host,
        "version": e.version,
        "api_version": e.api_version,
        "os": e.os,
        "arch": e.arch,
        "name": e.name,
        "swarm": e.swarm,
        "swarm_manager": e.swarm_manager,
        "network_drivers": list(e.network_drivers),
        "address_pools": None if e.address_pools is None else [{"base": b, "size": n} for b, n in e.address_pools],
        "product": e.product,
        "context": e.context,
    }


def config_dict(cfg: ContainerConfig) -> dict[str, Any]:
    return {
        "port_bindings": [{"container_port": k, "host_ip": ip, "host_port": port} for k, ip, port in cfg.port_bindings],
        "env_hosts": [{"variable": var, "host": host} for var, host in cfg.env_hosts],
        "links": [{"container": t, "alias": a} for t, a in cfg.links],
        "dns": list(cfg.dns),
        "extra_hosts": list(cfg.extra_hosts),
        "cap_add": list(cfg.cap_add),
        "cap_drop": list(cfg.cap_drop),
        "privileged": cfg.privileged,
    }


def _config(d: Any) -> ContainerConfig | None:
    if not isinstance(d, dict):
        return None
    return ContainerConfig(
        port_bindings=tuple((str(b["container_port"]), str(b.get("host_ip") or ""), b.get("host_port")) for b in d.get("port_bindings") or []),
        env_hosts=tuple((str(e["variable"]), str(e["host"])) for e in d.get("env_hosts") or []),
        links=tuple((str(x["container"]), str(x.get("alias") or x["container"])) for x in d.get("links") or []),
        dns=tuple(d.get("dns") or ()),
        extra_hosts=tuple(d.get("extra_hosts") or ()),
        cap_add=tuple(d.get("cap_add") or ()),
        cap_drop=tuple(d.get("cap_drop") or ()),
        privileged=bool(d.get("privileged")),
    )


def to_dict(snap: Snapshot) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "taken_at": _iso(snap.taken_at),
        "engine": engine_dict(snap.engine),
        "networks": [network_dict(n, snap) for n in snap.networks],
        "containers": [container_dict(c, snap) for c in snap.containers],
        "compose_projects": compose_projects(snap),
        "swarm": swarm_dict(snap.swarm),
    }


def compose_projects(snap: Snapshot) -> list[dict[str, Any]]:
    """The compose projects, derived from the labels (netui.engine.compose)."""
    from netui.engine import compose

    out = []
    for p in compose.projects(snap):
        default = p.default_network
        out.append({
            "name": p.name,
            "services": {s.name: [c.name for c in s.containers] for s in p.services},
            "networks": [n.name for n in p.networks],
            "default_network": default.name if default is not None else None,
            "joined_networks": [n.name for n in p.joined],
            "unreachable_projects": [q.name for q in compose.unreachable_from(snap, p)],
        })
    return out


def _pools(raw: Any) -> tuple[tuple[str, int], ...] | None:
    """The engine's default address pools; None in a dump made before they were recorded."""
    if raw is None:
        return None
    return tuple((str(p["base"]), int(p["size"])) for p in raw)


def _pairs(d: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in (d or {}).items()))


def from_dict(data: Any) -> Snapshot:
    """Read a dump back. Raises SchemaError for anything that is not a netui dump."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise SchemaError(f"not a netui dump (expected schema {SCHEMA!r})")
    try:
        eng = data.get("engine") or {}
        engine = EngineInfo(
            host=str(eng.get("host", "")),
            version=str(eng.get("version", "")),
            api_version=str(eng.get("api_version", "")),
            os=str(eng.get("os", "")),
            arch=str(eng.get("arch", "")),
            name=str(eng.get("name", "")),
            swarm=str(eng.get("swarm", "inactive")),
            swarm_manager=bool(eng.get("swarm_manager", False)),
            network_drivers=tuple(eng.get("network_drivers") or ()),
            address_pools=_pools(eng.get("address_pools")),
            product=str(eng.get("product") or "Docker"),
            context=str(eng.get("context") or ""),
        )
        networks = []
        for n in data.get("networks") or []:
            ipam = n.get("ipam") or {}
            networks.append(
                Network(
                    id=n["id"],
                    name=n["name"],
                    driver=n.get("driver", ""),
                    scope=n.get("scope", ""),
                    internal=bool(n.get("internal")),
                    attachable=bool(n.get("attachable")),
                    ingress=bool(n.get("ingress")),
                    ipv6=bool(n.get("ipv6")),
                    ipv4=bool(n.get("ipv4", True)),
                    config_only=bool(n.get("config_only")),
                    config_from=n.get("config_from", ""),
                    ipam_driver=ipam.get("driver", ""),
                    ipam=tuple(
                        IpamConfig(
                            subnet=c.get("subnet", ""),
                            gateway=c.get("gateway", ""),
                            ip_range=c.get("ip_range", ""),
                            aux_addresses=_pairs(c.get("aux_addresses")),
                        )
                        for c in ipam.get("config") or []
                    ),
                    ipam_options=_pairs(ipam.get("options")),
                    options=_pairs(n.get("options")),
                    labels=_pairs(n.get("labels")),
                    created=n.get("created", ""),
                    synthetic=bool(n.get("synthetic")),
                )
            )
        containers = []
        for c in data.get("containers") or []:
            containers.append(
                Container(
                    id=c["id"],
                    name=c["name"],
                    image=c.get("image", ""),
                    image_id=c.get("image_id", ""),
                    command=c.get("command", ""),
                    created=int(c.get("created") or 0),
                    state=c.get("state", ""),
                    status=c.get("status", ""),
                    network_mode=c.get("network_mode", ""),
                    labels=_pairs(c.get("labels")),
                    details=bool(c.get("details", True)),
                    ports=tuple(
                        Port(
                            container_port=int(p["container_port"]),
                            protocol=p.get("protocol", "tcp"),
                            host_ip=p.get("host_ip", ""),
                            host_port=p.get("host_port"),
                        )
                        for p in c.get("ports") or []
                    ),
                    endpoints=tuple(
                        Endpoint(
                            network_id=e.get("network_id", ""),
                            network_name=e.get("network_name", ""),
                            container_id=c["id"],
                            container_name=c["name"],
                            endpoint_id=e.get("endpoint_id", ""),
                            ipv4=e.get("ipv4", ""),
                            prefix_len=int(e.get("prefix_len") or 0),
                            ipv6=e.get("ipv6", ""),
                            ipv6_prefix_len=int(e.get("ipv6_prefix_len") or 0),
                            mac=e.get("mac", ""),
                            gateway=e.get("gateway", ""),
                            ipv6_gateway=e.get("ipv6_gateway", ""),
                            static_ipv4=e.get("static_ipv4", ""),
                            static_ipv6=e.get("static_ipv6", ""),
                            aliases=tuple(e.get("aliases") or ()),
                            dns_names=tuple(e.get("dns_names") or ()),
                            gw_priority=e.get("gw_priority"),
                        )
                        for e in c.get("endpoints") or []
                    ),
                    mounts=tuple(str(m) for m in c.get("mounts") or ()),
                    config=_config(c.get("config")),
                )
            )
        swarm = swarm_from_dict(data.get("swarm"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SchemaError(f"malformed netui dump: {exc!r}") from None
    return Snapshot.build(networks, containers, engine=engine, taken_at=_from_iso(str(data.get("taken_at") or "")), swarm=swarm)
