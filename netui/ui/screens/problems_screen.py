"""`!`: the problems view. The doctor's findings, worst first; the highlighted one's
explanation, evidence and fix beside them, and its subjects selected in the panes
behind (and marked on the map, when the map is open). Enter goes to them; `f` applies
a fix that is safe and reversible after a confirmation showing the command (never in
--read-only, where the fix is shown, not offered). The next snapshot is checked again,
so a fixed finding leaves the list by itself.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from netui.engine.doctor import Finding
from netui.engine.doctor.report import ICON, finding_text, summary
from netui.engine.model import Snapshot
from netui.text import clean
from netui.ui.toast import toast


class ProblemsScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,exclamation_mark", "close", "Close", tooltip="back (what is selected stays selected)"),
        Binding("f", "apply_fix", "Apply fix", tooltip="apply this finding's fix, after a confirmation showing the command"),
    ]

    def __init__(self, findings: list[Finding], snapshot: Snapshot) -> None:
        super().__init__()
        self.findings = list(findings)
        self.snapshot = snapshot
        self.current: Finding | None = None
        self._rechecking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-box"):
            yield Static(id="problems-title")
            with Horizontal(id="problems-main"):
                yield OptionList(id="problems-list")
                with VerticalScroll(id="problems-detail"):
                    yield Static(id="problems-body")
        yield Footer()

    def on_mount(self) -> None:
        self._fill(keep=None)
        self.query_one("#problems-list", OptionList).focus()

    # -- what it shows ----------------------------------------------------------------
    def _title(self) -> Text:
        t = Text("Problems", style="bold")
        t.append(f" · {summary(self.findings)}", style="dim")
        if self._rechecking:
            t.append(" · checking again…", style="italic yellow")
        t.append("   Enter: go to it · f: apply the fix · Esc: close", style="dim")
        return t

    def _fill(self, keep: str | None) -> None:
        ol = self.query_one("#problems-list", OptionList)
        index = ol.highlighted
        ol.clear_options()
        for f in self.findings:
            icon, style = ICON.get(f.severity, ("?", ""))
            label = Text(f"{icon} ", style=style)
            label.append(clean(f.title, 80))
            label.append(f"  {f.check}", style="dim")
            ol.add_option(Option(label, id=f.ident))
        if not self.findings:
            ol.add_option(Option(Text("No findings: nothing to report.", style="bold green"), disabled=True))
            self.current = None
            self._show_detail()
        else:
            idents = [f.ident for f in self.findings]
            at = idents.index(keep) if keep in idents else min(index or 0, len(idents) - 1)
            ol.highlighted = at
            self._pick(self.findings[at], reveal=keep is None or keep not in idents)
        self.query_one("#problems-title", Static).update(self._title())

    def _show_detail(self) -> None:
        body = self.query_one("#problems-body", Static)
        f = self.current
        if f is None:
            body.update(Text("Nothing to report: no check found anything on this engine.", style="dim"))
            return
        t = finding_text(f, indent="", explain=True)
        if f.subjects:
            t.append("\n\n  about: ", style="dim")
            t.append(", ".join(f"{s.kind} {clean(s.name)}" for s in f.subjects), style="dim")
        t.append("\n\n")
        if f.fix is None:
            t.append("  No fix to offer: the explanation says what to look at.", style="dim")
        elif not f.fix.applicable:
            t.append("  Shown, not offered: this fix re-creates or removes something; run it yourself.", style="dim")
        elif self.app.actions is None:  # type: ignore[attr-defined]
            t.append("  Read-only: the fix is shown, not offered.", style="dim")
        else:
            t.append("  f applies it (asks first; reversible).", style="bold green")
        body.update(t)

    def _pick(self, f: Finding, reveal: bool = True) -> None:
        self.current = f
        self._show_detail()
        self.refresh_bindings()
        if reveal:
            self._reveal(f)

    def _reveal(self, f: Finding) -> None:
        """Select its subjects in the panes behind, and mark them on the map if it is open."""
        from netui.ui.screens.map_screen import MapScreen

        nets = [s.id for s in f.networks]
        ctrs = [s.id for s in f.containers]
        app = self.app
        snap = self.snapshot
        network = next((n for n in nets if n in snap.network_by_id), None)
        if network is None and ctrs:
            c = snap.container_by_id.get(ctrs[0])
            on = snap.networks_of(c) if c is not None else ()
            network = on[0].id if on else None
        app.explorer.reveal(network, ctrs[0] if ctrs else None)  # type: ignore[attr-defined]
        for screen in app.screen_stack:
            if isinstance(screen, MapScreen):
                screen.show_subjects(nets, ctrs)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        f = self._by_ident(event.option.id)
        if f is not None and f is not self.current:
            self._pick(f)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        f = self._by_ident(event.option.id)
        if f is not None:
            self._reveal(f)
            self.dismiss(None)

    def _by_ident(self, ident: str | None) -> Finding | None:
        return next((f for f in self.findings if f.ident == ident), None)

    # -- live ----------------------------------------------------------------------------
    def update_findings(self, findings: list[Finding], snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._rechecking = False
        keep = self.current.ident if self.current is not None else None
        if [f.as_dict() for f in findings] == [f.as_dict() for f in self.findings]:
            self.query_one("#problems-title", Static).update(self._title())
            return
        self.findings = list(findings)
        self._fill(keep)

    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    # -- keys -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_fix":
            if self.app.actions is None:  # type: ignore[attr-defined]
                return False  # read-only: not offered at all
            f = self.current
            return True if f is not None and f.fix is not None and f.fix.applicable else None
        return True

    def action_apply_fix(self) -> None:
        from netui.ui.fix_dialogs import fix_builder
        from netui.ui.screens.confirm_screen import ConfirmScreen

        f = self.current
        if f is None or f.fix is None or not f.fix.applicable or self.app.actions is None:  # type: ignore[attr-defined]
            return
        build = fix_builder(f.title, f.fix)
        first = build(self.snapshot)
        if first.gone:
            toast(self, first.gone, title="Nothing to apply", severity="warning")
            return

        def done(result: str | None) -> None:
            if result:
                self._rechecking = True
                self.query_one("#problems-title", Static).update(self._title())

        self.app.push_screen(ConfirmScreen(build, self.snapshot), done)

    def action_close(self) -> None:
        self.dismiss(None)
