"""The netui app: the engines it watches, and what reaches the screen.

Each engine is a Connection (netui.ui.connection) with workers of its own: connect,
the event stream and the reads, paced by the refresh policy. The app hands the
active engine's snapshots to the explorer screen, which owns the panes, and to the
screens above it, which follow live changes; the other engines keep reading in the
background and the status line says how each is. When an engine goes away its last
topology stays on screen, marked stale, and it reconnects with backoff.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from netui.engine.actions import ActionLog
from netui.engine.image import LOCAL_IMAGE
from netui.engine.model import Snapshot
from netui.engine.refresh import RefreshPolicy
from netui.engine.source import Source
from netui.ui.connection import Connection
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

if TYPE_CHECKING:
    from netui.engine.tour_steps import World

# Every action that changes the engine. --read-only (or a replay) disables all of them:
# not bound, not shown, not in the palette, and refused if called anyway.
WRITE_ACTIONS = frozenset(
    {"create_network", "connect_container", "disconnect_container", "remove_network", "prune_networks", "run_container",
     # container actions (netui/ui/container_keys.py); a shell can change anything in the container
     "stop_container", "start_container", "restart_container", "pause_container", "unpause_container",
     "remove_container", "toggle_running", "toggle_pause", "container_shell"}
)
PROBE_ACTIONS = frozenset({"probe_container", "probe_port", "matrix", "probe_history"})
# Reads that need a live engine (not a replay); allowed in --read-only.
LIVE_ACTIONS = frozenset({"container_logs", "container_actions"})


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

    def __init__(self, source: Source | Sequence[Source], *, read_only: bool = False, interval: float = 30.0,
                 probe_image: str | None = None, theme: str | None = None, tour: World | None = None) -> None:
        super().__init__()
        sources = [source] if not isinstance(source, Sequence) else list(source)
        self.read_only = read_only
        self.probe_image = probe_image
        if theme:
            self.theme = theme
        self.action_log = ActionLog()
        self.connections = [
            Connection(self, i, s, read_only=read_only, interval=interval, probe_image=probe_image, log=self.action_log)
            for i, s in enumerate(sources)
        ]
        self.connection = self.connections[0]
        # The last probe or matrix, drawn on the map until the topology changes.
        self._probe_marks: list[tuple[str, str, str]] = []
        self._marks_topology: object = None
        self.init_doctor()
        # The guided tour (T): where it builds, and the step it was left at. `netui tour` opens it at once.
        self.tour_world = tour  # None: the demo world's names (netui.engine.tour.World())
        self.tour_step = 0
        self._start_tour = tour is not None
        self._hangup_lock = threading.Lock()  # the terminal went away: netui ends once
        self._tty_watch_done = threading.Event()  # set when netui ends on its own

    # -- the active engine ------------------------------------------------------------------
    @property
    def source(self) -> Source:
        return self.connection.source

    @property
    def snapshot(self) -> Snapshot | None:
        return self.connection.snapshot

    @property
    def state(self) -> str:
        return self.connection.state

    @property
    def policy(self) -> RefreshPolicy:
        return self.connection.policy

    @property
    def stats(self) -> dict[str, int]:
        return self.connection.stats

    @property
    def actions(self):  # the active engine's (None: read-only, or a replay)
        return self.connection.actions

    @property
    def prober(self):  # the active engine's (None: a replay)
        return self.connection.prober

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

    def on_mount(self) -> None:
        self._watch_terminal()

    def _watch_terminal(self) -> None:
        """End when the terminal goes away. A closed terminal sends SIGHUP to its session;
        a terminal that is not the controlling one (a pty some program opened) only stops
        being a tty, and Textual's input thread would then spin on end-of-file forever."""
        import signal

        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._hung_up)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):
            pass  # no SIGHUP here (Windows), or not the main thread
        try:
            fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
        except (OSError, ValueError):
            fd = -1
        if fd >= 0 and os.isatty(fd) and not self.is_headless:  # only on a terminal (not under Pilot, nor in a browser session)
            # A thread of its own, not a Textual timer: once the terminal is gone, Textual may
            # have begun to exit, and its timers no longer fire while its shutdown waits on
            # the closed terminal.
            def poll_tty() -> None:
                while os.isatty(fd):
                    if self._tty_watch_done.wait(1.0):
                        return  # netui ended on its own
                self._hung_up()

            threading.Thread(target=poll_tty, name="netui-tty-watch", daemon=True).start()

    def _hung_up(self) -> None:
        """The terminal is gone: remove probe containers, then end at once. Not through
        Textual's shutdown: it restores the terminal, and its writer thread, writing to a
        closed tty, would hold the exit forever. Called from the event loop (SIGHUP) or the
        watching thread, whichever is first."""
        if not self._hangup_lock.acquire(blocking=False):
            return  # the other one is ending netui already
        try:
            self._close_engines()
        finally:
            os._exit(129)  # 128 + SIGHUP, as a shell reports it

    def explorer_ready(self) -> None:
        """The explorer's panes exist: connect every engine (the status line shows how)."""
        self.explorer.status.set(read_only=self.connection.read_only)
        self._show_engines()
        for conn in self.connections:
            conn.start()
        if self._start_tour:
            self._start_tour = False
            self.call_after_refresh(self.explorer.action_tour)

    def on_unmount(self) -> None:
        self._tty_watch_done.set()
        self._close_engines()

    def _close_engines(self) -> None:
        closers = [t for t in (conn.close() for conn in self.connections) if t is not None]
        deadline = time.monotonic() + 5  # one deadline for every engine, not 5 s each
        for t in closers:
            t.join(timeout=max(0.0, deadline - time.monotonic()))

    def switch_to(self, index: int) -> None:
        """Show another engine: its topology, its actions and probes."""
        if not 0 <= index < len(self.connections) or self.connections[index] is self.connection:
            return
        conn = self.connection = self.connections[index]
        self.init_doctor()  # the findings were the last engine's
        self.explorer.status.set(read_only=conn.read_only, problems=0, warnings=0)
        if conn.snapshot is not None:
            self.check_snapshot(conn.snapshot)
        self.explorer.switch_engine(conn.snapshot)
        self.connection_state_changed(conn)  # its state, detail and staleness, not the last engine's
        if conn.snapshot is None and conn.detail:
            self.explorer.show_unreachable(conn.detail)
        self.refresh_bindings()

    # -- what may run -------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.actions is None:
            return False  # read-only: neither shown nor run
        if action in PROBE_ACTIONS and self.prober is None:
            return False  # a replay has no engine to probe
        if action == "switch_engine" and len(self.connections) < 2:
            return False
        if action in LIVE_ACTIONS and not self.source.live:
            return False  # a replay has no logs
        return True

    def probe_unavailable(self) -> str:
        """Why probes cannot run now, or ''."""
        return self.connection.probe_unavailable()

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

    # -- what the connections report ---------------------------------------------------------
    def connection_state_changed(self, conn: Connection) -> None:
        if not self.is_running:
            return
        if conn.active:
            stale = conn.state in ("disconnected", "reconnecting") and conn.snapshot is not None
            for screen in self.screen_stack:
                if not screen.is_mounted:
                    continue  # (composed a moment later, from the app's state)
                set_stale = getattr(screen, "set_stale", None)
                if set_stale is not None:
                    set_stale(stale)
                status = getattr(screen, "status", None)
                if status is not None and hasattr(status, "set"):
                    status.set(state=conn.state, detail=conn.detail, stale=stale)
        self._show_engines()

    def _show_engines(self) -> None:
        conn = self.connection
        others = [(c.label, c.state) for c in self.connections if c is not conn]
        self.explorer.status.set(engine=conn.label if conn.state != "replay" else conn.source.description,
                                 others=tuple(others))

    def connection_unreachable(self, conn: Connection, reason: str) -> None:
        if conn.active:
            self.explorer.show_unreachable(reason)

    def refresh_now(self) -> None:
        """`r`: read the active engine again now (or reconnect it)."""
        self.connection.refresh_now()

    def request_refresh(self, full: bool = True) -> None:
        self.connection.request_refresh(full)

    def _conn(self, msg) -> Connection | None:
        if not self.is_running or not 0 <= msg.conn < len(self.connections):
            return None  # shutting down: the panes are gone
        return self.connections[msg.conn]

    def on_connected(self, msg: Connected) -> None:
        if (conn := self._conn(msg)) is not None:
            conn.on_connected(msg)

    def on_connect_failed(self, msg: ConnectFailed) -> None:
        if (conn := self._conn(msg)) is not None:
            conn.on_connect_failed(msg)

    def on_stream_opened(self, msg: StreamOpened) -> None:
        if (conn := self._conn(msg)) is not None:
            conn.on_stream_opened(msg)

    def on_stream_ended(self, msg: StreamEnded) -> None:
        if (conn := self._conn(msg)) is not None:
            conn.on_stream_ended(msg)

    def on_topology_changed(self, msg: TopologyChanged) -> None:
        if (conn := self._conn(msg)) is not None:
            conn.on_event(msg)

    def on_refresh_done(self, msg: RefreshDone) -> None:
        if (conn := self._conn(msg)) is not None:
            conn.on_refresh_done(msg)

    def on_refresh_failed(self, msg: RefreshFailed) -> None:
        if (conn := self._conn(msg)) is not None:
            problem = conn.on_refresh_failed(msg)
            if problem and conn.active:
                toast(self, problem, title="Refresh failed", severity="error")

    def on_snapshot_ready(self, msg: SnapshotReady) -> None:
        conn = self._conn(msg)
        if conn is None:
            return
        show, flash = conn.accept(msg)
        if not show:
            return
        started = time.perf_counter()
        if conn.active:
            self.explorer.show_snapshot(msg.snapshot, flash=flash)
            self.check_snapshot(msg.snapshot)
            for screen in self.screen_stack[1:]:
                update = getattr(screen, "update_snapshot", None)
                if update is not None and screen.is_mounted:
                    update(msg.snapshot)
        conn.applied(msg, started)

    # -- keys ----------------------------------------------------------------------------------------
    def action_help(self) -> None:
        from netui.ui.screens.help_screen import HelpScreen, explorer_help

        hide = (WRITE_ACTIONS if self.actions is None else frozenset()) | (PROBE_ACTIONS if self.prober is None else frozenset())
        if len(self.connections) < 2:
            hide |= {"switch_engine"}
        hide |= LIVE_ACTIONS if not self.source.live else frozenset()
        self.push_screen(HelpScreen(explorer_help(self, hide)))

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from netui.ui.commands import system_commands

        yield from super().get_system_commands(screen)
        yield from system_commands(self, screen)
