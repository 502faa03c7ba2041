"""`a` on a container: every container action, with its key, its `docker` command, and
why not when it does not apply. It returns the explorer action to run (or None)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from netui.engine.container_specs import (
    ContainerSpec,
    RemoveContainerSpec,
    RestartSpec,
    problem,
    spec_for,
    toggle_pause,
    toggle_running,
)
from netui.engine.model import Container, Snapshot
from netui.engine.shell import exec_argv, not_possible
from netui.engine.specs import command_text
from netui.text import clean
from netui.ui.toast import toast


class ContainerMenuScreen(ModalScreen[str | None]):
    # (explorer action, key, label); toggles show the verb that applies now
    ACTIONS = {
        "toggle_running": "o",
        "restart_container": "O",
        "toggle_pause": "p",
        "remove_container": "d",
        "container_logs": "l",
        "container_shell": "$",
    }
    BINDINGS = [
        Binding("escape,q,a", "close", "Close", tooltip="back, nothing done"),
        *(Binding({"$": "dollar_sign"}.get(key, key), f"pick('{action}')", show=False) for action, key in ACTIONS.items()),
    ]

    def __init__(self, snapshot: Snapshot, container: Container, allowed: set[str]) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.container = container
        self.allowed = allowed
        self._ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="menu-box"):
            yield Static(id="menu-title")
            yield OptionList(id="menu")
            yield Static(id="menu-why")
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True
        self._fill()
        self.query_one(OptionList).focus()

    def _rows(self, c: Container) -> list[tuple[str, str, str, str]]:
        """(action, label, command, why not) for each action offered."""
        rows = []

        def spec_row(action: str, kind: type[ContainerSpec], label: str) -> None:
            spec = spec_for(kind, c, self.snapshot)
            rows.append((action, label, command_text(spec.argv()), problem(kind, c.name, c.state)))

        running = toggle_running(c)
        spec_row("toggle_running", running, running.VERB.capitalize())
        spec_row("restart_container", RestartSpec, "Restart")
        pause = toggle_pause(c)
        spec_row("toggle_pause", pause, pause.VERB.capitalize())
        spec_row("remove_container", RemoveContainerSpec, "Remove…")
        rows.append(("container_logs", "Logs", f"docker logs --follow --tail 1000 {c.name}", ""))
        rows.append(("container_shell", "Shell", command_text(exec_argv(c.name)), not_possible(c)))
        return [r for r in rows if r[0] in self.allowed]

    def _fill(self) -> None:
        c = self.container
        title = Text("Container ", style="dim")
        title.append(clean(c.name), style="bold")
        title.append(f"  {clean(c.state)}", style="dim")
        self.query_one("#menu-title", Static).update(title)
        menu = self.query_one(OptionList)
        menu.clear_options()
        self.rows = self._rows(c)
        for action, label, cmd, why in self.rows:
            t = Text()
            t.append(f" {self.ACTIONS[action]} ", style="bold reverse")
            t.append(f"  {label:<10}", style="bold" if not why else "dim")
            t.append(clean(f"$ {cmd}"), style="dim")
            if action in ("toggle_running", "restart_container", "remove_container") and not why:
                t.append("  (asks first)", style="dim italic")
            menu.add_option(Option(t, id=action, disabled=bool(why)))
        note = Text()
        for _, label, _, why in self.rows:
            if why:
                note.append(f"{label}: {clean(why)}\n", style="yellow")
        if not self.rows or set(self.allowed) <= {"container_logs"}:
            note.append("netui is read-only here: it changes nothing on the engine.\n", style="dim")
        self.query_one("#menu-why", Static).update(note)

    def update_snapshot(self, snapshot: Snapshot) -> None:
        c = snapshot.container_by_id.get(self.container.id)
        self.snapshot = snapshot
        if c is None:
            toast(self.app, f"{self.container.name} was removed", severity="warning")
            self.dismiss(None)
            return
        if c != self.container:
            self.container = c
            if not self._ready:
                return  # on_mount fills it
            highlighted = self.query_one(OptionList).highlighted
            self._fill()
            if highlighted is not None:
                self.query_one(OptionList).highlighted = highlighted

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option.id or "")

    def action_pick(self, action: str) -> None:
        row = next((r for r in self.rows if r[0] == action), None)
        if row is None:
            return
        if row[3]:
            toast(self, row[3], severity="warning")
            return
        self.dismiss(action)

    def action_close(self) -> None:
        self.dismiss(None)
