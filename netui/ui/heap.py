"""The garbage collector, kept off the moments that are drawn.

At 1000 containers a full collection scans hundreds of thousands of objects: 50–90 ms
on the UI thread. Left to itself, the collector runs one whenever enough objects have
come and gone, which under a stream of events is in the middle of drawing one (the
tail of the event benchmark's latency was these pauses). So:

- `settle_heap`, once the first whole topology is in: what exists then (about a million
  objects at 3000 containers, living as long as netui) moves to the permanent
  generation, which no collection scans again;
- and automatic full collections are put off (`GEN2_PUT_OFF`); `collect_when_due` runs
  one at a quiet moment instead (the periodic resync's tick when no read is under way),
  when the collector would have, but at most every QUIET_SPACING seconds: most garbage
  goes by reference counting, and a full collection at 1000 containers costs as much
  CPU as minutes of idling. If no quiet moment comes for long, the collector's own
  threshold, raised, still bounds the cyclic garbage.

Cyclic garbage among the frozen objects is never collected: the model is acyclic and
the explorer's widgets live as long as netui. A replay has no resync: its full
collections come at the raised threshold only (its topology never changes). From
Python 3.14 the collector is incremental (no long full pauses, and its thresholds mean
something else): there the heap is only frozen.
"""

from __future__ import annotations

import gc
import sys
import time

GEN2_DUE = 10  # young collections since the last full one that make a full one due (CPython's default)
GEN2_PUT_OFF = 1000  # ... after which the collector runs one itself, quiet or not
QUIET_SPACING = 300.0  # seconds between full collections run at quiet moments

GENERATIONAL = sys.version_info < (3, 14)
_settled = False
_last_quiet = 0.0


def settle_heap() -> None:
    global _settled, _last_quiet
    if not _settled:
        _settled = True
        _last_quiet = time.monotonic()
        gc.freeze()  # (no collection first: a pause of its own, for little cyclic garbage)
        if GENERATIONAL:
            young, middle, _ = gc.get_threshold()
            gc.set_threshold(young, middle, GEN2_PUT_OFF)


def collect_when_due() -> bool:
    """A quiet moment: run the full collection the collector put off, if one is due.
    True if it ran."""
    global _last_quiet
    now = time.monotonic()
    if not _settled or not GENERATIONAL or gc.get_count()[2] < GEN2_DUE or now - _last_quiet < QUIET_SPACING:
        return False
    _last_quiet = now
    gc.collect()
    return True
