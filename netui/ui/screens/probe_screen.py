"""`t`: can this container reach that one? DNS, ICMP and TCP, with the commands used."""

from __future__ import annotations

import threading
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from netui.engine.client import explain
from netui.engine.model import Container, Snapshot
from netui.engine.probe_plan import parse_target, probe_targets
from netui.text import clean
from netui.ui.fix_dialogs import FixOffers
from netui.ui.messages import ProbeCheckDone, ProbeFinished
from netui.ui.probe_render import check_lines, verdict_line
from netui.ui.toast import toast


class ProbeScreen(FixOffers, ModalScreen[None]):
    FIX_UNDO_TITLE = "Undo the fix applied from this probe"
    BINDINGS = [
        Binding("escape", "cancel_or_close", "Cancel / close", tooltip="stop a running probe (its probe container is removed), or close"),
        Binding("ctrl+r", "run", "Run", tooltip="run the checks"),
        Binding("ctrl+o", "toggle_raw", "Raw output", tooltip="show the tools' raw output"),
        Binding("ctrl+f,f", "apply_fix", "Apply fix", tooltip="apply the fix the \"why not?\" offers (asks first), then probe again"),
        Binding("ctrl+z,x", "undo_fix", "Undo fix", tooltip="take the applied fix back (asks first), then probe again"),
    ]

    def __init__(self, snapshot: Snapshot, source: Container) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.source = source
        self.running: threading.Event | None = None
        self.checks_done: list = []
        self.result = None
        self.raw = False
        self.target = ""  # what the last run probed
        self.causes: list = []  # why it did not reach it (doctor Findings)
        self.fixed = None  # the fix applied from here (Fix), until undone
        self._awaiting: tuple[Any, str] | None = None  # (spec, target): probe again once a snapshot shows the spec done

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="probe"):
            yield Static(self._title(), id="form-title")
            with Horizontal(classes="form-row"):
                yield Label("Target", classes="form-label")
                yield Input(placeholder="container, alias, host or IP, optionally :port", id="f-target", compact=True)
            yield OptionList(id="f-targets")
            yield Static(classes="form-field-error", id="err-target")
            with Horizontal(classes="form-row form-checks"):
                yield Checkbox("DNS", True, id="f-dns", compact=True)
                yield Checkbox("ICMP (3 pings)", True, id="f-icmp", compact=True)
                yield Checkbox("TCP", True, id="f-tcp", compact=True)
            with VerticalScroll(id="probe-results"):
                yield Static(Text("Pick a target and press Enter.", style="dim"), id="probe-output")
            with Horizontal(id="form-buttons"):
                yield Button("Run", id="run", variant="primary", compact=True)
                yield Button("Close", id="close", compact=True)
                yield Static(Text("Enter: run · Esc: cancel/close · Ctrl+O: raw output", style="dim"), id="form-keys")
        yield Footer()

    def _title(self) -> Text:
        title = Text("Test connectivity from ", style="bold")
        title.append(clean(self.source.name), style="bold cyan")
        nets = [n.name for n in self.snapshot.networks_of(self.source)]
        title.append(f"   on {clean(', '.join(nets)) or 'no network'}", style="dim")
        if self.source.state == "paused":
            title.append("   paused", style="yellow")
        return title

    def on_mount(self) -> None:
        self.prober = self.app.prober  # type: ignore[attr-defined]  # the engine's it was opened for
        self.query_one("#err-target", Static).display = False
        ol = self.query_one("#f-targets", OptionList)
        for c, label in self.suggestions():
            ol.add_option(Option(label, id=c))
        if ol.option_count == 0:
            ol.add_option(Option(Text("no container shares a network with it: type a target", style="dim"), disabled=True))
        self.query_one("#f-target", Input).focus()

    def suggestions(self) -> list[tuple[str, Text]]:
        """Containers sharing a network with the source: name, IP, network, other names."""
        out = []
        for sug in probe_targets(self.snapshot, self.source):
            label = Text(clean(sug.container.name, 30), style="bold")
            label.append(f"  {clean(sug.address)}", style="cyan")
            label.append(f"  on {clean(sug.network.name, 30)}", style="dim")
            if not sug.network.has_dns:
                label.append("  (no DNS: by IP)", style="yellow")
            elif sug.other_names:
                label.append("  also " + clean(", ".join(sug.other_names), 40), style="dim")
            if sug.sharers:
                label.append("  shared with " + clean(", ".join(sug.sharers), 40), style="dim")
            if sug.state != "running":
                label.append(f"  {clean(sug.state)}", style="yellow")
            out.append((sug.target, label))
        return out + self.swarm_suggestions()

    def swarm_suggestions(self) -> list[tuple[str, Text]]:
        """Swarm services on the source's overlays: by name (the VIP) and tasks.<name> (every task)."""
        sw = self.snapshot.swarm
        if sw is None:
            return []
        out = []
        holder = self.snapshot.stack_holder(self.source) or self.source
        for n in self.snapshot.networks_of(holder):
            if n.scope != "swarm" or n.ingress:
                continue
            for s in sw.services_on(n.id):
                label = Text(clean(s.name, 30), style="bold")
                label.append(f"  VIP {clean(s.vip)}" if s.vip else "  no VIP (dnsrr)", style="cyan")
                label.append(f"  service on {clean(n.name, 30)}", style="dim")
                out.append((s.name, label))
                label = Text(f"tasks.{clean(s.name, 30)}", style="bold")
                label.append("  " + clean(", ".join(f"{t.ip} @{t.node}" for t in s.tasks if t.ip), 80), style="cyan")
                label.append("  every task", style="dim")
                out.append((f"tasks.{s.name}", label))
        return out

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.query_one("#f-target", Input).value = event.option.id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.query_one("#f-target", Input).value = event.option.id
            self.action_run()

    def on_key(self, event) -> None:
        if self.focused is not None and self.focused.id == "f-target" and event.key in ("up", "down"):
            ol = self.query_one("#f-targets", OptionList)
            (ol.action_cursor_down if event.key == "down" else ol.action_cursor_up)()
            event.stop()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._validate(show=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "run":
            self.action_run()
        else:
            self.action_cancel_or_close()

    def _validate(self, show: bool) -> str | None:
        err = self.query_one("#err-target", Static)
        try:
            parse_target(self.query_one("#f-target", Input).value)
        except ValueError as exc:
            if show:
                err.update(Text(f"✖ {clean(str(exc))}", style="bold red"))
                err.display = True
                # The results below are another target's: not this one's.
                self.result, self.checks_done = None, []
                self.query_one("#probe-output", Static).update(Text("Nothing ran: fix the target.", style="dim"))
            return str(exc)
        err.display = False
        return None

    def action_run(self) -> None:
        if self.running is not None or self._validate(show=True):
            return
        checks = tuple(k for k in ("dns", "icmp", "tcp") if self.query_one(f"#f-{k}", Checkbox).value)
        if not checks:
            toast(self, "Tick at least one check", severity="warning")
            return
        self.running = threading.Event()
        self.checks_done = []
        self.result = None
        self.causes = []
        self.target = self.query_one("#f-target", Input).value.strip()
        self.refresh_bindings()
        self._show_results(Text(" running…", style="dim italic"))
        self.query_one("#run", Button).disabled = True
        self._probe(self.snapshot, self.source, self.query_one("#f-target", Input).value.strip(), checks, self.running)

    @work(thread=True, group="probe", exit_on_error=False, description="run probes")
    def _probe(self, snap: Snapshot, source: Container, target: str, checks: tuple[str, ...], cancel: threading.Event) -> None:
        try:
            result = self.prober.probe(snap, source, target, checks=checks, cancel=cancel,
                                  on_check=lambda c: self.post_message(ProbeCheckDone(c)))
        except Exception as exc:
            self.post_message(ProbeFinished(None, str(explain(exc, ""))))
            return
        self.post_message(ProbeFinished(result))

    def on_probe_check_done(self, msg: ProbeCheckDone) -> None:
        self.checks_done.append(msg.check)
        self._show_results(Text(" running…", style="dim italic"))

    def on_probe_finished(self, msg: ProbeFinished) -> None:
        self.running = None
        self.query_one("#run", Button).disabled = False
        self.result = msg.result
        if msg.result is not None:
            self.app.note_probes([(msg.result.source, msg.result.target, msg.result.verdict)], self.snapshot)  # type: ignore[attr-defined]
            from netui.engine.doctor.whynot import why_not

            self.causes = why_not(self.snapshot, self.source, self.target, result=msg.result)
        self.refresh_bindings()
        if msg.error:
            self._show_results(Text(f" ✖ {clean(msg.error)}", style="bold red"))
        else:
            self._show_results()
        self._rerun_if_applied()  # a fix's change that showed while this ran

    def _show_results(self, tail: Text | None = None) -> None:
        t = Text()
        checks = self.result.checks if self.result is not None else self.checks_done
        for c in checks:
            t.append_text(check_lines(c, self.raw))
            t.append("\n")
        if self.result is not None:
            t.append_text(verdict_line(self.result))
        if self.result is not None or self.fixed is not None:
            from netui.ui.whynot_render import undo_fix, why_text

            t.append_text(why_text(self.causes if self.result is not None else [], read_only=self.app.actions is None,  # type: ignore[attr-defined]
                                   apply_key="Ctrl+F", undo=undo_fix(self.fixed) if self.fixed is not None else None,
                                   undo_key="Ctrl+Z"))
        if tail is not None:
            t.append_text(tail)
        self.query_one("#probe-output", Static).update(t)

    def action_toggle_raw(self) -> None:
        self.raw = not self.raw
        self._show_results()

    def action_cancel_or_close(self) -> None:
        if self.running is not None:
            self.running.set()
            toast(self, "Cancelling: running checks end within their timeouts; the probe container is removed", timeout=3)
            return
        self.dismiss(None)

    # -- "why not?": apply the fix, probe again, undo it (FixOffers) ----------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = self.fix_allowed(action)
        return True if allowed is None else allowed

    def fix_applied(self, spec: Any) -> None:
        self._awaiting = (spec, self.target)
        self.refresh_bindings()
        self._show_results(Text("\n waiting for the change to show, then probing again…", style="dim italic"))
        self.set_timer(10, lambda: self._still_waiting(self._awaiting))
        self._rerun_if_applied()

    def _rerun_if_applied(self) -> None:
        from netui.ui.fix_dialogs import applied

        if self._awaiting is None or self.running is not None:
            return
        spec, target = self._awaiting
        if applied(spec, self.snapshot):
            self._awaiting = None
            self.query_one("#f-target", Input).value = target
            self.action_run()

    def _still_waiting(self, awaited) -> None:
        if awaited is not None and self._awaiting is awaited and self.is_attached:
            self._awaiting = None
            self._show_results(Text("\n the change has not shown up yet: Enter probes again", style="yellow"))

    def update_snapshot(self, snapshot: Snapshot) -> None:
        """Live changes: a renamed source is probed (and shown) under its new name; a
        removed one cannot be probed from. After a fix, the probe runs again once the
        change shows."""
        self.snapshot = snapshot
        self._rerun_if_applied()
        now = snapshot.container_by_id.get(self.source.id)
        if now is not None and now != self.source:
            self.source = now
            self.query_one("#form-title", Static).update(self._title())
        elif now is None and self.running is None:
            self.query_one("#run", Button).disabled = True
            self.query_one("#probe-output", Static).update(
                Text(f"{clean(self.source.name)} was removed: nothing to probe from.", style="bold red"))
