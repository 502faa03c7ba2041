"""ui/heap.py: after the first whole topology the heap is frozen and full collections wait
for a quiet moment (each case in a fresh interpreter: the collector is process-wide)."""

from __future__ import annotations

import subprocess
import sys

CASE = """
import gc, time
import netui.ui.heap as heap
assert not heap.collect_when_due(), "nothing before the heap is settled"
junk = [[i] for i in range(1000)]
heap.settle_heap()
assert gc.get_threshold()[2] == heap.GEN2_PUT_OFF and gc.get_freeze_count() >= 1000
heap.settle_heap()  # once only
made = []
for _ in range(30):  # young collections, as a stream of events makes them
    made.extend([[i] for i in range(2000)])
    gc.collect(1)
assert gc.get_count()[2] >= heap.GEN2_DUE
assert not heap.collect_when_due(), "not within QUIET_SPACING of the last"
heap._last_quiet = time.monotonic() - heap.QUIET_SPACING - 1
assert heap.collect_when_due() and gc.get_count()[2] == 0, "due, and quiet: collected"
assert not heap.collect_when_due(), "and not again at once"
print("ok")
"""


def test_full_collections_wait_for_a_quiet_moment():
    out = subprocess.run([sys.executable, "-c", CASE], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
