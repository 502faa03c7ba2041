"""Compose projects in a topology: grouping, names, and who can reach whom.

Compose (v1 and v2 alike) labels what it creates: containers with
`com.docker.compose.project` and `.service`, networks with `.project` and `.network`
(the network's key in the compose file: `default` for `<project>_default`). From
those labels alone this module groups a snapshot by project, says which names
resolve where (a service answers to its service name on every network it joins),
and finds projects that share no network (their containers cannot reach each
other), with the fix: a shared external network. Pure: no engine, no UI.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar, cast

from netui.engine.model import Container, Network, Snapshot


@dataclass(frozen=True)
class Service:
    name: str
    containers: tuple[Container, ...]

    @property
    def running(self) -> int:
        return sum(1 for c in self.containers if c.running)


@dataclass(frozen=True)
class Project:
    name: str
    services: tuple[Service, ...] = ()
    networks: tuple[Network, ...] = ()  # networks compose created for it (labelled with it)
    joined: tuple[Network, ...] = ()  # other networks its containers are on (external: shared, or someone else's)

    @cached_property
    def containers(self) -> tuple[Container, ...]:
        return tuple(c for s in self.services for c in s.containers)

    @property
    def running(self) -> int:
        return sum(1 for c in self.containers if c.running)

    @property
    def default_network(self) -> Network | None:
        """`<project>_default`: compose puts every service on it unless a service lists its own networks."""
        for n in self.networks:
            if n.compose_network == "default" or n.name == default_network_name(self.name):
                return n
        return None

    @property
    def service_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.services)

    def all_networks(self) -> tuple[Network, ...]:
        return (*self.networks, *self.joined)


def default_network_name(project: str) -> str:
    return f"{project}_default"


_CACHE: dict[tuple[int, str], tuple[weakref.ref[Snapshot], Any]] = {}
T = TypeVar("T")


def _once(snap: Snapshot, what: str, compute: Callable[[Snapshot], T]) -> T:
    """compute(snap), once per snapshot (the details pane asks on every cursor move)."""
    hit = _CACHE.get((id(snap), what))
    if hit is not None and hit[0]() is snap:
        return cast(T, hit[1])
    out = compute(snap)
    for key in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
        del _CACHE[key]
    _CACHE[(id(snap), what)] = (weakref.ref(snap), out)
    return out


def projects(snap: Snapshot) -> tuple[Project, ...]:
    """Every compose project on the engine, by name: from its containers' and networks' labels
    (a project whose containers are all removed still shows by its networks)."""
    return _once(snap, "projects", _projects)


def _projects(snap: Snapshot) -> tuple[Project, ...]:
    names = sorted({c.compose_project for c in snap.containers if c.compose_project}
                   | {n.compose_project for n in snap.networks if n.compose_project})
    return tuple(_project(snap, name) for name in names)


def project_named(snap: Snapshot, name: str) -> Project | None:
    return next((p for p in projects(snap) if p.name == name), None) if name else None


def _project(snap: Snapshot, name: str) -> Project:
    by_service: dict[str, list[Container]] = {}
    for c in snap.containers:
        if c.compose_project == name:
            by_service.setdefault(c.compose_service or "?", []).append(c)
    services = tuple(Service(s, tuple(cs)) for s, cs in sorted(by_service.items()))
    own = tuple(n for n in snap.networks if n.compose_project == name)
    own_ids = {n.id for n in own}
    joined: dict[str, Network] = {}
    for s in services:
        for c in s.containers:
            for n in snap.networks_of(c):
                if n.id not in own_ids:
                    joined.setdefault(n.id, n)
    return Project(name, services, own, tuple(sorted(joined.values(), key=lambda n: n.name)))


def networks_used(snap: Snapshot, p: Project) -> dict[str, Network]:
    """The networks the project's containers are attached to now (through a shared stack too)."""
    out: dict[str, Network] = {}
    for c in p.containers:
        for n in snap.networks_of(c):
            out.setdefault(n.id, n)
    return out


def shared_networks(snap: Snapshot, a: Project, b: Project) -> tuple[Network, ...]:
    """Networks on which a container of `a` and a container of `b` both are: where they can talk."""
    na, nb = networks_used(snap, a), networks_used(snap, b)
    return tuple(sorted((na[i] for i in na.keys() & nb.keys() if na[i].driver not in ("null",)), key=lambda n: n.name))


def unreachable_from(snap: Snapshot, p: Project) -> tuple[Project, ...]:
    """Other projects with containers that share no network with any of `p`'s containers."""
    if not p.containers:
        return ()
    cut = {(a.name, b.name) for a, b in isolated_pairs(snap)}
    return tuple(q for q in projects(snap) if q.name != p.name and ((p.name, q.name) in cut or (q.name, p.name) in cut))


def isolated_pairs(snap: Snapshot) -> tuple[tuple[Project, Project], ...]:
    """Pairs of projects (with containers) whose containers cannot reach each other: no network in common."""
    return _once(snap, "isolated", _isolated_pairs)


def _isolated_pairs(snap: Snapshot) -> tuple[tuple[Project, Project], ...]:
    ps = [p for p in projects(snap) if p.containers]
    return tuple((a, b) for i, a in enumerate(ps) for b in ps[i + 1:] if not shared_networks(snap, a, b))


def reach_signature(snap: Snapshot) -> tuple[object, ...]:
    """What the compose explanations depend on beyond one network or container: each project's
    services and the pairs that cannot reach each other (the details pane redraws when it changes)."""
    if not any(c.compose_project for c in snap.containers) and not any(n.compose_project for n in snap.networks):
        return ()
    return (tuple((p.name, p.service_names, tuple(n.id for n in p.all_networks())) for p in projects(snap)),
            tuple((a.name, b.name) for a, b in isolated_pairs(snap)))


def shared_network_fix(a: str, b: str, network: str = "shared") -> str:
    """How two compose projects get to reach each other: one external network both join."""
    return (f"docker network create {network}\n"
            f"# then in the compose files of both {a} and {b}:\n"
            "networks:\n"
            f"  {network}:\n"
            "    external: true\n"
            "# and under each service that must talk to the other project:\n"
            f"    networks: [default, {network}]")


# -- explanations (plain text; the UI styles them) ------------------------------------------------
def service_dns_names(snap: Snapshot, c: Container, network: Network) -> tuple[str, ...]:
    """The names a compose container answers to on one network: its service name (compose sets it
    as an alias on every network it joins), its container name, and any other alias."""
    out: dict[str, None] = {}
    if not network.has_dns:
        return ()
    e = c.endpoint_on(network.id)
    if c.compose_service:
        out.setdefault(c.compose_service, None)
    out.setdefault(c.name, None)
    for name in e.names if e is not None else ():
        if name and name != c.id[:12]:
            out.setdefault(name, None)
    return tuple(out)


def explain_network(snap: Snapshot, net: Network) -> list[str]:
    """What compose means for this network: whose it is, which service names resolve on it, and
    which projects cannot reach the ones on it. Empty when no compose container or label is involved."""
    lines: list[str] = []
    members = [m.container for m in snap.members(net.id)]
    on_it = sorted({c.compose_project for c in members if c.compose_project})
    if net.compose_project:
        p = project_named(snap, net.compose_project)
        key = net.compose_network or "?"
        if key == "default" or net.name == default_network_name(net.compose_project):
            lines.append(f"the default network of compose project {net.compose_project}: compose made {net.name} "
                         "for it and puts every service on it unless the service lists its own networks")
        else:
            lines.append(f"network {key!r} of compose project {net.compose_project} (compose names it <project>_{key})")
        if p is not None and not p.containers:
            lines.append(f"project {net.compose_project} has no container now (docker-compose down removes this network too)")
    elif on_it:
        lines.append(f"not made by compose, but joined by project{'s' if len(on_it) > 1 else ''} {', '.join(on_it)}: "
                     "in a compose file such a network is declared `external: true`")
    if not net.has_dns:
        return lines
    services = []
    for c in members:
        if c.compose_service:
            services.append(f"{c.compose_service} ({c.compose_project})" if len(on_it) > 1 or c.compose_project != net.compose_project
                            else c.compose_service)
    if services:
        lines.append("service names resolve here (Docker's DNS): " + ", ".join(dict.fromkeys(services))
                     + " — a container on this network reaches a service by that name")
    if len(on_it) > 1:
        lines.append(f"projects {', '.join(on_it)} meet on this network: their containers here reach each other")
    if net.compose_project:
        p = project_named(snap, net.compose_project)
        cut = unreachable_from(snap, p) if p is not None else ()
        if cut:
            lines.append(f"project {net.compose_project} shares no network with {', '.join(q.name for q in cut)}: "
                         "their containers cannot reach each other (fix: a shared external network)")
    return lines


def explain_container(snap: Snapshot, c: Container) -> list[str]:
    """How a compose container is reached: by its service name on each of its networks."""
    if not c.compose_project:
        return []
    lines = []
    service = c.compose_service or "?"
    for n in snap.networks_of(c):
        names = service_dns_names(snap, c, n)
        if names:
            lines.append(f"on {n.name}: reached as {', '.join(names)}")
        elif n.is_default_bridge:
            lines.append(f"on {n.name}: by IP only (the default bridge has no DNS)")
    p = project_named(snap, c.compose_project)
    mine = {n.id for n in snap.networks_of(c) if n.has_dns}
    siblings = [s.name for s in p.services if s.name != service
                and any(n.id in mine for x in s.containers for n in snap.networks_of(x))] if p is not None else []
    if siblings:
        lines.append(f"it reaches the other services of {c.compose_project} by name: {', '.join(siblings)}")
    cut = unreachable_from(snap, p) if p is not None else ()
    if cut:
        lines.append(f"it cannot reach project{'s' if len(cut) > 1 else ''} {', '.join(q.name for q in cut)}: no network in common")
    return lines
