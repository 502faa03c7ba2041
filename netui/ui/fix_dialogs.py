"""Applying a doctor's fix (or undoing it) through a confirmation.

Only fixes that are safe and reversible carry specs (connect a container to a
network; create a network and connect containers to it); the confirmation shows
the exact commands, is rebuilt on every snapshot (like every confirmation), and
says so when the fix is already in place or no longer fits. `applied(spec, snap)`
tells when a snapshot shows the change, which is when a probe is run again.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from netui.engine.doctor.findings import Fix
from netui.engine.model import Snapshot
from netui.engine.specs import ConnectSpec, DisconnectSpec, NetworkSpec, StepsSpec
from netui.engine.validation import validate_connect, validate_disconnect
from netui.text import clean
from netui.ui.dialogs import Builder, Choice, Confirmation


def steps(spec: Any) -> list[Any]:
    return list(spec.steps) if isinstance(spec, StepsSpec) else [spec]


def as_one(specs: tuple[Any, ...]) -> Any:
    return specs[0] if len(specs) == 1 else StepsSpec(tuple(specs))


def _on(snap: Snapshot, container: str, container_id: str, network: str) -> bool | None:
    """Whether the container is on the network (by name); None when either is gone."""
    c = snap.container_by_id.get(container_id) if container_id else None
    c = c or snap.container_by_name.get(container)
    net = snap.network_by_name.get(network)
    if c is None or net is None:
        return None
    holder = snap.stack_holder(c) or c
    return holder.endpoint_on(net.id) is not None


def applied(spec: Any, snap: Snapshot) -> bool:
    """Whether the snapshot shows every step of the spec done."""
    for s in steps(spec):
        if isinstance(s, ConnectSpec) and _on(snap, s.container, s.container_id, s.network) is not True:
            return False
        if isinstance(s, DisconnectSpec) and _on(snap, s.container, "", s.network):
            return False
        if isinstance(s, NetworkSpec) and s.name not in snap.network_by_name:
            return False
    return True


def problems(spec: Any, snap: Snapshot) -> str:
    """Why the spec cannot be done on this snapshot, or ''."""
    made: set[str] = set()
    for s in steps(spec):
        if isinstance(s, NetworkSpec):
            if s.name in snap.network_by_name:
                return f"a network named {s.name} exists already"
            made.add(s.name)
        elif isinstance(s, ConnectSpec) and s.network not in made:
            errors = validate_connect(s, snap)
            if errors:
                return errors[0].message
        elif isinstance(s, DisconnectSpec):
            errors = validate_disconnect(s, snap)
            if errors:
                return errors[0].message
    return ""


def fix_builder(title: str, fix: Fix, *, undo: bool = False) -> Builder:
    """The confirmation for applying (or undoing) a fix."""
    specs = fix.undo if undo else fix.specs
    spec = as_one(specs)
    heading = "Undo the fix" if undo else "Apply the fix"

    def build(snap: Snapshot) -> Confirmation:
        if applied(spec, snap):
            return Confirmation(heading, Text(""), gone="already in place: nothing to do")
        why = problems(spec, snap)
        if why:
            return Confirmation(heading, Text(""), gone=why)
        body = Text()
        body.append(clean(title), style="bold")
        body.append("\n\n")
        if undo:
            body.append("Takes the fix back: the container leaves the network again (its other networks are untouched).",
                        style="dim")
        else:
            body.append("Reversible: netui offers to undo it afterwards.", style="dim")
            if fix.note:
                body.append(f"\n{clean(fix.note)}", style="dim")
        extra = tuple(tuple(a) for a in spec.all_argv()[:-1]) if isinstance(spec, StepsSpec) else ()
        return Confirmation(heading, body, Choice("Undo" if undo else "Apply", spec, variant="warning" if undo else "primary",
                                                  extra_commands=extra))

    return build


class FixOffers:
    """For a dialog that explains why a probe failed (the probe and matrix dialogs):
    apply the first fix offered, or undo the one applied, each through a confirmation
    showing the commands; once a snapshot shows it done, `fix_applied` runs the probe
    again. The dialog has `causes`, `fixed`, `running` and `snapshot`, and says in
    `FIX_UNDO_TITLE` what undoing means there."""

    FIX_UNDO_TITLE = "Undo the fix"
    causes: list[Any]
    fixed: Any
    running: Any
    snapshot: Snapshot

    def fix_allowed(self, action: str) -> bool | None:
        """check_action for apply_fix / undo_fix (None: another action)."""
        from netui.ui.whynot_render import first_fix

        writable = self.app.actions is not None and self.running is None  # type: ignore[attr-defined]
        if action == "apply_fix":
            return writable and first_fix(self.causes) is not None
        if action == "undo_fix":
            return writable and self.fixed is not None
        return None

    def action_apply_fix(self) -> None:
        from netui.ui.whynot_render import first_fix

        offer = first_fix(self.causes)
        if offer is not None and self.fix_allowed("apply_fix"):
            self._confirm_fix(offer[0].title, offer[1], undo=False)

    def action_undo_fix(self) -> None:
        if self.fixed is not None and self.fix_allowed("undo_fix"):
            self._confirm_fix(self.FIX_UNDO_TITLE, self.fixed, undo=True)

    def _confirm_fix(self, title: str, fix: Fix, undo: bool) -> None:
        from netui.ui.screens.confirm_screen import ConfirmScreen
        from netui.ui.toast import toast

        build = fix_builder(title, fix, undo=undo)
        first = build(self.snapshot)
        if first.gone:
            toast(self, first.gone, title="Nothing to do", severity="warning")  # type: ignore[arg-type]
            return

        def done(result: str | None) -> None:
            if result:
                self.fixed = None if undo else fix
                self.fix_applied(as_one(fix.undo if undo else fix.specs))

        self.app.push_screen(ConfirmScreen(build, self.snapshot), done)  # type: ignore[attr-defined]

    def fix_applied(self, spec: Any) -> None:
        """The engine took the fix (or its undo): wait for a snapshot showing it, then probe again."""
        raise NotImplementedError
