"""How many more networks the engine can give a subnet of its own: its default address pools.

`docker network create` without --subnet takes the next free block of the engine's
default address pools (`default-address-pools` in daemon.json; Docker's built-in
ones when none is set: 172.17-31.x.x in /16 blocks and 192.168.x.x in /20 blocks,
31 networks in all). A block is taken when any network's subnet touches it, and
Docker skips blocks that overlap a route of the host. When none is left, creating a
network fails with "could not find an available, non-overlapping IPv4 address pool"
(moby#29239).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from netui.engine.hostnet import HostNetworking, docker_bridge_names
from netui.engine.model import Snapshot

# libnetwork's ipamutils (local scope), used when the daemon sets no default-address-pools.
BUILTIN_POOLS: tuple[tuple[str, int], ...] = (
    ("172.17.0.0/16", 16), ("172.18.0.0/16", 16), ("172.19.0.0/16", 16),
    ("172.20.0.0/14", 16), ("172.24.0.0/14", 16), ("172.28.0.0/14", 16),
    ("192.168.0.0/16", 20),
)


@dataclass(frozen=True)
class PoolUsage:
    base: str
    size: int
    total: int
    used: int
    by_networks: int  # of `used`, blocks taken by networks (the rest by host routes)

    @property
    def free(self) -> int:
        return self.total - self.used

    def describe(self) -> str:
        host = self.used - self.by_networks
        extra = f" ({host} of them by this host's routes)" if host else ""
        return f"pool {self.base} in /{self.size} blocks: {self.total} blocks, {self.used} taken{extra}, {self.free} free"


def pools_of(snapshot: Snapshot) -> tuple[tuple[str, int], ...] | None:
    """The pools the engine allocates from; None when unknown (a replay of an older dump)."""
    pools = snapshot.engine.address_pools
    if pools is None:
        return None
    return pools or BUILTIN_POOLS


def _merge(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _covered(base: ipaddress.IPv4Network, size: int, nets: Iterable[ipaddress.IPv4Network]) -> list[tuple[int, int]]:
    shift = 32 - size
    start, end = int(base.network_address), int(base.broadcast_address)
    out = []
    for n in nets:
        lo, hi = max(int(n.network_address), start), min(int(n.broadcast_address), end)
        if lo <= hi:
            out.append(((lo - start) >> shift, (hi - start) >> shift))
    return _merge(out)


def _count(intervals: list[tuple[int, int]]) -> int:
    return sum(hi - lo + 1 for lo, hi in intervals)


def usage(snapshot: Snapshot, host: HostNetworking | None = None) -> tuple[PoolUsage, ...] | None:
    """Each IPv4 pool's blocks: how many exist, are taken, are free. None when the pools are unknown."""
    pools = pools_of(snapshot)
    if pools is None:
        return None
    nets: list[ipaddress.IPv4Network] = []
    for n in snapshot.networks:
        if n.config_only:
            continue  # a template: it holds no addresses
        for s in n.subnets:
            try:
                net = ipaddress.ip_network(s, strict=False)
            except ValueError:
                continue
            if isinstance(net, ipaddress.IPv4Network):
                nets.append(net)
    routes: list[ipaddress.IPv4Network] = []
    if host is not None and host.known:
        bridges = docker_bridge_names(snapshot)
        ours = set(nets)
        for r in host.routes:
            net = r.network
            if (isinstance(net, ipaddress.IPv4Network) and 0 < net.prefixlen < 32 and not net.is_loopback
                    and r.device not in bridges and net not in ours):
                routes.append(net)
    out = []
    for base_text, size in pools:
        try:
            base = ipaddress.ip_network(base_text, strict=False)
        except ValueError:
            continue
        if not isinstance(base, ipaddress.IPv4Network) or not base.prefixlen <= size <= 32:
            continue
        total = 1 << (size - base.prefixlen)
        by_nets = _covered(base, size, nets)
        both = _merge(by_nets + _covered(base, size, routes))
        out.append(PoolUsage(str(base), size, total, _count(both), _count(by_nets)))
    return tuple(out)


def headroom(pools: tuple[PoolUsage, ...]) -> tuple[int, int]:
    """(free blocks, total blocks) over all pools."""
    return sum(p.free for p in pools), sum(p.total for p in pools)


def warn_below(total: int) -> int:
    """Warn when this few blocks (or fewer) are left: a tenth of the pools, at least 3."""
    return max(3, total // 10)
