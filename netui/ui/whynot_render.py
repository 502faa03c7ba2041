"""How "why not?" reads under a probe's verdict (or a matrix cell): each cause with its
teaching text, evidence and fix, and the key that applies (or undoes) the fix."""

from __future__ import annotations

from rich.text import Text

from netui.engine.doctor import Finding, Fix
from netui.engine.doctor.report import ICON
from netui.text import clean


def first_fix(causes: list[Finding]) -> tuple[Finding, Fix] | None:
    """The first cause with a fix netui can apply."""
    for f in causes:
        if f.fix is not None and f.fix.applicable:
            return f, f.fix
    return None


def why_text(causes: list[Finding], *, read_only: bool, apply_key: str, undo: Fix | None = None, undo_key: str = "") -> Text:
    t = Text()
    if not causes and undo is None:
        return t
    if causes:
        t.append("\n\n Why not?", style="bold")
    for i, f in enumerate(causes):
        icon, style = ICON.get(f.severity, ("?", ""))
        t.append(f"\n {icon} ", style=style)
        t.append(clean(f.title), style="bold")
        if i == 0:
            t.append(f"\n   {clean(f.explanation)}", style="dim")
        for line in f.evidence:
            t.append(f"\n   · {clean(line)}")
        if f.fix is not None:
            for cmd in f.fix.lines:
                t.append("\n   $ ", style="dim")
                t.append(clean(cmd), style="green")
            if f.fix.note:
                t.append(f"\n     ({clean(f.fix.note)})", style="dim")
    offer = first_fix(causes)
    if offer is not None:
        if read_only:
            t.append("\n   read-only: the fix is shown, not offered", style="dim")
        else:
            t.append(f"\n   {apply_key}: apply the fix (asks first), then probe again", style="bold green")
    if undo is not None and not read_only:
        t.append(f"\n\n {undo_key}: undo the fix ", style="bold yellow")
        t.append("(" + "; ".join(clean(c) for c in undo.lines) + ")", style="dim")
    return t


def undo_fix(fix: Fix) -> Fix:
    """The fix that takes `fix` back, as commands and specs."""
    from netui.engine.specs import StepsSpec

    cmds: list[tuple[str, ...]] = []
    for s in fix.undo:
        parts = s.all_argv() if isinstance(s, StepsSpec) else [s.argv()]
        cmds += [tuple(a) for a in parts]
    return Fix(tuple(cmds), "", fix.undo, fix.specs)
