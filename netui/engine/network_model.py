"""Networks and a container's endpoint on one, as the engine lists them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from netui.engine.api_fields import Pairs, _dict, _int, _pairs, _str, _strs, lookup
from netui.engine.constants import BUILTIN_NETWORKS, COMPOSE_NETWORK, COMPOSE_PROJECT

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class IpamConfig:
    subnet: str = ""
    gateway: str = ""
    ip_range: str = ""
    aux_addresses: Pairs = ()

    @property
    def is_ipv6(self) -> bool:
        return ":" in self.subnet

    @classmethod
    def from_api(cls, data: Any) -> IpamConfig:
        d = _dict(data)
        return cls(
            subnet=_str(d.get("Subnet")),
            gateway=_str(d.get("Gateway")),
            ip_range=_str(d.get("IPRange")),
            aux_addresses=_pairs(d.get("AuxiliaryAddresses") or d.get("AuxAddress")),
        )


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    driver: str = ""
    scope: str = ""
    internal: bool = False
    attachable: bool = False
    ingress: bool = False
    ipv6: bool = False
    ipv4: bool = True
    config_only: bool = False
    config_from: str = ""
    ipam_driver: str = ""
    ipam: tuple[IpamConfig, ...] = ()
    ipam_options: Pairs = ()
    options: Pairs = ()
    labels: Pairs = ()
    created: str = ""
    synthetic: bool = False
    """Not listed by the engine, stood in by netui: Podman's compat API lists no host
    and none networks, yet containers run in those modes."""

    @classmethod
    def from_api(cls, data: Any) -> Network:
        d = _dict(data)
        ipam = _dict(d.get("IPAM"))
        configs = ipam.get("Config")
        enable_v4 = d.get("EnableIPv4")
        return cls(
            id=_str(d.get("Id") or d.get("ID") or d.get("Name")),
            name=_str(d.get("Name")),
            driver=_str(d.get("Driver")),
            scope=_str(d.get("Scope")),
            internal=bool(d.get("Internal")),
            attachable=bool(d.get("Attachable")),
            ingress=bool(d.get("Ingress")),
            ipv6=bool(d.get("EnableIPv6")),
            ipv4=True if enable_v4 is None else bool(enable_v4),
            config_only=bool(d.get("ConfigOnly")),
            config_from=_str(_dict(d.get("ConfigFrom")).get("Network")),
            ipam_driver=_str(ipam.get("Driver")),
            ipam=tuple(IpamConfig.from_api(c) for c in configs) if isinstance(configs, list) else (),
            ipam_options=_pairs(ipam.get("Options")),
            options=_pairs(d.get("Options")),
            labels=_pairs(d.get("Labels")),
            created=_str(d.get("Created")),
        )

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def builtin(self) -> bool:
        """The engine's own bridge, host and none networks, which cannot be removed."""
        if self.name not in BUILTIN_NETWORKS or self.scope not in ("local", ""):
            return False
        return self.driver in ("bridge", "host", "null", "") or self.name == "bridge"

    @property
    def is_default_bridge(self) -> bool:
        if lookup(self.options, "com.docker.network.bridge.default_bridge") == "true":
            return True
        return self.name == "bridge" and self.driver == "bridge" and self.scope in ("local", "")

    @property
    def has_dns(self) -> bool:
        """Whether Docker's embedded DNS resolves container names on this network."""
        return not self.is_default_bridge and self.driver not in ("host", "null", "none")

    @property
    def protected(self) -> bool:
        """Networks a user must not remove: the builtins and swarm's ingress."""
        return self.builtin or self.ingress

    @property
    def subnets(self) -> tuple[str, ...]:
        return tuple(c.subnet for c in self.ipam if c.subnet)

    @property
    def gateways(self) -> tuple[str, ...]:
        return tuple(c.gateway for c in self.ipam if c.gateway)

    @property
    def compose_project(self) -> str:
        return lookup(self.labels, COMPOSE_PROJECT)

    @property
    def compose_network(self) -> str:
        return lookup(self.labels, COMPOSE_NETWORK)

    def label(self, key: str, default: str = "") -> str:
        return lookup(self.labels, key, default)

    @cached_property
    def search_text(self) -> str:
        parts = [self.name, self.id, self.driver, self.scope, *self.subnets, *self.gateways, *self.flags, self.compose_project]
        parts += [f"{k}={v}" for k, v in self.labels]
        return "\n".join(parts).casefold()

    def option(self, key: str, default: str = "") -> str:
        return lookup(self.options, key, default)

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.internal:
            out.append("internal")
        if self.attachable:
            out.append("attachable")
        if self.ipv6:
            out.append("ipv6")
        if self.ingress:
            out.append("ingress")
        if self.config_only:
            out.append("config-only")
        return tuple(out)

    def contains(self, address: str) -> bool:
        """Whether an IP address lies in one of this network's subnets."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        for subnet in self.subnets:
            try:
                if ip in ipaddress.ip_network(subnet, strict=False):
                    return True
            except ValueError:
                continue
        return False


@dataclass(frozen=True)
class Endpoint:
    """A container's attachment to one network."""

    network_id: str
    network_name: str
    container_id: str
    container_name: str
    endpoint_id: str = ""
    ipv4: str = ""
    prefix_len: int = 0
    ipv6: str = ""
    ipv6_prefix_len: int = 0
    mac: str = ""
    gateway: str = ""
    ipv6_gateway: str = ""
    static_ipv4: str = ""
    static_ipv6: str = ""
    aliases: tuple[str, ...] = ()
    dns_names: tuple[str, ...] = ()
    gw_priority: int | None = None

    @classmethod
    def from_api(cls, network_key: str, data: Any, container_id: str, container_name: str) -> Endpoint:
        d = _dict(data)
        ipam = _dict(d.get("IPAMConfig"))
        gw_priority = d.get("GwPriority")
        return cls(
            network_id=_str(d.get("NetworkID")),
            network_name=str(network_key),
            container_id=container_id,
            container_name=container_name,
            endpoint_id=_str(d.get("EndpointID")),
            ipv4=_str(d.get("IPAddress")),
            prefix_len=_int(d.get("IPPrefixLen")),
            ipv6=_str(d.get("GlobalIPv6Address")),
            ipv6_prefix_len=_int(d.get("GlobalIPv6PrefixLen")),
            mac=_str(d.get("MacAddress")),
            gateway=_str(d.get("Gateway")),
            ipv6_gateway=_str(d.get("IPv6Gateway")),
            static_ipv4=_str(ipam.get("IPv4Address")),
            static_ipv6=_str(ipam.get("IPv6Address")),
            aliases=_strs(d.get("Aliases")),
            dns_names=_strs(d.get("DNSNames")),
            gw_priority=_int(gw_priority) if gw_priority is not None else None,
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.network_id, self.container_id)

    @cached_property
    def search_text(self) -> str:
        return "\n".join([self.ipv4, self.ipv6, self.mac, *self.names]).casefold()

    @property
    def ipv4_cidr(self) -> str:
        if not self.ipv4:
            return ""
        return f"{self.ipv4}/{self.prefix_len}" if self.prefix_len else self.ipv4

    @property
    def ipv6_cidr(self) -> str:
        if not self.ipv6:
            return ""
        return f"{self.ipv6}/{self.ipv6_prefix_len}" if self.ipv6_prefix_len else self.ipv6

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this endpoint answers to on its network, without repeats.

        Newer engines report DNSNames; older ones only Aliases (which then include
        the short container id). The container's own name is always resolvable on
        a user-defined network.
        """
        seen: dict[str, None] = {}
        for name in (*self.dns_names, *self.aliases):
            if name:
                seen.setdefault(name, None)
        return tuple(seen)
