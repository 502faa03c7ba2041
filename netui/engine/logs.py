"""Following a container's logs: the last lines, then everything it prints, in bounded memory.

`LogFollower.run()` blocks (a worker thread runs it): it asks for the last `tail`
lines with timestamps and follows. The engine ends a follow when the container
stops; the follower then waits until it runs again (`wake()`, or a slow poll) and
follows on from the last timestamp it has, without repeating lines. A paused
container's stream stays open and silent. When the container is removed, the
lines stay and the status says so.

Memory is bounded: a ring buffer of the last `max_lines` lines (`lines`), and the
lines not yet taken by the view (`take_new`) in another, just as bounded; a line
longer than LINE_LIMIT characters is cut.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

from netui.engine.client import Engine, EngineError, NotFound, close_quietly
from netui.text import clean

LOG_TAIL = 1000  # lines shown from before the view opened
LOG_LINES = 5000  # lines kept
LINE_LIMIT = 2000  # characters kept of one line
STOPPED_POLL = 2.0  # seconds between looks at a stopped container (wake() is at once)

_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")  # colours and cursor moves: dropped, not shown as �
_STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ")


@dataclass(frozen=True)
class LogLine:
    ns: int  # when the engine got it, in nanoseconds since the epoch (0: unknown)
    stamp: str  # the engine's timestamp, as it sent it
    text: str  # printable: control characters replaced, colours dropped

    @property
    def clock(self) -> str:
        """HH:MM:SS.mmm in UTC, for the timestamp column."""
        if not self.ns:
            return ""
        t = _dt.datetime.fromtimestamp(self.ns // 1_000_000_000, _dt.UTC)
        return f"{t:%H:%M:%S}.{(self.ns // 1_000_000) % 1000:03d}"


def split_stamp(raw: str) -> LogLine:
    """One line of `docker logs --timestamps` output as a LogLine."""
    m = _STAMP.match(raw)
    text = raw[m.end():] if m else raw
    ns = 0
    if m:
        try:
            base = _dt.datetime.fromisoformat(m.group(1) + (m.group(3) if m.group(3) != "Z" else "+00:00"))
            ns = int(base.timestamp()) * 1_000_000_000 + int((m.group(2) or "0").ljust(9, "0"))
        except ValueError:
            ns = 0
    text = clean(_CSI.sub("", text.rstrip("\r")), LINE_LIMIT)
    return LogLine(ns, m.group(0).strip() if m else "", text)


class LogFollower:
    """The logs of one container, followed in a worker thread; read from any thread."""

    def __init__(self, engine: Engine, container_id: str, name: str, *, tail: int = LOG_TAIL,
                 max_lines: int = LOG_LINES) -> None:
        self.engine = engine
        self.container_id = container_id
        self.name = name
        self.tail = tail
        self.max_lines = max_lines
        self.lines: deque[LogLine] = deque(maxlen=max_lines)
        self._new: deque[LogLine] = deque(maxlen=max_lines)
        self.received = 0  # lines received in all
        self.status = "opening"  # opening | following | stopped | removed | error | closed
        self.detail = ""
        self.reopened = 0  # follows opened after the first (the container stopped and started)
        self._dropped = 0  # lines that arrived but were pushed out before the view took them
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._wake = threading.Event()
        self._stream = None
        self._last_ns = 0

    # -- what the view reads --------------------------------------------------------------
    def take_new(self) -> tuple[list[LogLine], int]:
        """Lines that arrived since the last call, and how many more arrived than were kept."""
        with self._lock:
            new = list(self._new)
            self._new.clear()
            dropped, self._dropped = self._dropped, 0
        return new, dropped

    def snapshot(self) -> list[LogLine]:
        with self._lock:
            return list(self.lines)

    def take_all(self) -> list[LogLine]:
        """Every line kept, and nothing new left to take: for a view drawn again from scratch."""
        with self._lock:
            self._new.clear()
            self._dropped = 0
            return list(self.lines)

    def wake(self) -> None:
        """The container's state changed (the view saw it in a snapshot): look again now."""
        self._wake.set()

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        stream, self._stream = self._stream, None
        close_quietly(stream)
        self._set("closed")

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # -- following ----------------------------------------------------------------------------
    def _set(self, status: str, detail: str = "") -> None:
        with self._lock:
            if self.status == "closed":
                return
            self.status, self.detail = status, detail

    def _add(self, raw: str) -> None:
        line = split_stamp(raw)
        if line.ns and line.ns <= self._last_ns:
            return  # already shown before the follow was re-opened
        self._last_ns = max(self._last_ns, line.ns)
        with self._lock:
            self.lines.append(line)
            if len(self._new) == self._new.maxlen:
                self._dropped += 1
            self._new.append(line)
            self.received += 1

    def _open(self, first: bool) -> Any:
        api = self.engine.api
        kwargs: dict[str, Any] = {"stream": True, "follow": True, "timestamps": True, "stdout": True, "stderr": True}
        if first:
            kwargs["tail"] = self.tail
        elif self._last_ns:
            kwargs["since"] = max(self._last_ns // 1_000_000_000, 1)
        return self.engine.call(api.logs, self.container_id, **kwargs)

    def _state(self) -> tuple[str, str]:
        """('running' | 'paused' | 'stopped' | 'removed', detail) from an inspect."""
        try:
            st = self.engine.call(self.engine.api.inspect_container, self.container_id).get("State") or {}
        except NotFound:
            return "removed", ""
        status = str(st.get("Status") or "").lower()
        if status in ("running", "paused", "restarting"):
            return status, ""
        code = st.get("ExitCode")
        return "stopped", f"{status or 'exited'}" + (f", exit code {code}" if code is not None else "")

    def run(self) -> None:
        first = True
        while not self._closed.is_set():
            try:
                stream = self._open(first)
            except NotFound:
                self._set("removed")
                return
            except EngineError as exc:
                self._set("error", str(exc))
                self._wake.wait(STOPPED_POLL)
                self._wake.clear()
                continue
            if not first:
                self.reopened += 1
            first = False
            self._stream = stream
            self._set("following")
            if self._closed.is_set():
                break
            self._read(stream)
            if self._closed.is_set():
                break
            while not self._closed.is_set():
                state, detail = self._safe_state()
                if state == "removed":
                    self._set("removed")
                    return
                if state in ("running", "paused", "restarting"):
                    break  # follow again (a restart ended the last stream)
                if state == "stopped":
                    self._set("stopped", detail)
                self._wake.wait(STOPPED_POLL)
                self._wake.clear()

    def _safe_state(self) -> tuple[str, str]:
        try:
            return self._state()
        except EngineError as exc:
            self._set("error", str(exc))
            return "error", str(exc)

    def _read(self, stream: Any) -> None:
        rest = b""
        try:
            for chunk in stream:
                if self._closed.is_set():
                    return
                if not isinstance(chunk, bytes):
                    chunk = str(chunk).encode()
                data = rest + chunk
                *whole, rest = data.split(b"\n")
                for raw in whole:
                    self._add(raw.decode("utf-8", "replace"))
                if len(rest) > LINE_LIMIT * 4:  # a line without end: shown in pieces, memory bounded
                    self._add(rest.decode("utf-8", "replace"))
                    rest = b""
        except Exception:
            pass  # a broken stream ends like a finished one: the state decides what follows
        finally:
            if rest:
                self._add(rest.decode("utf-8", "replace"))
            close_quietly(stream)
