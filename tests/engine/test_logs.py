"""Following a container's logs on a real engine: tail, follow, a bounded buffer, and a
container that is paused, restarted or removed while followed."""

from __future__ import annotations

import threading
import time

from netui.engine.logs import LogFollower, split_stamp

COUNTER = ("sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done")


def follow(engine, cid: str, name: str, **kw) -> tuple[LogFollower, threading.Thread]:
    f = LogFollower(engine, cid, name, **kw)
    t = threading.Thread(target=f.run, daemon=True)
    t.start()
    return f, t


def until(predicate, timeout: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def ticks(f: LogFollower) -> list[int]:
    return [int(line.text.split()[1]) for line in f.snapshot() if line.text.startswith("tick ")]


def test_tail_then_bounded_ring_buffer(engine, lab):
    cid = lab.container("spew", lab.image, ("sh", "-c", "seq 1 3000; sleep 86400"))
    until(lambda: engine.api.logs(cid, tail=1).strip() == b"3000", what="the first 3000 lines")
    f, t = follow(engine, cid, "spew", tail=100, max_lines=500)
    try:
        until(lambda: f.received == 100, what="the tail")
        assert [line.text for line in f.snapshot()] == [str(i) for i in range(2901, 3001)]
        new, dropped = f.take_new()
        assert len(new) == 100 and dropped == 0 and new[0].ns > 0
        engine.api.exec_start(engine.api.exec_create(cid, ["sh", "-c", "seq 10001 12000 > /proc/1/fd/1"]))
        until(lambda: f.received == 2100, what="2000 more lines")
        kept = f.snapshot()
        assert len(kept) == 500 and kept[0].text == "11501" and kept[-1].text == "12000"
        new, dropped = f.take_new()
        assert len(new) == 500 and dropped == 1500
        assert f.status == "following"
    finally:
        f.close()
        t.join(5)
    assert not t.is_alive()


def test_paused_restarted_and_removed_while_followed(engine, lab):
    cid = lab.container("ticker", lab.image, COUNTER)
    f, t = follow(engine, cid, "ticker", tail=5)
    try:
        until(lambda: len(ticks(f)) >= 3, what="a few ticks")
        engine.api.pause(cid)
        last = int(engine.api.logs(cid, tail=1).split()[-1])  # the last line it printed before the freeze
        until(lambda: ticks(f)[-1] == last, what="the last line before the freeze")
        frozen = f.received
        # Paused: the follow stays open and silent for as long as it lasts.
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            assert f.received == frozen and f.status == "following"
            time.sleep(0.05)
        engine.api.unpause(cid)
        until(lambda: f.received > frozen + 2, what="ticks after unpause")
        # Restarted: the engine ends the follow; it goes on from the last line, none repeated.
        engine.api.restart(cid, timeout=0)
        f.wake()
        until(lambda: f.reopened >= 1 and ticks(f).count(0) >= 1 and ticks(f)[-1] >= 3, what="ticks after the restart")
        seen = [(line.ns, line.text) for line in f.snapshot()]
        assert len(seen) == len(set(seen)), "a line was shown twice"
        # Stopped: the status says so; started again: followed again.
        engine.api.stop(cid, timeout=0)
        f.wake()
        until(lambda: f.status == "stopped", what="stopped")
        assert "exit code" in f.detail
        # Removed: the lines stay, the status says so, the worker ends.
        kept = f.received
        engine.api.remove_container(cid, force=True)
        f.wake()
        until(lambda: f.status == "removed", what="removed")
        t.join(5)
        assert not t.is_alive() and f.received == kept and ticks(f)
    finally:
        f.close()


def test_stamps_and_hostile_text_are_parsed_and_cleaned():
    line = split_stamp("2026-11-28T19:00:00.123456789Z \x1b[31mred\x1b[0m and \x1b]0;title\x07 bell\r")
    assert line.ns == 1795892400_123456789 and line.text.startswith("red and ")
    assert "\x1b" not in line.text and "\x07" not in line.text and line.clock == "19:00:00.123"
    short = split_stamp("2026-11-28T19:00:00.5Z x")
    assert short.ns == 1795892400_500000000 and short.text == "x"
    assert split_stamp("no stamp here").ns == 0
