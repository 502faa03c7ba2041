"""This host's own networks: its routes, addresses and interface names.

A subnet given to `docker network create` that overlaps one of the host's routes
(its LAN, a VPN, another bridge) shadows those addresses for the containers and
can take them away from the host too; Docker does not check user-given subnets.
netui reads the host's side only when it runs on the engine's host (a unix socket
to an engine whose name is this machine's host name); anywhere else the host's
networks are "unknown" and nothing is claimed about them.

The readers are Linux-only (/proc, `ip -j addr`); the parsers are pure functions
over the captured text, so they are tested without a host.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from netui.engine.model import EngineInfo, Network, Snapshot

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def within(inner: IPNetwork, outer: IPNetwork) -> bool:
    """Whether `inner` lies inside `outer` (False across IPv4 / IPv6)."""
    if isinstance(inner, ipaddress.IPv4Network) and isinstance(outer, ipaddress.IPv4Network):
        return inner.subnet_of(outer)
    if isinstance(inner, ipaddress.IPv6Network) and isinstance(outer, ipaddress.IPv6Network):
        return inner.subnet_of(outer)
    return False

# /proc/net/route and /proc/net/ipv6_route flags (linux/route.h, linux/ipv6_route.h)
RTF_UP = 0x0001
RTF_GATEWAY = 0x0002
RTF_REJECT = 0x0200
RTF_ANYCAST = 0x00100000
RTF_CACHE = 0x01000000
RTF_LOCAL = 0x80000000

_LINK_LOCAL6 = ipaddress.IPv6Network("fe80::/10")
_MULTICAST6 = ipaddress.IPv6Network("ff00::/8")


@dataclass(frozen=True)
class Route:
    """A network the host reaches: a route, or the network of one of its addresses."""

    network: IPNetwork
    device: str = ""
    gateway: str = ""  # '' when directly connected
    address: str = ""  # the host's own address in it, when known

    def describe(self) -> str:
        if self.address and self.network.prefixlen == self.network.max_prefixlen:
            what = f"this host's address {self.address}"
        elif self.address:
            what = f"this host's network {self.network} (its address {self.address})"
        elif self.gateway:
            what = f"this host's route to {self.network} via {self.gateway}"
        else:
            what = f"this host's route to {self.network}"
        return what + (f" on {self.device}" if self.device else "")


@dataclass(frozen=True)
class HostNetworking:
    """What netui knows of the engine host's networks. `known` is False when it cannot tell."""

    known: bool = False
    why_unknown: str = "not read"
    routes: tuple[Route, ...] = ()
    interfaces: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        if not self.known:
            return f"host routes not checked: {self.why_unknown}"
        return f"checked against this host's {len(self.routes)} routes and addresses"


UNKNOWN_REMOTE = HostNetworking(False, "the engine does not run on this machine")


# -- parsing (pure) -------------------------------------------------------------------
def _hex_ipv4(text: str, byteorder: str) -> ipaddress.IPv4Address:
    # The kernel prints the 32-bit value in host byte order.
    return ipaddress.IPv4Address(int(text, 16).to_bytes(4, "little" if byteorder == "little" else "big"))


def parse_proc_route(text: str, byteorder: str = sys.byteorder) -> list[Route]:
    """IPv4 routes of /proc/net/route (the main table), skipping down and reject routes."""
    out: list[Route] = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) < 8:
            continue
        try:
            dev, dest, gw, flags, mask = parts[0], parts[1], parts[2], int(parts[3], 16), parts[7]
            mask_addr = _hex_ipv4(mask, byteorder)
            prefix = bin(int(mask_addr)).count("1")
            net = ipaddress.IPv4Network(f"{_hex_ipv4(dest, byteorder)}/{prefix}", strict=False)
            gateway = _hex_ipv4(gw, byteorder)
        except (ValueError, OverflowError):
            continue
        if not flags & RTF_UP or flags & RTF_REJECT:
            continue
        out.append(Route(net, dev, str(gateway) if flags & RTF_GATEWAY and int(gateway) else ""))
    return out


def parse_proc_ipv6_route(text: str) -> list[Route]:
    """IPv6 routes of /proc/net/ipv6_route; local entries (the host's own addresses) carry the address."""
    out: list[Route] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 10:
            continue
        try:
            dest = ipaddress.IPv6Address(bytes.fromhex(parts[0]))
            prefix = int(parts[1], 16)
            nexthop = ipaddress.IPv6Address(bytes.fromhex(parts[4]))
            flags = int(parts[8], 16)
            net = ipaddress.IPv6Network(f"{dest}/{prefix}", strict=False)
        except ValueError:
            continue
        if not flags & RTF_UP or flags & (RTF_REJECT | RTF_CACHE | RTF_ANYCAST):
            continue
        local = bool(flags & RTF_LOCAL)
        out.append(Route(
            net, parts[9],
            str(nexthop) if flags & RTF_GATEWAY and int(nexthop) else "",
            str(dest) if local else "",
        ))
    return out


def parse_ip_addr_json(text: str) -> tuple[list[Route], list[str]]:
    """`ip -j addr` output: (the network of each address, every interface name)."""
    try:
        data = json.loads(text or "[]")
    except ValueError:
        return [], []
    routes: list[Route] = []
    names: list[str] = []
    for link in data if isinstance(data, list) else []:
        if not isinstance(link, dict):
            continue
        name = str(link.get("ifname") or "")
        if name:
            names.append(name)
        for a in link.get("addr_info") or ():
            if not isinstance(a, dict) or a.get("family") not in ("inet", "inet6"):
                continue
            try:
                iface = ipaddress.ip_interface(f"{a.get('local')}/{a.get('prefixlen')}")
            except ValueError:
                continue
            routes.append(Route(iface.network, name, "", str(iface.ip)))
    return routes, names


def parse_if_inet6(text: str) -> list[Route]:
    """/proc/net/if_inet6: address, ifindex, prefix length, scope, flags, interface."""
    out: list[Route] = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 6:
            continue
        try:
            addr = ipaddress.IPv6Address(bytes.fromhex(parts[0]))
            net = ipaddress.IPv6Network(f"{addr}/{int(parts[2], 16)}", strict=False)
        except ValueError:
            continue
        out.append(Route(net, parts[5], "", str(addr)))
    return out


def parse_fib_trie_local(text: str) -> list[Route]:
    """The host's own IPv4 addresses from /proc/net/fib_trie ('/32 host LOCAL' leaves)."""
    seen: dict[str, Route] = {}
    last = ""
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("|--"):
            last = s[3:].strip()
        elif s.startswith("/32 host LOCAL") and last and last not in seen:
            try:
                addr = ipaddress.IPv4Address(last)
            except ValueError:
                continue
            seen[last] = Route(ipaddress.IPv4Network(f"{addr}/32"), "", "", str(addr))
    return list(seen.values())


# -- reading (I/O) ----------------------------------------------------------------------
def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def engine_is_local(info: EngineInfo) -> bool:
    """True when the engine runs on this machine: a unix socket, and the engine's name is this host's name.

    A unix socket alone is not enough (Docker Desktop's socket leads into a VM; a
    container with the host's socket mounted sees other routes than the engine)."""
    host = info.host or ""
    if not (host.startswith("unix://") or host.startswith("/")):
        return False
    return bool(info.name) and info.name == socket.gethostname()


def read_host_networking(info: EngineInfo | None = None) -> HostNetworking:
    """The host's routes, addresses and interfaces; unknown when the engine is elsewhere or /proc is missing."""
    if info is not None and not engine_is_local(info):
        return UNKNOWN_REMOTE
    v4 = _read("/proc/net/route")
    if not v4:
        return HostNetworking(False, "this machine has no /proc/net/route (not Linux?)")
    routes = parse_proc_route(v4) + parse_proc_ipv6_route(_read("/proc/net/ipv6_route"))
    names: list[str] = []
    ip = shutil.which("ip")
    out = ""
    if ip:
        try:
            out = subprocess.run([ip, "-j", "addr", "show"], capture_output=True, text=True, timeout=3).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
    if out:
        addrs, names = parse_ip_addr_json(out)
    else:
        addrs = parse_fib_trie_local(_read("/proc/net/fib_trie")) + parse_if_inet6(_read("/proc/net/if_inet6"))
        try:
            names = [n for _, n in socket.if_nameindex()]
        except OSError:
            names = sorted(os.listdir("/sys/class/net")) if os.path.isdir("/sys/class/net") else []
    return HostNetworking(True, "", tuple(routes + addrs), tuple(names))


# -- judging (pure) ------------------------------------------------------------------------
def docker_bridge_names(snapshot: Snapshot) -> set[str]:
    """The Linux bridges of the snapshot's bridge networks (docker0, br-<id12>, or their bridge.name)."""
    out = set()
    for n in snapshot.networks:
        if n.driver != "bridge":
            continue
        name = dict(n.options).get("com.docker.network.bridge.name", "")
        out.add(name or f"br-{n.id[:12]}")
    return out


def _docker_subnets(networks: Iterable[Network]) -> set[IPNetwork]:
    out = set()
    for n in networks:
        for s in n.subnets:
            try:
                out.add(ipaddress.ip_network(s, strict=False))
            except ValueError:
                continue
    return out


def host_overlaps(subnet: IPNetwork, host: HostNetworking, snapshot: Snapshot) -> list[Route]:
    """The host's routes and addresses `subnet` overlaps, one per network and device.

    Left out: default routes (they cover everything), link-local and multicast
    routes, and the bridges of Docker networks netui lists (those overlaps are the
    snapshot's business, named by network)."""
    if not host.known:
        return []
    bridges = docker_bridge_names(snapshot)
    ours = _docker_subnets(snapshot.networks)
    best: dict[tuple[IPNetwork, str], Route] = {}
    for r in host.routes:
        net = r.network
        if net.version != subnet.version or net.prefixlen == 0 or not net.overlaps(subnet):
            continue
        if isinstance(net, ipaddress.IPv6Network) and (net.subnet_of(_LINK_LOCAL6) or net.subnet_of(_MULTICAST6)):
            continue
        if r.device in bridges or net in ours:
            continue
        if r.address and net.prefixlen == net.max_prefixlen:
            # A /32 or /128 of an address: shown as its network when that is listed too.
            if any(o.address == r.address and o.network.prefixlen < net.prefixlen for o in host.routes):
                continue
        key = (net, r.device)
        prev = best.get(key)
        if prev is None or (r.address and not prev.address):
            best[key] = r
    return sorted(best.values(), key=lambda r: (r.network.prefixlen, str(r.network), r.device))
