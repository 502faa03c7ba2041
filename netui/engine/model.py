"""The immutable topology model: networks, containers, their endpoints and ports.

Everything here is plain data built from the engine's JSON. Every field the
engine may leave out (older APIs, Podman's compat API, swarm) has a default, and
the parsers never assume a key is present or of the right type.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from netui.engine.swarm import SwarmState

T = TypeVar("T")

BUILTIN_NETWORKS = ("bridge", "host", "none")
COMPOSE_PROJECT = "com.docker.compose.project"
COMPOSE_NETWORK = "com.docker.compose.network"
COMPOSE_SERVICE = "com.docker.compose.service"
NETUI_LABEL = "netui.managed"
# netui's own short-lived probe containers carry this label *and* this name prefix.
PROBE_LABEL = "netui.probe"
PROBE_PREFIX = "netui-probe-"
# A probe container is `sleep SIDECAR_LIFETIME` with auto-remove: it ends and goes away on
# its own even when netui is killed (-9, a closed terminal). netui never starts a command
# in one that would outlive it: it replaces the container first.
SIDECAR_LIFETIME = 60
# Older than this, a probe container belongs to no netui still running: a start sweeps it.
PROBE_MAX_AGE = SIDECAR_LIFETIME + 30

Pairs = tuple[tuple[str, str], ...]


def _pairs(value: Any) -> Pairs:
    """A mapping from the engine as sorted (key, value) string pairs."""
    if not isinstance(value, Mapping):
        return ()
    return tuple(sorted((str(k), "" if v is None else str(v)) for k, v in value.items()))


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(v) for v in value if v is not None)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_time(text: str) -> float:
    """An engine timestamp (RFC 3339, nanoseconds, any offset) as epoch seconds; 0.0 if unreadable."""
    import datetime as _dt

    try:
        return _dt.datetime.fromisoformat(str(text).strip()).timestamp() if text else 0.0
    except (ValueError, OverflowError):
        return 0.0


def lookup(pairs: Pairs, key: str, default: str = "") -> str:
    for k, v in pairs:
        if k == key:
            return v
    return default


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


@dataclass(frozen=True)
class Port:
    container_port: int
    protocol: str = "tcp"
    host_ip: str = ""
    host_port: int | None = None

    @classmethod
    def from_api(cls, data: Any) -> Port:
        d = _dict(data)
        public = d.get("PublicPort")
        return cls(
            container_port=_int(d.get("PrivatePort")),
            protocol=_str(d.get("Type")) or "tcp",
            host_ip=_str(d.get("IP")),
            host_port=_int(public) if public not in (None, "", 0) else None,
        )

    @property
    def published(self) -> bool:
        return self.host_port is not None

    @property
    def all_interfaces(self) -> bool:
        """Bound to every address of the host: reachable beyond localhost."""
        return self.published and self.host_ip in ("", "0.0.0.0", "::")

    @property
    def host_address(self) -> str:
        if not self.published:
            return ""
        ip = self.host_ip or "0.0.0.0"
        return f"[{ip}]:{self.host_port}" if ":" in ip else f"{ip}:{self.host_port}"

    @property
    def loopback_target(self) -> str:
        """Where the host reaches this binding: 127.0.0.1 (or ::1) when bound to all addresses."""
        if self.host_ip in ("", "0.0.0.0"):
            return "127.0.0.1"
        if self.host_ip == "::":
            return "::1"
        return self.host_ip

    @property
    def container_side(self) -> str:
        return f"{self.container_port}/{self.protocol}"


@dataclass(frozen=True)
class Container:
    id: str
    name: str
    image: str = ""
    image_id: str = ""
    command: str = ""
    created: int = 0
    state: str = ""
    status: str = ""
    network_mode: str = ""
    labels: Pairs = ()
    ports: tuple[Port, ...] = ()
    endpoints: tuple[Endpoint, ...] = ()
    details: bool = False
    """True when aliases and DNS names come from an inspect (the list call has none)."""
    mounts: tuple[str, ...] = ()
    """Where volumes and bind mounts land in the container (their destinations), from the list call."""
    config: ContainerConfig | None = None
    """What only an inspect tells (port bindings, environment hosts, links, DNS); None when not inspected."""

    @classmethod
    def from_api(cls, data: Any) -> Container:
        d = _dict(data)
        cid = _str(d.get("Id") or d.get("ID"))
        names = _strs(d.get("Names"))
        name = names[0].lstrip("/") if names else cid[:12]
        nets = _dict(_dict(d.get("NetworkSettings")).get("Networks"))
        endpoints = tuple(
            sorted(
                (Endpoint.from_api(k, v, cid, name) for k, v in nets.items()),
                key=lambda e: e.network_name,
            )
        )
        ports = d.get("Ports")
        return cls(
            id=cid,
            name=name,
            image=_str(d.get("Image")),
            image_id=_str(d.get("ImageID")),
            command=_str(d.get("Command")),
            created=_int(d.get("Created")),
            state=_str(d.get("State")).lower(),
            status=_str(d.get("Status")),
            network_mode=_str(_dict(d.get("HostConfig")).get("NetworkMode")),
            labels=_pairs(d.get("Labels")),
            ports=tuple(sorted({Port.from_api(p) for p in ports}, key=_port_order)) if isinstance(ports, list) else (),
            endpoints=endpoints,
            mounts=_mount_destinations(d.get("Mounts")),
        )

    @property
    def short_id(self) -> str:
        return self.id[:12]

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def compose_project(self) -> str:
        return lookup(self.labels, COMPOSE_PROJECT)

    @property
    def compose_service(self) -> str:
        return lookup(self.labels, COMPOSE_SERVICE)

    def label(self, key: str, default: str = "") -> str:
        return lookup(self.labels, key, default)

    @property
    def mode(self) -> str:
        """How the container is networked: host, none, container, or network."""
        m = self.network_mode
        if m == "host":
            return "host"
        if m == "none":
            return "none"
        if m.startswith("container:"):
            return "container"
        return "network"

    @property
    def is_probe(self) -> bool:
        """One of netui's own probe containers (label and name prefix both): never a
        member of a network, a probe target or a matrix row."""
        return lookup(self.labels, PROBE_LABEL) == "1" and self.name.startswith(PROBE_PREFIX)

    @property
    def stack_owner(self) -> str:
        """For network_mode container:<x>, the <x> (an id or a name)."""
        return self.network_mode.split(":", 1)[1] if self.mode == "container" else ""

    @property
    def published_ports(self) -> tuple[Port, ...]:
        return tuple(p for p in self.ports if p.published)

    @property
    def exposed_ports(self) -> tuple[Port, ...]:
        return tuple(p for p in self.ports if not p.published)

    def endpoint_on(self, network_id: str) -> Endpoint | None:
        for e in self.endpoints:
            if e.network_id == network_id:
                return e
        return None

    @cached_property
    def search_text(self) -> str:
        """What the filter searches for this container (computed once per object)."""
        parts = [self.name, self.id, self.image, self.state, self.compose_project, self.compose_service]
        parts += [f"{k}={v}" for k, v in self.labels]
        for p in self.ports:
            if p.published:
                parts.append(f"{p.host_ip}:{p.host_port}")
            parts.append(str(p.container_port))
        return "\n".join(parts).casefold()

    @property
    def inspect_key(self) -> tuple[object, ...]:
        """What must stay equal for a cached inspect of this container to stay valid."""
        # By network name, as the engine keys endpoints: a stopped container's list
        # entry has no NetworkID, and the snapshot fills that in from the name.
        return (self.name, self.state, tuple(sorted((e.network_name, e.endpoint_id) for e in self.endpoints)))


def _mount_destinations(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(sorted({str(m.get("Destination")) for m in value if isinstance(m, Mapping) and m.get("Destination")}))


# Environment variables whose value names a host a container talks to: DB_HOST, REDIS_URL,
# API_ENDPOINT, KAFKA_BROKERS... Only the host part of such a value is kept, never the rest
# (an environment also holds passwords).
_ENV_HOST_KEY = re.compile(r"(HOST|HOSTNAME|HOSTS|ADDR|ADDRESS|SERVER|SERVERS|URL|URI|DSN|ENDPOINT|BROKERS?|UPSTREAM|BACKEND)$", re.I)
_HOSTNAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}$")


def env_hosts(env: Any) -> tuple[tuple[str, str], ...]:
    """(variable, host) for each host an environment names, e.g. ("DB_HOST", "db") from
    DB_HOST=db or ("API_URL", "backend") from API_URL=http://user:pw@backend:8080/x."""
    out: dict[tuple[str, str], None] = {}
    for item in env if isinstance(env, list) else ():
        key, sep, value = str(item).partition("=")
        if not sep or not _ENV_HOST_KEY.search(key.strip()):
            continue
        for part in re.split(r"[,\s]+", value.strip()):
            host = _host_of(part)
            if host:
                out.setdefault((key.strip(), host), None)
    return tuple(out)


def _host_of(text: str) -> str:
    if not text:
        return ""
    if "://" in text:
        from urllib.parse import urlsplit

        try:
            host = urlsplit(text).hostname or ""
        except ValueError:
            return ""
    else:
        host = text.rsplit("@", 1)[-1].split("/", 1)[0]
        if host.count(":") == 1:
            host = host.split(":", 1)[0]
    host = host.strip("[]").rstrip(".").lower()
    if not host or ":" in host or not _HOSTNAME.match(host):
        return ""
    try:
        ipaddress.ip_address(host)
        return ""  # an address names no container
    except ValueError:
        pass
    return host if not host.replace(".", "").isdigit() else ""


@dataclass(frozen=True)
class ContainerConfig:
    """What the container list lacks and one inspect tells (HostConfig and Config)."""

    port_bindings: tuple[tuple[str, str, int | None], ...] = ()
    """(container port/protocol, host IP, host port or None) as configured, also while stopped."""
    env_hosts: tuple[tuple[str, str], ...] = ()
    """(variable, host) for hosts the environment names; no other part of it is kept."""
    links: tuple[tuple[str, str], ...] = ()
    """Legacy --link: (linked container, alias)."""
    dns: tuple[str, ...] = ()
    extra_hosts: tuple[str, ...] = ()
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    privileged: bool = False

    @classmethod
    def from_inspect(cls, data: Any) -> ContainerConfig:
        d = _dict(data)
        hc = _dict(d.get("HostConfig"))
        cfg = _dict(d.get("Config"))
        bindings = []
        for key, binds in sorted(_dict(hc.get("PortBindings")).items()):
            for b in binds if isinstance(binds, list) else ():
                b = _dict(b)
                port = _int(b.get("HostPort"), 0)
                bindings.append((str(key), _str(b.get("HostIp")), port or None))
        links = []
        for link in _strs(hc.get("Links")):
            # "/db:/web/db": the container /db, seen from /web as db
            target, _, alias = link.partition(":")
            links.append((target.lstrip("/"), alias.rsplit("/", 1)[-1] if alias else target.lstrip("/")))
        return cls(
            port_bindings=tuple(bindings),
            env_hosts=env_hosts(cfg.get("Env")),
            links=tuple(links),
            dns=_strs(hc.get("Dns")),
            extra_hosts=_strs(hc.get("ExtraHosts")),
            cap_add=tuple(c.upper() for c in _strs(hc.get("CapAdd"))),
            cap_drop=tuple(c.upper() for c in _strs(hc.get("CapDrop"))),
            privileged=bool(hc.get("Privileged")),
        )

    @property
    def net_raw(self) -> bool | None:
        """Whether the container may open raw sockets (ping): Docker grants NET_RAW by default."""
        if self.privileged or any(c in ("NET_RAW", "CAP_NET_RAW", "ALL") for c in self.cap_add):
            return True
        if any(c in ("NET_RAW", "CAP_NET_RAW", "ALL") for c in self.cap_drop):
            return False
        return True


def addresses_overlap(a: str, b: str) -> bool:
    """Whether two host binding addresses can take the same connections."""
    a, b = a or "0.0.0.0", b or "0.0.0.0"
    if a == b:
        return True
    wild4, wild6 = "0.0.0.0", "::"
    def fam(ip: str) -> int:
        return 6 if ":" in ip else 4

    if a == wild6 or b == wild6:
        return True  # [::] is dual-stack on Linux: it takes IPv4 too
    if (a == wild4 or b == wild4) and fam(a) == fam(b) == 4:
        return True
    return False


def _port_order(p: Port) -> tuple[object, ...]:
    return (p.container_port, p.protocol, p.host_port or 0, p.host_ip)


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


def _replace(obj: T, **changes: Any) -> T:
    return replace(obj, **changes)  # type: ignore[type-var]
