"""Checking a spec against the topology before anything is sent to the engine.

Every check is pure: a spec and a snapshot in, a list of FieldError out (empty when
the spec may be sent). The forms show each error beside its field as the user types.
"""

from __future__ import annotations

import ipaddress
import re
import shlex

from netui.engine.hostnet import HostNetworking, IPNetwork, within
from netui.engine.image import LOCAL_IMAGE, reference_problem
from netui.engine.model import Container, EngineInfo, Network, Snapshot, addresses_overlap
from netui.engine.network_checks import is_cidr, static_ip_support, subnet_checks, validate_driver_options
from netui.engine.specs import (
    ConnectSpec,
    DisconnectSpec,
    FieldError,
    NetworkSpec,
    RunSpec,
    parse_pairs,
    warning,
)

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_NAME = 128
CREATABLE_DRIVERS = ("bridge", "macvlan", "ipvlan", "overlay")


def _network(text: str, fieldname: str, version: int, errors: list[FieldError]) -> IPNetwork | None:
    text = (text or "").strip()
    if not text:
        return None
    family = "IPv4" if version == 4 else "IPv6"
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        errors.append(FieldError(fieldname, f"{text!r} is not a CIDR block (e.g. {'10.42.0.0/24' if version == 4 else 'fd00:42::/64'})"))
        return None
    if "/" not in text:
        errors.append(FieldError(fieldname, f"{text!r} needs a prefix length (e.g. {text}/{24 if version == 4 else 64})"))
        return None
    if net.version != version:
        errors.append(FieldError(fieldname, f"{text} is not an {family} block"))
        return None
    try:
        given = ipaddress.ip_address(text.split("/")[0])
    except ValueError:
        errors.append(FieldError(fieldname, f"{text!r} is not a CIDR block"))
        return None
    if given != net.network_address:
        errors.append(FieldError(fieldname, f"{text} has host bits set: did you mean {net}?"))
        return None
    return net


def _address(text: str, fieldname: str, errors: list[FieldError]) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        errors.append(FieldError(fieldname, f"{text!r} is not an IP address"))
        return None


def creatable_drivers(info: EngineInfo) -> tuple[str, ...]:
    """Drivers a user may pick: those the engine has; overlay only on a swarm manager."""
    have = set(info.network_drivers) or {"bridge", "macvlan", "ipvlan", "overlay"}
    out = [d for d in CREATABLE_DRIVERS if d in have]
    if not info.swarm_manager and "overlay" in out:
        out.remove("overlay")
    return tuple(out) or ("bridge",)


def validate_name(name: str, snapshot: Snapshot, what: str = "network") -> list[FieldError]:
    name = name.strip()
    if not name:
        return [FieldError("name", f"a {what} needs a name")]
    if len(name) > MAX_NAME:
        return [FieldError("name", f"the name is {len(name)} characters long; at most {MAX_NAME}")]
    if not NAME_RE.match(name):
        return [FieldError("name", "a name starts with a letter or digit and holds only letters, digits and . _ -")]
    if what == "network" and name in snapshot.network_by_name:
        return [FieldError("name", f"a network named {name} already exists")]
    if what == "container" and name in snapshot.container_by_name:
        return [FieldError("name", f"a container named {name} already exists")]
    return []


def validate_network(spec: NetworkSpec, snapshot: Snapshot, info: EngineInfo,
                     host: HostNetworking | None = None) -> list[FieldError]:
    """Problems with a network to create. `host` is the engine host's networking
    (hostnet.read_host_networking): overlaps with its routes are warned about;
    None or unknown checks nothing there."""
    errors = validate_name(spec.name, snapshot)
    if spec.driver not in creatable_drivers(info):
        if spec.driver == "overlay":
            errors.append(FieldError("driver", "overlay networks need a swarm manager (docker swarm init)"))
        else:
            errors.append(FieldError("driver", f"this engine cannot create {spec.driver or '?'} networks here"))
    if spec.driver == "overlay" and "overlay" in creatable_drivers(info) and not spec.attachable:
        errors.append(warning("driver", "an overlay that is not attachable takes swarm services only: tick attachable "
                                        "for plain containers (docker run --network, c to connect) to join it too"))
    elif spec.attachable and spec.driver != "overlay":
        errors.append(warning("driver", "attachable matters for overlay networks only: a local network takes any container"))
    subnet = _network(spec.subnet, "subnet", 4, errors)
    gateway = _address(spec.gateway, "gateway", errors)
    ip_range = _network(spec.ip_range, "ip_range", 4, errors)
    if subnet is not None:
        subnet_checks(subnet, "subnet", snapshot, host, errors)
        if subnet.num_addresses < 4:
            errors.append(FieldError("subnet", f"{subnet} is too small: at least a /30"))
    subnet_unusable = bool(spec.subnet.strip()) and subnet is None  # already reported on the subnet
    if gateway is not None and not subnet_unusable:
        if subnet is None:
            errors.append(FieldError("gateway", "a gateway needs a subnet"))
        elif gateway.version != 4 or gateway not in subnet:
            errors.append(FieldError("gateway", f"the gateway {gateway} is not inside {subnet}"))
        elif gateway in (subnet.network_address, subnet.broadcast_address):
            errors.append(FieldError("gateway", f"{gateway} is the subnet's network or broadcast address"))
    if ip_range is not None and not subnet_unusable:
        if subnet is None:
            errors.append(FieldError("ip_range", "an IP range needs a subnet"))
        elif not within(ip_range, subnet):
            errors.append(FieldError("ip_range", f"the IP range {ip_range} is not inside {subnet}"))
    if spec.ipv6:
        v6 = _network(spec.ipv6_subnet, "ipv6_subnet", 6, errors)
        if not spec.ipv6_subnet.strip():
            errors.append(FieldError("ipv6_subnet", "IPv6 needs a subnet here, e.g. fd00:42::/64"))
        elif v6 is not None:
            subnet_checks(v6, "ipv6_subnet", snapshot, host, errors)
    elif spec.ipv6_subnet.strip():
        errors.append(FieldError("ipv6_subnet", "tick IPv6 to use an IPv6 subnet"))
    parse_pairs(spec.labels, "label", "labels", errors)
    parse_pairs(spec.options, "option", "options", errors)
    validate_driver_options(spec, snapshot, host, errors)
    return errors



def cannot_join(c: Container) -> str:
    """Why a container cannot be connected to any network, or ''."""
    if c.mode == "host":
        return f"{c.name} uses the host's network stack (--network host): it cannot join other networks"
    if c.mode == "none":
        return f"{c.name} runs with --network none: it cannot join networks"
    if c.mode == "container":
        return f"{c.name} shares another container's network stack: connect that container instead"
    return ""


def _network_of(snapshot: Snapshot, name: str, network_id: str) -> Network | None:
    return snapshot.network_by_id.get(network_id) if network_id else snapshot.network_by_name.get(name)


def network_gone(snapshot: Snapshot, name: str, network_id: str) -> str:
    """Why the network a form was opened on is not there any more."""
    if network_id and name in snapshot.network_by_name:
        return f"network {name} was removed and re-created since this form opened: close it and open it on the new one"
    return f"network {name} no longer exists"


def validate_connect(spec: ConnectSpec, snapshot: Snapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    net = _network_of(snapshot, spec.network, spec.network_id)
    if net is None:
        return [FieldError("network", network_gone(snapshot, spec.network, spec.network_id))]
    if net.driver in ("host", "null"):
        return [FieldError("network", f"containers cannot be connected to the {net.name} network; run them with --network {net.name} instead")]
    if net.ingress:
        return [FieldError("network", f"{net.name} is swarm's routing mesh: only services' tasks join it, as they publish ports")]
    if net.scope == "swarm" and not net.attachable:
        return [FieldError("network", f"{net.name} is a swarm overlay that is not attachable: only services join it "
                                      "(an attachable one: docker network create --driver overlay --attachable)")]
    c = snapshot.container_by_id.get(spec.container_id) if spec.container_id else snapshot.container_by_name.get(spec.container)
    if not spec.container:
        errors.append(FieldError("container", "pick a container"))
    elif c is None:
        errors.append(FieldError("container", f"container {spec.container} no longer exists"))
    else:
        why = cannot_join(c)
        if why:
            errors.append(FieldError("container", why))
        elif c.endpoint_on(net.id) is not None:
            errors.append(FieldError("container", f"{c.name} is already connected to {net.name}"))
    aliases = spec.alias_list()
    if aliases and net.is_default_bridge:
        errors.append(FieldError("aliases", "the default bridge has no name resolution: aliases work only on user-defined networks"))
    for a in aliases:
        if not NAME_RE.match(a) or len(a) > 253:
            errors.append(FieldError("aliases", f"{a!r} is not a valid DNS name"))
    in_use = {e.ipv4: e.container_name for e in snapshot.endpoints(net.id) if e.ipv4} | {
        e.ipv6: e.container_name for e in snapshot.endpoints(net.id) if e.ipv6
    }
    for fieldname, text, version in (("ipv4", spec.ipv4, 4), ("ipv6", spec.ipv6, 6)):
        ip = _address(text, fieldname, errors)
        if ip is None:
            continue
        if ip.version != version:
            errors.append(FieldError(fieldname, f"{ip} is not an IPv{version} address"))
            continue
        verdict, why = static_ip_support(net, version, snapshot.engine.address_pools)
        if verdict == "no":
            errors.append(FieldError(fieldname, why))
            continue
        if verdict == "unsure":
            errors.append(warning(fieldname, why))
        subnets = [ipaddress.ip_network(s, strict=False) for s in net.subnets if is_cidr(s)]
        subnets = [s for s in subnets if s.version == version]
        if not any(ip in s for s in subnets):
            errors.append(FieldError(fieldname, f"{ip} is not inside {net.name}'s subnet {', '.join(map(str, subnets))}"))
            continue
        if str(ip) in set(snapshot.gateways_of(net)):
            errors.append(FieldError(fieldname, f"{ip} is {net.name}'s gateway"))
        elif any(ip in (s.network_address, s.broadcast_address) for s in subnets if s.version == 4):
            errors.append(FieldError(fieldname, f"{ip} is the subnet's network or broadcast address"))
        elif str(ip) in in_use:
            errors.append(FieldError(fieldname, f"{ip} is already used by {in_use[str(ip)]}"))
    return errors


def validate_disconnect(spec: DisconnectSpec, snapshot: Snapshot) -> list[FieldError]:
    net = _network_of(snapshot, spec.network, spec.network_id)
    if net is None:
        return [FieldError("network", network_gone(snapshot, spec.network, spec.network_id))]
    c = snapshot.container_by_name.get(spec.container)
    if c is None:
        if spec.force:
            return []  # a stale endpoint of a container that is gone: --force removes it
        return [FieldError("container", f"container {spec.container} no longer exists")]
    if c.mode in ("host", "none") or net.driver in ("host", "null"):
        return [FieldError("container", f"{c.name} cannot be disconnected from the {net.name} network: it was started with --network {net.name}")]
    if c.mode == "container":
        return [FieldError("container", f"{c.name} shares another container's stack; disconnect that container instead")]
    if c.endpoint_on(net.id) is None:
        return [FieldError("container", f"{c.name} is not connected to {net.name}")]
    return []


# -- remove / prune ------------------------------------------------------------------
def protected_reason(net: Network) -> str:
    if net.builtin:
        return (f"{net.name} is one of the engine's builtin networks (bridge, host, none): "
                "Docker needs it and will not remove it")
    if net.ingress:
        return f"{net.name} is swarm's ingress network: it routes published service ports; leave it to swarm"
    return ""


def prune_candidates(snapshot: Snapshot) -> tuple[Network, ...]:
    """User networks no container refers to, running or stopped (what `docker network prune` would take, safely)."""
    used = {e.network_id for c in snapshot.containers for e in c.endpoints}
    return tuple(n for n in snapshot.networks if not n.protected and n.id not in used and n.scope != "swarm")


def validate_run(spec: RunSpec, snapshot: Snapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    net = _network_of(snapshot, spec.network, spec.network_id)
    if net is None:
        errors.append(FieldError("network", network_gone(snapshot, spec.network, spec.network_id)))
    if spec.name.strip():
        errors += validate_name(spec.name, snapshot, "container")
    problem = reference_problem(spec.image)
    if problem:
        errors.append(FieldError("image", problem))
    try:
        argv = shlex.split(spec.command or "")
    except ValueError as exc:
        errors.append(FieldError("command", f"the command does not parse: {exc}"))
    else:
        if not argv:
            default = " (/bin/sh, which ends at once without a terminal)" if spec.image.strip() == LOCAL_IMAGE else ""
            errors.append(warning("command", f"empty: the image's own command runs{default}; a container stops when "
                                             "its command ends, e.g. sleep 86400 keeps it running"))
    if spec.publish.strip():
        p = spec.parsed_publish()
        if p is None:
            errors.append(FieldError("publish", "publish as [host_ip:]host_port:container_port[/tcp|udp], e.g. 8080:80"))
        else:
            host_ip, host_port, cport, proto = p
            if proto not in ("tcp", "udp", "sctp"):
                errors.append(FieldError("publish", f"unknown protocol {proto}"))
            for port in (host_port, cport):
                if port is not None and not 1 <= port <= 65535:
                    errors.append(FieldError("publish", f"port {port} is not between 1 and 65535"))
            if host_ip:
                _address(host_ip, "publish", errors)
            taken = [(c, p) for c, p in snapshot.published_ports()
                     if p.host_port == host_port and p.protocol == proto and addresses_overlap(p.host_ip, host_ip)]
            if host_port is not None and taken:
                errors.append(FieldError("publish", f"host port {host_port}/{proto} is already published by {taken[0][0].name} on {taken[0][1].host_address}"))
        if net is not None and net.driver in ("host", "null"):
            errors.append(FieldError("publish", f"ports cannot be published on the {net.name} network"))
    aliases = [a for a in re.split(r"[,\s]+", spec.aliases or "") if a]
    if aliases and net is not None and not net.has_dns:
        errors.append(FieldError("aliases", "aliases work only on user-defined networks"))
    for a in aliases:
        if not NAME_RE.match(a):
            errors.append(FieldError("aliases", f"{a!r} is not a valid DNS name"))
    return errors

