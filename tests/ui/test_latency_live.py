"""A remote engine's latency: every request answered 300 ms late (a delaying proxy in front
of the real engine), with reads going on all the time. The real netui in a terminal: keys
reach the screen without waiting for the engine, and reads and events still arrive."""

from __future__ import annotations

import statistics
import threading
import time

from tests.ptyapp import PtyApp
from tests.sockproxy import SocketProxy

DELAY = 0.3


def press(app: PtyApp, keys: bytes) -> float:
    """Send keys; seconds until the first frame drawn after them."""
    mark = app.mark()
    t0 = time.perf_counter()
    app.send(keys)
    first = app.wait_output(mark, 5)
    took = (first or t0 + 5) - t0
    app.wait_settled(mark, quiet=0.05, timeout=5)
    return took


def test_keys_stay_fast_while_every_request_takes_300_ms(engine, lab):
    nets = [lab.network(f"lat{i}") for i in range(6)]
    for i in range(4):
        lab.container(f"lat-c{i}", lab.image, networks=[lab.name("lat0")])
    with SocketProxy(delay=DELAY) as proxy:
        app = PtyApp(["--host", proxy.url], cols=160, rows=48)
        try:
            assert app.wait_text(lab.name("lat5"), timeout=60), "the topology never showed through the slow proxy"
            app.wait_quiet(1.0, timeout=30)
            # Keep the engine busy: a change every 0.4 s, each one read (2 requests, 0.6 s) while keys are pressed.
            stop = threading.Event()
            churn = []

            def changes() -> None:
                i = 0
                while not stop.wait(0.4):
                    churn.append(lab.network(f"churn{i}"))
                    i += 1

            requests_before = proxy.count()
            t_keys = time.perf_counter()
            worker = threading.Thread(target=changes, daemon=True)
            worker.start()
            try:
                moves = [press(app, b"j" if i % 2 == 0 else b"k") for i in range(20)]
                press(app, b"/")
                typed = [press(app, ch.encode()) for ch in lab.prefix[:8]]
                press(app, b"\x1b")  # Esc: the filter off
            finally:
                stop.set()
                worker.join(5)
            during, spent = proxy.count() - requests_before, time.perf_counter() - t_keys
            # Reads went on meanwhile (each one at least 2 requests, 0.6 s): the engine was asked
            # while keys were pressed...
            assert during >= 2 and len(churn) >= 2, f"{during} requests in {spent:.1f} s of keys: reads stalled"
            # ...and every key reached the screen sooner than one request's round trip.
            print(f"\nkey to first frame at {DELAY * 1000:.0f} ms per request: cursor median "
                  f"{statistics.median(moves) * 1000:.0f} ms (max {max(moves) * 1000:.0f}), filter median "
                  f"{statistics.median(typed) * 1000:.0f} ms (max {max(typed) * 1000:.0f}); {during} requests in those {spent:.1f} s")
            assert statistics.median(moves) < DELAY and statistics.median(typed) < DELAY, (moves, typed)
            assert max(moves + typed) < 2 * DELAY, (moves, typed)  # no key waited for a read to end
            # Events still arrive: the last network made shows up without a key pressed.
            t0 = time.perf_counter()
            last = lab.network("after")
            assert last
            assert app.wait_text(lab.name("after"), timeout=15), "an event's change never reached the screen"
            print(f"event to screen through the slow proxy: {time.perf_counter() - t0:.2f} s")
            assert churn and nets
        finally:
            app.stop()
