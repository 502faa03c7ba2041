"""Helpers for engine tests that create networks with given subnets, without colliding
with other helpers' networks or this host's own routes (podman bridges use some of 10.231.x)."""

from __future__ import annotations

import ipaddress

import pytest

from netui.engine.hostnet import read_host_networking
from netui.engine.topology import TopologyReader


def snapshot(engine):
    return TopologyReader(engine).read()


def free_subnets(engine, count: int, within: str = "10.231.128.0/17", prefix: int = 24) -> list[str]:
    """/24s no network on the engine and no route of this host touches."""
    used = [ipaddress.ip_network(c["Subnet"], strict=False) for n in engine.api.networks()
            for c in ((n.get("IPAM") or {}).get("Config") or []) if c.get("Subnet")]
    host = read_host_networking(engine.info)
    used += [r.network for r in host.routes if r.network.prefixlen > 0]
    out = []
    for s in ipaddress.ip_network(within).subnets(new_prefix=prefix):
        if not any(u.version == 4 and u.overlaps(s) for u in used):
            out.append(str(s))
            if len(out) == count:
                return out
    pytest.fail(f"no free /{prefix} in {within}")


def free_pool_block(engine) -> tuple[str, str]:
    """A block of the engine's default pool that is free: what the engine itself could pick next."""
    pools = engine.info.address_pools or (("172.17.0.0/16", 16),)
    base, size = pools[-1]
    used = [ipaddress.ip_network(c["Subnet"], strict=False) for n in engine.api.networks()
            for c in ((n.get("IPAM") or {}).get("Config") or []) if c.get("Subnet")]
    used += [r.network for r in read_host_networking(engine.info).routes if r.network.prefixlen > 0]
    for s in reversed(list(ipaddress.ip_network(base).subnets(new_prefix=size))):
        if not any(u.version == 4 and u.overlaps(s) for u in used):
            return str(s), str(next(s.hosts()))
    pytest.fail("the engine's default pool is full")
