"""The netui explorer: networks, their containers, ports and details, live.

Data flow: worker threads call the engine layer (connect, the event stream,
snapshot reads) and post messages; the app applies each new snapshot to the
panes in place. The event stream drives refreshes (debounced); a periodic
resync is the safety net. When the engine goes away the last topology stays
on screen, marked stale, and the app reconnects with backoff.
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import deque
from typing import Iterable

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer
from rich.text import Text

from netui.engine.client import EngineError, explain
from netui.engine.image import LOCAL_IMAGE
from netui.engine.model import Snapshot
from netui.engine.query import Query, visible_members, visible_networks
from netui.engine.source import EngineSource, ReplaySource, Source
from netui.ui.messages import (
    ActionFinished,
    ActionRequested,
    ConnectFailed,
    Connected,
    RefreshDone,
    RefreshFailed,
    SnapshotReady,
    StreamEnded,
    StreamOpened,
    TopologyChanged,
)
from netui.text import clean
from netui.ui.messages import MatrixCellDone, MatrixFinished, ProbeCheckDone, ProbeFinished
from netui.ui.paths import stylesheets

# Dialogs and the write side are imported when first used: they bring widgets and
# modules the first screen does not need (startup time).
from netui.ui.widgets.containers_table import ContainersTable
from netui.ui.widgets.details_pane import DetailsPane
from netui.ui.widgets.filter_bar import FilterBar
from netui.ui.widgets.keyed_table import KeyedTable
from netui.ui.widgets.networks_table import NetworksTable
from netui.ui.widgets.ports_table import PortsTable
from netui.ui.widgets.status_bar import StatusBar

DEBOUNCE = 0.005  # seconds to gather a burst of events into one refresh (later ones queue another)
SETTLE = 0.02  # when a refresh does not show an event's change yet, read again this soon
SETTLE_FOR = 2.0  # …for at most this long
DETAILS_DELAY = 0.03  # the details pane follows the cursor once it rests this long
# Under an event storm (a script creating networks in a loop, `compose up` of a big
# project) each refresh costs a frame, ~100 ms on a small VM: event-driven refreshes
# then keep at least this gap, or STORM_FACTOR times what the last one cost the UI
# thread, so netui stays responsive and cheap. Outside a storm events are read at once.
STORM_EVENTS = 4  # events within a second that make a storm; fewer are read at once
STORM_GAP = 0.25
STORM_FACTOR = 3.0
STORM_MAX_GAP = 0.75  # never longer: a change stays on screen within a second
BACKOFF = (0.25, 0.5, 1.0, 2.0)  # reconnect delays; the last one repeats
PANES = ("networks", "containers", "ports", "details")
# Every action that changes the engine. --read-only (or a replay) disables all of them:
# not bound, not shown, not in the palette, and refused if called anyway.
WRITE_ACTIONS = frozenset(
    {"create_network", "connect_container", "disconnect_container", "remove_network", "prune_networks", "run_container"}
)
PROBE_ACTIONS = frozenset({"probe_container", "probe_port", "matrix", "probe_history"})


class NetuiApp(App[int]):
    TITLE = "netui"
    CSS_PATH = stylesheets()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    ENABLE_COMMAND_PALETTE = True
    AUTO_FOCUS = "#networks"

    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="quit netui"),
        Binding("question_mark", "help", "Help", tooltip="this screen"),
        Binding("slash", "filter", "Filter", tooltip="filter by name, subnet, IP, MAC, alias or label"),
        Binding("r", "refresh", "Refresh", tooltip="read the topology again now (or reconnect)"),
        Binding("n", "create_network", "New network", tooltip="create a network (form with validation)"),
        Binding("P", "prune_networks", "Prune", show=False, tooltip="remove the user networks no container uses (asks first)"),
        Binding("L", "show_log", "Log", show=False, tooltip="the action log: what netui changed, as docker commands"),
        Binding("H", "probe_history", "Probes", show=False, tooltip="the probe history, with raw output"),
        Binding("escape", "back", "Back", show=False, tooltip="go back a pane, or clear the filter"),
        Binding("tab", "focus_next", "Next pane", show=False, tooltip="next pane"),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False, tooltip="previous pane"),
    ]

    def __init__(
        self,
        source: Source,
        *,
        read_only: bool = False,
        interval: float = 30.0,
        probe_image: str | None = None,
        theme: str | None = None,
    ) -> None:
        super().__init__()
        self.source = source
        self.read_only = read_only or not source.writable
        self.interval = interval
        self.probe_image = probe_image
        if theme:
            self.theme = theme
        self.snapshot: Snapshot | None = None
        self.query_text = Query("")
        self.selected_network: str | None = None
        self.detail_source = "networks"
        self.state = "connecting"
        # worker bookkeeping
        self._attempt = 0
        self._generation = 0
        self._refresh_seq = 0
        self._applied_seq = -1
        self._refreshing = False
        self._refresh_generation = 0
        self._refresh_again = False
        self._first_half_pending_paint = False
        self._dirty: set[str] = set()  # containers named by events since the last read
        self._want_full = True  # the next read lists every container
        self._debounce: Timer | None = None
        self._event_refresh_at = 0.0  # when the last event-driven refresh began
        self._quick_settle = False  # whether the next re-read for unseen events may skip the gap
        self._recent_events: deque[float] = deque(maxlen=STORM_EVENTS)
        self._last_event: tuple[object, float] = (None, 0.0)
        self._apply_cost = 0.0  # UI time the last snapshot took: applying it and its frame
        self._resync: Timer | None = None
        self._retry: Timer | None = None
        self._details_timer: Timer | None = None
        self._expected: dict[tuple[str, str, str], tuple[object, float]] = {}  # subject -> (event, deadline)
        self._shutting_down = False
        self.stats = {"snapshots": 0, "events": 0, "refreshes": 0}
        from netui.engine.actions import ActionLog

        self.action_log = ActionLog()
        make = getattr(source, "actions", None)
        self.actions = make(read_only=self.read_only, log=self.action_log) if make and not self.read_only else None
        self._select_network_named: str | None = None
        make_prober = getattr(source, "prober", None)
        self.prober = make_prober(probe_image=probe_image, read_only=self.read_only) if make_prober else None

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

    @property
    def networks(self) -> NetworksTable:
        return self.main_screen.query_one("#networks", NetworksTable)

    @property
    def containers(self) -> ContainersTable:
        return self.main_screen.query_one("#containers", ContainersTable)

    @property
    def ports(self) -> PortsTable:
        return self.main_screen.query_one("#ports", PortsTable)

    @property
    def details(self) -> DetailsPane:
        return self.main_screen.query_one("#details", DetailsPane)

    @property
    def status(self) -> StatusBar:
        return self.main_screen.query_one("#status", StatusBar)

    def on_mount(self) -> None:
        # Panes live on the first screen; modal screens (help, forms) stack above it.
        self.main_screen = self.screen
        self.networks.border_title = "Networks"
        self.containers.border_title = "Containers"
        self.ports.border_title = "Published ports"
        self.details.show_nothing("Connecting to the engine…")
        self.status.set(read_only=self.read_only, engine=self.source.description if not self.source.live else "")
        self.networks.focus()
        self._start_connect()

    def on_unmount(self) -> None:
        self._shutting_down = True
        if self.prober is not None:
            # No probe container outlives netui; a hung engine must not hold the exit for long.
            closer = threading.Thread(target=self.prober.close, daemon=True)
            closer.start()
            closer.join(timeout=5)
        self.source.close()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None, markup: bool = False) -> None:
        """Every toast is literal text: messages carry engine strings (a network may be named [b]x[/b])."""
        text = "\n".join(clean(line) for line in str(message).split("\n"))
        super().notify(text, title=clean(title), severity=severity, timeout=timeout, markup=False)

    # -- connection -----------------------------------------------------------------
    def _set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        stale = state in ("disconnected", "reconnecting") and self.snapshot is not None
        self.status.set(state=state, detail=detail, stale=stale)
        self.main_screen.query_one("#main").set_class(stale, "-stale")

    def _start_connect(self) -> None:
        self._retry = None
        if self._shutting_down:
            return
        self._attempt += 1
        if self.state != "disconnected":
            self._set_state("connecting" if self.snapshot is None else "reconnecting")
        self._connect_worker(self._attempt)

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False, description="connect")
    def _connect_worker(self, attempt: int) -> None:
        try:
            info = self.source.connect()
        except Exception as exc:
            self.post_message(ConnectFailed(explain(exc, self.source.description), attempt))
            return
        self.post_message(Connected(info, attempt))

    def on_connected(self, msg: Connected) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        self._backoff_step = 0
        if not self.source.live:
            self.status.set(state="replay", engine=self.source.description)
            self.state = "replay"
            self.request_refresh()
            return
        self.status.set(engine=msg.info.label)
        self._generation += 1
        self._events_worker(self._generation)
        if self.snapshot is None:
            # Paint as soon as possible; the read after the subscription (below, on
            # StreamOpened) is the one that guarantees no change falls in between.
            self.request_refresh()

    def on_connect_failed(self, msg: ConnectFailed) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        self._schedule_reconnect(str(msg.error))
        if self.snapshot is None:
            # Nothing to show yet: the reason takes the tables' place on narrow screens.
            self.main_screen.add_class("-no-data")
            self.details.show_nothing(f"Cannot reach the engine.\n\n{msg.error}\n\nnetui keeps trying; q quits.")

    def _schedule_reconnect(self, reason: str) -> None:
        if self._shutting_down or self._retry is not None:
            return
        step = getattr(self, "_backoff_step", 0)
        delay = BACKOFF[min(step, len(BACKOFF) - 1)]
        self._backoff_step = step + 1
        self._set_state("disconnected", f"{reason} · retrying in {delay:g} s")
        self._retry = self.set_timer(delay, self._start_connect)

    @work(thread=True, group="events", exit_on_error=False, description="watch engine events")
    def _events_worker(self, generation: int) -> None:
        try:
            stream = self.source.open_events()
        except Exception as exc:
            self.post_message(StreamEnded(generation, str(explain(exc, self.source.description))))
            return
        self.post_message(StreamOpened(generation))
        reason = "the engine's event stream ended"
        try:
            for event in stream:
                if generation != self._generation or self._shutting_down:
                    return
                self.post_message(TopologyChanged(event))
        except Exception as exc:  # the stream itself ends quietly; anything else is reported
            reason = str(explain(exc, self.source.description))
        finally:
            stream.close()
            forget = getattr(self.source, "forget_stream", None)
            if forget is not None:
                forget(stream)
        self.post_message(StreamEnded(generation, reason))

    def on_stream_opened(self, msg: StreamOpened) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        if msg.generation != self._generation:
            return
        # Subscribed first, then read: no change can fall between the two.
        self.request_refresh()
        if self._resync is None:
            self._resync = self.set_interval(self.interval, self._periodic_resync)

    def on_stream_ended(self, msg: StreamEnded) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        if msg.generation != self._generation or self._shutting_down:
            return
        self._generation += 1
        self._set_state("reconnecting", msg.reason)
        self._schedule_reconnect(msg.reason)

    def _periodic_resync(self) -> None:
        if self.state == "live":
            self.request_refresh()

    def on_topology_changed(self, msg: TopologyChanged) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        self.stats["events"] += 1
        self._expected[msg.event.subject] = (msg.event, time.monotonic() + SETTLE_FOR)
        self._mark_dirty(msg.event)
        now = time.monotonic()
        key = (msg.event.subject, msg.event.action)
        if key != self._last_event[0] or now - self._last_event[1] > 0.2:
            # (Docker 20.10 announces each network disconnect twice: one change, not two.)
            self._recent_events.append(now)
        self._last_event = (key, now)
        # Not in a storm: show it as soon as possible, re-reading once at once if needed.
        self._quick_settle = self._storm_gap() == 0.0
        self._schedule_event_read(DEBOUNCE)

    def _storm_gap(self) -> float:
        now = time.monotonic()
        if sum(1 for t in self._recent_events if now - t < 1.0) < STORM_EVENTS:
            return 0.0
        return min(max(STORM_GAP, STORM_FACTOR * self._apply_cost), STORM_MAX_GAP)

    def _schedule_event_read(self, delay: float, quick: bool = False) -> None:
        """An event-driven read, `delay` from now, but not sooner than the storm gap
        after the previous one (see STORM_GAP) unless `quick`."""
        if self._debounce is None:
            gap = 0.0 if quick else self._storm_gap()
            since = time.monotonic() - self._event_refresh_at
            self._debounce = self.set_timer(max(delay, gap - since), self._debounced)

    def _mark_dirty(self, event) -> None:
        """The containers a refresh must re-read for this event (networks are always read whole)."""
        if event.type == "container" and event.id:
            self._dirty.add(event.id)
        elif event.type == "network" and event.action in ("connect", "disconnect"):
            if event.container:
                self._dirty.add(event.container)
            else:
                self._want_full = True

    def _debounced(self) -> None:
        self._debounce = None
        self._event_refresh_at = time.monotonic()
        self.request_refresh(full=False)

    # -- refresh --------------------------------------------------------------------
    def request_refresh(self, full: bool = True) -> None:
        """Read the topology now; if a read is running, once more after it.

        `full=False` (after events) reads only the containers the events named."""
        if full:
            self._want_full = True
        if self._refreshing and self._refresh_generation == self._generation:
            self._refresh_again = True
            return
        # (A read still going out on a connection given up on does not hold this one
        # back: on a large engine its inspects can take seconds to fail.)
        changed = None if (self._want_full or self.snapshot is None) else frozenset(self._dirty)
        self._dirty = set()
        self._want_full = False
        self._refreshing = True
        self._refresh_generation = self._generation
        self._refresh_seq += 1
        self.stats["refreshes"] += 1
        self._refresh_worker(self._refresh_seq, changed, self.snapshot, self._generation)

    @work(thread=True, group="refresh", exit_on_error=False, description="read the topology")
    def _refresh_worker(self, seq: int, changed, base, generation: int) -> None:
        try:
            snap, pending = self.source.read_lists(changed, base) if changed is not None else self.source.read_lists()
            self.post_message(SnapshotReady(snap, seq, final=not pending, generation=generation))
            if pending:
                self.post_message(SnapshotReady(self.source.complete(snap, pending), seq, final=True, generation=generation))
        except Exception as exc:
            self.post_message(RefreshFailed(explain(exc, self.source.description), seq, generation))
        finally:
            self.post_message(RefreshDone(seq))

    def on_refresh_done(self, msg: RefreshDone) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        if msg.sequence != self._refresh_seq:
            return  # an abandoned read (see request_refresh); the current one is still going
        self._refreshing = False
        if self._refresh_again and not self._shutting_down:
            self._refresh_again = False
            self.request_refresh(full=False)

    def on_refresh_failed(self, msg: RefreshFailed) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        if msg.generation != self._generation:
            # A read from a connection already given up on (e.g. the aliases of a large
            # engine, still being read when it went away): the reconnect has happened.
            return
        if msg.error.kind in ("unreachable", "permission", "too-old"):
            # The event worker notices too; make sure we reconnect either way.
            self._generation += 1
            self._schedule_reconnect(str(msg.error))
        else:
            self.notify(str(msg.error), title="Refresh failed", severity="error")

    def on_snapshot_ready(self, msg: SnapshotReady) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        if msg.final and msg.sequence == self._applied_seq and not msg.snapshot is self.snapshot and self._first_half_pending_paint:
            # The first half of this read has not reached the screen yet: paint it first,
            # then add the aliases and DNS names.
            self._first_half_pending_paint = False
            self.call_after_refresh(self.on_snapshot_ready, msg)
            return
        if msg.sequence < self._applied_seq:
            return  # an older read finishing late
        if self.source.live and msg.generation != self._generation:
            return  # read on a connection given up on: the reconnect's own read follows
        # The second half of a read (aliases and DNS names arriving) is not news: no flash.
        flash = msg.sequence != self._applied_seq
        started = time.perf_counter()
        self.call_after_refresh(self._measured, started)
        self._applied_seq = msg.sequence
        self.snapshot = msg.snapshot
        self._first_half_pending_paint = not msg.final
        self.main_screen.remove_class("-no-data")
        self.stats["snapshots"] += 1
        if self.state in ("connecting", "reconnecting", "disconnected"):
            self._set_state("live")
        self.status.set(
            updated=msg.snapshot.taken_at or time.time(),
            networks=len(msg.snapshot.networks),
            containers=len(msg.snapshot.containers),
            stale=False,
        )
        self.refresh_view(flash=flash)
        if self._select_network_named:
            net = msg.snapshot.network_by_name.get(self._select_network_named)
            if net is not None and self.networks.select_key(net.id):
                self._select_network_named = None
        update = getattr(self.screen, "update_snapshot", None)
        if update is not None:
            update(msg.snapshot)
        self._check_expected(msg.snapshot)

    def _measured(self, started: float) -> None:
        """What the last snapshot cost the UI thread, its frame included (for STORM_FACTOR)."""
        self._apply_cost = min(time.perf_counter() - started, 1.0)

    def _check_expected(self, snap: Snapshot) -> None:
        """Events whose change this snapshot does not show yet get another read, soon."""
        now = time.monotonic()
        for subject, (event, deadline) in list(self._expected.items()):
            if deadline < now or event.seen_in(snap):
                del self._expected[subject]
        if self._expected and not self._read_coming():
            for event, _ in self._expected.values():
                self._mark_dirty(event)
            # The first re-read after new events comes at once (the engine is usually a
            # few ms behind its own announcement); more of them wait like events do.
            quick, self._quick_settle = self._quick_settle, False
            self._schedule_event_read(SETTLE, quick=quick)

    def _read_coming(self) -> bool:
        """Whether a read that began after the latest events is due or running: then that
        read, not another one, is the one to check them against."""
        return self._debounce is not None or self._refresh_again or self._refresh_seq != self._applied_seq

    # -- showing -------------------------------------------------------------------
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
        self.containers.show(snap, net, members, flash=flash)
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
        if not self.is_running:
            return  # shutting down: the panes are gone
        snap = self.snapshot
        if snap is None:
            return
        container_id = None
        if self.detail_source == "containers":
            container_id = self.containers.current_key
        elif self.detail_source == "ports" and self.ports.current_key:
            container_id = self.ports.current_key.split("|", 1)[0]
        c = snap.container_by_id.get(container_id or "")
        if c is not None:
            self.details.show_container(snap, c)
            return
        net = snap.network_by_id.get(self.selected_network or "")
        if net is not None:
            self.details.show_network(snap, net)
        elif self.query_text:
            self.details.show_nothing("Nothing matches the filter. Esc clears it.")
        else:
            self.details.show_nothing("No networks.")

    def on_keyed_table_current_changed(self, msg: KeyedTable.CurrentChanged) -> None:
        if msg.table is self.networks:
            if msg.key != self.selected_network:
                self._show_network(msg.key)
        elif msg.table.id == self.detail_source:
            self._show_details()

    @property
    def _details_only(self) -> bool:
        """Narrow layout with the details pane shown in place of the tables."""
        return self.main_screen.has_class("-narrow") and self.main_screen.has_class("-show-details")

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if widget.screen is not self.main_screen:
            return  # focus inside a dialog
        if self._details_only and not isinstance(widget, DetailsPane):
            # Textual moves focus off the tables as they are hidden: not the user's choice.
            self.call_after_refresh(self.details.focus)
            return
        if isinstance(widget, KeyedTable) and widget.id in PANES:
            if widget.id != self.detail_source:
                self.detail_source = widget.id
                self._show_details()

    # -- actions ---------------------------------------------------------------------
    def action_focus_pane(self, name: str) -> None:
        self.main_screen.set_class(name == "details", "-show-details")
        widget = self.main_screen.query_one(f"#{name}", Widget)
        self.call_after_refresh(widget.focus)

    def action_focus_next(self) -> None:
        if self._details_only:
            self.action_back()
        else:
            super().action_focus_next()

    def action_focus_previous(self) -> None:
        if self._details_only:
            self.action_back()
        else:
            super().action_focus_previous()

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
        if self.state in ("disconnected", "reconnecting"):
            if self._retry is not None:
                self._retry.stop()
                self._retry = None
            self._start_connect()
        else:
            self.request_refresh()
        self.notify("Refreshing…", timeout=1)

    def action_help(self) -> None:
        from netui.ui.screens.help_screen import HelpScreen, help_sections

        panes = [("Networks", NetworksTable), ("Containers", ContainersTable), ("Ports", PortsTable), ("Details", DetailsPane), ("Filter", FilterBar)]
        hide = (WRITE_ACTIONS if self.actions is None else frozenset()) | (PROBE_ACTIONS if self.prober is None else frozenset())
        self.push_screen(HelpScreen(help_sections(self.BINDINGS, panes, hide)))

    def action_filter(self) -> None:
        bar = self.main_screen.query_one("#filter", FilterBar)
        bar.add_class("-active")
        # Shown and focused now, not on the next frame: keys typed (or pasted) right
        # after "/" must land in the filter, not on the table's bindings.
        bar.display = True
        if self.screen is self.main_screen:
            self.main_screen.set_focus(bar)
        else:
            bar.focus()

    def set_filter(self, text: str) -> None:
        bar = self.main_screen.query_one("#filter", FilterBar)
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
        self.refresh_view(flash=False)  # the view changed, not the engine

    def on_filter_bar_filter_done(self, msg: FilterBar.FilterDone) -> None:
        bar = self.main_screen.query_one("#filter", FilterBar)
        keep = not msg.cleared and bool(bar.value)
        bar.set_class(keep, "-active")
        bar.display = keep
        self.networks.focus()

    def action_toggle_all_ports(self) -> None:
        self.ports.action_toggle_all()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # -- changing the engine -------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.actions is None:
            return False  # read-only: neither shown nor run
        if action in PROBE_ACTIONS and self.prober is None:
            return False  # a replay has no engine to probe
        return True

    def _writable(self) -> bool:
        if self.actions is None or self.snapshot is None:
            if self.actions is None:
                self.notify("netui is read-only: nothing may change the engine", severity="warning")
            return False
        return True

    def _current_network(self):
        snap = self.snapshot
        net = snap.network_by_id.get(self.selected_network or "") if snap else None
        if net is None:
            self.notify("Highlight a network first", severity="warning")
        return net

    def action_create_network(self) -> None:
        from netui.ui.screens.create_network_screen import CreateNetworkScreen

        if self._writable():
            self.push_screen(CreateNetworkScreen(self.snapshot, self.snapshot.engine))

    def action_connect_container(self) -> None:
        from netui.ui.screens.connect_screen import ConnectScreen

        if not self._writable():
            return
        net = self._current_network()
        if net is None:
            return
        if net.driver in ("host", "null"):
            self.notify(f"Containers cannot be connected to the {net.name} network: run them with --network {net.name}", severity="error")
            return
        self.push_screen(ConnectScreen(self.snapshot, net))

    def action_disconnect_container(self) -> None:
        from netui.engine import actions as act
        from netui.ui.screens.confirm_screen import Choice, ConfirmScreen

        if not self._writable():
            return
        net = self._current_network()
        cid = self.containers.current_key
        c = self.snapshot.container_by_id.get(cid or "") if net else None
        if net is None or c is None:
            if net is not None:
                self.notify("Highlight a container in the containers pane first", severity="warning")
            return
        spec = act.DisconnectSpec(net.name, c.name, network_id=net.id)
        errors = act.validate_disconnect(spec, self.snapshot)
        if errors:
            self.notify(errors[0].message, title="Cannot disconnect", severity="error")
            return
        body = Text.assemble("Disconnect ", (clean(c.name), "bold"), " from ", (clean(net.name), "bold"), "?\n\n",
                             ("It loses its address on this network" + (" and its names there" if net.has_dns else "") + "; "
                              "its other networks are untouched.", "dim"))
        self.push_screen(ConfirmScreen("Disconnect a container", body, [Choice("Disconnect", "disconnect", spec)],
                                       force_option="force (also for a stale endpoint: \"has active endpoints\")"))

    def action_remove_network(self) -> None:
        from netui.engine import actions as act
        from netui.ui.screens.confirm_screen import Choice, ConfirmScreen

        if not self._writable():
            return
        net = self._current_network()
        if net is None:
            return
        why = act.protected_reason(net)
        if why:
            self.notify(why, title="Protected network", severity="error", timeout=8)
            return
        attached = [m.container.name for m in self.snapshot.members(net.id) if m.endpoint is not None]
        if not attached:
            body = Text.assemble("Remove network ", (clean(net.name), "bold"), "?\n\n", ("No container is attached.", "dim"))
            choices = [Choice("Remove", "remove_network", act.RemoveSpec(net.name, network_id=net.id))]
        else:
            body = Text.assemble("Network ", (clean(net.name), "bold"), f" has {len(attached)} attached container{'s' if len(attached) != 1 else ''}:\n")
            for name in attached:
                body.append(f"  • {clean(name)}\n")
            body.append("\nDocker refuses to remove a network with endpoints. netui can disconnect them all first "
                        "(the containers keep running and keep their other networks).", style="dim")
            spec = act.RemoveSpec(net.name, tuple(attached), network_id=net.id)
            choices = [Choice("Disconnect all, then remove", "remove_network", spec,
                              extra_commands=tuple(tuple(a) for a in spec.all_argv()[:-1]))]
        self.push_screen(ConfirmScreen("Remove a network", body, choices))

    def action_prune_networks(self) -> None:
        from netui.engine import actions as act
        from netui.ui.screens.confirm_screen import Choice, ConfirmScreen

        if not self._writable():
            return
        gone = act.prune_candidates(self.snapshot)
        scope = ""
        if self.query_text:
            # Prune what you see: with a filter on, only the unused networks it shows.
            visible = {n.id for n in visible_networks(self.snapshot, self.query_text)}
            gone = tuple(n for n in gone if n.id in visible)
            scope = f" matching the filter {clean(self.query_text.text)!r}"
        if not gone:
            self.notify(f"No unused user networks{scope}: nothing to prune")
            return
        body = Text(f"These {len(gone)} user network{'s' if len(gone) != 1 else ''}{scope} have no container (running or stopped) and would go:\n\n")
        for n in gone:
            body.append(f"  • {clean(n.name)}", style="bold")
            body.append(f"  {clean(n.driver)}  {clean(', '.join(n.subnets))}\n", style="dim")
        self.push_screen(ConfirmScreen("Prune unused networks", body,
                                       [Choice(f"Remove {len(gone)}", "prune", act.PruneSpec(tuple(n.name for n in gone), tuple(n.id for n in gone)))]))

    def action_run_container(self) -> None:
        from netui.ui.screens.run_container_screen import RunContainerScreen

        if not self._writable():
            return
        net = self._current_network()
        if net is None:
            return
        self.push_screen(RunContainerScreen(self.snapshot, net, self.probe_image or LOCAL_IMAGE))

    # -- connectivity probes ---------------------------------------------------------------
    def _can_probe(self) -> bool:
        if self.prober is None:
            self.notify("Probes need a live engine: this is a replay", severity="warning")
            return False
        if self.snapshot is None or self.state != "live":
            self.notify("Probes need the engine: it is not connected right now", severity="warning")
            return False
        return True

    def action_probe_container(self) -> None:
        from netui.ui.screens.probe_screen import ProbeScreen

        if not self._can_probe():
            return
        c = self.snapshot.container_by_id.get(self.containers.current_key or "")
        if c is None:
            self.notify("Highlight a container in the containers pane first", severity="warning")
            return
        if not c.running:
            self.notify(f"{c.name} is {c.state or 'not running'}: start it to probe from it", severity="warning")
            return
        self.push_screen(ProbeScreen(self.snapshot, c))

    def on_probe_requested(self, msg) -> None:
        self._run_probe(msg)

    @work(thread=True, group="probes", exit_on_error=False, description="run probes")
    def _run_probe(self, msg) -> None:
        screen = msg.screen
        try:
            result = self.prober.probe(
                self.snapshot, msg.source, msg.target, checks=msg.checks, cancel=msg.cancel,
                on_check=lambda c: screen.post_message(ProbeCheckDone(c)),
            )
        except Exception as exc:
            screen.post_message(ProbeFinished(None, str(explain(exc, self.source.description))))
            return
        screen.post_message(ProbeFinished(result))

    def action_probe_port(self) -> None:
        if not self._can_probe():
            return
        key = self.ports.current_key
        if not key:
            self.notify("Highlight a published port first", severity="warning")
            return
        cid, host_ip, host_port, cport, proto = key.split("|")
        c = self.snapshot.container_by_id.get(cid)
        port = next((p for p in (c.published_ports if c else ()) if (p.host_ip, str(p.host_port), str(p.container_port), p.protocol) == (host_ip, host_port, cport, proto)), None)
        if c is None or port is None:
            return
        if proto != "tcp":
            self.notify(f"{proto} ports cannot be checked with a TCP connect", severity="warning")
            return
        self.notify(f"Connecting to {port.host_address} from this machine…", timeout=2)
        self._run_host_port(c, port)

    @work(thread=True, group="probes", exit_on_error=False, description="run probes")
    def _run_host_port(self, c, port) -> None:
        try:
            r = self.prober.host_port(self.snapshot, c, port)
        except Exception as exc:
            self.call_from_thread(self.notify, str(explain(exc, self.source.description)), title="Port check failed", severity="error")
            return
        check = r.checks[0]
        severity = "information" if check.status == "ok" else "error"
        self.call_from_thread(self.notify, f"{check.summary}\n$ {check.command}", title="Host → published port", severity=severity, timeout=8)

    def action_matrix(self) -> None:
        from netui.ui.screens.matrix_screen import MatrixScreen

        if not self._can_probe():
            return
        net = self._current_network()
        if net is None:
            return
        self.push_screen(MatrixScreen(self.snapshot, net))

    def on_matrix_requested(self, msg) -> None:
        self._run_matrix(msg)

    @work(thread=True, group="probes", exit_on_error=False, description="run probes")
    def _run_matrix(self, msg) -> None:
        screen = msg.screen
        try:
            result = self.prober.matrix(
                self.snapshot, msg.network, extra=msg.extra, cancel=msg.cancel,
                on_cell=lambda cell, n, total: screen.post_message(MatrixCellDone(cell, n, total)),
            )
        except Exception as exc:
            screen.post_message(MatrixFinished(None, str(explain(exc, self.source.description))))
            return
        screen.post_message(MatrixFinished(result))

    def action_probe_history(self) -> None:
        from netui.ui.screens.probe_history_screen import ProbeHistoryScreen

        self.push_screen(ProbeHistoryScreen(self.prober.history if self.prober else []))

    def action_show_log(self) -> None:
        from netui.ui.screens.action_log_screen import ActionLogScreen

        self.push_screen(ActionLogScreen(self.action_log))

    def on_action_requested(self, msg: ActionRequested) -> None:
        if self.actions is None:
            msg.screen.engine_refused("netui is read-only")
            return
        self._perform(msg.kind, msg.spec, msg.screen)

    @work(thread=True, group="actions", exit_on_error=False, description="run an action")
    def _perform(self, kind: str, spec, screen) -> None:
        a = self.actions
        assert a is not None
        try:
            if kind == "create_network":
                result = a.create_network(spec)
            elif kind == "connect":
                result = a.connect(spec)
            elif kind == "disconnect":
                result = a.disconnect(spec)
            elif kind == "remove_network":
                result = a.remove_network(spec.network, disconnect_first=spec.disconnect_first, network_id=spec.network_id)
            elif kind == "prune":
                removed, failed = a.prune(spec.networks, spec.network_ids)
                result = f"removed {len(removed)} network{'s' if len(removed) != 1 else ''}: {', '.join(removed) or 'none'}"
                if failed:
                    result += f"; not removed: {'; '.join(failed)}"
            elif kind == "run_container":
                result = a.run_container(spec)
            else:
                raise EngineError(f"unknown action {kind}")
        except Exception as exc:
            self.post_message(ActionFinished(kind, spec, screen, False, str(explain(exc, self.source.description))))
            return
        self.post_message(ActionFinished(kind, spec, screen, True, result))

    def on_action_finished(self, msg: ActionFinished) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        on_screen = msg.screen in self.screen_stack
        if msg.ok:
            if on_screen:
                msg.screen.dismiss(msg.message)
            self.notify(msg.message, title="Done", timeout=4)
            if msg.kind == "create_network":
                self._select_network_named = msg.spec.name.strip()
            # No refresh here: the change arrives through the event stream, like any other.
        elif on_screen:
            msg.screen.engine_refused(msg.message)
        else:
            self.notify(msg.message, title="Failed", severity="error", timeout=8)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Refresh now", "Read the whole topology from the engine again (r)", self.action_refresh)
        yield SystemCommand("Filter", "Filter by name, subnet, IP, MAC, alias or label (/)", self.action_filter)
        yield SystemCommand("Clear filter", "Show everything again (Esc)", lambda: self.set_filter(""))
        yield SystemCommand("Toggle all published ports", "Ports of this network or of every container (a in the ports pane)", self.action_toggle_all_ports)
        yield SystemCommand("Show keys", "Every key binding (?)", self.action_help)
        yield SystemCommand("Toggle light / dark theme", "Switch between textual-light and textual-dark", self.action_toggle_dark)
        yield SystemCommand("Action log", "What netui changed, as docker commands (L)", self.action_show_log)
        if self.prober is not None:
            yield SystemCommand("Test connectivity from this container", "DNS, ping and TCP to a target (t in the containers pane)", self.action_probe_container)
            yield SystemCommand("Check the published port from the host", "TCP connect and HTTP status from this machine (t in the ports pane)", self.action_probe_port)
            yield SystemCommand("Connectivity matrix of this network", "Every pair of its containers, by name (m)", self.action_matrix)
            yield SystemCommand("Probe history", "Every probe of this session, with raw output (H)", self.action_probe_history)
        if self.actions is not None:
            yield SystemCommand("Create network", "A new network, validated before it is sent (n)", self.action_create_network)
            yield SystemCommand("Connect a container", "Connect a container to the highlighted network (c)", self.action_connect_container)
            yield SystemCommand("Disconnect container", "Disconnect the highlighted container from this network (x)", self.action_disconnect_container)
            yield SystemCommand("Remove network", "Remove the highlighted network, asking first (d)", self.action_remove_network)
            yield SystemCommand("Prune unused networks", "Remove user networks no container uses, asking first (P)", self.action_prune_networks)
            yield SystemCommand("Run a container here", "Start a container on the highlighted network (R)", self.action_run_container)
        for name in PANES:
            yield SystemCommand(f"Go to {name}", f"Focus the {name} pane", lambda n=name: self.action_focus_pane(n))
        for title, table in (("networks", NetworksTable), ("containers", ContainersTable), ("ports", PortsTable)):
            for i, col in enumerate(table.COLUMNS):
                yield SystemCommand(
                    f"Sort {title} by {col.label.lower()}", f"Order the {title} pane by this column (s cycles)",
                    lambda t=title, i=i: self.main_screen.query_one(f"#{t}", KeyedTable).sort_by(i, False),
                )


def run_app(args: argparse.Namespace) -> int:
    source: Source
    if args.replay:
        source = ReplaySource(args.replay)
    else:
        source = EngineSource(args.host)
    app = NetuiApp(source, read_only=args.read_only, interval=args.interval, probe_image=args.probe_image)
    if args.theme:
        if args.theme not in app.available_themes:
            import sys

            print(f"netui: unknown theme {args.theme!r}; choose from {', '.join(sorted(app.available_themes))}", file=sys.stderr)
            return 2
        app.theme = args.theme
    app.run()
    return app.return_code or 0
