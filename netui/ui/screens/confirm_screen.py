"""A confirmation that names what will change, shows the equivalent commands, and
follows live changes while it is open.

It is built from a `dialogs` builder, called again with every new snapshot: the
text, the buttons and the commands always describe what the button would do now,
and what changed since it opened is said in the dialog. `y` confirms, `n` or Esc
cancels; Enter presses the focused button, which starts on Cancel.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Static

from netui.engine.client import explain
from netui.engine.model import Snapshot
from netui.engine.specs import command_text
from netui.text import clean
from netui.ui.dialogs import Builder, Choice, Confirmation
from netui.ui.messages import ActionDone
from netui.ui.toast import toast


class ConfirmScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("y", "confirm", "Yes", tooltip="do it (the first choice)"),
        Binding("n,escape", "cancel", "No / cancel", tooltip="close without changing anything"),
    ]

    def __init__(self, build: Builder, snapshot: Snapshot) -> None:
        super().__init__()
        self.build = build
        self.current: Confirmation = build(snapshot)
        self.busy = False
        self._shown: Confirmation | None = None
        self._asks_again = False  # the error box holds "press y again" (not an engine's refusal)
        # The spec the user last saw and may confirm: when a live change alters what the
        # button would do, the first y (or press) only acknowledges the new one.
        self.seen_spec = self.current.choice.spec if self.current.choice is not None else None
        self.actions = None  # the engine's the dialog was opened for (set on mount)

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="confirm"):
            yield Static(Text(self.current.title, style="bold"), id="form-title")
            yield Static(id="confirm-changed")
            with VerticalScroll(id="form-fields"):
                yield Static(id="confirm-body")
            yield Checkbox(self.current.force_option or "force", id="f-force", compact=True)
            yield Static(id="form-command")
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                choice = self.current.choice
                yield Button(choice.label if choice else "", id="choice-0", variant=choice.variant if choice else "error", compact=True)  # type: ignore[arg-type]
                yield Button("Cancel", id="cancel", variant="default", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.actions = self.app.actions  # type: ignore[attr-defined]
        self.query_one("#f-force", Checkbox).display = bool(self.current.force_option)
        self.query_one("#form-error", Static).display = False
        self._show(self.current)
        self.query_one("#cancel", Button).focus()  # the safe default

    # -- what it says ----------------------------------------------------------------
    def _spec(self, choice: Choice):
        spec = choice.spec
        if self.current.force_option and hasattr(spec, "force"):
            spec = replace(spec, force=self.query_one("#f-force", Checkbox).value)
        return spec

    def _show(self, c: Confirmation) -> None:
        changed = self.query_one("#confirm-changed", Static)
        if c.changed:  # (what is gone is said once, in the body)
            t = Text("Changed while this dialog was open: ", style="bold yellow")
            t.append(clean(c.changed), style="yellow")
            changed.update(t)
        changed.display = bool(c.changed)
        self.query_one("#confirm-body", Static).update(c.body if not c.gone else Text(clean(c.gone), style="bold"))
        button = self.query_one("#choice-0", Button)
        cancel = self.query_one("#cancel", Button)
        if c.choice is None:
            button.display = False
            cancel.label = "Close"
            if self._asks_again:  # no "press y again": nothing is left to confirm (an engine's refusal stays)
                self.query_one("#form-error", Static).display = False
                self._asks_again = False
        else:
            if self._shown is not None and self._shown.choice is not None and self._shown.choice != c.choice and self.focused is button:
                # What the button does changed under the user: back to the safe default.
                cancel.focus()
            if str(button.label) != c.choice.label:
                button.label = c.choice.label
                button.refresh(layout=True)  # a longer label needs a wider button
            button.display = True
            button.disabled = self.busy
        self._shown = c
        self._show_commands()
        self.refresh_bindings()  # y only while there is something to confirm

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "confirm" and self.current.choice is None:
            return False
        return True

    def _show_commands(self) -> None:
        lines = Text()
        choice = self.current.choice
        if choice is not None:
            for argv in [*choice.extra_commands, tuple(self._spec(choice).argv())]:
                lines.append("$ ", style="dim")
                lines.append(clean(command_text(argv)) + "\n", style="bold")
        box = self.query_one("#form-command", Static)
        box.update(lines)
        box.display = choice is not None

    def update_snapshot(self, snapshot: Snapshot) -> None:
        new = self.build(snapshot)
        if new != self.current:
            self.current = new
            if self._shown is not None:  # before on_mount there is nothing to update: it shows self.current
                self._show(new)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._show_commands()

    # -- doing it --------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
        elif event.button.id == "choice-0":
            self.action_confirm()

    def action_confirm(self) -> None:
        choice = self.current.choice
        if self.busy or choice is None:
            return
        if choice.spec != self.seen_spec:
            # What the button does changed while the dialog was open: nothing is done on a
            # key pressed for the old action; the new one needs its own confirmation.
            self.seen_spec = choice.spec
            box = self.query_one("#form-error", Static)
            box.update(Text(f"What this does changed (see above): press y or {choice.label} again to confirm it.",
                            style="bold yellow"))
            box.display = True
            self._asks_again = True
            return
        self._asks_again = False  # what the box shows next is the engine's answer
        self.busy = True
        self.query_one("#choice-0", Button).disabled = True
        self._perform(self.actions, self._spec(choice))

    @work(thread=True, exclusive=True, group="action", exit_on_error=False, description="run an action")
    def _perform(self, actions, spec) -> None:
        try:
            if actions is None:
                raise PermissionError("netui is read-only")
            result = actions.perform(spec)
        except Exception as exc:
            message = str(explain(exc, "")) if not isinstance(exc, PermissionError) else str(exc)
            self.post_message(ActionDone(False, message))
            return
        self.post_message(ActionDone(True, result))

    def on_action_done(self, msg: ActionDone) -> None:
        if msg.ok:
            self._done(msg.message)
        else:
            self._refused(msg.message)

    def _done(self, result: str) -> None:
        toast(self, result, title="Done", timeout=4)
        if self.is_attached:
            self.dismiss(result)

    def _refused(self, message: str) -> None:
        if not self.is_attached:
            toast(self.app, message, title="Failed", severity="error", timeout=8)
            return
        self.busy = False
        self.query_one("#choice-0", Button).disabled = False
        box = self.query_one("#form-error", Static)
        box.update(Text(f"Not done: {clean(message)}", style="bold red"))
        box.display = True

    def action_cancel(self) -> None:
        if self.busy:
            toast(self, "Still running: the engine is answering; this closes when it is done", severity="warning", timeout=3)
            return
        self.dismiss(None)
