"""What the checks share: building a finding, and the fixes netui can perform
(connect a container to a network; a new network with containers on it)."""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Iterable

from netui.engine.doctor.context import Context
from netui.engine.doctor.explain import EXPLAIN
from netui.engine.doctor.findings import Finding, Fix, Subject
from netui.engine.model import Container, Network
from netui.engine.specs import ConnectSpec, DisconnectSpec, NetworkSpec, StepsSpec

OPT_ICC = "com.docker.network.bridge.enable_icc"
FALSE = ("0", "f", "F", "FALSE", "false", "False")  # Go's strconv.ParseBool false values


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


def _subnets(n: Network) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    out = []
    for s in n.subnets:
        try:
            out.append(ipaddress.ip_network(s, strict=False))
        except ValueError:
            continue
    return out


