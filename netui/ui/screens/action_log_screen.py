"""`L`: the action log: every change netui made or tried, as `docker` commands."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from netui.engine.actions import ActionLog
from netui.text import clean
from netui.ui.toast import toast


class ActionLogScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,L", "close", "Close", tooltip="back to the explorer"),
        Binding("y", "copy_one", "Copy command", tooltip="copy the highlighted command to the clipboard"),
        Binding("Y", "copy_all", "Copy all", tooltip="copy the whole log, as text"),
    ]

    def __init__(self, log: ActionLog) -> None:
        super().__init__()
        self.entries_log = log

    def compose(self) -> ComposeResult:
        with Vertical(id="log-box"):
            yield Static(Text("Action log: what netui did, as docker commands", style="bold"))
            yield DataTable(id="log-table", cursor_type="row")
            yield Static(id="log-result")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#log-table", DataTable)
        entries = self.entries_log.entries
        several = len({e.engine for e in entries}) > 1  # say where each ran, when it is not one engine
        table.add_columns("Time", "", *(["Engine"] if several else []), "Command", "Result")
        for i, e in enumerate(entries):
            table.add_row(
                Text(time.strftime("%H:%M:%S", time.localtime(e.time))),
                Text("ok" if e.ok else "✖", style="green" if e.ok else "bold red"),
                *([Text(clean(e.engine.split(" · ")[0], 30), style="dim")] if several else []),
                Text(clean(e.command)),
                Text(clean(e.result, 80), style="" if e.ok else "red"),
                key=str(i),
            )
        if self.entries_log.entries:
            table.move_cursor(row=len(self.entries_log.entries) - 1)
        else:
            self.query_one("#log-result", Static).update(Text("Nothing yet: actions you take (n, c, x, d, P, R) appear here.", style="dim"))
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        e = self.entries_log.entries[int(event.row_key.value or 0)]
        t = Text()
        t.append("$ " + clean(e.command) + "\n", style="bold")
        t.append(clean(e.result), style="green" if e.ok else "red")
        self.query_one("#log-result", Static).update(t)

    def _current(self):
        table = self.query_one("#log-table", DataTable)
        if not self.entries_log.entries:
            return None
        return self.entries_log.entries[table.cursor_row]

    def action_copy_one(self) -> None:
        e = self._current()
        if e is not None:
            self.app.copy_to_clipboard(e.command)
            toast(self, "Command copied (through your terminal's clipboard support, OSC 52)", timeout=3)

    def action_copy_all(self) -> None:
        self.app.copy_to_clipboard(self.entries_log.text())
        toast(self, f"{len(self.entries_log.entries)} entries copied", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)
