"""When to read the topology: the refresh policy, apart from any UI or engine I/O.

The app feeds it what happens (an event arrived, a read began or ended, a snapshot
reached the screen, the connection broke) and does what it answers (start a read,
set a timer). It keeps no timer of its own and reads time from an injected clock,
so its behaviour is unit-tested without an engine or a UI.

What it decides:
- Event intake: each event names what changed; a read after events lists only the
  containers they name (`Read.changed`), unless a full read is due.
- Duplicates: Docker 20.10 announces each network disconnect twice; a repeat of the
  same change within DUPLICATE_WINDOW counts once towards storm detection.
- Storms: with STORM_EVENTS or more distinct changes within a second (a script
  creating networks in a loop, a big `compose up`), event-driven reads keep a gap of
  STORM_GAP, or STORM_FACTOR times what the last snapshot cost the UI, at most
  STORM_MAX_GAP: a change is on screen within a second and netui stays cheap.
  Outside a storm an event is read after DEBOUNCE.
- Settling: the engine announces some changes a moment before its list calls show
  them. A snapshot that does not show an event's change yet gets another read
  SETTLE later (at once for the first re-read after new events), for SETTLE_FOR.
- One read at a time: a read asked for while one runs is made once after it.
- Reconnect backoff: BACKOFF delays, the last one repeating, reset on success.
- The periodic resync (the safety net while events flow) is spaced out on large engines.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from netui.engine.events import TopologyEvent
from netui.engine.model import Snapshot

DEBOUNCE = 0.005  # seconds to gather a burst of events into one read (later ones queue another)
SETTLE = 0.02  # when a read does not show an event's change yet, read again this soon
SETTLE_FOR = 2.0  # …for at most this long
# Distinct changes within a second that make a storm: more than someone at a shell makes
# (a connect and a disconnect every half second is not one; at 4 it was, and each change
# then waited up to STORM_GAP to be read), fewer than a script in a loop or a compose up.
STORM_EVENTS = 6
STORM_WINDOW = 1.0
STORM_GAP = 0.25
STORM_FACTOR = 3.0
STORM_MAX_GAP = 0.75  # never longer: a change stays on screen within a second
DUPLICATE_WINDOW = 0.2
BACKOFF = (0.25, 0.5, 1.0, 2.0)  # reconnect delays; the last one repeats
RESYNC_SCALE = 1000  # containers per periodic resync tick (see resync_tick)

Subject = tuple[str, str, str]


@dataclass(frozen=True)
class Read:
    """A read to start: its sequence number, and the containers it lists (None: all)."""

    sequence: int
    changed: frozenset[str] | None
    generation: int


@dataclass
class RefreshPolicy:
    clock: Callable[[], float] = time.monotonic
    # reads
    sequence: int = 0  # of the last read started
    applied: int = -1  # of the last read whose snapshot reached the screen
    running: bool = False
    running_generation: int = 0
    again: bool = False  # another read is wanted once the running one ends
    want_full: bool = True
    dirty: set[str] = field(default_factory=set)  # containers named by events since the last read
    # event-driven reads
    timer_pending: bool = False
    last_event_read: float = 0.0
    quick_settle: bool = False
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=STORM_EVENTS))
    last_event: tuple[object, float] = (None, 0.0)
    apply_cost: float = 0.0  # UI time the last snapshot took, its frame included
    expected: dict[Subject, tuple[TopologyEvent, float]] = field(default_factory=dict)
    resync_ticks: int = 0  # periodic resync ticks since the last one that read
    # connection
    backoff_step: int = 0
    events_seen: int = 0
    reads_started: int = 0

    # -- events ---------------------------------------------------------------------
    def on_event(self, event: TopologyEvent) -> float | None:
        """An event arrived: the delay after which to start an event-driven read, or
        None when one is already scheduled."""
        now = self.clock()
        self.events_seen += 1
        self.expected[event.subject] = (event, now + SETTLE_FOR)
        self._mark_dirty(event)
        key = (event.subject, event.action)
        if key != self.last_event[0] or now - self.last_event[1] > DUPLICATE_WINDOW:
            self.recent.append(now)
        self.last_event = (key, now)
        # Outside a storm, the first re-read for an unseen change may come at once.
        self.quick_settle = self.storm_gap() == 0.0
        return self._schedule(DEBOUNCE)

    def storm_gap(self) -> float:
        now = self.clock()
        if sum(1 for t in self.recent if now - t < STORM_WINDOW) < STORM_EVENTS:
            return 0.0
        return min(max(STORM_GAP, STORM_FACTOR * self.apply_cost), STORM_MAX_GAP)

    def in_storm(self) -> bool:
        return self.storm_gap() > 0.0

    def _schedule(self, delay: float, quick: bool = False) -> float | None:
        """A read `delay` from now, but not sooner than the storm gap after the last
        event-driven one (unless `quick`); None when one is scheduled already."""
        if self.timer_pending:
            return None
        gap = 0.0 if quick else self.storm_gap()
        since = self.clock() - self.last_event_read
        self.timer_pending = True
        return max(delay, gap - since)

    def timer_fired(self) -> None:
        """The scheduled event-driven read is due: the app starts it (full=False)."""
        self.timer_pending = False
        self.last_event_read = self.clock()

    def _mark_dirty(self, event: TopologyEvent) -> None:
        """The containers a read must list again for this event (networks are always read whole)."""
        ids = event.rereads
        if ids is None:
            self.want_full = True  # the event does not say which container
        else:
            self.dirty.update(ids)

    # -- reads ----------------------------------------------------------------------
    def begin(self, *, full: bool, generation: int, have_snapshot: bool) -> Read | None:
        """A read is asked for: the one to start, or None when one is running on this
        connection (then one more follows it). A read still going out on a connection
        given up on does not hold this one back."""
        if full:
            self.want_full = True
        if self.running and self.running_generation == generation:
            self.again = True
            return None
        changed = None if (self.want_full or not have_snapshot) else frozenset(self.dirty)
        self.dirty = set()
        self.want_full = False
        self.running = True
        self.running_generation = generation
        self.sequence += 1
        self.reads_started += 1
        return Read(self.sequence, changed, generation)

    def finished(self, sequence: int) -> bool:
        """A read ended (whatever its outcome): whether to start another one now."""
        if sequence != self.sequence:
            return False  # an abandoned read; the current one is still going
        self.running = False
        if self.again:
            self.again = False
            return True
        return False

    def is_outdated(self, sequence: int) -> bool:
        """An older read finishing after a newer one reached the screen."""
        return sequence < self.applied

    def applied_snapshot(self, sequence: int, snap: Snapshot) -> float | None:
        """A read's snapshot is on screen. Returns the delay of a re-read when it does
        not show an event's change yet (None: nothing to do, or a read is coming)."""
        self.applied = sequence
        now = self.clock()
        for subject, (event, deadline) in list(self.expected.items()):
            if deadline < now or event.seen_in(snap):
                del self.expected[subject]
        if not self.expected or self._read_coming():
            return None
        for event, _ in self.expected.values():
            self._mark_dirty(event)
        # The first re-read after new events comes at once (the engine is usually a few
        # ms behind its own announcement); more of them wait like events do.
        quick, self.quick_settle = self.quick_settle, False
        return self._schedule(SETTLE, quick=quick)

    def _read_coming(self) -> bool:
        """Whether a read that began after the latest events is due or running: then
        that read, not another one, is the one to check them against."""
        return self.timer_pending or self.again or self.sequence != self.applied

    def cost(self, seconds: float) -> None:
        """What the last snapshot cost the UI thread (applying it and its frame)."""
        self.apply_cost = min(seconds, 1.0)

    # -- the periodic resync --------------------------------------------------------------
    def resync_tick(self, containers: int) -> bool:
        """The periodic resync's timer fired (every --interval): whether to read now. A full
        read costs in proportion to the containers listed, so beyond RESYNC_SCALE of them
        the resync comes every ceil(containers / RESYNC_SCALE)-th tick (at 3000, every
        90 s): the safety net's share of CPU stays what it is at 1000. Events are read as
        they come, whatever the size."""
        self.resync_ticks += 1
        if self.resync_ticks >= max(1, -(-containers // RESYNC_SCALE)):
            self.resync_ticks = 0
            return True
        return False

    # -- connection -------------------------------------------------------------------
    def backoff(self) -> float:
        """The delay before the next reconnect attempt."""
        delay = BACKOFF[min(self.backoff_step, len(BACKOFF) - 1)]
        self.backoff_step += 1
        return delay

    def connected(self) -> None:
        self.backoff_step = 0
