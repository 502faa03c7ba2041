"""One engine as the app sees it: its source, connection state, event stream, reads,
latest snapshot, and the actions and probes that go to it.

netui can watch several engines at once (`--host` repeated, `--context`,
`--all-contexts`): each has a Connection with workers of its own, so one engine
that is slow or gone never stalls another. Workers post messages tagged with the
connection's index; the app hands them back here. The refresh policy
(netui.engine.refresh) decides when to read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from netui.engine.actions import ActionLog
from netui.engine.client import explain
from netui.engine.model import Snapshot
from netui.engine.refresh import Read, RefreshPolicy
from netui.engine.source import Source
from netui.ui.heap import collect_when_due, settle_heap
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

if TYPE_CHECKING:
    from textual.timer import Timer

    from netui.ui.app import NetuiApp


class Connection:
    def __init__(self, app: NetuiApp, index: int, source: Source, *, read_only: bool, interval: float,
                 probe_image: str | None, log: ActionLog) -> None:
        self.app = app
        self.index = index
        self.source = source
        self.interval = interval
        self.read_only = read_only or not source.writable
        self.policy = RefreshPolicy()
        self.snapshot: Snapshot | None = None
        self.state = "connecting"
        self.detail = ""
        self.label = source.description
        self.actions = None if self.read_only else source.actions(read_only=False, log=log)
        self.prober = source.prober(probe_image=probe_image, read_only=self.read_only)
        self.stats = {"snapshots": 0, "events": 0, "refreshes": 0}
        self.generation = 0
        self.first_half_pending_paint = False
        self.early_sequence = -1  # the read source.read_early made before connecting, as this connection's read
        self.event_timer: Timer | None = None
        self.resync: Timer | None = None
        self.retry: Timer | None = None
        self.closing = False
        self.connecting = False  # a connect is in flight (a hung engine must not pile them up)
        self._stream: Any = None  # the open event stream, closed when given up on

    @property
    def active(self) -> bool:
        return self.app.connection is self

    # -- connecting ------------------------------------------------------------------
    def set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        self.detail = detail
        self.app.connection_state_changed(self)

    def start(self) -> None:
        self.retry = None
        if self.closing or self.connecting:
            return  # (a connect still in flight answers first, however long it takes)
        if self.state != "disconnected":
            self.set_state("connecting" if self.snapshot is None else "reconnecting")
        self.connecting = True
        if self.snapshot is None and self.source.reading_early:
            # The read the source began before the UI was up (source.read_early) is this
            # connection's first read: it paints while the connection proper is made
            # beside it. Should the connection be made first, its own read supersedes it.
            early = self.policy.begin(full=True, generation=self.generation, have_snapshot=False)
            if early is not None:
                self.early_sequence = early.sequence
                threading.Thread(target=self._post_early, args=(early,), name=f"netui-early-{self.index}",
                                 daemon=True).start()
        # Its own daemon thread, not the app's worker pool: a hung engine holds only this.
        threading.Thread(target=self._connect, name=f"netui-connect-{self.index}", daemon=True).start()

    def _post_early(self, early: Read) -> None:
        try:
            snap = self.source.early_snapshot()
            if snap is not None and not self.closing:
                self.app.post_message(SnapshotReady(snap, early.sequence, final=False, generation=early.generation,
                                                    conn=self.index))
        except Exception:
            pass  # (the connection proper reads, and says what is wrong)
        finally:
            self.app.post_message(RefreshDone(early.sequence, conn=self.index))

    def _connect(self) -> None:
        try:
            info = self.source.connect()
        except Exception as exc:
            self.app.post_message(ConnectFailed(explain(exc, self.source.description), conn=self.index))
            return
        self.app.post_message(Connected(info, conn=self.index))

    def on_connected(self, msg: Connected) -> None:
        self.connecting = False
        self.policy.connected()
        self.label = msg.info.label
        if not self.source.live:
            self.set_state("replay")
            self.request_refresh()
            return
        self.give_up_stream()
        generation = self.generation
        # The stream blocks its thread for as long as it is open: a daemon thread of its
        # own, so engines never compete for the app's worker pool.
        threading.Thread(target=self._watch_events, args=(generation,), name=f"netui-events-{self.index}",
                         daemon=True).start()
        self.app.connection_state_changed(self)
        if self.snapshot is None:
            # Paint as soon as possible; the read after the subscription (on StreamOpened)
            # is the one that guarantees no change falls in between.
            self.request_refresh()

    def on_connect_failed(self, msg: ConnectFailed) -> None:
        self.connecting = False
        self.early_sequence = -1  # what the next read shows may be news again
        self.schedule_reconnect(str(msg.error))
        self.app.connection_unreachable(self, str(msg.error))

    def schedule_reconnect(self, reason: str) -> None:
        if self.closing or self.retry is not None:
            return
        delay = self.policy.backoff()
        self.set_state("disconnected", f"{reason} · retrying in {delay:g} s")
        self.retry = self.app.set_timer(delay, self.start)

    def refresh_now(self) -> None:
        """`r`: read everything again now, or reconnect at once when disconnected."""
        if self.state in ("disconnected", "reconnecting"):
            if self.retry is not None:
                self.retry.stop()
                self.retry = None
            self.start()
        else:
            self.request_refresh()

    # -- events ---------------------------------------------------------------------------
    def _watch_events(self, generation: int) -> None:
        post = self.app.post_message
        try:
            stream = self.source.open_events()
        except Exception as exc:
            post(StreamEnded(generation, str(explain(exc, self.source.description)), conn=self.index))
            return
        if generation != self.generation or self.closing:
            stream.close()  # given up on while it was opening
            self.source.forget_stream(stream)
            return
        self._stream = stream
        post(StreamOpened(generation, conn=self.index))
        reason = "the engine's event stream ended"
        try:
            for event in stream:
                if generation != self.generation or self.closing:
                    return
                post(TopologyChanged(event, conn=self.index))
        except Exception as exc:  # the stream itself ends quietly; anything else is reported
            reason = str(explain(exc, self.source.description))
        finally:
            stream.close()
            self.source.forget_stream(stream)
        post(StreamEnded(generation, reason, conn=self.index))

    def on_stream_opened(self, msg: StreamOpened) -> None:
        if msg.generation != self.generation:
            return
        # Subscribed first, then read: no change can fall between the two.
        self.request_refresh()
        if self.resync is None:
            self.resync = self.app.set_interval(self.interval, self._periodic_resync)

    def give_up_stream(self) -> None:
        """Stop following the current event stream (its thread ends at once)."""
        self.generation += 1
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def on_stream_ended(self, msg: StreamEnded) -> None:
        if msg.generation != self.generation or self.closing:
            return
        self.give_up_stream()
        self.early_sequence = -1  # what the next read shows may be news again
        self.set_state("reconnecting", msg.reason)
        self.schedule_reconnect(msg.reason)

    def _periodic_resync(self) -> None:
        if not self.app.is_headless and not any(c.policy.running for c in self.app.connections):
            collect_when_due()  # a quiet moment, away from the frames events draw (ui/heap.py)
        if self.state == "live" and self.policy.resync_tick(len(self.snapshot.containers) if self.snapshot else 0):
            self.request_refresh()

    def on_event(self, msg: TopologyChanged) -> None:
        self.stats["events"] += 1
        self._set_event_timer(self.policy.on_event(msg.event))

    def _set_event_timer(self, delay: float | None) -> None:
        if delay is not None:
            self.event_timer = self.app.set_timer(delay, self._event_read_due)

    def _event_read_due(self) -> None:
        self.event_timer = None
        self.policy.timer_fired()
        self.request_refresh(full=False)

    # -- reads ----------------------------------------------------------------------------
    def request_refresh(self, full: bool = True) -> None:
        """Read the topology now; if a read is running, once more after it.
        `full=False` (after events) lists only the containers the events named."""
        read = self.policy.begin(full=full, generation=self.generation, have_snapshot=self.snapshot is not None)
        if read is None:
            return
        self.stats["refreshes"] += 1
        base = self.snapshot
        self.app.run_worker(lambda: self._read(read.sequence, read.changed, base, read.generation), thread=True,
                            group=f"refresh-{self.index}", exit_on_error=False, description=f"read engine {self.index}")

    def _read(self, seq: int, changed: frozenset[str] | None, base: Snapshot | None, generation: int) -> None:
        post = self.app.post_message
        try:
            snap, pending = self.source.read_lists(changed, base) if changed is not None else self.source.read_lists()
            post(SnapshotReady(snap, seq, final=not pending, generation=generation, conn=self.index))
            if pending:
                post(SnapshotReady(self.source.complete(snap, pending), seq, final=True, generation=generation, conn=self.index))
        except Exception as exc:
            post(RefreshFailed(explain(exc, self.source.description), seq, generation, conn=self.index))
        finally:
            post(RefreshDone(seq, conn=self.index))

    def on_refresh_done(self, msg: RefreshDone) -> None:
        if self.policy.finished(msg.sequence) and not self.closing:
            self.request_refresh(full=False)

    def on_refresh_failed(self, msg: RefreshFailed) -> str:
        """Returns a message to show, or ''."""
        self.early_sequence = -1  # what the next read shows may be news again
        if msg.generation != self.generation:
            # A read from a connection already given up on (e.g. the aliases of a large
            # engine, still being read when it went away): the reconnect has happened.
            return ""
        if msg.error.kind in ("unreachable", "permission", "too-old"):
            self.give_up_stream()  # (a stream on an idle engine would never notice)
            self.schedule_reconnect(str(msg.error))
            return ""
        return str(msg.error)

    def accept(self, msg: SnapshotReady) -> tuple[bool, bool]:
        """A read's snapshot arrived: (whether to show it now, whether it is news to flash).
        Also schedules the repaint order of a read's two halves."""
        if (msg.final and msg.sequence == self.policy.applied and msg.snapshot is not self.snapshot
                and self.first_half_pending_paint):
            # The first half of this read has not reached the screen yet: paint it first,
            # then add the aliases and DNS names.
            self.first_half_pending_paint = False
            self.app.call_after_refresh(self.app.on_snapshot_ready, msg)
            return False, False
        if self.policy.is_outdated(msg.sequence):
            return False, False  # an older read finishing late
        msg.snapshot = self._named_by_managers(msg.snapshot)
        if self.source.live and msg.generation != self.generation:
            return False, False  # read on a connection given up on: the reconnect's own read follows
        # The second half of a read (aliases and DNS names arriving) is not news: no flash;
        # nor is the read that follows the early one (the same, with the details).
        flash = msg.sequence != self.policy.applied and self.policy.applied != self.early_sequence
        self.snapshot = msg.snapshot
        self.first_half_pending_paint = not msg.final
        self.stats["snapshots"] += 1
        if self.state in ("connecting", "reconnecting", "disconnected") and msg.sequence != self.early_sequence:
            self.set_state("live")  # (not on the early read: there is no connection yet)
        return True, flash

    def applied(self, msg: SnapshotReady, started: float) -> None:
        """The snapshot is on screen (or stored, for an engine not shown): what it cost, and
        whether an event's change still needs another read."""
        if msg.final and not self.app.is_headless:
            settle_heap()
        self.app.call_after_refresh(lambda: self.policy.cost(time.perf_counter() - started))
        self._set_event_timer(self.policy.applied_snapshot(msg.sequence, msg.snapshot))

    def _named_by_managers(self, snap: Snapshot) -> Snapshot:
        """A swarm worker's snapshot, its nodes named by a manager netui also watches."""
        sw = snap.swarm
        if sw is None or sw.nodes:
            return snap
        for other in self.app.connections:
            theirs = other.snapshot.swarm if other is not self and other.snapshot is not None else None
            named = sw.named_by(theirs)
            if named is not sw:
                return replace(snap, swarm=named)
        return snap

    # -- the end --------------------------------------------------------------------------
    def close(self) -> threading.Thread | None:
        """Stop; returns the thread removing this engine's probe containers (the app
        waits for all engines' at once, with one deadline)."""
        self.closing = True
        self.give_up_stream()
        closer = None
        if self.prober is not None:
            # No probe container outlives netui; a hung engine must not hold the exit for long.
            prober, source = self.prober, self.source

            def close_all() -> None:
                try:
                    prober.close()
                finally:
                    source.close()

            closer = threading.Thread(target=close_all, daemon=True)
            closer.start()
        else:
            self.source.close()
        return closer

    def probe_unavailable(self) -> str:
        if self.prober is None:
            return "Probes need a live engine: this is a replay"
        if self.snapshot is None or self.state != "live":
            return "Probes need the engine: it is not connected right now"
        return ""

    def summary(self) -> dict[str, Any]:
        return {"state": self.state, "label": self.label}
