"""`C`: the compose projects on the engine, live.

One row per project (services, containers running of all, its networks, the
networks it joins); below, the highlighted project explained: its default network,
each service and the names it answers to on each network, and which other projects
it can reach, or cannot (with the fix: a shared external network). Enter filters the
explorer to the project (`project:NAME`).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from netui.engine import compose
from netui.engine.model import Snapshot
from netui.text import clean


def project_text(snap: Snapshot, p: compose.Project) -> Text:
    """The project explained, for the lower half of the screen."""
    t = Text()
    t.append("Project ", style="dim")
    t.append(clean(p.name), style="bold magenta")
    t.append(f"  {len(p.services)} service{'s' if len(p.services) != 1 else ''}, "
             f"{p.running} of {len(p.containers)} container{'s' if len(p.containers) != 1 else ''} running\n\n")
    default = p.default_network
    t.append("Default network  ", style="bold")
    if default is not None:
        t.append(clean(default.name), style="bold")
        t.append("  compose made it for the project; every service joins it unless the service lists its own networks\n",
                 style="dim")
    else:
        t.append(f"none ({clean(compose.default_network_name(p.name))} is not there: every service lists its own networks, "
                 "or the project is down)\n", style="dim")
    t.append("\nServices", style="bold underline")
    t.append("  (a service answers to its name on each network it joins)\n", style="dim")
    if not p.services:
        t.append("  no container now\n", style="dim")
    for s in p.services:
        for c in s.containers:
            t.append(f"  {clean(s.name):<12}", style="bold")
            t.append(f"{clean(c.name)}  ")
            t.append(clean(c.state) + "\n", style="green" if c.running else "yellow")
            for n in snap.networks_of(c):
                names = compose.service_dns_names(snap, c, n)
                t.append(f"      on {clean(n.name)}: ", style="dim")
                t.append(clean(", ".join(names)) if names else "by IP only (no DNS on this network)")
                t.append("\n")
    t.append("\nNetworks\n", style="bold underline")
    for n in p.networks:
        t.append(f"  {clean(n.name)}", style="bold")
        t.append(f"  made by compose (key {clean(n.compose_network or '?')})\n", style="dim")
    for n in p.joined:
        t.append(f"  {clean(n.name)}", style="bold")
        t.append("  joined, not made by this project (external: true)\n", style="dim")
    t.append("\nOther projects\n", style="bold underline")
    others = [q for q in compose.projects(snap) if q.name != p.name and q.containers]
    if not others:
        t.append("  none on this engine\n", style="dim")
    for q in others:
        shared = compose.shared_networks(snap, p, q) if p.containers else ()
        if shared:
            t.append("  ✓ ", style="green")
            t.append(clean(q.name), style="bold")
            t.append(f"  reachable through {clean(', '.join(n.name for n in shared))}\n")
        else:
            t.append("  ✗ ", style="bold red")
            t.append(clean(q.name), style="bold")
            t.append("  no network in common: their containers cannot reach each other\n", style="red")
            t.append("    the fix, a shared external network:\n", style="dim")
            for line in compose.shared_network_fix(p.name, q.name).splitlines():
                t.append(f"      {clean(line)}\n", style="cyan" if not line.startswith("#") else "dim")
    return t


class ProjectsScreen(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape,q,C", "close", "Close", tooltip="back to the explorer"),
        Binding("enter", "choose", "Filter to it", tooltip="show only this project in the explorer (filter project:NAME)"),
    ]

    def __init__(self, snapshot: Snapshot, select: str = "") -> None:
        super().__init__()
        self.snapshot = snapshot
        self.select = select
        self._ready = False  # a snapshot may arrive before on_mount built the table

    def compose(self) -> ComposeResult:
        with Vertical(id="projects-box"):
            yield Static(Text("Compose projects", style="bold"), id="projects-title")
            yield DataTable(id="projects-table", cursor_type="row")
            with VerticalScroll(id="projects-detail"):
                yield Static(id="projects-text")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Project", "Services", "Running", "Its networks", "Also joins", "Cannot reach")
        self._ready = True
        self._fill()
        table.focus()

    @property
    def current(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        keep = self.current or self.select
        snap = self.snapshot
        table.clear()
        for p in compose.projects(snap):
            cut = compose.unreachable_from(snap, p)
            table.add_row(
                Text(clean(p.name, 40), style="bold magenta"),
                Text(clean(", ".join(p.service_names), 40)),
                Text(f"{p.running}/{len(p.containers)}", style="green" if p.running == len(p.containers) and p.containers else "yellow"),
                Text(clean(", ".join(n.name for n in p.networks), 40)),
                Text(clean(", ".join(n.name for n in p.joined), 40)),
                Text(clean(", ".join(q.name for q in cut), 40), style="red"),
                key=p.name,
            )
        if keep and keep in {p.name for p in compose.projects(snap)}:
            table.move_cursor(row=table.get_row_index(keep))
        self._show()

    def _show(self) -> None:
        name = self.current
        p = compose.project_named(self.snapshot, name or "")
        body = self.query_one("#projects-text", Static)
        if p is None:
            body.update(Text("No compose project on this engine. Containers started by docker compose (v1 or v2) "
                             "carry the labels com.docker.compose.project and .service; netui groups them here.",
                             style="dim"))
            return
        body.update(project_text(self.snapshot, p))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show()

    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        if self._ready:
            self._fill()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_choose()

    def action_choose(self) -> None:
        self.dismiss(self.current)

    def action_close(self) -> None:
        self.dismiss(None)
