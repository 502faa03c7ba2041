"""The immutable topology model: networks, containers, their endpoints and ports.

Everything here is plain data built from the engine's JSON. Every field the
engine may leave out (older APIs, Podman's compat API, swarm) has a default, and
the parsers never assume a key is present or of the right type.
"""


from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from netui.engine.api_fields import Pairs, lookup, parse_time
from netui.engine.constants import (
    BUILTIN_NETWORKS,
    COMPOSE_NETWORK,
    COMPOSE_PROJECT,
    COMPOSE_SERVICE,
    NETUI_LABEL,
    PROBE_LABEL,
    PROBE_MAX_AGE,
    PROBE_PREFIX,
    SIDECAR_LIFETIME,
)
from netui.engine.container_model import Container, ContainerConfig, Port, addresses_overlap, env_hosts
from netui.engine.network_index import PODMAN_DEFAULT_NETWORK, NetworkIndex, engine_networks
from netui.engine.network_model import Endpoint, IpamConfig, Network

if TYPE_CHECKING:
    from netui.engine.swarm import SwarmState

__all__ = [
    "BUILTIN_NETWORKS", "COMPOSE_NETWORK", "COMPOSE_PROJECT", "COMPOSE_SERVICE", "NETUI_LABEL", "PROBE_LABEL",
    "PROBE_MAX_AGE", "PROBE_PREFIX", "SIDECAR_LIFETIME", "PODMAN_DEFAULT_NETWORK", "Container", "ContainerConfig",
    "Endpoint", "EngineInfo", "IpamConfig", "Member", "Network", "NetworkIndex", "Pairs", "Port", "Snapshot",
    "addresses_overlap", "engine_networks", "env_hosts", "lookup", "parse_time", "shown_host",
]


HIDE_HOST_ENV = "NETUI_HIDE_ENGINE_ADDRESS"


def shown_host(host: str) -> str:
    """The engine's address as netui shows it: withheld ("") where the screen goes to other
    people's browsers (`netui serve` sets NETUI_HIDE_ENGINE_ADDRESS in its sessions), since
    it can be a socket path, a user name (ssh://user@host) or an inside address."""
    return "" if os.environ.get(HIDE_HOST_ENV) else host


@dataclass(frozen=True)
class EngineInfo:
    host: str = ""
    version: str = ""
    api_version: str = ""
    os: str = ""
    arch: str = ""
    name: str = ""
    swarm: str = "inactive"
    swarm_manager: bool = False
    network_drivers: tuple[str, ...] = ()
    # The engine's default address pools as (base, size); None when not known (a
    # replay). Empty when the engine reports none: it then uses its built-in pools.
    address_pools: tuple[tuple[str, int], ...] | None = None
    product: str = "Docker"
    """Docker, or Podman (its Docker-compatible API): see `is_podman`."""
    context: str = ""  # the docker context it was reached through, if one was named

    @property
    def is_podman(self) -> bool:
        return self.product == "Podman"

    @property
    def label(self) -> str:
        ver = f"{self.product} {self.version}" if self.version else self.product
        api = f" (API {self.api_version})" if self.api_version else ""
        host = shown_host(self.host)
        where = f"context {self.context}: {host}" if self.context else host
        return f"{where} · {ver}{api}" if where else f"{ver}{api}"


@dataclass(frozen=True)
class Member:
    """A container as it appears on one network.

    `endpoint` is its own attachment; for a container that shares another's
    stack (network_mode container:<x>), `endpoint` is None and `via` is the
    container whose endpoint it uses.
    """

    container: Container
    endpoint: Endpoint | None
    via: Container | None = None

    @property
    def key(self) -> str:
        return self.container.id


@dataclass(frozen=True)
class Snapshot:
    networks: tuple[Network, ...] = ()
    containers: tuple[Container, ...] = ()
    engine: EngineInfo = field(default_factory=EngineInfo)
    taken_at: float = 0.0
    swarm: SwarmState | None = None
    """The swarm as this engine sees it (netui.engine.swarm); None when not in swarm mode."""

    def __repr__(self) -> str:
        # Short on purpose: the full dataclass repr of 1000 containers costs tens of
        # milliseconds, and a repr is easily asked for by accident (a log, a worker name).
        return f"Snapshot({len(self.networks)} networks, {len(self.containers)} containers, taken_at={self.taken_at})"

    @classmethod
    def build(
        cls,
        networks: Iterable[Network],
        containers: Iterable[Container],
        engine: EngineInfo | None = None,
        taken_at: float = 0.0,
        swarm: SwarmState | None = None,
    ) -> Snapshot:
        nets = tuple(sorted(networks, key=lambda n: (n.name, n.id)))
        # Join on NetworkID, or on what stands in for it (see NetworkIndex).
        index = NetworkIndex(nets, podman=bool(engine and engine.is_podman))
        conts = tuple(sorted((index.join(c) for c in containers), key=lambda c: (c.name, c.id)))
        return cls(networks=nets, containers=conts, engine=engine or EngineInfo(), taken_at=taken_at, swarm=swarm)

    # Indexes, built on first use. Not fields: equality compares the data only.
    @cached_property
    def network_by_id(self) -> dict[str, Network]:
        return {n.id: n for n in self.networks}

    @cached_property
    def network_by_name(self) -> dict[str, Network]:
        return {n.name: n for n in self.networks}

    @cached_property
    def container_by_id(self) -> dict[str, Container]:
        return {c.id: c for c in self.containers}

    @cached_property
    def container_by_name(self) -> dict[str, Container]:
        return {c.name: c for c in self.containers}

    @cached_property
    def _members(self) -> dict[str, tuple[Member, ...]]:
        out: dict[str, list[Member]] = {n.id: [] for n in self.networks}
        sharers: dict[str, list[Container]] = {}
        for c in self.containers:
            if c.mode == "container" and not c.is_probe:
                owner = self.stack_holder(c)
                if owner is not None:
                    sharers.setdefault(owner.id, []).append(c)
        for c in self.containers:
            if c.is_probe:
                continue
            for e in c.endpoints:
                out.setdefault(e.network_id, []).append(Member(c, e))
                for s in sharers.get(c.id, ()):
                    out[e.network_id].append(Member(s, None, via=c))
        return {k: tuple(v) for k, v in out.items()}

    def members(self, network_id: str) -> tuple[Member, ...]:
        """The containers on a network, including those that share a member's stack
        (as Member(sharer, None, via=holder): the holder's endpoint, not a second one).
        netui's own probe containers are not members."""
        return self._members.get(network_id, ())

    def endpoints(self, network_id: str) -> tuple[Endpoint, ...]:
        return tuple(m.endpoint for m in self.members(network_id) if m.endpoint is not None)

    def container_count(self, network_id: str) -> int:
        """How many containers use a network: with an endpoint of their own, or sharing
        a member's stack (network_mode container:<x>). The one count netui shows
        everywhere: the networks pane, its containers pane, the details, the dump."""
        return len(self.members(network_id))

    def resolve_container(self, ref: str) -> Container | None:
        """A container by full id, unique id prefix, or name."""
        if not ref:
            return None
        c = self.container_by_id.get(ref) or self.container_by_name.get(ref.lstrip("/"))
        if c is not None:
            return c
        matches = [c for c in self.containers if c.id.startswith(ref)]
        return matches[0] if len(matches) == 1 else None

    def stack_sharers(self, container_id: str) -> tuple[Container, ...]:
        """Containers running in this container's network stack (network_mode container:<it>)."""
        return tuple(
            c for c in self.containers
            if c.mode == "container" and not c.is_probe and (o := self.stack_holder(c)) is not None and o.id == container_id
        )

    def stack_holder(self, container: Container) -> Container | None:
        """The container whose network stack (endpoints, IPs) this one uses: itself,
        or for network_mode container:<x>, x (None when x is gone)."""
        if container.mode == "container":
            return self.resolve_container(container.stack_owner)
        return container

    def networks_of(self, container: Container) -> tuple[Network, ...]:
        """The networks a container really uses (through its stack owner when it shares one)."""
        source = self.stack_holder(container) or container
        return tuple(n for e in source.endpoints if (n := self.network_by_id.get(e.network_id)) is not None)

    def gateways_of(self, network: Network) -> tuple[str, ...]:
        """The network's gateways: from IPAM, else as its endpoints report them.

        The default bridge's IPAM config has no gateway on some engines.
        """
        if network.gateways:
            return network.gateways
        seen: dict[str, None] = {}
        for e in self.endpoints(network.id):
            for gw in (e.gateway, e.ipv6_gateway):
                if gw:
                    seen.setdefault(gw, None)
        return tuple(seen)

    def published_ports(self) -> tuple[tuple[Container, Port], ...]:
        return tuple((c, p) for c in self.containers for p in c.published_ports)

    @cached_property
    def host_port_clashes(self) -> frozenset[tuple[int, str]]:
        """(host port, protocol) pairs that two containers bind on overlapping addresses
        (the same address, or one of them on all addresses of that family)."""
        by_port: dict[tuple[int, str], list[tuple[str, str]]] = {}
        for c, p in self.published_ports():
            by_port.setdefault((p.host_port or 0, p.protocol), []).append((c.id, p.host_ip))
        out = set()
        for key, binds in by_port.items():
            for i, (c1, ip1) in enumerate(binds):
                if any(c1 != c2 and addresses_overlap(ip1, ip2) for c2, ip2 in binds[i + 1:]):
                    out.add(key)
        return frozenset(out)
