"""What a tour step shows and how its outcome is judged, pure: facts read from a
snapshot (`facts`) and the verdicts of checks measured on the engine by
netui.engine.tour_run (`judge`, `judge_resolver`, `judge_embedded_dns`, `judge_host_port`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from netui.engine.demo import COMPOSE_SERVICES
from netui.engine.model import Container, Network, Snapshot
from netui.engine.probe_plan import EMBEDDED_DNS, OK, SKIPPED, ProbeResult, dns_verdict, parse_nslookup
from netui.engine.tour_steps import (
    COMPOSE_PROJECT_NAME,
    EmbeddedDnsCheck,
    Fact,
    Outcome,
    ProbeCheck,
    ResolverCheck,
    Step,
    World,
    find_container,
    find_network,
    leftovers,
)


# -- facts read from the topology ---------------------------------------------------------------------
def _addr(c: Container, net: Network | None) -> str:
    e = c.endpoint_on(net.id) if net is not None else None
    return e.ipv4_cidr if e is not None and e.ipv4 else ""


def _net_line(snap: Snapshot, net: Network) -> str:
    subnet = ", ".join(net.subnets) or "no subnet"
    gw = ", ".join(snap.gateways_of(net))
    return f"{net.name}: driver {net.driver}, {subnet}" + (f", gateway {gw}" if gw else "")


def _container_fact(snap: Snapshot, world: World, short: str, net_short: str) -> Fact:
    c = find_container(snap, world, short)
    net = find_network(snap, world, net_short)
    name = world.name(short)
    if c is None:
        return Fact(False, f"{name} is not there")
    if not c.running:
        return Fact(False, f"{name} is {c.state or 'not running'}")
    addr = _addr(c, net)
    if net is None or not addr:
        return Fact(False, f"{name} has no address on {world.name(net_short)}")
    return Fact(True, f"{name} runs, {addr} on {net.name}")


def facts(step: Step, snap: Snapshot, world: World) -> tuple[Fact, ...]:
    """What the topology shows about the step's outcome, right now."""
    fn = _FACTS.get(step.key)
    return tuple(fn(snap, world)) if fn is not None else ()


def _facts_drivers(snap: Snapshot, world: World) -> Iterable[Fact]:
    want = {"bridge": ("bridge", "the default bridge network"), "host": ("host", "the host's own network stack"),
            "none": ("null", "loopback only")}
    for name, (driver, what) in want.items():
        net = snap.network_by_name.get(name)
        if net is None:
            yield Fact(False, f"no {name} network on this engine")
            continue
        members = snap.container_count(net.id)
        subnet = f", {', '.join(net.subnets)}" if net.subnets else ""
        yield Fact(net.driver == driver, f"{name}: driver {net.driver}{subnet}: {what}; "
                   f"{members} container{'s' if members != 1 else ''}")


def _facts_custom(snap: Snapshot, world: World) -> Iterable[Fact]:
    net = find_network(snap, world, "my_custom_network")
    if net is None:
        yield Fact(False, f"{world.name('my_custom_network')} is not there")
        return
    yield Fact(net.driver == "bridge" and bool(net.subnets), _net_line(snap, net))
    yield Fact(net.has_dns, "embedded DNS: container names resolve on it" if net.has_dns else "no embedded DNS on it")


def _facts_containers(snap: Snapshot, world: World) -> Iterable[Fact]:
    for short in ("container1", "container2"):
        yield _container_fact(snap, world, short, "my_custom_network")


def _facts_by_name(snap: Snapshot, world: World) -> Iterable[Fact]:
    yield from _facts_containers(snap, world)


def _facts_default_bridge(snap: Snapshot, world: World) -> Iterable[Fact]:
    for short in ("legacy", "legacy2"):
        yield _container_fact(snap, world, short, "bridge")
    bridge = snap.network_by_name.get("bridge")
    if bridge is not None:
        yield Fact(not bridge.has_dns, "the default bridge has no embedded DNS: names do not resolve there")


def _facts_publish(snap: Snapshot, world: World) -> Iterable[Fact]:
    net = find_network(snap, world, "app_network")
    if net is not None:
        yield Fact(True, _net_line(snap, net))
    yield _container_fact(snap, world, "frontend", "app_network")
    c = find_container(snap, world, "frontend")
    ports = [p for p in (c.published_ports if c else ()) if p.container_port == 3000]
    if c is not None:
        if ports:
            p = ports[0]
            asked = world.frontend_port
            taken = f" (host port {asked} was taken: the engine picked {p.host_port})" if asked and p.host_port != asked else ""
            yield Fact(True, f"published: {p.host_address} → {c.name}:{p.container_side}{taken}")
        else:
            yield Fact(False, f"{c.name} publishes no port 3000")


def _facts_connect(snap: Snapshot, world: World) -> Iterable[Fact]:
    c = find_container(snap, world, "gateway")
    name = world.name("gateway")
    if c is None:
        yield Fact(False, f"{name} is not there")
        return
    for short in ("my_custom_network", "app_network"):
        net = find_network(snap, world, short)
        addr = _addr(c, net) if net else ""
        yield Fact(bool(addr), f"{name}: {addr} on {net.name}" if addr and net else f"{name} is not on {world.name(short)}")


def _facts_app(snap: Snapshot, world: World) -> Iterable[Fact]:
    yield _container_fact(snap, world, "backend", "app_network")
    c = find_container(snap, world, "backend")
    net = find_network(snap, world, "app_network")
    e = c.endpoint_on(net.id) if c and net else None
    if c is not None and e is not None and net is not None:
        names = dict.fromkeys((c.name, *e.names))
        yield Fact("api" in names, f"its names on {net.name}: {', '.join(names)}")
        yield Fact(not c.published_ports, "no port published: the host cannot reach it, containers on its network can"
                   if not c.published_ports else f"published: {', '.join(p.host_address for p in c.published_ports)}")


def _facts_compose(snap: Snapshot, world: World) -> Iterable[Fact]:
    project = world.name(COMPOSE_PROJECT_NAME)
    net = snap.network_by_name.get(f"{project}_default")
    if net is None:
        yield Fact(False, f"{project}_default is not there")
        return
    yield Fact(True, _net_line(snap, net) + f" (the default network of compose project {project})")
    for service in COMPOSE_SERVICES:
        c = find_container(snap, world, f"{COMPOSE_PROJECT_NAME}/{service}")
        if c is None:
            yield Fact(False, f"service {service} is not up")
            continue
        nets = [n.name for n in snap.networks_of(c)]
        yield Fact(c.running, f"service {service}: container {c.name}, {c.state}, on {', '.join(nets) or 'no network'}")


def _facts_isolation(snap: Snapshot, world: World) -> Iterable[Fact]:
    yield _container_fact(snap, world, "loner", "isolated_network")
    a, b = find_container(snap, world, "container1"), find_container(snap, world, "loner")
    if a is not None and b is not None:
        shared = {n.id for n in snap.networks_of(a)} & {n.id for n in snap.networks_of(b)}
        yield Fact(not shared, f"{a.name} and {b.name} share no network" if not shared
                   else f"{a.name} and {b.name} share a network: not isolated")


def _facts_aliases(snap: Snapshot, world: World) -> Iterable[Fact]:
    net = find_network(snap, world, "app_network")
    holders = []
    for short in ("backend", "backend2"):
        c = find_container(snap, world, short)
        e = c.endpoint_on(net.id) if c is not None and net is not None else None
        if c is not None and e is not None and "api" in e.names and e.ipv4:
            holders.append(f"{c.name} ({e.ipv4})")
    yield Fact(len(holders) == 2, f"api on {world.name('app_network')}: " + (", ".join(holders) or "nobody"))


def _facts_cleanup(snap: Snapshot, world: World) -> Iterable[Fact]:
    left = leftovers(snap, world)
    yield Fact(not left, "nothing of the tour is left" if not left else f"the tour's on the engine: {', '.join(left)}")


_FACTS: dict[str, Callable[[Snapshot, World], Iterable[Fact]]] = {
    "drivers": _facts_drivers, "custom": _facts_custom, "containers": _facts_containers, "by-name": _facts_by_name,
    "default-bridge": _facts_default_bridge, "publish": _facts_publish, "connect": _facts_connect, "app": _facts_app,
    "compose": _facts_compose, "isolation": _facts_isolation, "aliases": _facts_aliases, "cleanup": _facts_cleanup,
}


# -- judging measured checks --------------------------------------------------------------------------
def probe_target(check: ProbeCheck, world: World) -> str:
    host = check.target if check.literal_target else world.name(check.target)
    return f"{host}:{check.port}" if check.port else host


EXPECTED = {
    "by-name": "reachable by name",
    "by-ip-only": "reachable by IP only",
    "isolated": "isolated (no shared network)",
}


def judge(check: ProbeCheck, result: ProbeResult, snap: Snapshot, world: World) -> Outcome:
    """Whether a probe's result is what the step teaches, in a line."""
    verdict = result.verdict
    ok = verdict == EXPECTED[check.expect]
    shown = [c for c in result.checks if not (c.kind == "tcp" and c.status == SKIPPED and check.port is None)]
    text = f"{result.source} → {result.target}: {verdict}"
    if check.addresses_of:
        dns = next((c for c in result.checks if c.kind == "dns"), None)
        got = set(parse_nslookup(dns.output)) if dns is not None and dns.status == OK else set()
        net = find_network(snap, world, "app_network")
        want = {}
        for short in check.addresses_of:
            c = find_container(snap, world, short)
            e = c.endpoint_on(net.id) if c is not None and net is not None else None
            want[world.name(short)] = e.ipv4 if e is not None else ""
        have = [f"{n} ({ip})" for n, ip in want.items() if ip and ip in got]
        lacking = [n for n, ip in want.items() if not ip or ip not in got]
        ok = ok and not lacking
        text += f"; {check.target} → {', '.join(have) or 'none of them'}"
        if lacking:
            text += f" (not {', '.join(lacking)})"
    if check.why:
        text += f" ({check.why})"
    if not ok:
        text += f"; expected: {EXPECTED[check.expect]}"
    target = result.target.rsplit(":", 1)[0] if check.port else result.target
    return Outcome(ok, text, tuple(f"{c.kind} {c.status}: {c.summary}" for c in shown),
                   tuple(c.command for c in shown if c.command), (result.source, target, verdict))


NAMESERVER_RE = re.compile(r"^\s*nameserver\s+(\S+)", re.M)


def judge_resolver(check: ResolverCheck, world: World, resolv_conf: str, command: str) -> Outcome:
    """Which DNS server the container asks, from its /etc/resolv.conf."""
    name = world.name(check.container)
    servers = NAMESERVER_RE.findall(resolv_conf)
    embedded = bool(servers) and all(s == EMBEDDED_DNS for s in servers)
    if not servers:
        return Outcome(False, f"{name}'s /etc/resolv.conf names no DNS server", commands=(command,))
    if embedded:
        text = f"{name} asks Docker's embedded DNS server ({EMBEDDED_DNS}): it knows the containers on its networks"
    else:
        text = (f"{name} asks {', '.join(servers)} (copied from the host), not Docker's embedded DNS server "
                f"({EMBEDDED_DNS}): no container names there")
    return Outcome(embedded == check.embedded, text, commands=(command,))


def judge_embedded_dns(check: EmbeddedDnsCheck, world: World, code: int, output: str, command: str) -> Outcome:
    """What Docker's embedded DNS server answered for the name (or that none answered)."""
    source, target = world.name(check.source), world.name(check.target)
    status, summary = dns_verdict(code, output, target)
    answered = status == OK
    last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), f"exit {code}")
    if answered:
        text = f"{source} asks {EMBEDDED_DNS} for {target}: {summary}"
    else:
        text = f"{source} asks {EMBEDDED_DNS} for {target}: no answer, no embedded DNS server there"
    if answered != check.resolves:
        text += f"; expected: {'an answer' if check.resolves else 'none'}"
    return Outcome(answered == check.resolves, text, (f"nslookup said: {last}",), (command,))


def judge_host_port(result: ProbeResult) -> Outcome:
    c = result.checks[0] if result.checks else None
    ok = c is not None and c.status == OK
    text = f"host → {result.target}: " + (c.summary if c is not None else "not checked")
    return Outcome(ok, text, commands=(c.command,) if c is not None and c.command else ())

