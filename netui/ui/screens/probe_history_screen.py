"""`H`: every probe run this session, with its raw output on demand."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from netui.engine.probe_plan import ProbeResult
from netui.text import clean
from netui.ui.probe_render import VERDICT_STYLES, result_text


class ProbeHistoryScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,H", "close", "Close", tooltip="back to the explorer"),
        Binding("o", "toggle_raw", "Raw output", tooltip="show the tools' raw output of the highlighted probe"),
    ]

    def __init__(self, history: list[ProbeResult]) -> None:
        super().__init__()
        self.history = list(history)
        self.raw = False

    def compose(self) -> ComposeResult:
        with Vertical(id="log-box"):
            yield Static(Text("Probe history", style="bold"))
            yield DataTable(id="log-table", cursor_type="row")
            with VerticalScroll(id="history-detail"):
                yield Static(id="log-result")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#log-table", DataTable)
        table.add_columns("Time", "From", "To", "How", "Result")
        for i, r in enumerate(self.history):
            table.add_row(
                Text(time.strftime("%H:%M:%S", time.localtime(r.time))),
                Text(clean(r.source, 24)),
                Text(clean(r.target, 32)),
                Text(clean(r.method), style="dim"),
                Text(clean(r.verdict), style=VERDICT_STYLES.get(r.verdict, "red")),
                key=str(i),
            )
        if self.history:
            table.move_cursor(row=len(self.history) - 1)
        else:
            self.query_one("#log-result", Static).update(Text("No probes yet: t on a container, t on a published port, m on a network.", style="dim"))
        table.focus()

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.history):
            self.query_one("#log-result", Static).update(result_text(self.history[index], self.raw))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(int(event.row_key.value or 0))

    def action_toggle_raw(self) -> None:
        self.raw = not self.raw
        self._show(self.query_one("#log-table", DataTable).cursor_row)

    def action_close(self) -> None:
        self.dismiss(None)
