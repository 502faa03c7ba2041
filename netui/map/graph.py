"""The map as a graph: one node per network, container and published port; one edge per endpoint.

Built from a Snapshot. A container on several networks is one node with an edge
to each (a *bridge*: the answer to "how does A reach B"); a container in
another's network stack (network_mode container:<x>) has no endpoint of its own
and a `share` edge to the container whose stack it uses; host-mode and
none-mode containers are on the engine's `host` and `none` networks, marked as
such. Published ports are host-side nodes, each with an edge to its container.

`focus` (a network and its neighbours) and `matching` (a filter) return smaller
graphs of the same kind; a network node then counts the members it hides.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Iterable

from netui.engine.model import Container, Endpoint, Network, Port, Snapshot
from netui.text import clean


def network_key(network_id: str) -> str:
    return f"net:{network_id}"


def container_key(container_id: str) -> str:
    return f"ctr:{container_id}"


def port_key(container_id: str, port: Port) -> str:
    return f"port:{container_id}:{port.protocol}:{port.host_ip}:{port.host_port}:{port.container_port}"


def kind_of(key: str) -> str:
    """`network`, `container` or `port` for a node key."""
    return {"net": "network", "ctr": "container", "port": "port"}.get(key.split(":", 1)[0], "")


@dataclass(frozen=True)
class NetworkNode:
    key: str
    network: Network
    members: int  # containers with an endpoint here (in the whole snapshot)
    stopped: int
    flags: tuple[str, ...]
    hidden: int = 0  # members left out of this graph (focus, filter)

    @property
    def name(self) -> str:
        return clean(self.network.name)

    @property
    def driver(self) -> str:
        return clean(self.network.driver) or "?"

    @property
    def subnets(self) -> tuple[str, ...]:
        return tuple(clean(s) for s in self.network.subnets)

    @property
    def kind(self) -> str:
        """host, none, default (the default bridge) or user."""
        n = self.network
        if n.builtin and n.driver == "host":
            return "host"
        if n.builtin and n.driver in ("null", "none"):
            return "none"
        if n.is_default_bridge:
            return "default"
        return "user"

    def summary(self) -> str:
        """driver · subnets · flags, for a heading or a label."""
        parts = [self.driver, *self.subnets, *self.flags]
        return " · ".join(parts)


@dataclass(frozen=True)
class ContainerNode:
    key: str
    container: Container
    mode: str  # network | host | none | container
    holder: str = ""  # for mode container: the key of the container whose stack it uses ("" when gone)
    holder_name: str = ""

    @property
    def name(self) -> str:
        return clean(self.container.name)

    @property
    def running(self) -> bool:
        return self.container.running

    @property
    def state(self) -> str:
        return clean(self.container.state) or "?"


@dataclass(frozen=True)
class PortNode:
    key: str
    container_key: str
    port: Port

    @property
    def exposed(self) -> bool:
        """Bound to every address of the host: reachable from beyond this machine."""
        return self.port.all_interfaces

    @property
    def host_address(self) -> str:
        return clean(self.port.host_address)

    @property
    def container_side(self) -> str:
        return clean(self.port.container_side)

    @property
    def label(self) -> str:
        return f"{self.host_address} → {self.container_side}"


@dataclass(frozen=True)
class Link:
    """One endpoint: a container attached to a network."""

    network_key: str
    container_key: str
    endpoint: Endpoint

    @property
    def ip(self) -> str:
        e = self.endpoint
        return clean(e.ipv4 or e.ipv6)

    @property
    def aliases(self) -> tuple[str, ...]:
        """The names this endpoint answers to besides the container's own name and id."""
        e = self.endpoint
        cid = e.container_id
        out = []
        for n in e.names:
            if n == e.container_name or (len(n) >= 12 and cid.startswith(n)):
                continue
            out.append(clean(n))
        return tuple(out)

    @property
    def label(self) -> str:
        """IP and aliases, e.g. `172.16.4.2 · api`; `-` when the endpoint has no address."""
        e = self.endpoint
        ips = [clean(a) for a in (e.ipv4, e.ipv6) if a]
        return " · ".join([*(ips or ["-"]), *self.aliases])


@dataclass(frozen=True)
class MapGraph:
    networks: tuple[NetworkNode, ...] = ()
    containers: tuple[ContainerNode, ...] = ()
    ports: tuple[PortNode, ...] = ()
    links: tuple[Link, ...] = ()
    shares: tuple[tuple[str, str], ...] = ()  # (sharer key, holder key)
    title: str = ""
    scope: str = ""  # what this graph is limited to, e.g. "focus: app_network", "filter: web"

    @cached_property
    def nodes(self) -> dict[str, NetworkNode | ContainerNode | PortNode]:
        out: dict[str, NetworkNode | ContainerNode | PortNode] = {}
        for group in (self.networks, self.containers, self.ports):
            for n in group:
                out[n.key] = n
        return out

    def node(self, key: str) -> NetworkNode | ContainerNode | PortNode | None:
        return self.nodes.get(key)

    @cached_property
    def links_of_container(self) -> dict[str, tuple[Link, ...]]:
        out: dict[str, list[Link]] = {}
        for link in self.links:
            out.setdefault(link.container_key, []).append(link)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def links_of_network(self) -> dict[str, tuple[Link, ...]]:
        out: dict[str, list[Link]] = {}
        for link in self.links:
            out.setdefault(link.network_key, []).append(link)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def ports_of(self) -> dict[str, tuple[PortNode, ...]]:
        out: dict[str, list[PortNode]] = {}
        for p in self.ports:
            out.setdefault(p.container_key, []).append(p)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def sharers_of(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = {}
        for sharer, holder in self.shares:
            out.setdefault(holder, []).append(sharer)
        return {k: tuple(v) for k, v in out.items()}

    def networks_of(self, ckey: str) -> tuple[str, ...]:
        return tuple(link.network_key for link in self.links_of_container.get(ckey, ()))

    @cached_property
    def bridges(self) -> tuple[str, ...]:
        """Containers attached to two networks or more of this graph."""
        return tuple(c.key for c in self.containers if len(self.links_of_container.get(c.key, ())) >= 2)

    def neighbours(self, nkey: str) -> tuple[str, ...]:
        """Networks that share a container with this one."""
        seen: dict[str, None] = {}
        for link in self.links_of_network.get(nkey, ()):
            for other in self.networks_of(link.container_key):
                if other != nkey:
                    seen.setdefault(other, None)
        return tuple(k for k in (n.key for n in self.networks) if k in seen)

    # -- smaller graphs -------------------------------------------------------------------
    def subgraph(self, network_keys: Iterable[str], container_keys: Iterable[str], scope: str = "") -> "MapGraph":
        """The given networks and containers, the links between them, their ports and shares.

        A kept container drags in the containers whose stack it shares and those that share its stack.
        """
        nets = set(network_keys)
        ctrs = set(container_keys)
        for sharer, holder in self.shares:
            if sharer in ctrs or holder in ctrs:
                ctrs.update((sharer, holder) if holder in self.nodes else (sharer,))
        links = tuple(link for link in self.links if link.network_key in nets and link.container_key in ctrs)
        shown: dict[str, int] = {}
        for link in links:
            shown[link.network_key] = shown.get(link.network_key, 0) + 1
        networks = tuple(
            replace(n, hidden=len(self.links_of_network.get(n.key, ())) - shown.get(n.key, 0) + n.hidden)
            for n in self.networks if n.key in nets
        )
        return MapGraph(
            networks=networks,
            containers=tuple(c for c in self.containers if c.key in ctrs),
            ports=tuple(p for p in self.ports if p.container_key in ctrs),
            links=links,
            shares=tuple((s, h) for s, h in self.shares if s in ctrs and h in ctrs),
            title=self.title,
            scope=scope,
        )

    def focus(self, nkey: str) -> "MapGraph":
        """One network, everything on it, and its neighbours (the networks its containers bridge to)."""
        node = self.nodes.get(nkey)
        if not isinstance(node, NetworkNode):
            return self
        ctrs = {link.container_key for link in self.links_of_network.get(nkey, ())}
        ctrs.update(s for s, h in self.shares if h in ctrs)
        nets = {nkey, *self.neighbours(nkey)}
        return self.subgraph(nets, ctrs, scope=f"focus: {node.name} and its neighbours")

    def matching(self, query: str) -> "MapGraph":
        """The nodes whose text contains `query` (any case), and what connects them:
        a matching container keeps its networks; a matching network keeps its members;
        a matching port keeps its container; containers that bridge two kept networks stay."""
        q = query.strip().casefold()
        if not q:
            return self
        nets: set[str] = set()
        ctrs: set[str] = set()
        for n in self.networks:
            if q in n.network.search_text or q in n.summary().casefold():
                nets.add(n.key)
                ctrs.update(link.container_key for link in self.links_of_network.get(n.key, ()))
        for c in self.containers:
            if q in c.container.search_text or any(q in link.endpoint.search_text for link in self.links_of_container.get(c.key, ())):
                ctrs.add(c.key)
        for p in self.ports:
            if q in p.label.casefold():
                ctrs.add(p.container_key)
        for ckey in list(ctrs):
            nets.update(self.networks_of(ckey))
        for b in self.bridges:
            if b not in ctrs and sum(1 for nk in self.networks_of(b) if nk in nets) >= 2:
                ctrs.add(b)
        return self.subgraph(nets, ctrs, scope=f"filter: {clean(query.strip())}")


def network_flags(n: Network) -> tuple[str, ...]:
    """What a reader must know about a network, in a few words each."""
    out: list[str] = []
    if n.builtin:
        out.append("builtin")
    if n.is_default_bridge:
        out += ["default bridge", "no DNS"]
    elif n.builtin and n.driver == "host":
        out.append("the host's own stack")
    elif n.builtin and n.driver in ("null", "none"):
        out.append("no network: loopback only")
    if n.internal:
        out.append("internal")
    for f in n.flags:
        if f != "internal":
            out.append(f)
    if n.compose_project:
        out.append(f"compose {clean(n.compose_project)}")
    return tuple(out)


def build(snap: Snapshot, title: str = "") -> MapGraph:
    """The map graph of a whole snapshot."""
    nets: list[NetworkNode] = []
    members: dict[str, int] = {}
    stopped: dict[str, int] = {}
    running_of = {c.id: c.running for c in snap.containers}
    links: list[Link] = []
    for c in snap.containers:
        for e in c.endpoints:
            if e.network_id not in snap.network_by_id:
                continue
            nk = network_key(e.network_id)
            links.append(Link(nk, container_key(c.id), e))
            members[nk] = members.get(nk, 0) + 1
            if not running_of.get(c.id):
                stopped[nk] = stopped.get(nk, 0) + 1
    for n in snap.networks:
        k = network_key(n.id)
        nets.append(NetworkNode(k, n, members.get(k, 0), stopped.get(k, 0), network_flags(n)))
    ctrs: list[ContainerNode] = []
    shares: list[tuple[str, str]] = []
    ports: list[PortNode] = []
    for c in snap.containers:
        k = container_key(c.id)
        if c.mode == "container":
            holder = snap.stack_holder(c)
            hk = container_key(holder.id) if holder is not None else ""
            ctrs.append(ContainerNode(k, c, "container", hk, clean(holder.name) if holder else clean(c.stack_owner[:12])))
            if hk:
                shares.append((k, hk))
        else:
            ctrs.append(ContainerNode(k, c, c.mode))
        for p in c.published_ports:
            ports.append(PortNode(port_key(c.id, p), k, p))
    return MapGraph(
        networks=tuple(nets), containers=tuple(ctrs), ports=tuple(ports), links=tuple(links),
        shares=tuple(shares), title=title,
    )
