"""A confirmation that names what will change and shows the equivalent command."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from netui.engine.actions import command_text
from netui.text import clean
from netui.ui.messages import ActionRequested


@dataclass(frozen=True)
class Choice:
    """A button: its label, the action kind and spec it requests, and its command."""

    label: str
    kind: str
    spec: Any
    argv: tuple[str, ...] = ()
    variant: str = "error"
    extra_commands: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


class ConfirmScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="close without changing anything")]

    def __init__(self, title: str, body: RenderableType, choices: list[Choice], *, force_option: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.choices = choices
        self.force_option = force_option
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form", classes="confirm"):
            yield Static(Text(self.title_text, style="bold"), id="form-title")
            with VerticalScroll(id="form-fields"):
                yield Static(self.body, id="confirm-body")
            if self.force_option:
                yield Checkbox(self.force_option, id="f-force", compact=True)
            yield Static(id="form-command")
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                for i, choice in enumerate(self.choices):
                    yield Button(choice.label, id=f"choice-{i}", variant=choice.variant, compact=True)  # type: ignore[arg-type]
                yield Button("Cancel", id="cancel", variant="default", compact=True)

    def on_mount(self) -> None:
        self._show_commands()
        self.query_one("#cancel", Button).focus()  # the safe default
        self.query_one("#form-error", Static).display = False

    def forced(self) -> bool:
        return bool(self.force_option) and self.query_one("#f-force", Checkbox).value

    def _spec(self, choice: Choice) -> Any:
        spec = choice.spec
        if self.force_option and hasattr(spec, "force"):
            from dataclasses import replace

            spec = replace(spec, force=self.forced())
        return spec

    def _show_commands(self) -> None:
        lines = Text()
        for i, choice in enumerate(self.choices):
            spec = self._spec(choice)
            argvs = [*choice.extra_commands, tuple(spec.argv()) if hasattr(spec, "argv") else choice.argv]
            if len(self.choices) > 1:
                lines.append(f"{choice.label}:\n", style="dim")
            for argv in argvs:
                lines.append("$ ", style="dim")
                lines.append(clean(command_text(argv)) + "\n", style="bold")
        self.query_one("#form-command", Static).update(lines)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self._show_commands()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.action_cancel()
            return
        if self.busy:
            return
        choice = self.choices[int((event.button.id or "choice-0").split("-")[1])]
        self.busy = True
        for b in self.query(Button):
            b.disabled = b.id != "cancel"
        self.post_message(ActionRequested(choice.kind, self._spec(choice), self))

    def engine_refused(self, message: str) -> None:
        self.busy = False
        for b in self.query(Button):
            b.disabled = False
        box = self.query_one("#form-error", Static)
        box.update(Text(f"The engine refused: {clean(message)}", style="bold red"))
        box.display = True

    def update_snapshot(self, snapshot) -> None:
        pass

    def action_cancel(self) -> None:
        self.dismiss(None)
