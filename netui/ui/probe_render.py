"""How probe results read on screen: a line per check, its time and method, and the command."""

from __future__ import annotations

from rich.text import Text

from netui.engine.probe_plan import ERROR, FAIL, OK, SKIPPED, TIMEOUT, Check, ProbeResult
from netui.text import clean

ICONS = {OK: ("✔", "bold green"), FAIL: ("✖", "bold red"), TIMEOUT: ("⧗", "bold yellow"), SKIPPED: ("–", "dim"), ERROR: ("!", "bold red")}
KIND = {"dns": "DNS ", "icmp": "ICMP", "tcp": "TCP ", "ipvs": "IPVS"}


def check_lines(c: Check, raw: bool = False) -> Text:
    icon, style = ICONS.get(c.status, ("?", ""))
    t = Text()
    t.append(f" {icon} ", style=style)
    t.append(f"{KIND.get(c.kind, c.kind):5}", style="bold")
    t.append(clean(c.summary), style="" if c.status in (OK, SKIPPED) else style.replace("bold ", ""))
    if c.seconds:
        t.append(f"  {c.seconds:.2f} s", style="dim")
    if c.method and c.method != "-":
        t.append(f"  {c.method}", style="dim italic")
    if c.command:
        t.append("\n      $ ", style="dim")
        t.append(clean(c.command), style="cyan")
    if raw and c.output:
        for line in c.output.splitlines()[-12:]:
            t.append("\n      │ " + clean(line), style="dim")
    return t


VERDICT_STYLES = {
    "reachable by name": "bold green",
    "reachable": "bold green",
    "reachable by IP only": "bold yellow",
    "isolated (no shared network)": "bold cyan",
    "reachable by IP (expected with host networking)": "bold green",
    # Nothing to measure: how the containers are set up says it (engine FIXED_VERDICTS).
    "no network: nothing to reach": "bold yellow",
    "source paused: unpause it to probe from it": "bold yellow",
    "source not running: start it to probe from it": "bold yellow",
    "not tested: the target uses host networking": "bold yellow",
    "unreachable: the target has no network (--network none)": "bold yellow",
    "not a target: one of netui's own probe containers": "bold yellow",
    "same network stack: that is the source itself": "bold yellow",
    **{f"target paused: {v}": "bold yellow" for v in ("reachable by name", "reachable", "reachable by IP only")},
    # swarm (netui.engine.swarm_probes)
    "reachable by name (through the service's VIP)": "bold green",
    "reachable by name: every task": "bold green",
    "reachable by name: some tasks only": "bold yellow",
    "name resolves to the VIP, which carries no traffic here: no IPVS in this kernel": "bold yellow",
    "the VIP carries no traffic here: no IPVS in this kernel": "bold yellow",
}


def verdict_line(r: ProbeResult) -> Text:
    t = Text("\n Verdict: ", style="bold")
    t.append(r.verdict, style=VERDICT_STYLES.get(r.verdict, "bold red"))
    if r.note:
        t.append(f"  ({clean(r.note)})", style="dim")
    return t


def result_text(r: ProbeResult, raw: bool = False) -> Text:
    t = Text()
    t.append(" from ", style="dim")
    t.append(clean(r.source), style="bold")
    t.append(" to ", style="dim")
    t.append(clean(r.target), style="bold")
    for c in r.checks:
        t.append("\n")
        t.append_text(check_lines(c, raw))
    t.append_text(verdict_line(r))
    return t
