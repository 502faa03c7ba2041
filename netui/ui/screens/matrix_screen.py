"""`m`: every ordered pair of a network's members: who reaches whom, by name."""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, ProgressBar, Select, Static

from netui.engine.client import explain
from netui.engine.matrix_plan import matrix_members
from netui.engine.model import Network, Snapshot
from netui.text import clean, short_labels
from netui.ui.fix_dialogs import FixOffers
from netui.ui.messages import MatrixCellDone, MatrixFinished
from netui.ui.toast import toast

CELL_STYLES = {
    "ok": "bold green",
    "by-ip": "yellow",
    "isolated": "cyan",
    "no-name": "bold yellow",
    "no-reply": "bold red",
    "timeout": "bold red",
    "leak": "bold white on red",
    "error": "red",
    "paused": "yellow",
    "stopped": "dim yellow",
}
LEGEND = [
    ("ok 0.12 ms", "ok", "reaches it by name (ping, round trip)"),
    ("by IP", "by-ip", "reaches it by IP; no name resolution on their shared network"),
    ("isolated", "isolated", "no shared network, and no reply by IP: isolated, as it should be"),
    ("name not resolved", "no-name", "the name does not resolve"),
    ("no reply", "no-reply", "resolves or has an IP on a shared network, but does not answer (tried again to be sure)"),
    ("REACHABLE", "leak", "answers although they share no network"),
    ("paused", "paused", "a paused target: its kernel answers ping, its programs answer nothing until unpaused"),
    ("stopped", "stopped", "stopped during the run: its untested pairs were cancelled"),
    ("error", "error", "the probe could not run or decide (reason in the cell)"),
]


class MatrixScreen(FixOffers, ModalScreen[None]):
    FIX_UNDO_TITLE = "Undo the fix applied from the matrix"
    BINDINGS = [
        Binding("escape", "cancel_or_close", "Cancel / close", tooltip="stop the matrix (running pings end within a second), or close"),
        Binding("q", "close", "Close", tooltip="stop the matrix if it runs, and close"),
        Binding("r", "start", "Run again", tooltip="run the matrix again (with the network chosen above)"),
        Binding("question_mark", "legend", "Legend", tooltip="show or fold the legend"),
        Binding("f", "apply_fix", "Apply fix", tooltip="apply the fix the highlighted cell's \"why not?\" offers (asks first), then run again"),
        Binding("x", "undo_fix", "Undo fix", tooltip="take the applied fix back (asks first), then run again"),
    ]

    def __init__(self, snapshot: Snapshot, network: Network) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.network = network
        self.running: threading.Event | None = None
        self.names: dict[str, str] = {}
        self._legend_chosen = False  # the user folded or unfolded it: leave it so
        self._restart = False
        self.total = 0
        self.notes: dict[str, str] = {}
        self.left_out: tuple[tuple[str, str], ...] = ()
        self.cells: dict = {}  # (source id, target id) -> Cell, of the last run
        self.causes: list = []  # why the highlighted cell failed
        self.fixed = None  # a fix applied from here, until undone
        self._awaiting = None  # a fix's spec: run again once a snapshot shows it done

    def compose(self) -> ComposeResult:
        with Vertical(id="matrix-box"):
            title = Text("Connectivity matrix · ", style="bold")
            title.append(clean(self.network.name), style="bold cyan")
            yield Static(title)
            with Horizontal(classes="form-row"):
                yield Label("Also include", classes="form-label")
                others = [(Text(clean(n.name, 60)), n.id) for n in self.snapshot.networks if n.id != self.network.id and n.driver not in ("host", "null")]
                yield Select(others, prompt="no other network (shows isolation when you pick one)", id="f-extra", compact=True)
            with Horizontal(id="matrix-progress-row"):
                yield ProgressBar(id="matrix-progress", show_eta=False)
                yield Static(id="matrix-status")
            yield Static(id="matrix-notes")
            yield DataTable(id="matrix-table", cursor_type="cell", zebra_stripes=True)
            yield Static(id="matrix-why")
            legend = Text()
            for label, key, what in LEGEND:
                legend.append(f" {label} ", style=CELL_STYLES[key])
                legend.append(f" {what}\n", style="dim")
            legend.append(" rows: from · columns: to · r: run again · Esc: cancel / close · q: close · ?: fold this legend", style="dim")
            yield Static(legend, id="matrix-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.prober = self.app.prober  # type: ignore[attr-defined]  # the engine's it was opened for
        self.action_start()

    def on_resize(self) -> None:
        # The table first: on a short terminal (80x24) the legend folds to one line.
        if not self._legend_chosen:
            self.query_one("#matrix-legend", Static).set_class(self.size.height < 40, "-folded")

    def action_legend(self) -> None:
        self._legend_chosen = True
        self.query_one("#matrix-legend", Static).toggle_class("-folded")

    def on_select_changed(self, event: Select.Changed) -> None:
        if self.running is not None:
            # Another network picked while a run is going: stop it, then start over.
            self._restart = True
            self.running.set()
            return
        self.action_start()

    def action_start(self) -> None:
        if self.running is not None:
            return
        self._restart = False
        extra_id = self.query_one("#f-extra", Select).value
        extra = self.snapshot.network_by_id.get(str(extra_id)) if extra_id is not Select.NULL else None
        chosen = matrix_members(self.snapshot, self.network, extra)  # the same rule the engine runs
        members = chosen.members
        table = self.query_one("#matrix-table", DataTable)
        table.clear(columns=True)
        self.cells, self.causes = {}, []
        self._show_why()
        self.names = {c.id: c.name for c in members}
        self.notes = dict(chosen.notes)
        self.left_out = chosen.left_out
        self._show_notes()
        if len(members) < 2 or not chosen.pairs:
            self.query_one("#matrix-status", Static).update(Text(" fewer than two running containers: nothing to test", style="yellow"))
            return
        table.add_column(Text("from ╲ to", style="dim"), key="_src")
        for c, label in zip(members, short_labels([c.name for c in members], 14)):
            table.add_column(Text(label, style="bold"), key=c.id)
        for a in members:
            if a.state == "paused":
                cells = [Text("paused" if a.id != b.id else "—", style="dim yellow") for b in members]
                table.add_row(self._row_label(a.name, "⏸"), *cells, key=a.id)
            else:
                table.add_row(self._row_label(a.name), *[Text("·" if a.id != b.id else "—", style="dim") for b in members], key=a.id)
        self.total = chosen.pairs
        bar = self.query_one("#matrix-progress", ProgressBar)
        bar.update(total=self.total, progress=0)
        self.query_one("#matrix-status", Static).update(Text(f" 0 / {self.total} pairs", style="dim"))
        self.running = threading.Event()
        self._run_matrix(self.snapshot, self.network, extra, self.running)

    @work(thread=True, group="matrix", exit_on_error=False, description="run the matrix")
    def _run_matrix(self, snap: Snapshot, network: Network, extra: Network | None, cancel: threading.Event) -> None:
        try:
            result = self.prober.matrix(snap, network, extra=extra, cancel=cancel,
                                   on_cell=lambda cell, n, total: self.post_message(MatrixCellDone(cell, n, total)))
        except Exception as exc:
            self.post_message(MatrixFinished(None, str(explain(exc, ""))))
            return
        self.post_message(MatrixFinished(result))

    @staticmethod
    def _row_label(name: str, mark: str = "") -> Text:
        t = Text(clean(name, 18), style="bold")
        if mark:
            t.append(f" {mark}", style="yellow")
        return t

    def _show_notes(self, extra: Text | None = None) -> None:
        """Members shown with a note (paused, sharing a stack, stopped during the run), and those left out."""
        t = Text()
        for cid, note in self.notes.items():
            t.append(" " + clean(self.names.get(cid, cid[:12]), 30), style="bold")
            t.append(f": {clean(note)}\n", style="yellow")
        if self.left_out:
            t.append(" not in the table: ", style="dim")
            t.append("; ".join(f"{clean(name, 30)} ({clean(why)})" for name, why in self.left_out) + "\n", style="dim")
        if extra is not None:
            t.append_text(extra)
        t.rstrip()
        notes = self.query_one("#matrix-notes", Static)
        notes.update(t)
        notes.display = bool(t.plain.strip())

    def _member_stopped(self, cid: str, text: str) -> None:
        """A member stopped during the run: its untested cells, row and column, say so."""
        table = self.query_one("#matrix-table", DataTable)
        self.notes[cid] = text
        self._show_notes()
        if cid not in table.rows:
            return
        table.update_cell(cid, "_src", self._row_label(self.names.get(cid, cid[:12]), "■"))
        for other in self.names:
            for row, col in ((cid, other), (other, cid)):
                if row == col or row not in table.rows:
                    continue
                if table.get_cell(row, col).plain == "·":
                    table.update_cell(row, col, Text("stopped", style=CELL_STYLES["stopped"]))

    def on_matrix_cell_done(self, msg: MatrixCellDone) -> None:
        cell = msg.cell
        self.cells[(cell.source, cell.target)] = cell
        table = self.query_one("#matrix-table", DataTable)
        try:
            if not cell.target:
                self._member_stopped(cell.source, cell.text)
            else:
                table.update_cell(cell.source, cell.target, Text(clean(cell.text, 18), style=CELL_STYLES.get(cell.status, "")), update_width=True)
        except Exception:
            return  # a previous run's late cell
        self.total = msg.total
        self.query_one("#matrix-progress", ProgressBar).update(total=max(1, msg.total), progress=msg.done)
        self.query_one("#matrix-status", Static).update(Text(f" {msg.done} / {msg.total} pairs", style="dim"))

    def on_matrix_finished(self, msg: MatrixFinished) -> None:
        self.running = None
        self._why_at_cursor()
        self._rerun_if_applied()
        if getattr(self, "_restart", False):
            self.action_start()
            return
        status = self.query_one("#matrix-status", Static)
        if msg.error:
            status.update(Text(f" ✖ {clean(msg.error)}", style="bold red"))
            return
        r = msg.result
        names = {c.id: c.name for c in r.members}
        self.app.note_probes([(names.get(a, a), names.get(b, b), cell.status) for (a, b), cell in r.cells.items()],  # type: ignore[attr-defined]
                             self.snapshot)
        counts: dict[str, int] = {}
        for c in r.cells.values():
            counts[c.status] = counts.get(c.status, 0) + 1
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        word = "cancelled after" if r.cancelled else "done:"
        self.total = r.total if r.total is not None else self.total
        status.update(Text(f" {word} {len(r.cells)} / {self.total} pairs in {r.seconds:.1f} s  ({summary})", style="bold" if not r.cancelled else "yellow"))
        how = Text()
        if r.retried:
            how.append(f" {r.retried} negative answers tried again before being reported; {r.recovered} of them answered then\n", style="dim")
        if r.overflow:
            how.append(" " + clean(r.overflow) + "\n", style="yellow")
        self.notes.update(r.notes)
        self._show_notes(how)

    def action_cancel_or_close(self) -> None:
        if self.running is not None:
            self.running.set()
            toast(self, "Cancelling the matrix…", timeout=2)
            return
        self.dismiss(None)

    def action_close(self) -> None:
        if self.running is not None:
            self.running.set()  # its pings end within a second; the worker finishes alone
        self.dismiss(None)

    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._rerun_if_applied()

    # -- "why not?" for the highlighted cell ---------------------------------------------------
    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._why_at(event.cell_key.row_key.value, event.cell_key.column_key.value)

    def _why_at_cursor(self) -> None:
        table = self.query_one("#matrix-table", DataTable)
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return  # an empty table
        self._why_at(key.row_key.value, key.column_key.value)

    def _why_at(self, src, dst) -> None:
        from netui.engine.doctor.whynot import why_not

        cell = self.cells.get((src, dst))
        source = self.snapshot.container_by_id.get(str(src))
        target = self.snapshot.container_by_id.get(str(dst))
        self.causes = why_not(self.snapshot, source, target.name, cell=cell) if cell and source and target else []
        self._show_why()

    def _show_why(self) -> None:
        from netui.ui.whynot_render import undo_fix, why_text

        t = why_text(self.causes, read_only=self.app.actions is None, apply_key="f",  # type: ignore[attr-defined]
                     undo=undo_fix(self.fixed) if self.fixed is not None else None, undo_key="x")
        box = self.query_one("#matrix-why", Static)
        box.update(Text(" Move to a cell that did not reach by name to see why.", style="dim") if not t.plain.strip() else t)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        allowed = self.fix_allowed(action)
        return True if allowed is None else allowed

    def fix_applied(self, spec) -> None:
        self._awaiting = spec
        self.query_one("#matrix-status", Static).update(Text(" waiting for the change to show, then running again…", style="dim italic"))
        self._rerun_if_applied()

    def _rerun_if_applied(self) -> None:
        from netui.ui.fix_dialogs import applied

        if self._awaiting is not None and self.running is None and applied(self._awaiting, self.snapshot):
            self._awaiting = None
            self.action_start()
