"""The checks: each a small pure function over a Context (the snapshot, the host's
routes) that yields Findings.

The threads each comes from (the problems Docker users meet again and again):
- default-bridge, default-bridge-names: docker/for-win#1009, moby#17571
- port-all-interfaces: moby#22054 (ufw bypassed)
- subnet-overlap, subnet-host-route: docker/for-mac#2820, libnetwork#779
- address-pools: moby#29239, docker/for-mac#7270
- empty-network: prune candidates (docker network prune)
- missing-network: moby#17160, portainer#1829 (a network removed under a stopped container)
- stale-endpoint: moby#42119, moby#23302 ("network has active endpoints")
- shared-stack: moby#49374, moby#50326 (--network container:<x> when x is gone or stopped)
- internal-ports: published ports of a container only on internal networks
- meant-to-talk: docker/compose#4225 (two compose projects, two default networks)
- duplicate-network-name: moby#18864, moby#30242 (the API allows two networks of one name)
- host-port-clash: "port is already allocated" on start
- resolver-not-embedded: jlesage/docker-nginx-proxy-manager#45 (a resolv.conf without 127.0.0.11:
  other containers' names do not resolve); a --dns does not cause it on a user network
  (checked: resolv.conf keeps 127.0.0.11, which forwards to the --dns servers)
- shared-alias: moby#20155, moby#43016 (one alias, several containers: round robin)
- icc-disabled: moby#31453, moby#48356 (enable_icc=false on a network)
- host-mode-ports: `docker run` warns "Published ports are discarded when using host network mode"

What only an inspect tells (port bindings of stopped containers, environment,
links, aliases before details arrive) is used when the container's `config` is
known: always in the explorer for containers on user networks, and for every
container with `netui doctor --deep`.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import accumulate

from netui.engine.doctor.context import Context
from netui.engine.doctor.explain import EXPLAIN
from netui.engine.doctor.findings import INFO, PROBLEM, WARNING, Finding, Fix, Subject
from netui.engine.doctor.pools import headroom, usage, warn_below
from netui.engine.hostnet import docker_bridge_names, host_overlaps
from netui.engine.model import Container, Network, addresses_overlap
from netui.engine.specs import ConnectSpec, DisconnectSpec, NetworkSpec, StepsSpec

Check = Callable[[Context], Iterable[Finding]]
OPT_ICC = "com.docker.network.bridge.enable_icc"
FALSE = ("0", "f", "F", "FALSE", "false", "False")


def _finding(check: str, severity: str, title: str, subjects: Iterable[Network | Container], evidence: Iterable[str] = (),
             fix: Fix | None = None, key: str = "") -> Finding:
    subs = tuple(dict.fromkeys(Subject.of(s) for s in subjects))
    return Finding(check, severity, title, subs, EXPLAIN[check], tuple(evidence), fix, key)


def connect_fix(network: Network, container: Container, note: str = "", alias: str = "") -> Fix:
    """docker network connect: safe, and undone by a disconnect."""
    spec = ConnectSpec(network.name, container.name, aliases=alias, network_id=network.id, container_id=container.id)
    undo = DisconnectSpec(network.name, container.name, network_id=network.id)
    return Fix((tuple(spec.argv()),), note, (spec,), (undo,))


def free_network_name(ctx: Context, base: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.-]", "", base)[:40] or "shared"
    names = ctx.snapshot.network_by_name
    name, i = f"{base}-net", 2
    while name in names:
        name, i = f"{base}-net{i}", i + 1
    return name


def join_fix(ctx: Context, containers: list[Container], base: str) -> Fix:
    """A new user-defined bridge network with these containers on it (each step reversible)."""
    name = free_network_name(ctx, base)
    create = NetworkSpec(name=name)
    connects = [ConnectSpec(name, c.name, container_id=c.id) for c in containers]
    steps = StepsSpec((create, *connects))
    undo = [DisconnectSpec(name, c.name) for c in containers]
    return Fix(tuple(tuple(a) for a in steps.all_argv()), "", (steps,), (StepsSpec((*undo,)),) if undo else ())


def _user_dns(nets: Iterable[Network]) -> list[Network]:
    return [n for n in nets if n.has_dns and not n.builtin and n.driver not in ("host", "null")]


# -- the default bridge -------------------------------------------------------------
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


_TOKEN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


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


# -- published ports -----------------------------------------------------------------
def _recreate_commands(ctx: Context, c: Container, ports: list[str]) -> tuple[tuple[str, ...], ...]:
    nets = [n for n in ctx.networks_of.get(c.id, ()) if not n.is_default_bridge]
    run = ["docker", "run", "-d", "--name", c.name]
    if c.mode in ("host", "none", "container"):
        run += ["--network", c.network_mode]
    elif nets:
        run += ["--network", nets[0].name]
    for p in ports:
        run += ["-p", p]
    try:
        cmd = shlex.split(c.command or "")
    except ValueError:
        cmd = (c.command or "").split()
    out: list[tuple[str, ...]] = [("docker", "rm", "-f", c.name), tuple(run + [c.image or "IMAGE", *cmd])]
    for n in nets[1:]:
        out.append(("docker", "network", "connect", n.name, c.name))
    return tuple(out)


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
    seen: set[tuple] = set()
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


# -- subnets --------------------------------------------------------------------------
def _subnets(n: Network) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for s in n.subnets:
        try:
            out.append(ipaddress.ip_network(s, strict=False))
        except ValueError:
            continue
    return out


def subnet_overlaps(ctx: Context) -> Iterator[Finding]:
    spans = []
    for n in ctx.snapshot.networks:
        for s in _subnets(n):
            spans.append((s.version, int(s.network_address), int(s.broadcast_address), s, n))
    spans.sort(key=lambda t: (t[0], t[1], -t[2]))
    active: list[tuple] = []
    seen: set[tuple[str, str]] = set()
    for item in spans:
        version, lo, hi, s, n = item
        active = [a for a in active if a[0] == version and a[2] >= lo]
        for _, _, _, s2, n2 in active:
            if n2.id == n.id or tuple(sorted((n.id, n2.id))) in seen:
                continue
            if n.config_from == n2.name or n2.config_from == n.name:
                continue  # a network made from a config-only network has its subnet, by design
            seen.add(tuple(sorted((n.id, n2.id))))
            template = n if n.config_only else n2 if n2.config_only else None
            if template is not None:
                other = n2 if template is n else n
                yield _finding("subnet-overlap", WARNING,
                               f"config-only network {template.name} overlaps {other.name}", [template, other],
                               [f"{template.name}: {s2 if template is n2 else s} (config-only)", f"{other.name}: {s if other is n else s2}",
                                f"a network created with --config-from {template.name} would be refused (\"Pool overlaps\")"],
                               Fix((("docker", "network", "rm", template.name),
                                    ("docker", "network", "create", "--config-only", "--subnet", "FREE_SUBNET", template.name)),
                                   "pick a subnet no network uses"))
                continue
            yield _finding("subnet-overlap", PROBLEM, f"{n2.name} and {n.name} have overlapping subnets", [n2, n],
                           [f"{n2.name}: {s2}", f"{n.name}: {s}"],
                           Fix((("docker", "network", "rm", n.name), ("docker", "network", "create", "--subnet", "FREE_SUBNET", n.name)),
                               "disconnect its containers first (netui's d does that); pick a subnet no network uses"))
        active.append(item)


def subnet_host_routes(ctx: Context) -> Iterator[Finding]:
    host = ctx.host
    if not host.known:
        return
    snap = ctx.snapshot
    bridges = docker_bridge_names(snap)
    mine = [(n, s) for n in snap.networks if n.driver not in ("macvlan", "ipvlan") and not n.builtin and not n.config_only
            for s in _subnets(n)]  # macvlan/ipvlan sit on the host's LAN on purpose
    if not mine:
        return
    # Only the host's own routes that touch a Docker subnet matter; usually none do, and the
    # per-network work below is skipped (a busy host has hundreds of routes, most of them bridges').
    spans: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
    for _, s in mine:
        spans[s.version].append((int(s.network_address), int(s.broadcast_address)))
    starts = {v: sorted(x) for v, x in spans.items()}
    reach = {v: list(accumulate((hi for _, hi in x), max)) for v, x in starts.items()}  # the furthest end so far

    def touches(net) -> bool:
        lo, hi = int(net.network_address), int(net.broadcast_address)
        x = starts[net.version]
        i = bisect_right(x, (hi, 1 << 129)) - 1  # the last span starting at or before hi
        return i >= 0 and reach[net.version][i] >= lo

    relevant = tuple(r for r in host.routes if r.network.prefixlen > 0 and r.device not in bridges and touches(r.network))
    if not relevant:
        return
    few = replace(host, routes=relevant)
    for n, s in mine:
        if not any(r.network.version == s.version and r.network.overlaps(s) for r in relevant):
            continue
        # The host's routes other than the Docker bridges', this network's own included: a
        # LAN route with exactly this network's subnet is the case that hurts most.
        own = docker_bridge_names(replace(snap, networks=(n,)))
        others = replace(snap, networks=tuple(x for x in snap.networks if x.id != n.id))
        found = [r for r in host_overlaps(s, few, others) if r.device not in own]
        if not found:
            continue
        yield _finding("subnet-host-route", PROBLEM, f"{n.name} ({s}) overlaps this host's own networks", [n],
                       [f"{s} overlaps {r.describe()}" for r in found[:4]],
                       Fix((("docker", "network", "rm", n.name), ("docker", "network", "create", "--subnet", "FREE_SUBNET", n.name)),
                           "disconnect its containers first; or leave out --subnet and let Docker pick a free block"),
                       key=f"subnet-host-route:{n.id}:{s}")


def address_pools(ctx: Context) -> Iterator[Finding]:
    pools = usage(ctx.snapshot, ctx.host)
    if not pools:
        return
    free, total = headroom(pools)
    if free > warn_below(total):
        return
    evidence = [p.describe() for p in pools]
    if not ctx.host.known:
        evidence.append("this host's routes are unknown: Docker may skip more blocks that overlap them")
    fix = Fix((("docker", "network", "prune"),),
              "or set larger pools with smaller blocks in /etc/docker/daemon.json, e.g. "
              '"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}], and restart the daemon')
    if free == 0:
        yield _finding("address-pools", PROBLEM, "the engine's address pools are full: the next network create will fail",
                       [], evidence, fix, key="address-pools")
    else:
        yield _finding("address-pools", WARNING, f"only {free} more network{'s' if free != 1 else ''} fit in the engine's "
                       f"address pools (of {total})", [], evidence, fix, key="address-pools")


def duplicate_names(ctx: Context) -> Iterator[Finding]:
    by: dict[str, list[Network]] = {}
    for n in ctx.snapshot.networks:
        by.setdefault(n.name, []).append(n)
    for name, nets in sorted(by.items()):
        if len(nets) < 2:
            continue
        snap = ctx.snapshot
        used = sorted(nets, key=lambda n: -snap.container_count(n.id))
        spare = [n for n in used if snap.container_count(n.id) == 0] or used[1:]
        evidence = [f"{n.id[:12]}: {n.driver}, {n.scope or 'local'}, {', '.join(n.subnets) or 'no subnet'}, "
                    f"{snap.container_count(n.id)} containers" for n in nets]
        yield _finding("duplicate-network-name", PROBLEM, f"{len(nets)} networks are named {name}", nets, evidence,
                       Fix(tuple(("docker", "network", "rm", n.id[:12]) for n in spare),
                           "by ID, the one(s) no container uses (or move the containers first)"), key=f"duplicate-network-name:{name}")


def empty_networks(ctx: Context) -> Iterator[Finding]:
    used = {e.network_id for c in ctx.snapshot.containers for e in c.endpoints}
    for n in ctx.snapshot.networks:
        if n.protected or n.config_only or n.scope == "swarm" or n.id in used:
            continue
        yield _finding("empty-network", INFO, f"{n.name} has no containers (a prune candidate)", [n],
                       [f"{n.name}: {n.driver}, {', '.join(n.subnets) or 'no subnet'}, no container, running or stopped"],
                       Fix((("docker", "network", "rm", n.name),), "or `docker network prune` for every unused network"))


def icc_disabled(ctx: Context) -> Iterator[Finding]:
    for n in ctx.snapshot.networks:
        if n.driver != "bridge" or n.option(OPT_ICC) not in FALSE or n.is_default_bridge:
            continue
        members = [m.container for m in ctx.snapshot.members(n.id) if m.container.running]
        if len(members) < 2:
            continue
        yield _finding("icc-disabled", INFO, f"containers on {n.name} cannot reach each other (ICC off)", [n, *members],
                       [f"{n.name}: {OPT_ICC}=false", f"{len(members)} running containers on it: {', '.join(c.name for c in members[:6])}"],
                       Fix((("docker", "network", "rm", n.name), ("docker", "network", "create", n.name)),
                           "only if they should talk: disconnect its containers first and connect them again afterwards"))


# -- containers and their networks ----------------------------------------------------
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
            targets = ctx.by_dns_name.get(host) or ([(ctx.by_name[host], None)] if host in ctx.by_name else [])
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


# id -> (the check, what it needs beyond the container list: "" | "details" | "network-inspect")
CHECKS: dict[str, tuple[Check, str]] = {
    "default-bridge": (default_bridge, ""),
    "default-bridge-names": (default_bridge_names, ""),
    "port-all-interfaces": (ports_all_interfaces, ""),
    "subnet-overlap": (subnet_overlaps, ""),
    "subnet-host-route": (subnet_host_routes, ""),
    "address-pools": (address_pools, ""),
    "empty-network": (empty_networks, ""),
    "missing-network": (missing_networks, ""),
    "stale-endpoint": (stale_endpoints, "network-inspect"),
    "shared-stack": (shared_stacks, ""),
    "internal-ports": (internal_ports, "details"),
    "meant-to-talk": (meant_to_talk, ""),
    "duplicate-network-name": (duplicate_names, ""),
    "host-port-clash": (host_port_clashes, ""),
    "resolver-not-embedded": (resolver_mounts, ""),
    "shared-alias": (shared_aliases, "details"),
    "icc-disabled": (icc_disabled, ""),
    "host-mode-ports": (host_mode_ports, "details"),
}
