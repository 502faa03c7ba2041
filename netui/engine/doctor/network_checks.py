"""The checks about networks: subnets (overlaps, the host's routes), the address pools,
duplicate names, empty networks, inter-container communication turned off."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import replace
from itertools import accumulate
from typing import Any

from netui.engine.doctor.common import FALSE, OPT_ICC, _finding, _subnets
from netui.engine.doctor.context import Context
from netui.engine.doctor.findings import INFO, PROBLEM, WARNING, Finding, Fix
from netui.engine.doctor.pools import headroom, usage, warn_below
from netui.engine.hostnet import IPNetwork, docker_bridge_names, host_overlaps
from netui.engine.model import Network


def subnet_overlaps(ctx: Context) -> Iterator[Finding]:
    spans = []
    for n in ctx.snapshot.networks:
        for s in _subnets(n):
            spans.append((s.version, int(s.network_address), int(s.broadcast_address), s, n))
    spans.sort(key=lambda t: (t[0], t[1], -t[2]))
    active: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    for item in spans:
        version, lo, hi, s, n = item
        active = [a for a in active if a[0] == version and a[2] >= lo]
        for _, _, _, s2, n2 in active:
            if n2.id == n.id or tuple(sorted((n.id, n2.id))) in seen:
                continue
            if n.config_from == n2.name or n2.config_from == n.name:
                continue  # a network made from a config-only network has its subnet, by design
            seen.add(tuple(sorted((n.id, n2.id))))
            template = n if n.config_only else n2 if n2.config_only else None
            if template is not None:
                other = n2 if template is n else n
                yield _finding("subnet-overlap", WARNING,
                               f"config-only network {template.name} overlaps {other.name}", [template, other],
                               [f"{template.name}: {s2 if template is n2 else s} (config-only)", f"{other.name}: {s if other is n else s2}",
                                f"a network created with --config-from {template.name} would be refused (\"Pool overlaps\")"],
                               Fix((("docker", "network", "rm", template.name),
                                    ("docker", "network", "create", "--config-only", "--subnet", "FREE_SUBNET", template.name)),
                                   "pick a subnet no network uses"))
                continue
            yield _finding("subnet-overlap", PROBLEM, f"{n2.name} and {n.name} have overlapping subnets", [n2, n],
                           [f"{n2.name}: {s2}", f"{n.name}: {s}"],
                           Fix((("docker", "network", "rm", n.name), ("docker", "network", "create", "--subnet", "FREE_SUBNET", n.name)),
                               "disconnect its containers first (netui's d does that); pick a subnet no network uses"))
        active.append(item)


def subnet_host_routes(ctx: Context) -> Iterator[Finding]:
    host = ctx.host
    if not host.known:
        return
    snap = ctx.snapshot
    bridges = docker_bridge_names(snap)
    mine = [(n, s) for n in snap.networks if n.driver not in ("macvlan", "ipvlan") and not n.builtin and not n.config_only
            for s in _subnets(n)]  # macvlan/ipvlan sit on the host's LAN on purpose
    if not mine:
        return
    # Only the host's own routes that touch a Docker subnet matter; usually none do, and the
    # per-network work below is skipped (a busy host has hundreds of routes, most of them bridges').
    spans: dict[int, list[tuple[int, int]]] = {4: [], 6: []}
    for _, s in mine:
        spans[s.version].append((int(s.network_address), int(s.broadcast_address)))
    starts = {v: sorted(x) for v, x in spans.items()}
    reach = {v: list(accumulate((hi for _, hi in x), max)) for v, x in starts.items()}  # the furthest end so far

    def touches(net: IPNetwork) -> bool:
        lo, hi = int(net.network_address), int(net.broadcast_address)
        x = starts[net.version]
        i = bisect_right(x, (hi, 1 << 129)) - 1  # the last span starting at or before hi
        return i >= 0 and reach[net.version][i] >= lo

    relevant = tuple(r for r in host.routes if r.network.prefixlen > 0 and r.device not in bridges and touches(r.network))
    if not relevant:
        return
    few = replace(host, routes=relevant)
    for n, s in mine:
        if not any(r.network.version == s.version and r.network.overlaps(s) for r in relevant):
            continue
        # The host's routes other than the Docker bridges', this network's own included: a
        # LAN route with exactly this network's subnet is the case that hurts most.
        own = docker_bridge_names(replace(snap, networks=(n,)))
        others = replace(snap, networks=tuple(x for x in snap.networks if x.id != n.id))
        found = [r for r in host_overlaps(s, few, others) if r.device not in own]
        if not found:
            continue
        yield _finding("subnet-host-route", PROBLEM, f"{n.name} ({s}) overlaps this host's own networks", [n],
                       [f"{s} overlaps {r.describe()}" for r in found[:4]],
                       Fix((("docker", "network", "rm", n.name), ("docker", "network", "create", "--subnet", "FREE_SUBNET", n.name)),
                           "disconnect its containers first; or leave out --subnet and let Docker pick a free block"),
                       key=f"subnet-host-route:{n.id}:{s}")


def address_pools(ctx: Context) -> Iterator[Finding]:
    pools = usage(ctx.snapshot, ctx.host)
    if not pools:
        return
    free, total = headroom(pools)
    if free > warn_below(total):
        return
    evidence = [p.describe() for p in pools]
    if not ctx.host.known:
        evidence.append("this host's routes are unknown: Docker may skip more blocks that overlap them")
    fix = Fix((("docker", "network", "prune"),),
              "or set larger pools with smaller blocks in /etc/docker/daemon.json, e.g. "
              '"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}], and restart the daemon')
    if free == 0:
        yield _finding("address-pools", PROBLEM, "the engine's address pools are full: the next network create will fail",
                       [], evidence, fix, key="address-pools")
    else:
        yield _finding("address-pools", WARNING, f"only {free} more network{'s' if free != 1 else ''} fit in the engine's "
                       f"address pools (of {total})", [], evidence, fix, key="address-pools")


def duplicate_names(ctx: Context) -> Iterator[Finding]:
    by: dict[str, list[Network]] = {}
    for n in ctx.snapshot.networks:
        by.setdefault(n.name, []).append(n)
    for name, nets in sorted(by.items()):
        if len(nets) < 2:
            continue
        snap = ctx.snapshot
        used = sorted(nets, key=lambda n: -snap.container_count(n.id))
        spare = [n for n in used if snap.container_count(n.id) == 0] or used[1:]
        evidence = [f"{n.id[:12]}: {n.driver}, {n.scope or 'local'}, {', '.join(n.subnets) or 'no subnet'}, "
                    f"{snap.container_count(n.id)} containers" for n in nets]
        yield _finding("duplicate-network-name", PROBLEM, f"{len(nets)} networks are named {name}", nets, evidence,
                       Fix(tuple(("docker", "network", "rm", n.id[:12]) for n in spare),
                           "by ID, the one(s) no container uses (or move the containers first)"), key=f"duplicate-network-name:{name}")


def empty_networks(ctx: Context) -> Iterator[Finding]:
    used = {e.network_id for c in ctx.snapshot.containers for e in c.endpoints}
    for n in ctx.snapshot.networks:
        if n.protected or n.config_only or n.scope == "swarm" or n.id in used:
            continue
        yield _finding("empty-network", INFO, f"{n.name} has no containers (a prune candidate)", [n],
                       [f"{n.name}: {n.driver}, {', '.join(n.subnets) or 'no subnet'}, no container, running or stopped"],
                       Fix((("docker", "network", "rm", n.name),), "or `docker network prune` for every unused network"))


def icc_disabled(ctx: Context) -> Iterator[Finding]:
    for n in ctx.snapshot.networks:
        if n.driver != "bridge" or n.option(OPT_ICC) not in FALSE or n.is_default_bridge:
            continue
        members = [m.container for m in ctx.snapshot.members(n.id) if m.container.running]
        if len(members) < 2:
            continue
        yield _finding("icc-disabled", INFO, f"containers on {n.name} cannot reach each other (ICC off)", [n, *members],
                       [f"{n.name}: {OPT_ICC}=false", f"{len(members)} running containers on it: {', '.join(c.name for c in members[:6])}"],
                       Fix((("docker", "network", "rm", n.name), ("docker", "network", "create", n.name)),
                           "only if they should talk: disconnect its containers first and connect them again afterwards"))


