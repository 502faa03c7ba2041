"""The base of every action form: labelled fields with their own error lines, the
equivalent `docker` command updating as the user types, and the engine's answer
shown in place when it refuses. Submitting posts ActionRequested; the app runs it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from netui.engine.actions import FieldError, blocking, command_text
from netui.engine.model import Snapshot
from netui.text import clean
from netui.ui.messages import ActionRequested


class FormScreen(ModalScreen[str | None]):
    """Subclasses set TITLE/VERB/KIND, compose fields with `field(...)`, and
    implement `spec()` and `validate(spec)`."""

    TITLE: ClassVar[str] = ""
    VERB: ClassVar[str] = "OK"
    KIND: ClassVar[str] = ""
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
        for err_widget in self.query(".form-field-error"):
            name = (err_widget.id or "")[4:]
            mine = [e for e in errors if e.field == name]
            visible = bool(mine) and (self.submitted or name in self.touched)
            err_widget.update(self._problems_text(mine) if visible else "")
            err_widget.display = visible
        # Errors for fields without an error line (e.g. the network itself).
        orphans = [e.message for e in blocking(errors) if not self.query(f"#err-{e.field}")]
        if orphans and (self.submitted or self.touched):
            self.show_error("\n".join(orphans))
        elif not self.busy:
            self.show_error("")
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
        self.refresh_form()
        self.show_error(f"The engine refused: {message}")
        self.query_one("#submit", Button).disabled = False

    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.refresh_form()

    def _touch(self, widget: Widget) -> None:
        name = (widget.id or "").removeprefix("f-")
        if name:
            self.touched.add(name)
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
        self.dismiss(None)

    def action_submit(self) -> None:
        if self.busy:
            return
        self.submitted = True
        errors = blocking(self.refresh_form())
        if errors:
            self.notify(f"{len(errors)} thing{'s' if len(errors) != 1 else ''} to fix first", severity="warning", timeout=3)
            return
        self.busy = True
        self.query_one("#submit", Button).disabled = True
        self.show_error("")
        self.post_message(ActionRequested(self.KIND, self.spec(), self))

    def value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value

    def checked(self, name: str) -> bool:
        return self.query_one(f"#f-{name}", Checkbox).value
