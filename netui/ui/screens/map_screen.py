"""`v`: the topology map, live: who can reach whom, through which network, and what
is exposed to the host. The selected node's details are beside it (wide terminals)
or open on Enter (narrow ones); `/` filters, `f` focuses a network, the last probe
or matrix is drawn on it until the topology changes. Esc or v goes back.
"""

from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer

from netui.engine.model import Snapshot
from netui.ui.widgets.details_pane import DetailsPane
from netui.ui.widgets.filter_bar import FilterBar
from netui.ui.widgets.status_bar import Status, StatusBar
from netui.ui.widgets.topology_map import MapNode, TopologyMap


class MapScreen(Screen[None]):
    BINDINGS = [
        Binding("v", "close", "Panes", tooltip="back to the panes"),
        Binding("escape", "back", "Back", show=False, tooltip="close the details, the focus or the filter; then back to the panes"),
        Binding("slash", "filter", "Filter", tooltip="show the matching nodes and what connects them"),
        Binding("tab", "focus_next", "Details", show=False, tooltip="between the map and the details"),
    ]

    topology = getters.query_one("#map", TopologyMap)
    details = getters.query_one("#map-details", DetailsPane)
    status = getters.query_one("#status", StatusBar)
    filter_bar = getters.query_one("#filter", FilterBar)

    def __init__(self, snapshot: Snapshot, *, status_line: Status | None = None, select: str | None = None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self._status_line = status_line
        self._select = select

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="map-main"):
            yield TopologyMap(id="map")
            yield DetailsPane(id="map-details")
        yield FilterBar(id="filter")
        yield Footer()

    def on_mount(self) -> None:
        if isinstance(self._status_line, Status):
            self.status.show(self._status_line)
        self.topology.border_title = "Map"
        self.topology.border_subtitle = "arrows/hjkl move · Enter details · space fold · f focus · / filter · v panes"
        self.details.show_nothing("Move to a network or a container to see its details.")
        self._show(self.snapshot)
        if self._select:
            self.topology.select(self._select)
        self.topology.focus()

    # -- live --------------------------------------------------------------------------
    def update_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._show(snapshot)

    def _show(self, snapshot: Snapshot) -> None:
        app = self.app
        self.topology.update_snapshot(snapshot, title=app.source.description if app.source.live else "")  # type: ignore[attr-defined]
        marks = app.probe_marks_for(snapshot)  # type: ignore[attr-defined]
        if marks:
            self.topology.show_probes(marks)
        else:
            self.topology.clear_probes()
        self.status.set(updated=snapshot.taken_at, networks=len(snapshot.networks), containers=len(snapshot.containers))
        self._show_details(self.topology.node_info(self.topology.selected) if self.topology.selected else None)

    def set_stale(self, stale: bool) -> None:
        self.query_one("#map-main").set_class(stale, "-stale")

    def show_subjects(self, network_ids: list[str], container_ids: list[str]) -> None:
        """A doctor's finding was picked: mark its subjects and move to the first one shown."""
        from netui.map.graph import container_key, network_key

        keys = [container_key(c) for c in container_ids] + [network_key(n) for n in network_ids]
        self.topology.mark(keys)
        for key in keys:
            if self.topology.select(key):
                break

    # -- details -----------------------------------------------------------------------
    def on_topology_map_node_selected(self, msg: TopologyMap.NodeSelected) -> None:
        self._show_details(msg.node)

    def on_topology_map_node_activated(self, msg: TopologyMap.NodeActivated) -> None:
        self._show_details(msg.node)
        self.add_class("-show-details")
        self.call_after_refresh(self.details.focus)

    def _show_details(self, node: MapNode | None) -> None:
        snap = self.snapshot
        if node is None:
            return
        if node.container is not None:
            c = snap.container_by_id.get(node.container.id)
            if c is not None:
                self.details.show_container(snap, c)
                return
        if node.network is not None:
            net = snap.network_by_id.get(node.network.id)
            if net is not None:
                self.details.show_network(snap, net)

    # -- keys ------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.has_class("-show-details") or self.focused is self.details:
            self.remove_class("-show-details")
            self.topology.focus()
        elif self.topology.filter_text:
            self.filter_bar.value = ""
            self.topology.set_filter("")
            self.filter_bar.display = False
        else:
            self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_filter(self) -> None:
        self.filter_bar.display = True
        self.filter_bar.add_class("-active")
        self.set_focus(self.filter_bar)

    def on_filter_bar_filter_changed(self, msg: FilterBar.FilterChanged) -> None:
        self.topology.set_filter(msg.text)
        self.status.set(filter=msg.text)

    def on_filter_bar_filter_done(self, msg: FilterBar.FilterDone) -> None:
        keep = not msg.cleared and bool(self.filter_bar.value)
        self.filter_bar.set_class(keep, "-active")
        self.filter_bar.display = keep
        self.topology.focus()
