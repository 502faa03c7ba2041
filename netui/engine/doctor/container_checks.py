"""The checks about containers and how they use networks: the default bridge, published
ports, stopped containers' networks and ports, shared stacks, stale endpoints, the
resolver, aliases, and containers that look meant to talk but cannot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from netui.engine.doctor.common import _finding, _recreate_commands, _user_dns, connect_fix, join_fix
from netui.engine.doctor.context import Context
from netui.engine.doctor.findings import INFO, PROBLEM, WARNING, Finding, Fix
from netui.engine.model import Container, Network, addresses_overlap
from netui.engine.specs import ConnectSpec, DisconnectSpec, StepsSpec

_TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def default_bridge(ctx: Context) -> Iterator[Finding]:
    bridge = ctx.default_bridge
    if bridge is None:
        return
    for m in ctx.snapshot.members(bridge.id):
        c = m.container
        if m.endpoint is None:
            continue  # shares another's stack: reported for that one
        others = [n for n in ctx.networks_of.get(c.id, ()) if n.id != bridge.id]
        if _user_dns(others):
            continue  # also on a user network: names work there
        e = m.endpoint
        where = f"{e.ipv4} on {bridge.name}" if e.ipv4 else f"{bridge.name} ({c.state or 'not running'})"
        fix = join_fix(ctx, [c], c.name)
        fix = Fix(fix.commands + ((("docker", "network", "disconnect", bridge.name, c.name)),),
                  "the last command takes it off the default bridge once nothing needs its old address")
        yield _finding("default-bridge", INFO, f"{c.name} is on the default bridge network", [c, bridge],
                       [f"{c.name}: {where}", "no name resolution there: other containers reach it by IP address only"], fix)


def _named_in_command(c: Container) -> set[str]:
    return {t.lower().rstrip(".") for t in _TOKEN.findall(c.command or "")}


def default_bridge_names(ctx: Context) -> Iterator[Finding]:
    """Containers on the default bridge that refer to each other by name (command, environment)."""
    bridge = ctx.default_bridge
    if bridge is None:
        return
    members = [m.container for m in ctx.snapshot.members(bridge.id) if m.endpoint is not None]
    by_name = {c.name.lower(): c for c in members}
    for a in members:
        words = _named_in_command(a)
        env = {host: var for var, host in (a.config.env_hosts if a.config else ())}
        linked = {t.lower() for t, _ in (a.config.links if a.config else ())} | \
                 {al.lower() for _, al in (a.config.links if a.config else ())}
        for name, b in by_name.items():
            if b.id == a.id or (name not in words and name not in env):
                continue
            if name in linked or any(n.has_dns and ctx.resolves(a, b, name) for n in ctx.shared(a, b)):
                continue  # a legacy link (or a shared user network) makes the name work
            how = f"its environment ({env[name]}={b.name})" if name in env else f"its command ({a.command[:80]})"
            yield _finding(
                "default-bridge-names", WARNING, f"{a.name} refers to {b.name} by name on the default bridge",
                [a, b, bridge],
                [f"{a.name} names {b.name} in {how}", f"they share only {bridge.name}: the name {b.name} does not resolve there"],
                join_fix(ctx, [a, b], f"{a.name}-{b.name}"), key=f"default-bridge-names:{a.id}:{b.id}")


def ports_all_interfaces(ctx: Context) -> Iterator[Finding]:
    for c in ctx.snapshot.containers:
        wide = [p for p in c.published_ports if p.all_interfaces]
        if not wide:
            continue
        evidence = [f"{p.host_address} → {c.name}:{p.container_side} (reachable from every network of the host)" for p in wide]
        if c.compose_project and c.compose_service:
            sample = wide[0]
            fix = Fix((("docker", "compose", "-p", c.compose_project, "up", "-d", c.compose_service),),
                      f'first, in the compose file: ports: ["127.0.0.1:{sample.host_port}:{sample.container_port}"]; '
                      "compose then re-creates the container")
        else:
            ports = []
            seen = set()
            for p in c.published_ports:
                host = "127.0.0.1" if p.all_interfaces else (f"[{p.host_ip}]" if ":" in p.host_ip else p.host_ip)
                proto = "" if p.protocol == "tcp" else f"/{p.protocol}"
                spec = f"{host}:{p.host_port}:{p.container_port}{proto}"
                if spec not in seen:
                    seen.add(spec)
                    ports.append(spec)
            fix = Fix(_recreate_commands(ctx, c, ports),
                      f"re-creating it is the only way to move a port; keep its other settings (environment, volumes, "
                      f"restart policy: docker inspect {c.name})")
        yield _finding("port-all-interfaces", WARNING,
                       f"{c.name} publishes {', '.join(dict.fromkeys(str(p.host_port) for p in wide))} on all interfaces",
                       [c, *ctx.networks_of.get(c.id, ())], evidence, fix)


def host_port_clashes(ctx: Context) -> Iterator[Finding]:
    snap = ctx.snapshot
    held: list[tuple[Container, str, int, str]] = []  # running: (container, host ip, port, proto)
    for c in snap.containers:
        for p in c.published_ports:
            held.append((c, p.host_ip, int(p.host_port or 0), p.protocol))
    wanted: list[tuple[Container, str, int, str, str]] = []  # stopped, configured
    for c in snap.containers:
        if c.running or c.state == "paused" or c.config is None:
            continue
        for key, ip, port in c.config.port_bindings:
            if port:
                cport, _, proto = key.partition("/")
                wanted.append((c, ip, port, proto or "tcp", cport))
    seen: set[tuple[Any, ...]] = set()
    # Two running containers on one address and port (possible only where Docker does not check).
    for i, (a, ip1, port, proto) in enumerate(held):
        for b, ip2, port2, proto2 in held[i + 1:]:
            if a.id != b.id and port == port2 and proto == proto2 and addresses_overlap(ip1, ip2):
                k = ("run", *sorted((a.id, b.id)), port, proto)
                if k not in seen:
                    seen.add(k)
                    yield _finding("host-port-clash", PROBLEM, f"{a.name} and {b.name} both publish host port {port}/{proto}",
                                   [a, b], [f"{a.name}: {ip1 or '0.0.0.0'}:{port}", f"{b.name}: {ip2 or '0.0.0.0'}:{port}"])
    for c, ip, port, proto, cport in wanted:
        for b, ip2, port2, proto2 in held:
            if port == port2 and proto == proto2 and addresses_overlap(ip, ip2):
                yield _finding(
                    "host-port-clash", PROBLEM, f"{c.name} cannot start: host port {port}/{proto} is held by {b.name}",
                    [c, b], [f"{c.name} ({c.state}) is configured for {ip or '0.0.0.0'}:{port} → {cport}/{proto}",
                             f"{b.name} (running) publishes {ip2 or '0.0.0.0'}:{port}"],
                    Fix(_recreate_commands(ctx, c, [f"{ip or '127.0.0.1'}::{cport}" + ('' if proto == 'tcp' else f'/{proto}')]),
                        "an empty host port lets Docker pick a free one; keep its other settings (docker inspect "
                        f"{c.name})"), key=f"host-port-clash:{c.id}:{b.id}:{port}/{proto}")
                break
    for i, (a, ip1, port, proto, _) in enumerate(wanted):
        for b, ip2, port2, proto2, _ in wanted[i + 1:]:
            if a.id != b.id and port == port2 and proto == proto2 and addresses_overlap(ip1, ip2) \
                    and not any(h[2] == port and h[3] == proto for h in held):
                k = ("stopped", *sorted((a.id, b.id)), port, proto)
                if k not in seen:
                    seen.add(k)
                    yield _finding("host-port-clash", WARNING, f"{a.name} and {b.name} want the same host port {port}/{proto}",
                                   [a, b], [f"{a.name} and {b.name} (both stopped) are configured for host port {port}: "
                                            "only one of them can run at a time"])


def internal_ports(ctx: Context) -> Iterator[Finding]:
    bridge = ctx.default_bridge
    for c in ctx.snapshot.containers:
        if c.mode != "network" or c.config is None:
            continue
        nets = ctx.networks_of.get(c.id, ())
        if not nets or not all(n.internal for n in nets):
            continue
        binds = [(k, ip, p) for k, ip, p in c.config.port_bindings]
        if not binds:
            continue
        shown = ", ".join(f"{ip + ':' if ip else ''}{p or '(any)'}→{k}" for k, ip, p in binds)
        fix = connect_fix(bridge, c, "its published ports are set up as soon as it joins") if bridge is not None else None
        yield _finding("internal-ports", PROBLEM, f"{c.name} publishes ports but is only on internal networks",
                       [c, *nets], [f"{c.name} asks for {shown}", f"its networks: {', '.join(n.name + ' (internal)' for n in nets)}",
                                    "no host port is open for it"], fix)


def host_mode_ports(ctx: Context) -> Iterator[Finding]:
    for c in ctx.snapshot.containers:
        if c.mode != "host" or c.config is None or not c.config.port_bindings:
            continue
        shown = ", ".join(f"{p or ''}→{k}" for k, _, p in c.config.port_bindings)
        yield _finding("host-mode-ports", INFO, f"{c.name} runs on the host network: its -p {shown} is ignored", [c],
                       [f"{c.name}: network mode host", f"configured port bindings: {shown}"])


def missing_networks(ctx: Context) -> Iterator[Finding]:
    snap = ctx.snapshot
    for c in snap.containers:
        for e in c.endpoints:
            if (e.network_id and e.network_id in snap.network_by_id) or e.network_name in snap.network_by_name:
                continue
            others = [n for n in ctx.networks_of.get(c.id, ())]
            fix = Fix((("docker", "network", "disconnect", e.network_name, c.name),
                       *(() if others else (("docker", "network", "connect", "bridge", c.name),))),
                      f"or re-create the network: docker network create {e.network_name}")
            yield _finding("missing-network", PROBLEM, f"{c.name} refers to network {e.network_name}, which no longer exists",
                           [c], [f"{c.name} ({c.state or 'not running'}) is configured for {e.network_name}",
                                 f"no network named {e.network_name} on the engine: starting it fails with \"network {e.network_name} not found\""],
                           fix, key=f"missing-network:{c.id}:{e.network_name}")


def shared_stacks(ctx: Context) -> Iterator[Finding]:
    snap = ctx.snapshot
    for c in snap.containers:
        if c.mode != "container":
            continue
        owner = snap.stack_holder(c)
        if owner is None:
            yield _finding("shared-stack", PROBLEM, f"{c.name} shares the network stack of a container that is gone", [c],
                           [f"{c.name}: --network {c.network_mode}", f"no container {c.stack_owner[:12]} on the engine"],
                           Fix((("docker", "rm", "-f", c.name),), "then re-create it with --network container:<a running container>, "
                               "or on a network"), key=f"shared-stack:{c.id}")
        elif not owner.running and (c.running or c.state in ("created", "exited")):
            sev = WARNING
            what = (f"{c.name} is running with only a loopback interface" if c.running
                    else f"{c.name} cannot start until {owner.name} runs")
            yield _finding("shared-stack", sev, f"{owner.name}, whose network stack {c.name} uses, is {owner.state or 'not running'}",
                           [c, owner], [f"{c.name}: --network container:{owner.name}", what],
                           Fix((("docker", "start", owner.name), ("docker", "restart", c.name))), key=f"shared-stack:{c.id}")


def stale_endpoints(ctx: Context) -> Iterator[Finding]:
    if ctx.network_endpoints is None:
        return
    snap = ctx.snapshot
    for ep in ctx.network_endpoints:
        if ep.container_id in snap.container_by_id or ep.container_id.startswith("ep-"):
            continue  # ep-<id>: a swarm load-balancer endpoint, not a container
        n = snap.network_by_id.get(ep.network_id)
        if n is None:
            continue
        name = ep.name or ep.container_id[:12]
        yield _finding("stale-endpoint", PROBLEM, f"{n.name} holds an endpoint of a container that is gone ({name})", [n],
                       [f"{n.name} lists {name} ({ep.container_id[:12]}){' at ' + ep.ipv4 if ep.ipv4 else ''}",
                        "no such container on the engine: removing the network is refused (\"has active endpoints\")"],
                       Fix((("docker", "network", "disconnect", "--force", n.name, name),)),
                       key=f"stale-endpoint:{n.id}:{ep.container_id}")


def resolver_mounts(ctx: Context) -> Iterator[Finding]:
    for c in ctx.snapshot.containers:
        if "/etc/resolv.conf" not in c.mounts:
            continue
        nets = _user_dns(ctx.networks_of.get(c.id, ()))
        if not nets:
            continue
        yield _finding("resolver-not-embedded", WARNING, f"{c.name} does not use Docker's embedded DNS", [c, *nets],
                       [f"{c.name} mounts its own /etc/resolv.conf", f"on {', '.join(n.name for n in nets)}, container names resolve "
                        "only through 127.0.0.11"],
                       Fix(_recreate_commands(ctx, c, [f"{p.host_ip + ':' if p.host_ip else ''}{p.host_port}:{p.container_port}"
                                                      for p in c.published_ports]),
                           "without the -v …:/etc/resolv.conf mount; give --dns SERVER instead (keep its other settings: "
                           f"docker inspect {c.name})"))


def shared_aliases(ctx: Context) -> Iterator[Finding]:
    snap = ctx.snapshot
    for n in snap.networks:
        if not n.has_dns:
            continue
        owners: dict[str, list[Container]] = {}
        for m in snap.members(n.id):
            if m.endpoint is None or not m.container.running:
                continue
            for alias in m.endpoint.names:
                if alias == m.container.name or m.container.id.startswith(alias):
                    continue
                owners.setdefault(alias.lower(), []).append(m.container)
        for alias, cs in sorted(owners.items()):
            cs = list({c.id: c for c in cs}.values())
            if len(cs) < 2:
                continue
            services = {(c.compose_project, c.compose_service) for c in cs}
            if len(services) == 1 and next(iter(services))[1]:
                continue  # one compose service, scaled: round robin is the point
            if alias in ctx.by_name and ctx.by_name[alias] in cs:
                continue  # a container's own name wins; reported when someone probes it
            yield _finding("shared-alias", WARNING, f"{alias} on {n.name} answers for {len(cs)} containers", [n, *cs],
                           [f"{alias} → " + ", ".join(f"{c.name} ({(c.endpoint_on(n.id) or c.endpoints[0]).ipv4 or '?'})" for c in cs),
                            "the embedded DNS server returns all of them, in turn"],
                           key=f"shared-alias:{n.id}:{alias}")


def meant_to_talk(ctx: Context) -> Iterator[Finding]:
    snap = ctx.snapshot
    # 1. One names the other in its environment (DB_HOST=db), and the name does not resolve from it.
    for a in snap.containers:
        if a.config is None or not a.config.env_hosts or a.mode in ("host", "none"):
            continue
        for var, host in a.config.env_hosts:
            targets: list[tuple[Container, Network | None]] = list(ctx.by_dns_name.get(host) or ())
            if not targets and host in ctx.by_name:
                targets = [(ctx.by_name[host], None)]
            cands = {c.id: c for c, _ in targets if c.id != a.id}
            if not cands:
                continue
            if len(cands) > 1 and a.compose_project:
                same = {i: c for i, c in cands.items() if c.compose_project == a.compose_project}
                cands = same or cands
            if len(cands) != 1:
                continue
            b = next(iter(cands.values()))
            if ctx.resolves(a, b, host):
                continue
            shared = ctx.shared(a, b)
            if shared and all(n.is_default_bridge for n in shared):
                continue  # default-bridge-names says it
            where = [n for c, n in targets if c.id == b.id and n is not None] or _user_dns(ctx.networks_of.get(b.id, ()))
            fix = connect_fix(where[0], a, f"{a.name} then resolves {host} on {where[0].name}") if where else None
            ev = [f"{a.name} has {var}={host}…", f"{b.name} answers to {host} on {', '.join(n.name for n in where) or 'no user-defined network'}",
                  f"{a.name} is on {', '.join(n.name for n in ctx.networks_of.get(a.id, ())) or 'no network'}"]
            yield _finding("meant-to-talk", WARNING, f"{a.name} names {b.name} ({var}) but cannot resolve it",
                           [a, b, *where[:1]], ev, fix, key=f"meant-to-talk:{a.id}:{b.id}")
    # 2. Two compose projects whose names share a prefix (shop-api, shop-web) and share no network.
    projects: dict[str, list[Container]] = {}
    for c in snap.containers:
        if c.compose_project:
            projects.setdefault(c.compose_project, []).append(c)
    names = sorted(projects)
    for i, p in enumerate(names):
        for q in names[i + 1:]:
            prefix = _common_prefix(p, q)
            if not prefix:
                continue
            pa, qa = projects[p], projects[q]
            p_nets = {n.id for c in pa for n in ctx.networks_of.get(c.id, ())}
            q_nets = {n.id: n for c in qa for n in ctx.networks_of.get(c.id, ())}
            if p_nets & set(q_nets):
                continue
            small, big = (pa, qa) if len(pa) <= len(qa) else (qa, pa)
            big_name = q if big is qa else p
            target_nets = _user_dns({n.id: n for c in big for n in ctx.networks_of.get(c.id, ())}.values())
            default = next((n for n in target_nets if n.name == f"{big_name}_default"), target_nets[0] if target_nets else None)
            fix = None
            joiners = [c for c in small if c.mode == "network"]
            if default is not None and joiners:
                specs = tuple(ConnectSpec(default.name, c.name, network_id=default.id, container_id=c.id) for c in joiners)
                fix = Fix(tuple(tuple(s.argv()) for s in specs),
                          "lasting: declare a shared external network in both compose files",
                          (StepsSpec(specs),), (StepsSpec(tuple(DisconnectSpec(default.name, c.name, network_id=default.id)
                                                                for c in joiners)),))
            yield _finding("meant-to-talk", INFO, f"compose projects {p} and {q} share no network",
                           [*pa[:4], *qa[:4]], [f"project {p}: {', '.join(c.name for c in pa[:6])}",
                                                f"project {q}: {', '.join(c.name for c in qa[:6])}",
                                                f"the names share the prefix {prefix!r}; no container of one is on a network of the other"],
                           fix, key=f"meant-to-talk:{p}:{q}")


def _common_prefix(p: str, q: str) -> str:
    a, b = re.split(r"[-_]", p), re.split(r"[-_]", q)
    out = []
    for x, y in zip(a, b):
        if x != y:
            break
        out.append(x)
    prefix = "-".join(out)
    if len(prefix) < 3 or len(out) == len(a) or len(out) == len(b):
        return ""  # too short to mean anything, or one is the other's whole name
    return prefix


