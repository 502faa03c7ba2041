"""Changing the engine: create, connect, disconnect, remove, prune, run.

Each action has a spec (what the user asked for), a validation against the
current snapshot (so mistakes are caught before anything is sent), the exact
equivalent `docker` command (shown while the user types, and logged), and an
`Actions` method that performs it. `Actions(read_only=True)` refuses every
write, whatever the UI does.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from netui.engine.client import Engine, EngineError, NotFound
from netui.engine.hostnet import HostNetworking, docker_bridge_names, host_overlaps
from netui.engine.image import LOCAL_IMAGE, reference_problem
from netui.engine.model import Container, EngineInfo, Network, Snapshot, addresses_overlap
from netui.text import clean

MANAGED_LABEL = "netui.managed"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LABEL_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]*$")
MAX_NAME = 128
BRIDGE_OPTIONS = (
    "com.docker.network.bridge.name",
    "com.docker.network.bridge.enable_icc",
    "com.docker.network.bridge.enable_ip_masquerade",
    "com.docker.network.bridge.host_binding_ipv4",
    "com.docker.network.driver.mtu",
)
CREATABLE_DRIVERS = ("bridge", "macvlan", "ipvlan", "overlay")


class ReadOnlyError(EngineError):
    def __init__(self) -> None:
        super().__init__("netui runs read-only (--read-only): nothing may change the engine", kind="read-only")


@dataclass(frozen=True)
class FieldError:
    """A problem with one field. An error blocks submitting; a warning is shown and lets it through."""

    field: str
    message: str
    severity: str = "error"  # "error" | "warning"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"


def warning(fieldname: str, message: str) -> FieldError:
    return FieldError(fieldname, message, "warning")


def blocking(errors: Iterable[FieldError]) -> list[FieldError]:
    """The errors that stop a submit (warnings do not)."""
    return [e for e in errors if not e.is_warning]


def command_text(argv: Iterable[str]) -> str:
    """An argv as a shell would show it, quoted where needed."""
    return " ".join(shlex.quote(a) for a in argv)


# -- parsing helpers --------------------------------------------------------------
def parse_pairs(text: str, what: str, fieldname: str, errors: list[FieldError]) -> tuple[tuple[str, str], ...]:
    """`key=value` items, separated by commas or new lines."""
    out: dict[str, str] = {}
    for raw in re.split(r"[,\n]", text or ""):
        item = raw.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            errors.append(FieldError(fieldname, f"{what} must be key=value: {item!r}"))
            continue
        if not LABEL_KEY_RE.match(key):
            errors.append(FieldError(fieldname, f"{what} key {key!r} may only hold letters, digits and . _ - /"))
            continue
        if key in out:
            errors.append(FieldError(fieldname, f"{what} {key!r} is given twice"))
            continue
        out[key] = value.strip()
    return tuple(out.items())


def _network(text: str, fieldname: str, version: int, errors: list[FieldError]):
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


def _address(text: str, fieldname: str, errors: list[FieldError]):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        errors.append(FieldError(fieldname, f"{text!r} is not an IP address"))
        return None


def overlapping(snapshot: Snapshot, net, exclude: str = "") -> Network | None:
    for n in snapshot.networks:
        if n.id == exclude:
            continue
        for s in n.subnets:
            try:
                other = ipaddress.ip_network(s, strict=False)
            except ValueError:
                continue
            if other.version == net.version and other.overlaps(net):
                return n
    return None


# -- create ------------------------------------------------------------------------
@dataclass(frozen=True)
class NetworkSpec:
    name: str = ""
    driver: str = "bridge"
    subnet: str = ""
    gateway: str = ""
    ip_range: str = ""
    internal: bool = False
    attachable: bool = False
    ipv6: bool = False
    ipv6_subnet: str = ""
    labels: str = ""  # key=value, comma or newline separated
    options: str = ""

    def parsed_labels(self) -> tuple[tuple[str, str], ...]:
        return parse_pairs(self.labels, "label", "labels", [])

    def parsed_options(self) -> tuple[tuple[str, str], ...]:
        return parse_pairs(self.options, "option", "options", [])

    def argv(self) -> list[str]:
        argv = ["docker", "network", "create", "--driver", self.driver or "bridge"]
        if self.subnet.strip():
            argv += ["--subnet", self.subnet.strip()]
        if self.gateway.strip():
            argv += ["--gateway", self.gateway.strip()]
        if self.ip_range.strip():
            argv += ["--ip-range", self.ip_range.strip()]
        if self.ipv6:
            argv.append("--ipv6")
            if self.ipv6_subnet.strip():
                argv += ["--subnet", self.ipv6_subnet.strip()]
        if self.internal:
            argv.append("--internal")
        if self.attachable:
            argv.append("--attachable")
        for k, v in self.parsed_labels():
            argv += ["--label", f"{k}={v}"]
        for k, v in self.parsed_options():
            argv += ["--opt", f"{k}={v}"]
        argv.append(self.name.strip() or "NAME")
        return argv


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


# Ranges no network of containers may use, with why (refused).
RESERVED_RANGES = tuple((ipaddress.ip_network(n), why) for n, why in (
    ("127.0.0.0/8", "loopback: every host and container keeps it for itself"),
    ("0.0.0.0/8", "'this network': 0.0.0.0 means 'any address', never a host"),
    ("169.254.0.0/16", "link-local: self-assigned addresses (and cloud metadata at 169.254.169.254), never routed"),
    ("224.0.0.0/4", "multicast: group addresses, never an interface's own"),
    ("240.0.0.0/4", "reserved (class E, and the broadcast address 255.255.255.255): Linux hosts do not route it"),
    ("::/128", "the unspecified IPv6 address"),
    ("::1/128", "the IPv6 loopback address"),
    ("::ffff:0:0/96", "IPv4-mapped IPv6 addresses: they stand for IPv4 hosts"),
    ("fe80::/10", "IPv6 link-local: every interface has its own, never routed"),
    ("ff00::/8", "IPv6 multicast: group addresses, never an interface's own"),
))
PRIVATE_HINT = {4: "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16", 6: "fd00::/8 (unique local)"}


def reserved_problem(net) -> str:
    """Why a subnet cannot hold containers (it is, or reaches into, a reserved range), or ''."""
    for block, why in RESERVED_RANGES:
        if block.version == net.version and block.overlaps(net):
            where = f"is inside {block}" if net.subnet_of(block) else f"includes {block}"
            return f"{net} {where}, {why}; use a private range such as {PRIVATE_HINT[net.version]}"
    return ""


def host_route_warnings(net, host: HostNetworking | None, snapshot: Snapshot) -> list[str]:
    """One line per host route or address `net` overlaps (nothing when the host is unknown)."""
    if host is None or not host.known:
        return []
    found = host_overlaps(net, host, snapshot)
    lines = [f"{net} overlaps {r.describe()}: those addresses would be shadowed for the containers "
             "(and may become unreachable from this host)" for r in found[:3]]
    if len(found) > 3:
        lines.append(f"… and {len(found) - 3} more of this host's routes")
    return lines


def _subnet_checks(net, fieldname: str, snapshot: Snapshot, host: HostNetworking | None, errors: list[FieldError]) -> None:
    reserved = reserved_problem(net)
    if reserved:
        errors.append(FieldError(fieldname, reserved))
        return
    other = overlapping(snapshot, net)
    if other is not None:
        errors.append(FieldError(fieldname, f"{net} overlaps network {other.name} ({', '.join(other.subnets)})"))
    elif net.version == 4 and net.is_global:
        errors.append(warning(fieldname, f"{net} holds public addresses: containers could not reach the real hosts "
                                         f"there; unless you own it, use {PRIVATE_HINT[4]}"))
    for line in host_route_warnings(net, host, snapshot):
        errors.append(warning(fieldname, line))


# -- driver options ----------------------------------------------------------------------
OPT_MTU = "com.docker.network.driver.mtu"
OPT_BRIDGE_NAME = "com.docker.network.bridge.name"
OPT_ICC = "com.docker.network.bridge.enable_icc"
OPT_MASQ = "com.docker.network.bridge.enable_ip_masquerade"
OPT_HOST_BINDING = "com.docker.network.bridge.host_binding_ipv4"
# Go's strconv.ParseBool, which the bridge driver uses.
GO_BOOLS = ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
MIN_MTU, MAX_MTU, MIN_MTU_V6 = 68, 65535, 1280
IFNAMSIZ = 16  # Linux: interface names hold at most 15 bytes
# Bridge options some Docker release reads (the ones in BRIDGE_OPTIONS, and these).
OTHER_BRIDGE_OPTIONS = (
    "com.docker.network.bridge.default_bridge",
    "com.docker.network.bridge.inhibit_ipv4",
    "com.docker.network.bridge.gateway_mode_ipv4",
    "com.docker.network.bridge.gateway_mode_ipv6",
    "com.docker.network.bridge.trusted_host_interfaces",
)


def interface_name_problem(name: str) -> str:
    """Why Linux would refuse `name` for a network interface, or ''."""
    if not name:
        return "the bridge name is empty"
    if len(name.encode()) >= IFNAMSIZ:
        return (f"the bridge name {name} is {len(name.encode())} characters long: "
                f"Linux interface names have at most {IFNAMSIZ - 1}")
    if name in (".", "..") or any(ch in name for ch in "/:") or any(ch.isspace() for ch in name):
        return f"{name!r} is not an interface name: no spaces, '/' or ':' (letters, digits, - and _ are safe)"
    if not name.isprintable():
        return f"{name!r} is not an interface name: it holds control characters"
    return ""


def validate_driver_options(spec: NetworkSpec, snapshot: Snapshot, host: HostNetworking | None,
                            errors: list[FieldError]) -> None:
    """The well-known bridge options, checked the way the engine (and Linux) would."""
    opts = dict(parse_pairs(spec.options, "option", "options", []))
    driver = spec.driver or "bridge"
    for key, value in opts.items():
        if key.startswith("com.docker.network.bridge.") and driver != "bridge":
            errors.append(warning("options", f"{key} is a bridge driver option: a {driver} network does not use it"))
        elif (key.startswith("com.docker.network.bridge.") and key not in BRIDGE_OPTIONS
              and key not in OTHER_BRIDGE_OPTIONS):
            errors.append(warning("options", f"{key} is not a bridge option netui knows (a typo?): "
                                             "the engine accepts options it does not know and ignores them"))
    if OPT_MTU in opts:
        v = opts[OPT_MTU]
        if not re.fullmatch(r"[0-9]+", v):
            errors.append(FieldError("options", f"the MTU must be a whole number of bytes ({MIN_MTU} to {MAX_MTU}), e.g. 1400; not {v!r}"))
        elif int(v) == 0:
            errors.append(warning("options", "an MTU of 0 means the engine's default (1500 unless dockerd sets another): leave the option out"))
        elif not MIN_MTU <= int(v) <= MAX_MTU:
            errors.append(FieldError("options", f"an MTU of {int(v)} is outside what Linux allows ({MIN_MTU} to {MAX_MTU}): "
                                                "the engine would accept it and then fail to attach every container"))
        elif spec.ipv6 and int(v) < MIN_MTU_V6:
            errors.append(FieldError("options", f"IPv6 needs an MTU of at least {MIN_MTU_V6}; {int(v)} is too small"))
    if driver != "bridge":
        return
    if OPT_BRIDGE_NAME in opts:
        name = opts[OPT_BRIDGE_NAME]
        problem = interface_name_problem(name)
        users = [n.name for n in snapshot.networks
                 if n.driver == "bridge" and lookup_option(n, OPT_BRIDGE_NAME) == name]
        if problem:
            errors.append(FieldError("options", problem))
        elif users:
            errors.append(FieldError("options", f"network {users[0]} already uses the bridge {name}"))
        elif host is not None and host.known and name in host.interfaces and name not in docker_bridge_names(snapshot):
            errors.append(FieldError("options", f"this host already has an interface named {name}: pick a name no interface has"))
    for key in (OPT_ICC, OPT_MASQ):
        if key in opts and opts[key] not in GO_BOOLS:
            errors.append(FieldError("options", f"{key.rsplit('.', 1)[-1]} is true or false, not {opts[key]!r}"))
    if OPT_HOST_BINDING in opts:
        v = opts[OPT_HOST_BINDING]
        try:
            ipaddress.IPv4Address(v)
        except ValueError:
            errors.append(FieldError("options", f"host_binding_ipv4 is the IPv4 address published ports listen on "
                                                f"by default (e.g. 127.0.0.1), not {v!r}"))


def lookup_option(net: Network, key: str) -> str:
    return dict(net.options).get(key, "")


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
    subnet = _network(spec.subnet, "subnet", 4, errors)
    gateway = _address(spec.gateway, "gateway", errors)
    ip_range = _network(spec.ip_range, "ip_range", 4, errors)
    if subnet is not None:
        _subnet_checks(subnet, "subnet", snapshot, host, errors)
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
        elif not ip_range.subnet_of(subnet):
            errors.append(FieldError("ip_range", f"the IP range {ip_range} is not inside {subnet}"))
    if spec.ipv6:
        v6 = _network(spec.ipv6_subnet, "ipv6_subnet", 6, errors)
        if not spec.ipv6_subnet.strip():
            errors.append(FieldError("ipv6_subnet", "IPv6 needs a subnet here, e.g. fd00:42::/64"))
        elif v6 is not None:
            _subnet_checks(v6, "ipv6_subnet", snapshot, host, errors)
    elif spec.ipv6_subnet.strip():
        errors.append(FieldError("ipv6_subnet", "tick IPv6 to use an IPv6 subnet"))
    parse_pairs(spec.labels, "label", "labels", errors)
    parse_pairs(spec.options, "option", "options", errors)
    validate_driver_options(spec, snapshot, host, errors)
    return errors


# -- connect / disconnect -----------------------------------------------------------
@dataclass(frozen=True)
class ConnectSpec:
    network: str  # name, for the command shown
    container: str  # name
    aliases: str = ""  # comma or space separated
    ipv4: str = ""
    ipv6: str = ""
    network_id: str = ""  # what the engine is told (names can repeat)

    @property
    def network_ref(self) -> str:
        return self.network_id or self.network

    def alias_list(self) -> list[str]:
        return [a for a in re.split(r"[,\s]+", self.aliases or "") if a]

    def argv(self) -> list[str]:
        argv = ["docker", "network", "connect"]
        for a in self.alias_list():
            argv += ["--alias", a]
        if self.ipv4.strip():
            argv += ["--ip", self.ipv4.strip()]
        if self.ipv6.strip():
            argv += ["--ip6", self.ipv6.strip()]
        return argv + [self.network or "NETWORK", self.container or "CONTAINER"]


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


def validate_connect(spec: ConnectSpec, snapshot: Snapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    net = _network_of(snapshot, spec.network, spec.network_id)
    if net is None:
        return [FieldError("network", f"network {spec.network} no longer exists")]
    if net.driver in ("host", "null"):
        return [FieldError("network", f"containers cannot be connected to the {net.name} network; run them with --network {net.name} instead")]
    c = snapshot.container_by_name.get(spec.container)
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
        subnets = [ipaddress.ip_network(s, strict=False) for s in net.subnets if _is_cidr(s)]
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


def _is_cidr(s: str) -> bool:
    try:
        ipaddress.ip_network(s, strict=False)
        return True
    except ValueError:
        return False


# The pools dockerd 20.10 carves networks from when no default-address-pools are
# configured (libnetwork ipamutils): 172.17-31.0.0/16 as /16s, 192.168.0.0/16 as /20s.
BUILTIN_ADDRESS_POOLS = (
    ("172.17.0.0/16", 16), ("172.18.0.0/16", 16), ("172.19.0.0/16", 16), ("172.20.0.0/14", 16),
    ("172.24.0.0/14", 16), ("172.28.0.0/14", 16), ("192.168.0.0/16", 20),
)


def _pool_block(subnet, pools: tuple[tuple[str, int], ...]) -> bool:
    """Whether the engine could have picked `subnet` itself: one pool-sized block of a pool."""
    for base, size in pools:
        try:
            b = ipaddress.ip_network(base, strict=False)
        except ValueError:
            continue
        if b.version == subnet.version and subnet.prefixlen == size and subnet.subnet_of(b):
            return True
    return False


def static_ip_support(net: Network, version: int = 4, pools: tuple[tuple[str, int], ...] | None = None) -> tuple[str, str]:
    """Whether Docker accepts a static IPv4/IPv6 address (--ip / --ip6) on `net`: ("yes" | "no" | "unsure", why).

    Docker takes one only on user-defined networks whose subnet of that family the
    user configured (--subnet); it refuses it where the engine chose the subnet.
    The API shows both kinds in IPAM.Config, but differently (Docker 20.10):
      - configured: exactly what the user gave: Subnet, and Gateway/IPRange/
        AuxiliaryAddresses only when given;
      - engine-chosen: Subnet and Gateway, always, the gateway being the subnet's
        first address, and the subnet a pool-sized block of a default address pool.
    So a config without a gateway, with an IP range or auxiliary addresses, with
    another gateway, or outside the default pools was configured by a user; one that
    looks exactly like the engine's choice may be either (--subnet 172.18.0.0/16
    --gateway 172.18.0.1 reads the same as an engine-picked 172.18.0.0/16).
    `pools`: the engine's default address pools as (base, size); empty means its
    built-in pools; None means unknown (no pool test).
    """
    if net.driver in ("host", "null", "none"):
        return "no", f"the {net.name} network gives no addresses"
    if net.is_default_bridge:
        return "no", ("the default bridge takes no static address: Docker allows --ip only on "
                      "user-defined networks created with --subnet")
    family = [c for c in net.ipam if _is_cidr(c.subnet) and ipaddress.ip_network(c.subnet, strict=False).version == version]
    if not family:
        return "no", f"{net.name} has no IPv{version} subnet"
    flag = "--ip" if version == 4 else "--ip6"
    for c in family:
        sub = ipaddress.ip_network(c.subnet, strict=False)
        if not c.gateway or c.ip_range or c.aux_addresses:
            return "yes", ""
        try:
            gw = ipaddress.ip_address(c.gateway)
        except ValueError:
            return "yes", ""
        if net.ipam_driver in ("", "default") and int(gw) != int(sub.network_address) + 1:
            return "yes", ""  # the engine always takes the first address for the gateway
        if net.ipam_driver in ("", "default") and pools is not None and net.scope != "swarm":
            if not _pool_block(sub, pools or BUILTIN_ADDRESS_POOLS):
                return "yes", ""
    subnets = ", ".join(c.subnet for c in family)
    return "unsure", (f"the engine may refuse {flag} here: {net.name} ({subnets}, gateway {family[0].gateway}) looks just like "
                      "a network whose subnet the engine chose, where Docker takes no static address; "
                      "the API cannot tell that from one created with --subnet and --gateway")


def static_ip_unavailable(net: Network, version: int = 4, pools: tuple[tuple[str, int], ...] | None = None) -> str:
    """Why a static address cannot work on `net`, or '' (it can, or may: see static_ip_support)."""
    verdict, why = static_ip_support(net, version, pools)
    return why if verdict == "no" else ""


def static_ip_caveat(net: Network, version: int = 4, pools: tuple[tuple[str, int], ...] | None = None) -> str:
    """What to say when netui cannot tell whether a static address works on `net`, or ''."""
    verdict, why = static_ip_support(net, version, pools)
    return why if verdict == "unsure" else ""


@dataclass(frozen=True)
class DisconnectSpec:
    network: str
    container: str
    force: bool = False
    network_id: str = ""

    @property
    def network_ref(self) -> str:
        return self.network_id or self.network

    def argv(self) -> list[str]:
        return ["docker", "network", "disconnect", *(["--force"] if self.force else []), self.network, self.container]


def validate_disconnect(spec: DisconnectSpec, snapshot: Snapshot) -> list[FieldError]:
    net = _network_of(snapshot, spec.network, spec.network_id)
    if net is None:
        return [FieldError("network", f"network {spec.network} no longer exists")]
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


def remove_argv(names: Iterable[str]) -> list[str]:
    return ["docker", "network", "rm", *names]


@dataclass(frozen=True)
class RemoveSpec:
    network: str
    disconnect_first: tuple[str, ...] = ()  # containers to disconnect (forced) before removing
    network_id: str = ""

    def argv(self) -> list[str]:
        return remove_argv([self.network])

    def all_argv(self) -> list[list[str]]:
        return [DisconnectSpec(self.network, c, force=True).argv() for c in self.disconnect_first] + [self.argv()]


@dataclass(frozen=True)
class PruneSpec:
    networks: tuple[str, ...]
    network_ids: tuple[str, ...] = ()

    def argv(self) -> list[str]:
        return remove_argv(self.networks)


def prune_candidates(snapshot: Snapshot) -> tuple[Network, ...]:
    """User networks no container refers to, running or stopped (what `docker network prune` would take, safely)."""
    used = {e.network_id for c in snapshot.containers for e in c.endpoints}
    return tuple(n for n in snapshot.networks if not n.protected and n.id not in used and n.scope != "swarm")


# -- run ---------------------------------------------------------------------------
@dataclass(frozen=True)
class RunSpec:
    network: str
    image: str = LOCAL_IMAGE
    name: str = ""
    command: str = "sleep 86400"
    publish: str = ""  # [host_ip:]host_port:container_port[/proto]
    aliases: str = ""
    network_id: str = ""

    def parsed_command(self) -> list[str]:
        try:
            return shlex.split(self.command or "")
        except ValueError:
            return []

    def parsed_publish(self) -> tuple[str, int | None, int, str] | None:
        """(host ip, host port or None, container port, protocol), or None when empty or malformed."""
        text = (self.publish or "").strip()
        if not text:
            return None
        proto = "tcp"
        if "/" in text:
            text, proto = text.rsplit("/", 1)
        parts = text.rsplit(":", 2)
        try:
            if len(parts) == 1:
                return ("", None, int(parts[0]), proto)
            if len(parts) == 2:
                return ("", int(parts[0]) if parts[0] else None, int(parts[1]), proto)
            return (parts[0].strip("[]"), int(parts[1]) if parts[1] else None, int(parts[2]), proto)
        except ValueError:
            return None

    def argv(self) -> list[str]:
        argv = ["docker", "run", "-d"]
        if self.name.strip():
            argv += ["--name", self.name.strip()]
        argv += ["--network", self.network or "NETWORK"]
        for a in re.split(r"[,\s]+", self.aliases or ""):
            if a:
                argv += ["--network-alias", a]
        if self.publish.strip():
            argv += ["-p", self.publish.strip()]
        argv += ["--label", f"{MANAGED_LABEL}=1", self.image or "IMAGE", *self.parsed_command()]
        return argv


def validate_run(spec: RunSpec, snapshot: Snapshot) -> list[FieldError]:
    errors: list[FieldError] = []
    net = _network_of(snapshot, spec.network, spec.network_id)
    if net is None:
        errors.append(FieldError("network", f"network {spec.network} no longer exists"))
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


# -- the engine's refusals, in plain words ------------------------------------------------
_REFUSALS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(p, re.IGNORECASE | re.DOTALL), f) for p, f in (
        (r"bridge interface existence: numerical result out of range",
         lambda m: "the bridge name is too long: Linux interface names have at most 15 characters"),
        (r"networks have same bridge name",
         lambda m: "another network already uses that bridge name (com.docker.network.bridge.name)"),
        (r"failed to parse com\.docker\.network\.driver\.mtu value: (.*?) \(strconv",
         lambda m: f"the MTU must be a whole number of bytes (68 to 65535), not {m.group(1)!r}"),
        (r"invalid MTU number: (\S+)",
         lambda m: f"the MTU must be between 68 and 65535, not {m.group(1)}"),
        (r"failed to set MTU on (?:host|container) interface",
         lambda m: "the network's MTU option is outside what Linux allows (68 to 65535): no container can join it "
                   "until the network is re-created with another MTU"),
        (r"failed to parse com\.docker\.network\.bridge\.(enable_icc|enable_ip_masquerade) value: (.*?) \(strconv\.ParseBool",
         lambda m: f"{m.group(1)} is true or false, not {m.group(2)!r}"),
        (r"failed to parse com\.docker\.network\.bridge\.host_binding_ipv4 value: (.*?) \(nil ip\)",
         lambda m: f"host_binding_ipv4 must be an IPv4 address, not {m.group(1)!r}"),
        (r"user specified IP address is supported only when connecting to networks with user configured subnets",
         lambda m: "this network's subnet was chosen by the engine, and Docker gives a static address only on networks "
                   "created with --subnet: connect without an address, or re-create the network with --subnet"),
        (r"user specified IP address is supported on user defined networks only",
         lambda m: "the default bridge takes no static address: use a user-defined network created with --subnet"),
        (r"Pool overlaps with other one on this address space",
         lambda m: "the subnet overlaps another Docker network's subnet"),
        (r"could not find an available, non-overlapping IPv(\d) address pool",
         lambda m: f"the engine has no free IPv{m.group(1)} subnet left in its address pools: give a subnet, "
                   "or remove unused networks"),
        (r"network with name (\S+) already exists",
         lambda m: f"a network named {m.group(1)} already exists (created meanwhile?)"),
        (r"No such image: (\S+)",
         lambda m: f"the engine has no image {m.group(1)}: netui does not pull; `docker pull {m.group(1)}` first"
                   + (" (or `netui image`)" if m.group(1) == LOCAL_IMAGE else "")),
        (r'exec: "([^"]*)": executable file not found in \$PATH',
         lambda m: f"the image has no program {m.group(1)!r} (not found in its PATH)"),
        (r"listen (?:tcp|udp|sctp)[46]? (\S+?):(\d+): bind: cannot assign requested address",
         lambda m: f"this host has no address {m.group(1).strip('[]')} to publish on: use one of its addresses, "
                   "127.0.0.1, or no host IP (all of them)"),
        (r"listen (?:tcp|udp|sctp)[46]? (\S+?):(\d+): bind: address already in use",
         lambda m: f"host port {m.group(2)} on {m.group(1).strip('[]')} is already in use by another program: "
                   "pick another port"),
        (r"Bind for (\S+?):(\d+) failed: port is already allocated",
         lambda m: f"host port {m.group(2)} is already published by another container: pick another port"),
        (r"Address already in use",
         lambda m: "that address is already taken on this network"),
        (r"endpoint with name (\S+) already exists in network (\S+)",
         lambda m: f"{m.group(1)} is already connected to {m.group(2)}"),
        (r"has active endpoints",
         lambda m: "containers are attached to it (they joined meanwhile): nothing was removed"),
        (r"No such container: (\S+)",
         lambda m: f"the container {m.group(1)} no longer exists"),
    )
)


def explain_refusal(message: str) -> str:
    """Plain words for an engine refusal whose own words are cryptic, or '' when they are clear enough."""
    for pattern, words in _REFUSALS:
        m = pattern.search(message or "")
        if m:
            return words(m)
    return ""


def with_explanation(exc: EngineError) -> EngineError:
    """The same error, its message led by plain words when netui knows them; the engine's own words kept."""
    if getattr(exc, "original", None) is not None:
        return exc
    plain = explain_refusal(exc.message)
    exc.original = exc.message  # type: ignore[attr-defined]
    if plain:
        exc.message = f"{plain} (the engine said: {exc.message})"
        exc.args = (exc.message,)
    return exc


# -- the log -------------------------------------------------------------------------
@dataclass(frozen=True)
class LogEntry:
    time: float
    command: str
    ok: bool
    result: str


@dataclass
class ActionLog:
    entries: list[LogEntry] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, command: str, ok: bool, result: str) -> LogEntry:
        entry = LogEntry(time.time(), command, ok, result)
        with self._lock:
            self.entries.append(entry)
        return entry

    def text(self) -> str:
        with self._lock:
            entries = list(self.entries)
        return "\n".join(
            f"{time.strftime('%H:%M:%S', time.localtime(e.time))}  {'ok ' if e.ok else 'ERR'}  {e.command}  # {e.result}"
            for e in entries
        )


RUN_WATCH_SECONDS = 1.0  # how long a run is watched for an exit at once
RUN_LOG_LINES = 5


# -- performing ------------------------------------------------------------------------
class Actions:
    """The write side of the engine. Every method logs its equivalent command and outcome."""

    def __init__(self, engine: Engine, *, read_only: bool = False, log: ActionLog | None = None) -> None:
        self.engine = engine
        self.read_only = read_only
        self.log = log or ActionLog()

    def _run(self, argv: list[str], fn: Callable[[], str]) -> str:
        if self.read_only:
            raise ReadOnlyError()
        cmd = command_text(argv)
        try:
            result = fn()
        except EngineError as exc:
            with_explanation(exc)
            self.log.add(cmd, False, str(exc))
            raise
        self.log.add(cmd, True, result)
        return result

    def create_network(self, spec: NetworkSpec) -> str:
        def go() -> str:
            ipam_pools = []
            if spec.subnet.strip():
                pool = {"Subnet": spec.subnet.strip()}
                if spec.gateway.strip():
                    pool["Gateway"] = spec.gateway.strip()
                if spec.ip_range.strip():
                    pool["IPRange"] = spec.ip_range.strip()
                ipam_pools.append(pool)
            if spec.ipv6 and spec.ipv6_subnet.strip():
                ipam_pools.append({"Subnet": spec.ipv6_subnet.strip()})
            ipam = {"Driver": "default", "Config": ipam_pools} if ipam_pools else None
            res = self.engine.call(
                self.engine.api.create_network,
                spec.name.strip(),
                driver=spec.driver,
                options=dict(spec.parsed_options()) or None,
                ipam=ipam,
                check_duplicate=True,
                internal=spec.internal,
                labels=dict(spec.parsed_labels()) or None,
                enable_ipv6=spec.ipv6,
                attachable=spec.attachable,
            )
            return f"created network {spec.name.strip()} ({str(res.get('Id', ''))[:12]})"

        return self._run(spec.argv(), go)

    def connect(self, spec: ConnectSpec) -> str:
        def go() -> str:
            self.engine.call(
                self.engine.api.connect_container_to_network,
                spec.container,
                spec.network_ref,
                aliases=spec.alias_list() or None,
                ipv4_address=spec.ipv4.strip() or None,
                ipv6_address=spec.ipv6.strip() or None,
            )
            return f"connected {spec.container} to {spec.network}"

        return self._run(spec.argv(), go)

    def disconnect(self, spec: DisconnectSpec) -> str:
        def go() -> str:
            self.engine.call(
                self.engine.api.disconnect_container_from_network, spec.container, spec.network_ref, force=spec.force
            )
            return f"disconnected {spec.container} from {spec.network}"

        return self._run(spec.argv(), go)

    def remove_network(self, name: str, *, disconnect_first: tuple[str, ...] = (), network_id: str = "") -> str:
        """Remove a network; optionally disconnect the given containers first (forced)."""
        done = []
        for cname in disconnect_first:
            self.disconnect(DisconnectSpec(name, cname, force=True, network_id=network_id))
            done.append(cname)

        def go() -> str:
            self.engine.call(self.engine.api.remove_network, network_id or name)
            return f"removed network {name}" + (f" after disconnecting {', '.join(done)}" if done else "")

        return self._run(remove_argv([name]), go)

    def prune(self, names: Iterable[str], ids: Iterable[str] = ()) -> tuple[list[str], list[str]]:
        """Remove exactly these networks; returns (removed, failures as 'name: reason')."""
        removed, failed = [], []
        ids = list(ids)
        for i, name in enumerate(names):
            try:
                self.remove_network(name, network_id=ids[i] if i < len(ids) else "")
                removed.append(name)
            except ReadOnlyError:
                raise
            except NotFound:
                failed.append(f"{name}: already gone")
            except EngineError as exc:
                failed.append(f"{name}: {exc}")
        return removed, failed

    def run_container(self, spec: RunSpec) -> str:
        """Run it; the result says what happened in its first moments (see run_container_outcome)."""
        return self.run_container_outcome(spec).text

    def run_container_outcome(self, spec: RunSpec, watch: float = RUN_WATCH_SECONDS) -> "RunOutcome":
        """Create and start the container, then watch it for up to `watch` seconds:
        a container whose command ends at once is reported as exited, with its
        exit code and last lines of output, not as started."""
        outcome: list[RunOutcome] = []

        def go() -> str:
            api = self.engine.api
            publish = spec.parsed_publish()
            port_bindings = None
            ports = None
            if publish is not None:
                host_ip, host_port, cport, proto = publish
                key = f"{cport}/{proto}"
                port_bindings = {key: (host_ip, host_port) if host_ip else host_port}
                ports = [(cport, proto)]
            aliases = [a for a in re.split(r"[,\s]+", spec.aliases or "") if a]
            ref = spec.network_id or spec.network
            host_config = api.create_host_config(network_mode=ref, port_bindings=port_bindings)
            networking = api.create_networking_config({ref: api.create_endpoint_config(aliases=aliases or None)})
            res = self.engine.call(
                api.create_container,
                spec.image.strip(),
                command=spec.parsed_command() or None,
                name=spec.name.strip() or None,
                labels={MANAGED_LABEL: "1"},
                host_config=host_config,
                networking_config=networking,
                ports=ports,
                detach=True,
            )
            cid = res["Id"]
            try:
                self.engine.call(api.start, cid)
            except EngineError:
                # Not half-done: a container that cannot start is removed again.
                try:
                    self.engine.call(api.remove_container, cid, force=True)
                except EngineError:
                    pass
                raise
            out = self._watch_start(cid, spec.name.strip() or cid[:12], spec.network, watch)
            outcome.append(out)
            return out.text

        self._run(spec.argv(), go)
        return outcome[0]

    def _watch_start(self, cid: str, name: str, network: str, seconds: float) -> "RunOutcome":
        """Wait up to `seconds` for the container to stop (one request, answered at its exit)."""
        api = self.engine.api
        code: int | None = None
        if seconds > 0:
            try:
                res = api.wait(cid, timeout=seconds)
                code = int(res.get("StatusCode")) if isinstance(res, dict) and res.get("StatusCode") is not None else None
            except Exception:
                code = None  # still running when the time was up (or the wait failed: inspect says)
        try:
            state = self.engine.call(api.inspect_container, cid).get("State") or {}
        except NotFound:
            return RunOutcome(cid, name, network, running=False, exit_code=code, gone=True)
        except EngineError:
            return RunOutcome(cid, name, network, running=code is None, exit_code=code)
        if state.get("Running") or state.get("Restarting"):
            return RunOutcome(cid, name, network, running=True)
        exit_code = state.get("ExitCode")
        exit_code = int(exit_code) if isinstance(exit_code, int) else code
        lines: tuple[str, ...] = ()
        try:
            raw = self.engine.call(api.logs, cid, stdout=True, stderr=True, tail=RUN_LOG_LINES)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            lines = tuple(clean(line, 200) for line in text.splitlines() if line.strip())[-RUN_LOG_LINES:]
        except EngineError:
            pass
        error = clean(str(state.get("Error") or ""), 300)
        return RunOutcome(cid, name, network, running=False, exit_code=exit_code, log_tail=lines,
                          oom_killed=bool(state.get("OOMKilled")), error=error)


@dataclass(frozen=True)
class RunOutcome:
    """What a freshly started container did in its first moments."""

    container_id: str
    name: str
    network: str
    running: bool
    exit_code: int | None = None
    log_tail: tuple[str, ...] = ()
    oom_killed: bool = False
    error: str = ""
    gone: bool = False  # removed before it could be inspected (e.g. --rm elsewhere)

    @property
    def exited(self) -> bool:
        return not self.running

    @property
    def text(self) -> str:
        if self.running:
            return f"started {self.name} on {self.network}"
        if self.gone:
            return f"{self.name} started and was removed at once"
        code = "" if self.exit_code is None else f" with code {self.exit_code}"
        why = " (killed: out of memory)" if self.oom_killed else ""
        out = f"{self.name} started but exited at once{code}{why}"
        if self.error:
            out += f": {self.error}"
        if self.log_tail:
            out += "; last output: " + " ⏎ ".join(self.log_tail)
        else:
            out += "; it printed nothing"
        if self.exit_code == 0 and not self.oom_killed:
            out += ". A container lives as long as its command: give it one that keeps running (e.g. sleep 86400)"
        return out
