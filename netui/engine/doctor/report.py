"""`netui doctor` output: readable text grouped by check, worst first, or JSON.

The JSON is a list of findings, each {check, severity, title, subjects, explanation,
evidence, fix}; docs/doctor-json.md describes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from netui.engine.doctor.findings import INFO, PROBLEM, WARNING, Finding, counts, worst_first
from netui.text import clean

if TYPE_CHECKING:
    from rich.text import Text  # imported where text is made: `--json` needs no rich

HEAD = {PROBLEM: ("PROBLEM", "bold red"), WARNING: ("WARNING", "bold yellow"), INFO: ("INFO", "bold cyan")}
ICON = {PROBLEM: ("✖", "bold red"), WARNING: ("⚠", "bold yellow"), INFO: ("ℹ", "cyan")}


def to_json(findings: Iterable[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False)


def summary(findings: list[Finding]) -> str:
    n = counts(findings)
    parts = [f"{n[PROBLEM]} problem{'s' if n[PROBLEM] != 1 else ''}", f"{n[WARNING]} warning{'s' if n[WARNING] != 1 else ''}",
             f"{n[INFO]} info"]
    return ", ".join(parts)


def finding_text(f: Finding, indent: str = "  ", explain: bool = False) -> Text:
    from rich.text import Text

    icon, style = ICON.get(f.severity, ("?", ""))
    t = Text(indent)
    t.append(f"{icon} ", style=style)
    t.append(clean(f.title), style="bold")
    if explain:
        t.append(f"\n{indent}    {clean(f.explanation)}", style="dim")
    for line in f.evidence:
        t.append(f"\n{indent}    · {clean(line)}")
    if f.fix is not None:
        for cmd in f.fix.lines:
            t.append(f"\n{indent}    $ ", style="dim")
            t.append(clean(cmd), style="green")
        if f.fix.note:
            t.append(f"\n{indent}      ({clean(f.fix.note)})", style="dim")
    return t


def render(findings: list[Finding], *, header: str = "", notes: Iterable[str] = ()) -> Text:
    from rich.text import Text

    out = Text()
    if header:
        out.append(clean(header) + "\n", style="bold")
    if not findings:
        out.append("\nNo findings: nothing to report.\n", style="bold green")
    groups: dict[str, list[Finding]] = {}
    for f in worst_first(findings):
        groups.setdefault(f.check, []).append(f)
    order = sorted(groups, key=lambda k: (-max(f.rank for f in groups[k]), k))
    for check in order:
        items = groups[check]
        sev = max(items, key=lambda f: f.rank).severity
        label, style = HEAD.get(sev, (sev.upper(), "bold"))
        out.append("\n")
        out.append(f"{label:8}", style=style)
        out.append(f" {check}", style="bold")
        out.append(f"  ({len(items)})\n", style="dim")
        out.append(f"  {clean(items[0].explanation)}\n", style="dim")
        for f in items:
            out.append_text(finding_text(f))
            out.append("\n")
    out.append(f"\n{summary(findings)}\n", style="bold")
    for n in notes:
        out.append(clean(n) + "\n", style="dim")
    return out
