"""`m`: every ordered pair of running containers on a network: who reaches whom, by name."""

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
from netui.engine.model import Network, Snapshot
from netui.text import clean
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
}
LEGEND = [
    ("ok 0.12 ms", "ok", "reaches it by name (ping, round trip)"),
    ("by IP", "by-ip", "reaches it by IP; no name resolution on their shared network"),
    ("isolated", "isolated", "no shared network, and no reply by IP: isolated, as it should be"),
    ("name not resolved", "no-name", "the name does not resolve"),
    ("no reply", "no-reply", "resolves or has an IP on a shared network, but does not answer"),
    ("REACHABLE", "leak", "answers although they share no network"),
    ("timeout", "timeout", "the probe did not finish in time"),
    ("error", "error", "the probe could not run (reason in the cell)"),
]


class MatrixScreen(ModalScreen[None]):
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
        members = []
        for net in [self.network] + ([extra] if extra else []):
            for m in self.snapshot.members(net.id):
                c = m.container
                if c.running and c.mode != "none" and c not in members:
                    members.append(c)
        table = self.query_one("#matrix-table", DataTable)
        table.clear(columns=True)
        self.cells, self.causes = {}, []
        self._show_why()
        self.names = {c.id: c.name for c in members}
        if len(members) < 2:
            self.query_one("#matrix-status", Static).update(Text(" fewer than two running containers: nothing to test", style="yellow"))
            return
        table.add_column(Text("from ╲ to", style="dim"), key="_src")
        for c in members:
            table.add_column(Text(clean(c.name, 14), style="bold"), key=c.id)
        for a in members:
            table.add_row(Text(clean(a.name, 18), style="bold"), *[Text("·" if a.id != b.id else "—", style="dim") for b in members], key=a.id)
        self.total = len(members) * (len(members) - 1)
        bar = self.query_one("#matrix-progress", ProgressBar)
        bar.update(total=self.total, progress=0)
        self.query_one("#matrix-status", Static).update(Text(f" 0 / {self.total} pairs", style="dim"))
        self.running = threading.Event()
        self._run_matrix(self.snapshot, self.network, extra, self.running)

    @work(thread=True, group="matrix", exit_on_error=False, description="run the matrix")
    def _run_matrix(self, snap: Snapshot, network: Network, extra: Network | None, cancel: threading.Event) -> None:
        prober = self.app.prober  # type: ignore[attr-defined]
        try:
            result = prober.matrix(snap, network, extra=extra, cancel=cancel,
                                   on_cell=lambda cell, n, total: self.post_message(MatrixCellDone(cell, n, total)))
        except Exception as exc:
            self.post_message(MatrixFinished(None, str(explain(exc, ""))))
            return
        self.post_message(MatrixFinished(result))

    def on_matrix_cell_done(self, msg: MatrixCellDone) -> None:
        cell = msg.cell
        self.cells[(cell.source, cell.target)] = cell
        table = self.query_one("#matrix-table", DataTable)
        try:
            table.update_cell(cell.source, cell.target, Text(clean(cell.text, 18), style=CELL_STYLES.get(cell.status, "")), update_width=True)
        except Exception:
            return  # a previous run's late cell
        self.query_one("#matrix-progress", ProgressBar).update(progress=msg.done)
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
        status.update(Text(f" {word} {len(r.cells)} / {self.total} pairs in {r.seconds:.1f} s  ({summary})", style="bold" if not r.cancelled else "yellow"))

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
        from netui.ui.whynot_render import first_fix

        if action == "apply_fix":
            return self.app.actions is not None and self.running is None and first_fix(self.causes) is not None  # type: ignore[attr-defined]
        if action == "undo_fix":
            return self.app.actions is not None and self.running is None and self.fixed is not None  # type: ignore[attr-defined]
        return True

    def action_apply_fix(self) -> None:
        from netui.ui.whynot_render import first_fix

        offer = first_fix(self.causes)
        if offer is not None and self.check_action("apply_fix", ()):
            self._confirm_fix(offer[0].title, offer[1], undo=False)

    def action_undo_fix(self) -> None:
        if self.fixed is not None and self.check_action("undo_fix", ()):
            self._confirm_fix("Undo the fix applied from the matrix", self.fixed, undo=True)

    def _confirm_fix(self, title: str, fix, undo: bool) -> None:
        from netui.ui.fix_dialogs import as_one, fix_builder
        from netui.ui.screens.confirm_screen import ConfirmScreen

        build = fix_builder(title, fix, undo=undo)
        if build(self.snapshot).gone:
            toast(self, build(self.snapshot).gone, title="Nothing to do", severity="warning")
            return

        def done(result: str | None) -> None:
            if result:
                self.fixed = None if undo else fix
                self._awaiting = as_one(fix.undo if undo else fix.specs)
                self.query_one("#matrix-status", Static).update(Text(" waiting for the change to show, then running again…", style="dim italic"))
                self._rerun_if_applied()

        self.app.push_screen(ConfirmScreen(build, self.snapshot), done)

    def _rerun_if_applied(self) -> None:
        from netui.ui.fix_dialogs import applied

        if self._awaiting is not None and self.running is None and applied(self._awaiting, self.snapshot):
            self._awaiting = None
            self.action_start()
