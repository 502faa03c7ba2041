"""How hard the matrix pushes, and how it reads the kernel's neighbour table: no engine needed."""

from __future__ import annotations

import threading

from netui.engine.matrix_plan import Pace, parse_arp_cache

# Two CPUs' lines of /proc/net/stat/arp_cache (the middle columns shortened).
ARP_CACHE = """entries  allocs   destroys hash_grows lookups  forced_gc_runs unresolved_discards table_fulls
00000414 00002860 0000216f 00000006   000467cf 00001b12       00000000            00001992
00000414 000023fa 000026d7 00000002   0003e964 000019b2       00000000            00001854
"""


def test_arp_cache_counters():
    # Measured on a 2-CPU host during a 50-container matrix: 1044 entries (gc_thresh3 is 1024), full 12774 times.
    assert parse_arp_cache(ARP_CACHE) == (0x414, 0x1992 + 0x1854)
    assert parse_arp_cache("") is None
    assert parse_arp_cache("entries table_fulls\nzz 1\n") is None


def test_pace_follows_the_cpu_count():
    two = Pace(cpus=2, cap=8)
    assert (two.workers, two.per_exec, two.rate) == (8, 32, None)
    one = Pace(cpus=1, cap=8)
    assert (one.workers, one.per_exec) == (4, 16)
    big = Pace(cpus=32, cap=8)
    assert (big.workers, big.per_exec) == (8, 64)  # the caller's cap, and 64 pings per exec at most


def test_pace_backs_off_when_slow_and_recovers_when_calm():
    p = Pace(cpus=2, cap=8)
    p.slow()
    assert (p.workers, p.per_exec) == (4, 16)
    p.slow()
    p.slow()
    p.slow()
    assert (p.workers, p.per_exec) == (1, 4)  # never below one exec of four pings
    for _ in range(9):
        p.calm(10)
    assert (p.workers, p.per_exec) == (4, 32)  # three calm execs: one more exec, twice the pings
    for _ in range(30):
        p.calm(10)
    assert (p.workers, p.per_exec) == (8, 32)  # back to what the machine allows, not beyond


def test_pace_limits_pairs_a_second_after_overload():
    p = Pace(cpus=2, cap=8)
    cancel = threading.Event()
    assert p.take(40, cancel) == 40  # no limit until trouble
    p.done(60)
    p.overloaded()
    assert p.rate == 10.0  # half of the 20 a second that were answered in the last 3 s
    p.overloaded()
    assert p.rate == 10.0  # execs side by side see the same overflow: one cut a second
    assert 1 <= p.take(40, cancel) <= 10
    p.calm(8)
    assert p.rate == 12.0
    cancel.set()
    assert p.take(40, cancel) == 0
