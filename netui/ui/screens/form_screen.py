"""The base of every action form: labelled fields with their own error lines, the
equivalent `docker` command updating as the user types, and the engine's answer
shown in place when it refuses. The form runs its own action in a worker.

An engine refusal stays on screen until the user changes the field it concerns
(or any field, when it concerns none) or submits again: live updates arriving
meanwhile (a failed `docker run` itself creates and removes a container) keep it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from netui.engine.client import explain
from netui.engine.model import Snapshot
from netui.engine.specs import FieldError, blocking, command_text
from netui.text import clean
from netui.ui.messages import ActionDone
from netui.ui.toast import toast


class FormScreen(ModalScreen[str | None]):
    """Subclasses set TITLE/VERB, compose fields with `field(...)`, and implement
    `spec()` and `validate(spec)`; `field_of` maps an engine refusal to its field."""

    # Narrow terminals: labels above nothing, check boxes one per line (60x20 fits).
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (76, "-roomy")]

    TITLE: ClassVar[str] = ""
    VERB: ClassVar[str] = "OK"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="close without changing anything"),
        Binding("ctrl+s", "submit", "Submit", tooltip="send it to the engine"),
    ]

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.touched: set[str] = set()
        self.submitted = False
        self.busy = False
        self.refusal: tuple[str, str] | None = None  # (field it concerns or "", the engine's words)

    # -- to implement --------------------------------------------------------------
    def spec(self) -> Any:
        raise NotImplementedError

    def validate(self, spec: Any) -> list[FieldError]:
        raise NotImplementedError

    def compose_fields(self) -> ComposeResult:
        raise NotImplementedError

    def intro(self) -> Text | None:
        return None

    # -- layout --------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.TITLE, style="bold"), id="form-title")
            intro = self.intro()
            if intro is not None:
                yield Static(intro, id="form-intro")
            with VerticalScroll(id="form-fields"):
                yield from self.compose_fields()
            yield Static(id="form-command")
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(self.VERB, id="submit", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
                yield Static(Text("Enter / Ctrl+S: submit · Esc: cancel", style="dim"), id="form-keys")
        yield Footer()

    @staticmethod
    def field(name: str, label: str, widget: Widget, hint: str = "") -> ComposeResult:
        if hasattr(widget, "compact"):
            widget.compact = True  # one line a field: the form fits 80x24
        with Horizontal(classes="form-row", id=f"row-{name}"):
            yield Label(label, classes="form-label")
            yield widget
        if hint:
            yield Static(Text(hint, style="dim"), classes="form-hint")
        yield Static(classes="form-field-error", id=f"err-{name}")

    def on_mount(self) -> None:
        self.actions = self.app.actions  # type: ignore[attr-defined]  # the engine's it was opened for
        self.refresh_form()
        first = self.query(Input).first() if self.query(Input) else None
        if first is not None:
            first.focus()

    # -- live feedback ----------------------------------------------------------------
    def refresh_form(self) -> list[FieldError]:
        spec = self.spec()
        errors = self.validate(spec)
        cmd = Text("$ ", style="dim")
        cmd.append(clean(command_text(spec.argv())), style="bold")
        self.query_one("#form-command", Static).update(cmd)
        for err_widget in self.query(".form-field-error").results(Static):
            name = (err_widget.id or "")[4:]
            mine = [e for e in errors if e.field == name]
            visible = bool(mine) and (self.submitted or name in self.touched)
            err_widget.update(self._problems_text(mine) if visible else "")
            err_widget.display = visible
        # Errors for fields without an error line (e.g. the network itself), and the
        # engine's refusal until the user acts on it.
        orphans = [e.message for e in blocking(errors) if not self.query(f"#err-{e.field}")]
        shown = orphans if (self.submitted or self.touched) else []
        if self.refusal is not None:
            shown.append(f"The engine refused: {self.refusal[1]}")
        if not self.busy:
            self.show_error("\n".join(shown))
        # Warnings are shown and never stop a submit; errors do.
        self.query_one("#submit", Button).disabled = self.busy or (self.submitted and bool(blocking(errors)))
        return errors

    @staticmethod
    def _problems_text(problems: list[FieldError]) -> Text:
        """Errors (red ✖) first, then warnings (yellow ⚠), one a line, as literal text."""
        text = Text()
        ordered = [e for e in problems if not e.is_warning] + [e for e in problems if e.is_warning]
        for i, e in enumerate(ordered):
            if i:
                text.append("\n")
            if e.is_warning:
                text.append(f"⚠ {clean(e.message)}", style="yellow")
            else:
                text.append(f"✖ {clean(e.message)}", style="bold red")
        return text

    def show_error(self, message: str) -> None:
        box = self.query_one("#form-error", Static)
        box.update(Text(clean(message), style="bold red") if message else "")
        box.display = bool(message)

    def engine_refused(self, message: str) -> None:
        """The engine said no: show its words in the form; nothing changed."""
        self.busy = False
        self.refusal = (self.field_of(message), message)
        self.refresh_form()
        self.query_one("#submit", Button).disabled = False

    def field_of(self, message: str) -> str:
        """The field an engine refusal concerns ('' when none in particular)."""
        return ""

    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.refresh_form()

    def _touch(self, widget: Widget) -> None:
        name = (widget.id or "").removeprefix("f-")
        if name:
            self.touched.add(name)
        if self.refusal is not None and self.refusal[0] in ("", name):
            self.refusal = None  # the user acted on what the engine refused
        self.refresh_form()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._touch(event.input)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._touch(event.checkbox)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._touch(event.select)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_cancel()

    def action_cancel(self) -> None:
        if self.busy:
            toast(self, "Still running: the engine is answering; this closes when it is done", severity="warning", timeout=3)
            return
        self.dismiss(None)

    def action_submit(self) -> None:
        if self.busy:
            return
        self.submitted = True
        self.refusal = None
        errors = blocking(self.refresh_form())
        if errors:
            toast(self, f"{len(errors)} thing{'s' if len(errors) != 1 else ''} to fix first", severity="warning", timeout=3)
            return
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        self.show_error("")
        self._perform(self.actions, self.spec())

    @work(thread=True, exclusive=True, group="action", exit_on_error=False, description="run an action")
    def _perform(self, actions: Any, spec: Any) -> None:
        try:
            if actions is None:
                raise PermissionError("netui is read-only")
            result = actions.perform(spec)
        except Exception as exc:
            message = str(exc) if isinstance(exc, PermissionError) else str(explain(exc, ""))
            self.post_message(ActionDone(False, message))
            return
        self.post_message(ActionDone(True, result))

    def on_action_done(self, msg: ActionDone) -> None:
        if msg.ok:
            toast(self, str(msg.message), title="Done", timeout=4)
            self.dismiss(self.outcome(msg.message))
        else:
            self.engine_refused(msg.message)

    def outcome(self, result: Any) -> Any:
        """What the form returns to who opened it."""
        return result

    def value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value

    def checked(self, name: str) -> bool:
        return self.query_one(f"#f-{name}", Checkbox).value
