"""Checks of a network's addresses and options that need more than the form: the
reserved ranges, the engine host's routes, the bridge driver's options as the engine
and Linux read them, and whether a static address can work on a network.

Pure functions: the host's networking comes in as a HostNetworking (hostnet.py).
"""

from __future__ import annotations

import ipaddress
import re

from netui.engine.hostnet import HostNetworking, IPNetwork, docker_bridge_names, host_overlaps, within
from netui.engine.model import Network, Snapshot
from netui.engine.specs import FieldError, NetworkSpec, parse_pairs, warning

BRIDGE_OPTIONS = (
    "com.docker.network.bridge.name",
    "com.docker.network.bridge.enable_icc",
    "com.docker.network.bridge.enable_ip_masquerade",
    "com.docker.network.bridge.host_binding_ipv4",
    "com.docker.network.driver.mtu",
)


def overlapping(snapshot: Snapshot, net: ipaddress.IPv4Network | ipaddress.IPv6Network, exclude: str = "") -> Network | None:
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


def reserved_problem(net: IPNetwork) -> str:
    """Why a subnet cannot hold containers (it is, or reaches into, a reserved range), or ''."""
    for block, why in RESERVED_RANGES:
        if block.version == net.version and block.overlaps(net):
            where = f"is inside {block}" if within(net, block) else f"includes {block}"
            return f"{net} {where}, {why}; use a private range such as {PRIVATE_HINT[net.version]}"
    return ""


def host_route_warnings(net: IPNetwork, host: HostNetworking | None, snapshot: Snapshot) -> list[str]:
    """One line per host route or address `net` overlaps (nothing when the host is unknown)."""
    if host is None or not host.known:
        return []
    found = host_overlaps(net, host, snapshot)
    lines = [f"{net} overlaps {r.describe()}: those addresses would be shadowed for the containers "
             "(and may become unreachable from this host)" for r in found[:3]]
    if len(found) > 3:
        lines.append(f"… and {len(found) - 3} more of this host's routes")
    return lines


def subnet_checks(net: IPNetwork, fieldname: str, snapshot: Snapshot, host: HostNetworking | None, errors: list[FieldError]) -> None:
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
    for key in opts:
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


# The pools dockerd 20.10 carves networks from when no default-address-pools are
# configured (libnetwork ipamutils): 172.17-31.0.0/16 as /16s, 192.168.0.0/16 as /20s.
BUILTIN_ADDRESS_POOLS = (
    ("172.17.0.0/16", 16), ("172.18.0.0/16", 16), ("172.19.0.0/16", 16), ("172.20.0.0/14", 16),
    ("172.24.0.0/14", 16), ("172.28.0.0/14", 16), ("192.168.0.0/16", 20),
)


def _pool_block(subnet: IPNetwork, pools: tuple[tuple[str, int], ...]) -> bool:
    """Whether the engine could have picked `subnet` itself: one pool-sized block of a pool."""
    for base, size in pools:
        try:
            b = ipaddress.ip_network(base, strict=False)
        except ValueError:
            continue
        if subnet.prefixlen == size and within(subnet, b):
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
    family = [c for c in net.ipam if is_cidr(c.subnet) and ipaddress.ip_network(c.subnet, strict=False).version == version]
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




def is_cidr(s: str) -> bool:
    try:
        ipaddress.ip_network(s, strict=False)
        return True
    except ValueError:
        return False
