"""Containers, their published ports and their configuration (what inspect adds)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from netui.engine.api_fields import Pairs, _dict, _int, _pairs, _str, _strs, lookup
from netui.engine.constants import COMPOSE_PROJECT, COMPOSE_SERVICE, PROBE_LABEL, PROBE_PREFIX
from netui.engine.network_model import Endpoint


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
