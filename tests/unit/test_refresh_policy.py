"""The refresh policy, on an injected clock: no engine, no UI, no sleeps."""

from __future__ import annotations

from netui.engine.events import TopologyEvent
from netui.engine.model import Container, Endpoint, Network, Snapshot
from netui.engine.refresh import (
    BACKOFF,
    DEBOUNCE,
    SETTLE,
    SETTLE_FOR,
    STORM_EVENTS,
    STORM_GAP,
    STORM_MAX_GAP,
    RefreshPolicy,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


NET = Network(id="n1", name="app")
C1 = Container(id="c1", name="web", state="running", endpoints=(Endpoint("n1", "app", "c1", "web", ipv4="10.0.0.2"),))
C2 = Container(id="c2", name="db", state="running")
BEFORE = Snapshot.build([NET], [C1, C2])


def connect(container: str = "c2") -> TopologyEvent:
    return TopologyEvent("network", "connect", "n1", container=container)


def policy() -> tuple[RefreshPolicy, Clock]:
    clock = Clock()
    return RefreshPolicy(clock=clock), clock


def test_first_read_is_full_then_events_read_only_what_they_name():
    p, _ = policy()
    first = p.begin(full=True, generation=1, have_snapshot=False)
    assert first is not None and first.changed is None and first.sequence == 1
    assert p.finished(1) is False
    assert p.on_event(connect("c2")) == DEBOUNCE
    p.timer_fired()
    read = p.begin(full=False, generation=1, have_snapshot=True)
    assert read is not None and read.changed == frozenset({"c2"})


def test_a_read_asked_for_while_one_runs_follows_it_once():
    p, _ = policy()
    assert p.begin(full=True, generation=1, have_snapshot=True) is not None
    assert p.begin(full=False, generation=1, have_snapshot=True) is None
    assert p.begin(full=False, generation=1, have_snapshot=True) is None
    assert p.finished(1) is True  # one more, not two
    assert p.begin(full=False, generation=1, have_snapshot=True) is not None
    assert p.finished(2) is False


def test_a_read_on_an_abandoned_connection_does_not_hold_the_next():
    p, _ = policy()
    assert p.begin(full=True, generation=1, have_snapshot=True) is not None
    again = p.begin(full=True, generation=2, have_snapshot=True)  # reconnected meanwhile
    assert again is not None and again.generation == 2
    assert p.finished(1) is False  # the late end of the old read changes nothing
    assert p.running


def test_one_timer_at_a_time():
    p, _ = policy()
    p.begin(full=True, generation=1, have_snapshot=False)
    p.finished(1)
    assert p.on_event(connect("c2")) is not None
    assert p.on_event(connect("c1")) is None  # the pending read takes both
    p.timer_fired()
    read = p.begin(full=False, generation=1, have_snapshot=True)
    assert read is not None and read.changed == frozenset({"c1", "c2"})


def test_storm_keeps_a_gap_and_a_lone_event_is_read_at_once():
    p, clock = policy()
    assert p.storm_gap() == 0.0
    for i in range(STORM_EVENTS):
        assert not p.in_storm()
        p.on_event(TopologyEvent("network", "create", f"net{i}"))
        clock.advance(0.05)
        if p.timer_pending:
            p.timer_fired()
    assert p.in_storm()
    assert STORM_GAP <= p.storm_gap() <= STORM_MAX_GAP
    # The next event-driven read waits for the gap since the last one.
    delay = p.on_event(TopologyEvent("network", "create", "net9"))
    assert delay is not None and delay > DEBOUNCE
    p.timer_fired()
    # A slow UI stretches the gap, never beyond the maximum.
    p.cost(5.0)
    assert p.storm_gap() == STORM_MAX_GAP
    # Quiet for a while: a lone event is read after the debounce again.
    clock.advance(2.0)
    assert not p.in_storm()
    assert p.on_event(TopologyEvent("network", "create", "late")) == DEBOUNCE


def test_someone_at_a_shell_is_no_storm():
    """A connect, a disconnect (announced twice), a connect… four a second, as the
    event benchmark and a person at a shell make them: each read at once, never after a gap."""
    p, clock = policy()
    for i in range(12):
        action = "connect" if i % 2 == 0 else "disconnect"
        for _ in range(1 if action == "connect" else 2):
            assert p.on_event(TopologyEvent("network", action, "n1", container="c1")) in (DEBOUNCE, None)
            clock.advance(0.005)
        p.timer_fired()
        clock.advance(0.22)
    assert not p.in_storm()


def test_a_doubled_disconnect_counts_once_towards_a_storm():
    p, clock = policy()
    for c in ("c1", "c2", "c3"):
        for _ in range(2):  # Docker 20.10 announces each disconnect twice
            p.on_event(TopologyEvent("network", "disconnect", "n1", container=c))
            clock.advance(0.01)
            p.timer_pending = False
        clock.advance(0.05)
    assert len([t for t in p.recent if clock.now - t < 1]) == 3
    assert not p.in_storm()


def test_an_event_not_yet_in_the_listing_is_read_again_soon_then_given_up():
    p, clock = policy()
    p.begin(full=True, generation=1, have_snapshot=True)
    p.finished(1)
    p.applied_snapshot(1, BEFORE)
    delay = p.on_event(connect("c2"))
    assert delay == DEBOUNCE
    p.timer_fired()
    read = p.begin(full=False, generation=1, have_snapshot=True)
    assert read is not None
    p.finished(read.sequence)
    # The engine announced it before its list shows it: read again, at once the first time.
    again = p.applied_snapshot(read.sequence, BEFORE)
    assert again is not None and again <= SETTLE
    p.timer_fired()
    read = p.begin(full=False, generation=1, have_snapshot=True)
    assert read is not None and read.changed == frozenset({"c2"})
    p.finished(read.sequence)
    # Shown now: nothing more to do.
    joined = Container(id="c2", name="db", state="running", endpoints=(Endpoint("n1", "app", "c2", "db", ipv4="10.0.0.3"),))
    assert p.applied_snapshot(read.sequence, Snapshot.build([NET], [C1, joined])) is None
    assert not p.expected
    # A change that never shows is given up after SETTLE_FOR.
    p.on_event(connect("c1-gone"))
    p.timer_fired()
    read = p.begin(full=False, generation=1, have_snapshot=True)
    p.finished(read.sequence)
    clock.advance(SETTLE_FOR + 0.1)
    assert p.applied_snapshot(read.sequence, BEFORE) is None and not p.expected


def test_no_re_read_when_a_newer_read_is_coming_anyway():
    p, _ = policy()
    p.on_event(connect("c2"))
    # The timer is pending: the snapshot of an older read must not schedule another.
    assert p.applied_snapshot(0, BEFORE) is None


def test_a_later_event_on_the_same_subject_supersedes_the_earlier():
    p, _ = policy()
    p.on_event(connect("c2"))
    p.on_event(TopologyEvent("network", "disconnect", "n1", container="c2"))
    assert len(p.expected) == 1
    assert p.expected[("network", "n1", "c2")][0].action == "disconnect"


def test_an_event_without_its_container_forces_a_full_read():
    p, _ = policy()
    p.on_event(TopologyEvent("network", "connect", "n1", container=""))  # Podman says no more
    p.timer_fired()
    read = p.begin(full=False, generation=1, have_snapshot=True)
    assert read is not None and read.changed is None


def test_older_reads_arriving_late_are_outdated():
    p, _ = policy()
    p.applied_snapshot(5, BEFORE)
    assert p.is_outdated(4) and not p.is_outdated(5) and not p.is_outdated(6)


def test_reconnect_backoff_grows_then_repeats_and_resets():
    p, _ = policy()
    delays = [p.backoff() for _ in range(len(BACKOFF) + 2)]
    assert delays == [*BACKOFF, BACKOFF[-1], BACKOFF[-1]]
    p.connected()
    assert p.backoff() == BACKOFF[0]


def test_the_periodic_resync_is_spaced_out_beyond_1000_containers():
    p = RefreshPolicy()
    assert [p.resync_tick(0) for _ in range(3)] == [True, True, True]
    assert [p.resync_tick(1000) for _ in range(3)] == [True, True, True]
    assert [p.resync_tick(1001) for _ in range(4)] == [False, True, False, True]
    assert [p.resync_tick(3000) for _ in range(6)] == [False, False, True, False, False, True]
    # The engine shrinks: the next tick reads at once.
    p.resync_tick(3000)
    assert p.resync_tick(10)
