"""Which listed network each endpoint of a container is on (Docker, Podman, older engines)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from netui.engine.container_model import Container
from netui.engine.network_model import Endpoint, Network

PODMAN_DEFAULT_NETWORK = "podman"
"""Podman's default network. Its compat API lists it as "bridge", while containers on it
name it "podman" (unless containers.conf's default_network says otherwise)."""


def engine_networks(networks: Iterable[Network], podman: bool) -> tuple[Network, ...]:
    """The engine's networks, with host and none stood in for when Podman leaves them
    out (its compat API does not list them, containers/podman#16092)."""
    nets = tuple(networks)
    if not podman:
        return nets
    names = {n.name for n in nets}
    extra = tuple(
        Network(id=name, name=name, driver=driver, scope="local", ipam_driver="default", synthetic=True)
        for name, driver in (("host", "host"), ("none", "null"))
        if name not in names
    )
    return nets + extra


class NetworkIndex:
    """Joins a container's endpoints to the listed networks.

    Docker puts the network's id in each endpoint's NetworkID. Other engines do not:
    a stopped container's endpoints have none (Docker), Podman's compat API puts the
    network's *name* there (containers/podman#24910), and names its default network
    "podman" in containers while listing it as "bridge". An endpoint is joined, in
    this order, on: its NetworkID as an id; its NetworkID as a name; its key (the
    network name the engine gives it); the network list's Containers (Podman 4 fills
    them); the one network whose subnet holds its IPv4 address; Podman's default
    network. A container in host or none mode without an endpoint (Podman) gets one
    on that network, as Docker gives it.
    """

    def __init__(self, networks: Iterable[Network], *, podman: bool = False,
                 listed_members: Mapping[str, Iterable[str]] | None = None) -> None:
        self.networks = tuple(networks)
        self.by_id = {n.id: n for n in self.networks}
        self.by_name = {n.name: n for n in self.networks}
        self.podman = podman
        # container id -> ids of the networks whose listing names it
        self.members: dict[str, tuple[str, ...]] = {}
        for nid, cids in (listed_members or {}).items():
            for cid in cids:
                self.members.setdefault(cid, ())
                self.members[cid] += (nid,)
        self._subnets: list[tuple[Any, str]] | None = None

    @property
    def signature(self) -> tuple[object, ...]:
        """Everything a join reads: two indexes with equal signatures join a container alike."""
        return (tuple(sorted((n.id, n.name, n.subnets) for n in self.networks)), self.podman, tuple(sorted(self.members.items())))

    def _by_subnet(self, address: str) -> str:
        if self._subnets is None:
            self._subnets = []
            for n in self.networks:
                for subnet in n.subnets:
                    try:
                        self._subnets.append((ipaddress.ip_network(subnet, strict=False), n.id))
                    except ValueError:
                        continue
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return ""
        found = {nid for net, nid in self._subnets if ip.version == net.version and ip in net}
        return found.pop() if len(found) == 1 else ""

    def _named(self, e: Endpoint) -> str:
        """The network an endpoint names: by id, else by name (in NetworkID or its key)."""
        if e.network_id in self.by_id:
            return e.network_id
        for ref in (e.network_id, e.network_name):
            if ref and ref in self.by_name:
                return self.by_name[ref].id
        return ""

    def network_id(self, e: Endpoint, taken: Iterable[str] = ()) -> str:
        """The listed network an endpoint is on ("" when none fits). `taken`: the networks
        the container's other endpoints name, which this one cannot be on too."""
        nid = self._named(e)
        if nid:
            return nid
        listed = [n for n in self.members.get(e.container_id, ()) if n not in taken]
        if len(listed) == 1:
            return listed[0]
        if e.ipv4:
            nid = self._by_subnet(e.ipv4)
            if nid:
                return nid
        if self.podman and PODMAN_DEFAULT_NETWORK in (e.network_name, e.network_id):
            bridge = self.by_name.get("bridge")
            if bridge is not None and bridge.driver == "bridge":
                return bridge.id
        return ""

    def join(self, c: Container) -> Container:
        """The container with its endpoints' network_id set to the listed networks' ids
        (the same object when they already are)."""
        if not c.endpoints:
            if c.mode in ("host", "none") and c.mode in self.by_name:
                ep = Endpoint(network_id=self.by_name[c.mode].id, network_name=c.mode, container_id=c.id, container_name=c.name)
                return replace(c, endpoints=(ep,))
            return c
        if all(e.network_id in self.by_id for e in c.endpoints):
            return c
        taken = {nid for e in c.endpoints if (nid := self._named(e))}
        eps = []
        changed = False
        for e in c.endpoints:
            nid = self.network_id(e, taken)
            if nid and nid != e.network_id:
                e = replace(e, network_id=nid)
                changed = True
            eps.append(e)
        return replace(c, endpoints=tuple(eps)) if changed else c
