"""The netui app: the connection to the engine, its event stream and the reads.

Worker threads call the engine layer (connect, the event stream, snapshot reads)
and post messages; the refresh policy (netui.engine.refresh) decides when to read;
each new snapshot goes to the explorer screen, which owns the panes, and to the
dialog on top, which follows live changes. When the engine goes away the last
topology stays on screen, marked stale, and the app reconnects with backoff.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from netui.engine.actions import ActionLog
from netui.engine.client import explain
from netui.engine.image import LOCAL_IMAGE
from netui.engine.model import Snapshot
from netui.engine.refresh import RefreshPolicy
from netui.engine.source import Source
from netui.ui.doctor_runner import DoctorMixin
from netui.ui.messages import (
    Connected,
    ConnectFailed,
    RefreshDone,
    RefreshFailed,
    SnapshotReady,
    StreamEnded,
    StreamOpened,
    TopologyChanged,
)
from netui.ui.paths import stylesheets
from netui.ui.screens.explorer_screen import ExplorerScreen
from netui.ui.toast import toast

# Every action that changes the engine. --read-only (or a replay) disables all of them:
# not bound, not shown, not in the palette, and refused if called anyway.
WRITE_ACTIONS = frozenset(
    {"create_network", "connect_container", "disconnect_container", "remove_network", "prune_networks", "run_container"}
)
PROBE_ACTIONS = frozenset({"probe_container", "probe_port", "matrix", "probe_history"})


class NetuiApp(DoctorMixin, App[int]):
    TITLE = "netui"
    CSS_PATH = stylesheets()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="quit netui"),
        Binding("question_mark", "help", "Help", tooltip="this screen"),
        Binding("exclamation_mark", "problems", "Problems", tooltip="what is wrong with this setup, why, and the fix (netui doctor)"),
    ]

    def __init__(self, source: Source, *, read_only: bool = False, interval: float = 30.0,
                 probe_image: str | None = None, theme: str | None = None) -> None:
        super().__init__()
        self.source = source
        self.read_only = read_only or not source.writable
        self.interval = interval
        self.probe_image = probe_image
        if theme:
            self.theme = theme
        self.snapshot: Snapshot | None = None
        self.state = "connecting"
        self.policy = RefreshPolicy()
        self.action_log = ActionLog()
        self.actions = None if self.read_only else source.actions(read_only=False, log=self.action_log)
        self.prober = source.prober(probe_image=probe_image, read_only=self.read_only)
        self.stats = {"snapshots": 0, "events": 0, "refreshes": 0}
        self._generation = 0
        self._first_half_pending_paint = False
        self._event_timer: Timer | None = None
        self._resync: Timer | None = None
        self._retry: Timer | None = None
        self._shutting_down = False
        # The last probe or matrix, drawn on the map until the topology changes.
        self._probe_marks: list[tuple[str, str, str]] = []
        self._marks_topology: object = None
        self.init_doctor()

    def get_default_screen(self) -> ExplorerScreen:
        return ExplorerScreen()

    @property
    def explorer(self) -> ExplorerScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, ExplorerScreen)
        return screen

    @property
    def probe_image_name(self) -> str:
        return self.probe_image or LOCAL_IMAGE

    def explorer_ready(self) -> None:
        """The explorer's panes exist: connect (its status line shows how that goes)."""
        self.explorer.status.set(read_only=self.read_only, engine=self.source.description if not self.source.live else "")
        self._start_connect()

    def on_unmount(self) -> None:
        self._shutting_down = True
        if self.prober is not None:
            # No probe container outlives netui; a hung engine must not hold the exit for long.
            closer = threading.Thread(target=self.prober.close, daemon=True)
            closer.start()
            closer.join(timeout=5)
        self.source.close()

    # -- what may run -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.actions is None:
            return False  # read-only: neither shown nor run
        if action in PROBE_ACTIONS and self.prober is None:
            return False  # a replay has no engine to probe
        return True

    def probe_unavailable(self) -> str:
        """Why probes cannot run now, or ''."""
        if self.prober is None:
            return "Probes need a live engine: this is a replay"
        if self.snapshot is None or self.state != "live":
            return "Probes need the engine: it is not connected right now"
        return ""

    # -- probe results on the map ----------------------------------------------------------
    @staticmethod
    def _topology_of(snap: Snapshot) -> object:
        return (tuple(n.id for n in snap.networks),
                tuple((c.id, c.state, tuple(e.key for e in c.endpoints)) for c in snap.containers))

    def note_probes(self, results: list[tuple[str, str, str]], snapshot: Snapshot) -> None:
        """A probe (or matrix) finished: its (source, target, verdict) paths, as of `snapshot`."""
        self._probe_marks = list(results)
        self._marks_topology = self._topology_of(snapshot)

    def probe_marks_for(self, snapshot: Snapshot) -> list[tuple[str, str, str]]:
        """The last results, while the topology is the one they were measured on."""
        if self._probe_marks and self._topology_of(snapshot) != self._marks_topology:
            self._probe_marks = []
        return self._probe_marks

    # -- connection ----------------------------------------------------------------------
    def _set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        stale = state in ("disconnected", "reconnecting") and self.snapshot is not None
        self.explorer.status.set(state=state, detail=detail, stale=stale)
        for screen in self.screen_stack:
            set_stale = getattr(screen, "set_stale", None)
            if set_stale is not None:
                set_stale(stale)
            status = getattr(screen, "status", None)
            if status is not None and screen is not self.explorer and hasattr(status, "set"):
                status.set(state=state, detail=detail, stale=stale)

    def _start_connect(self) -> None:
        self._retry = None
        if self._shutting_down:
            return
        if self.state != "disconnected":
            self._set_state("connecting" if self.snapshot is None else "reconnecting")
        self._connect_worker()

    @work(thread=True, exclusive=True, group="connect", exit_on_error=False, description="connect")
    def _connect_worker(self) -> None:
        try:
            info = self.source.connect()
        except Exception as exc:
            self.post_message(ConnectFailed(explain(exc, self.source.description), 0))
            return
        self.post_message(Connected(info, 0))

    def on_connected(self, msg: Connected) -> None:
        if not self.is_running:
            return  # shutting down: the panes are gone
        self.policy.connected()
        if not self.source.live:
            self.explorer.status.set(state="replay", engine=self.source.description)
            self.state = "replay"
            self.request_refresh()
            return
        self.explorer.status.set(engine=msg.info.label)
        self._generation += 1
        self._events_worker(self._generation)
        if self.snapshot is None:
            # Paint as soon as possible; the read after the subscription (on StreamOpened)
            # is the one that guarantees no change falls in between.
            self.request_refresh()

    def on_connect_failed(self, msg: ConnectFailed) -> None:
        if not self.is_running:
            return
        self._schedule_reconnect(str(msg.error))
        self.explorer.show_unreachable(str(msg.error))

    def _schedule_reconnect(self, reason: str) -> None:
        if self._shutting_down or self._retry is not None:
            return
        delay = self.policy.backoff()
        self._set_state("disconnected", f"{reason} · retrying in {delay:g} s")
        self._retry = self.set_timer(delay, self._start_connect)

    def refresh_now(self) -> None:
        """`r`: read everything again now, or reconnect at once when disconnected."""
        if self.state in ("disconnected", "reconnecting"):
            if self._retry is not None:
                self._retry.stop()
                self._retry = None
            self._start_connect()
        else:
            self.request_refresh()

    # -- events ----------------------------------------------------------------------------
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
            self.source.forget_stream(stream)
        self.post_message(StreamEnded(generation, reason))

    def on_stream_opened(self, msg: StreamOpened) -> None:
        if not self.is_running or msg.generation != self._generation:
            return
        # Subscribed first, then read: no change can fall between the two.
        self.request_refresh()
        if self._resync is None:
            self._resync = self.set_interval(self.interval, self._periodic_resync)

    def on_stream_ended(self, msg: StreamEnded) -> None:
        if not self.is_running or msg.generation != self._generation or self._shutting_down:
            return
        self._generation += 1
        self._set_state("reconnecting", msg.reason)
        self._schedule_reconnect(msg.reason)

    def _periodic_resync(self) -> None:
        if self.state == "live":
            self.request_refresh()

    def on_topology_changed(self, msg: TopologyChanged) -> None:
        if not self.is_running:
            return
        self.stats["events"] += 1
        self._set_event_timer(self.policy.on_event(msg.event))

    def _set_event_timer(self, delay: float | None) -> None:
        if delay is not None:
            self._event_timer = self.set_timer(delay, self._event_read_due)

    def _event_read_due(self) -> None:
        self._event_timer = None
        self.policy.timer_fired()
        self.request_refresh(full=False)

    # -- reads ----------------------------------------------------------------------------------
    def request_refresh(self, full: bool = True) -> None:
        """Read the topology now; if a read is running, once more after it.
        `full=False` (after events) lists only the containers the events named."""
        read = self.policy.begin(full=full, generation=self._generation, have_snapshot=self.snapshot is not None)
        if read is None:
            return
        self.stats["refreshes"] += 1
        self._refresh_worker(read.sequence, read.changed, self.snapshot, read.generation)

    @work(thread=True, group="refresh", exit_on_error=False, description="read the topology")
    def _refresh_worker(self, seq: int, changed: frozenset[str] | None, base: Snapshot | None, generation: int) -> None:
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
        if self.is_running and self.policy.finished(msg.sequence) and not self._shutting_down:
            self.request_refresh(full=False)

    def on_refresh_failed(self, msg: RefreshFailed) -> None:
        if not self.is_running or msg.generation != self._generation:
            # A read from a connection already given up on (e.g. the aliases of a large
            # engine, still being read when it went away): the reconnect has happened.
            return
        if msg.error.kind in ("unreachable", "permission", "too-old"):
            self._generation += 1  # the event worker notices too; reconnect either way
            self._schedule_reconnect(str(msg.error))
        else:
            toast(self, str(msg.error), title="Refresh failed", severity="error")

    def on_snapshot_ready(self, msg: SnapshotReady) -> None:
        if not self.is_running:
            return
        if (msg.final and msg.sequence == self.policy.applied and msg.snapshot is not self.snapshot
                and self._first_half_pending_paint):
            # The first half of this read has not reached the screen yet: paint it first,
            # then add the aliases and DNS names.
            self._first_half_pending_paint = False
            self.call_after_refresh(self.on_snapshot_ready, msg)
            return
        if self.policy.is_outdated(msg.sequence):
            return  # an older read finishing late
        if self.source.live and msg.generation != self._generation:
            return  # read on a connection given up on: the reconnect's own read follows
        # The second half of a read (aliases and DNS names arriving) is not news: no flash.
        flash = msg.sequence != self.policy.applied
        started = time.perf_counter()
        self.call_after_refresh(lambda: self.policy.cost(time.perf_counter() - started))
        self.snapshot = msg.snapshot
        self._first_half_pending_paint = not msg.final
        self.stats["snapshots"] += 1
        if self.state in ("connecting", "reconnecting", "disconnected"):
            self._set_state("live")
        self.explorer.show_snapshot(msg.snapshot, flash=flash)
        self.check_snapshot(msg.snapshot)
        for screen in self.screen_stack[1:]:
            update = getattr(screen, "update_snapshot", None)
            if update is not None:
                update(msg.snapshot)
        self._set_event_timer(self.policy.applied_snapshot(msg.sequence, msg.snapshot))

    # -- keys ----------------------------------------------------------------------------------------
    def action_help(self) -> None:
        from netui.ui.screens.help_screen import HelpScreen, explorer_help

        hide = (WRITE_ACTIONS if self.actions is None else frozenset()) | (PROBE_ACTIONS if self.prober is None else frozenset())
        self.push_screen(HelpScreen(explorer_help(self, hide)))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from netui.ui.commands import system_commands

        yield from super().get_system_commands(screen)
        yield from system_commands(self)
