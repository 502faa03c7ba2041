"""The doctor: what is wrong with a Docker networking setup, why, and the fix.

`diagnose(context)` runs every check (checks.py) over a snapshot and the engine
host's routes; `scoped(findings, snapshot, ...)` keeps those about one network or
the resources carrying a label; `why_not(...)` (whynot.py) explains a failed probe.
Pure: reading the engine is the caller's (cli.py, the UI's worker).
"""

from __future__ import annotations

from netui.engine.doctor.checks import CHECKS
from netui.engine.doctor.context import Context, NetworkEndpoint
from netui.engine.doctor.findings import (
    INFO,
    PROBLEM,
    RANK,
    SEVERITIES,
    WARNING,
    Finding,
    Fix,
    Subject,
    counts,
    exit_code,
    worst_first,
)
from netui.engine.model import Pairs, Snapshot, lookup

__all__ = [
    "CHECKS", "Context", "NetworkEndpoint", "Finding", "Fix", "Subject", "INFO", "WARNING", "PROBLEM", "RANK",
    "SEVERITIES", "counts", "exit_code", "worst_first", "diagnose", "scoped", "partial_checks",
]


def diagnose(ctx: Context) -> list[Finding]:
    """Every check's findings, worst first."""
    out: list[Finding] = []
    for fn, _needs in CHECKS.values():
        out.extend(fn(ctx))
    return worst_first(out)


def partial_checks(ctx: Context) -> list[str]:
    """Checks that could not see everything they look at: what they need was not read."""
    out = []
    snap = ctx.snapshot
    uninspected = any(c.config is None for c in snap.containers)
    for name, (_fn, needs) in CHECKS.items():
        if needs == "details" and uninspected:
            out.append(name)
        elif needs == "network-inspect" and ctx.network_endpoints is None:
            out.append(name)
    if uninspected:
        out += ["host-port-clash", "meant-to-talk", "default-bridge-names"]  # stopped bindings, environment, links
    if not ctx.host.known:
        out += ["subnet-host-route"]
    return sorted(set(out))


def _members(snapshot: Snapshot, network_id: str) -> set[str]:
    return {m.container.id for m in snapshot.members(network_id)}


def scoped(findings: list[Finding], snapshot: Snapshot, *, network: str | None = None,
           label: str | None = None) -> list[Finding]:
    """The findings about one network (by name or id: the network, or a container on it)
    and/or the networks and containers carrying a label (KEY or KEY=VALUE). Findings
    about the engine as a whole (its address pools) have no subject and are left out."""
    keep = findings
    if network is not None:
        net = snapshot.network_by_name.get(network) or snapshot.network_by_id.get(network)
        if net is None:
            return []
        on = _members(snapshot, net.id)
        keep = [f for f in keep if any((s.kind == "network" and s.id == net.id) or (s.kind == "container" and s.id in on)
                                       for s in f.subjects)]
    if label is not None:
        key, sep, value = label.partition("=")

        def carries(labels: Pairs) -> bool:
            v = lookup(labels, key, "\0")
            return v != "\0" and (not sep or v == value)

        ids = {n.id for n in snapshot.networks if carries(n.labels)} | {c.id for c in snapshot.containers if carries(c.labels)}
        keep = [f for f in keep if any(s.id in ids for s in f.subjects)]
    return keep
