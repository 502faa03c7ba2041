"""The explorer: networks, their containers, published ports and details, live.

The screen owns the layout, the panes and what they show: the app hands it each
new snapshot (`show_snapshot`), and it keeps cursor, selection, filter and focus
across them. Keys that open dialogs are here; whether a write or a probe may run
at all is the app's call (`check_action`).
"""

from __future__ import annotations

import time

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer

from netui.engine.model import Container, Network, Port, Snapshot
from netui.engine.query import Query, visible_extras, visible_members, visible_networks
from netui.engine.swarm import ExtraRow
from netui.ui.container_keys import ComposeKeysMixin, ContainerActionsMixin
from netui.ui.network_keys import NetworkKeysMixin
from netui.ui.probe_keys import ProbeKeysMixin
from netui.ui.toast import toast
from netui.ui.widgets.containers_table import ContainersTable
from netui.ui.widgets.details_pane import DetailsPane
from netui.ui.widgets.filter_bar import FilterBar
from netui.ui.widgets.keyed_table import KeyedTable
from netui.ui.widgets.networks_table import NetworksTable
from netui.ui.widgets.ports_table import PortsTable
from netui.ui.widgets.status_bar import StatusBar

DETAILS_DELAY = 0.03  # the details pane follows the cursor once it rests this long
PANES = ("networks", "containers", "ports", "details")


class ExplorerScreen(NetworkKeysMixin, ProbeKeysMixin, ContainerActionsMixin, ComposeKeysMixin, Screen[None]):
    AUTO_FOCUS = "#networks"
    BINDINGS = [
        Binding("slash", "filter", "Filter", tooltip="filter by name, subnet, IP, MAC, alias or label"),
        Binding("v", "map", "Map", tooltip="the topology map: who reaches whom, through which network, what is exposed"),
        Binding("e", "switch_engine", "Engines", tooltip="the engines netui watches: switch to another (--host / --context given more than once)"),
        Binding("r", "refresh", "Refresh", tooltip="read the topology again now (or reconnect)"),
        Binding("n", "create_network", "New network", tooltip="create a network (form with validation)"),
        Binding("P", "prune_networks", "Prune", show=False, tooltip="remove the user networks no container uses (asks first)"),
        Binding("L", "show_log", "Log", show=False, tooltip="the action log: what netui changed, as docker commands"),
        Binding("H", "probe_history", "Probes", show=False, tooltip="the probe history, with raw output"),
        Binding("C", "compose_projects", "Compose", show=False,
                tooltip="compose projects: services, their names on each network, who cannot reach whom"),
        Binding("T", "tour", "Tour", show=False,
                tooltip="the guided tour of Docker networking, step by step on the demo world"),
        Binding("escape", "back", "Back", show=False, tooltip="go back a pane, or clear the filter"),
        Binding("tab", "focus_next", "Next pane", show=False, tooltip="next pane"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, tooltip="previous pane"),
    ]

    networks = getters.query_one("#networks", NetworksTable)
    containers = getters.query_one("#containers", ContainersTable)
    ports = getters.query_one("#ports", PortsTable)
    details = getters.query_one("#details", DetailsPane)
    status = getters.query_one("#status", StatusBar)
    filter_bar = getters.query_one("#filter", FilterBar)

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Snapshot | None = None
        self.query_text = Query("")
        self.selected_network: str | None = None
        self.detail_source = "networks"
        self._details_timer: Timer | None = None
        self._select_network_named: str | None = None
        # (network, container id, task id, until, where the networks cursor was left): a container
        # to highlight once it is shown, after a switch to the engine that runs it
        self._pending_container: tuple[str, str, str, float, str | None] | None = None

    # -- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield NetworksTable(id="networks")
                yield ContainersTable(id="containers")
                yield PortsTable(id="ports")
            yield DetailsPane(id="details")
        yield FilterBar(id="filter")
        yield Footer()

    def on_mount(self) -> None:
        self.networks.border_title = "Networks"
        self.containers.border_title = "Containers"
        self.ports.border_title = "Published ports"
        self.details.show_nothing("Connecting to the engine…")
        # Not only AUTO_FOCUS: Textual skips it while the app itself has no focus (a
        # browser session before its tab is focused), and the keys must land somewhere.
        self.networks.focus()
        self.app.explorer_ready()  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.app.check_action(action, parameters)

    # -- what the app tells it ------------------------------------------------------
    def set_stale(self, stale: bool) -> None:
        self.query_one("#main").set_class(stale, "-stale")

    def show_unreachable(self, reason: str) -> None:
        """Nothing to show yet: the reason takes the tables' place on narrow screens."""
        if self.snapshot is None:
            self.add_class("-no-data")
            self.details.show_nothing(f"Cannot reach the engine.\n\n{reason}\n\nnetui keeps trying; q quits.")

    def show_snapshot(self, snap: Snapshot, flash: bool) -> None:
        self.snapshot = snap
        self.remove_class("-no-data")
        self.status.set(updated=snap.taken_at or time.time(), networks=len(snap.networks),
                        containers=len(snap.containers), stale=False)
        self.refresh_view(flash=flash)
        self._select_pending_container()
        if self._select_network_named:
            net = snap.network_by_name.get(self._select_network_named)
            if net is not None and self.networks.select_key(net.id):
                self._select_network_named = None

    def switch_engine(self, snap: Snapshot | None) -> None:
        """Another engine is shown now: its topology starts fresh (nothing flashes)."""
        self.snapshot = None
        self.selected_network = None
        self._select_network_named = None
        token = object()
        for table in (self.networks, self.containers, self.ports):
            table.set_scope(token)
        if snap is not None:
            self.show_snapshot(snap, flash=False)
        else:
            self.networks.set_titles("Networks", "")
            self.containers.set_titles("Containers", "")
            self.ports.set_titles("Published ports", "")
            self.details.show_nothing("Connecting to this engine…")
            self.status.set(networks=0, containers=0, updated=0.0)

    def action_switch_engine(self) -> None:
        from netui.ui.screens.engine_screen import EngineScreen

        self.app.push_screen(EngineScreen(self.app.connections, self.app.connection.index),  # type: ignore[attr-defined]
                             lambda index: self.app.switch_to(index) if index is not None else None)  # type: ignore[attr-defined]
    def reveal(self, network_id: str | None, container_id: str | None = None) -> bool:
        """Select this network, and this container on it (a doctor's finding's subjects);
        the filter is cleared if it hides them. Without a network, the container's first."""
        snap = self.snapshot
        if snap is None:
            return False
        c = snap.container_by_id.get(container_id or "")
        if network_id is None and c is not None:
            nets = snap.networks_of(c)
            network_id = nets[0].id if nets else None
        if network_id is None or network_id not in snap.network_by_id:
            return False
        hidden = network_id not in self.networks.keys or (
            c is not None and not any(m.container.id == c.id for m in visible_members(snap, snap.network_by_id[network_id], self.query_text)))
        if hidden and self.query_text:
            self.set_filter("")
        if not self.networks.select_key(network_id):
            return False
        self._show_network(network_id, flash=False)
        if c is not None and self.containers.select_key(c.id):
            self.detail_source = "containers"
            self.set_focus(self.containers)
        else:
            self.detail_source = "networks"
            self.set_focus(self.networks)
        self._show_details()
        self.call_after_refresh(self._show_details)  # a cursor moved right after a sync lands on the next frame
        return True

    def action_problems(self) -> None:
        self.app.action_problems()  # type: ignore[attr-defined]

    def highlight(self, network_id: str, container_id: str | None = None) -> None:
        """Put the cursor on this network's row and, in its containers pane, on this
        container's (the tour shows what a step is about). A filter hiding them is cleared."""
        snap = self.snapshot
        if snap is None or network_id not in snap.network_by_id:
            return
        if network_id not in self.networks.keys and self.query_text:
            self.set_filter("")
        if self.networks.select_key(network_id) and network_id != self.selected_network:
            self._show_network(network_id, flash=False)
        if container_id is not None and self.containers.select_key(container_id):
            self.detail_source = "containers"
            self._show_details()
        # Once the panes have their new size (the tour's panel takes room), the rows are scrolled into view.
        self.call_after_refresh(lambda: [t.move_cursor(row=t.cursor_row) for t in (self.networks, self.containers)])

    def action_tour(self) -> None:
        from netui.ui.screens.tour_screen import TourScreen

        app = self.app
        self.app.push_screen(TourScreen(app.tour_world, app.tour_step))  # type: ignore[attr-defined]

    def select_network_named(self, name: str) -> None:
        """Highlight this network once it shows up (it was just created)."""
        self._select_network_named = name
        if self.snapshot is not None:
            self.show_snapshot(self.snapshot, flash=False)

    # -- showing ----------------------------------------------------------------------
    def refresh_view(self, flash: bool = True) -> None:
        snap = self.snapshot
        if snap is None:
            return
        self.networks.show(snap, visible_networks(snap, self.query_text), flash=flash)
        self._show_network(self.networks.current_key, flash=flash)

    def _show_network(self, network_id: str | None, flash: bool = True) -> None:
        snap = self.snapshot
        if snap is None:
            return
        self.selected_network = network_id
        net = snap.network_by_id.get(network_id or "")
        members = visible_members(snap, net, self.query_text) if net else ()
        extras = visible_extras(snap, net, self.query_text) if net else ()
        self.containers.show(snap, net, members, flash=flash, extras=extras)
        self.ports.show(snap, tuple(m.container for m in members), net.name if net else None, flash=flash)
        self._show_details()

    def _show_details(self) -> None:
        """Update the details pane once the cursor rests: while keys repeat, the cursor
        frame is drawn at once and the (costlier) details follow."""
        if self._details_timer is not None:
            self._details_timer.stop()
        self._details_timer = self.set_timer(DETAILS_DELAY, self._show_details_now)

    def _show_details_now(self) -> None:
        self._details_timer = None
        snap = self.snapshot
        if snap is None or not self.is_attached:
            return
        c = self.highlighted_container()
        if c is not None:
            self.details.show_container(snap, c)
            return
        net = snap.network_by_id.get(self.selected_network or "")
        extra = self.highlighted_extra()
        if extra is not None and net is not None:
            self.details.show_extra(snap, net, extra)
            return
        if net is not None:
            self.details.show_network(snap, net)
        elif self.query_text:
            self.details.show_nothing("Nothing matches the filter. Esc clears it.")
        else:
            self.details.show_nothing("No networks.")

    def highlighted_container(self) -> Container | None:
        """The container the details follow: the containers pane's row, or the ports pane's."""
        if self.snapshot is None:
            return None
        cid = None
        if self.detail_source == "containers":
            cid = self.containers.current_key
            if cid and cid.startswith("gw:"):
                cid = cid[3:]  # docker_gwbridge: a container's gateway interface
        elif self.detail_source == "ports" and self.ports.current_key:
            cid = self.ports.current_key.split("|", 1)[0]
        return self.snapshot.container_by_id.get(cid or "")

    def highlighted_extra(self) -> ExtraRow | None:
        """The containers pane's row when it is no container of this engine (a task on
        another node, a network's own endpoint)."""
        snap, key = self.snapshot, self.containers.current_key
        if snap is None or self.detail_source != "containers" or not key or ":" not in key:
            return None
        net = snap.network_by_id.get(self.selected_network or "")
        if net is None:
            return None
        return next((r for r in visible_extras(snap, net, self.query_text) if r.key == key), None)

    def current_network(self, quiet: bool = False) -> Network | None:
        snap = self.snapshot
        net = snap.network_by_id.get(self.selected_network or "") if snap else None
        if net is None and not quiet:
            toast(self, "Highlight a network first", severity="warning")
        return net

    def current_port(self) -> tuple[Container, Port] | None:
        key = self.ports.current_key
        if not key or self.snapshot is None:
            return None
        cid, host_ip, host_port, cport, proto = key.split("|")
        c = self.snapshot.container_by_id.get(cid)
        for p in c.published_ports if c else ():
            if (p.host_ip, str(p.host_port), str(p.container_port), p.protocol) == (host_ip, host_port, cport, proto):
                return c, p  # type: ignore[return-value]
        return None

    def on_keyed_table_current_changed(self, msg: KeyedTable.CurrentChanged) -> None:
        if msg.table is self.networks:
            if msg.key != self.networks.current_key:
                return  # the cursor moved on since (an engine switch): its own announcement follows
            if msg.key != self.selected_network:
                self._show_network(msg.key)
            self._select_pending_container()
        elif msg.table.id == self.detail_source:
            self._show_details()

    def on_ports_table_scope_toggled(self, msg: PortsTable.ScopeToggled) -> None:
        self.refresh_view(flash=False)  # the view changed, not the engine

    @property
    def _details_only(self) -> bool:
        """Narrow layout with the details pane shown in place of the tables."""
        return self.has_class("-narrow") and self.has_class("-show-details")

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if self._details_only and isinstance(widget, FilterBar):
            self.remove_class("-show-details")  # `/` from the details: back to the tables, filtering
            return
        if self._details_only and not isinstance(widget, DetailsPane):
            # Textual moves focus off the tables as they are hidden: not the user's choice.
            self.call_after_refresh(self.details.focus)
            return
        if isinstance(widget, KeyedTable) and widget.id in PANES and widget.id != self.detail_source:
            self.detail_source = widget.id
            self._show_details()

    # -- navigation ---------------------------------------------------------------------
    def action_focus_pane(self, name: str) -> None:
        self.set_class(name == "details", "-show-details")
        widget = self.query_one(f"#{name}", Widget)
        self.call_after_refresh(widget.focus)

    def action_focus_next(self) -> None:
        if self._details_only:
            self.action_back()
        else:
            self.focus_next()

    def action_focus_previous(self) -> None:
        if self._details_only:
            self.action_back()
        else:
            self.focus_previous()

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, DetailsPane) or self._details_only:
            target = self.detail_source if self.detail_source in ("containers", "ports") else "networks"
            self.action_focus_pane(target)
        elif self.query_text:
            self.set_filter("")
        elif focused is self.containers or focused is self.ports:
            self.action_focus_pane("networks")

    def action_refresh(self) -> None:
        self.app.refresh_now()  # type: ignore[attr-defined]
        toast(self, "Refreshing…", timeout=1)

    # -- filter ---------------------------------------------------------------------------
    def action_filter(self) -> None:
        bar = self.filter_bar
        bar.add_class("-active")
        # Shown and focused now, not on the next frame: keys typed (or pasted) right
        # after "/" must land in the filter, not on the table's bindings.
        bar.display = True
        self.set_focus(bar)

    def set_filter(self, text: str) -> None:
        bar = self.filter_bar
        if bar.value != text:
            bar.value = text
        self.query_text = Query(text)
        bar.set_class(bool(text) or self.focused is bar, "-active")
        bar.display = bool(text) or self.focused is bar
        self.status.set(filter=text)
        self.refresh_view(flash=False)  # the view changed, not the engine

    def on_filter_bar_filter_changed(self, msg: FilterBar.FilterChanged) -> None:
        self.query_text = Query(msg.text)
        self.status.set(filter=msg.text)
        self.refresh_view(flash=False)

    def on_filter_bar_filter_done(self, msg: FilterBar.FilterDone) -> None:
        bar = self.filter_bar
        keep = not msg.cleared and bool(bar.value)
        bar.set_class(keep, "-active")
        bar.display = keep
        self.networks.focus()

    def action_toggle_all_ports(self) -> None:
        self.ports.action_toggle_all()

    def action_map(self) -> None:
        from netui.map.graph import container_key, network_key
        from netui.ui.screens.map_screen import MapScreen

        if self.snapshot is None:
            toast(self, "Nothing to draw yet: the engine has not answered", severity="warning")
            return
        c = self.highlighted_container()
        select = container_key(c.id) if c is not None else (network_key(self.selected_network) if self.selected_network else None)
        self.app.push_screen(MapScreen(self.snapshot, status_line=self.status.status, select=select))
