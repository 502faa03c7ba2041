"""The real `netui` in a pseudo-terminal: send keys, read what it draws, time frames.

Used by the reliability tests (what a user sees, including errors before the
app is up) and by the benchmarks (key to screen, event to screen, cold start).
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]|\x1b[=>78]")


def _take_ctty() -> None:
    """In the child, after setsid(): the pty on stdin becomes its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyApp:
    """The real netui in a pseudo-terminal: send keys, time the frames it writes."""

    def __init__(self, args: list[str], cols: int = 160, rows: int = 48, prefix: list[str] | None = None,
                 env: dict[str, str] | None = None, command: list[str] | None = None, ctty: bool = False) -> None:
        """`command` runs another program instead of netui (the benchmarks compare with peers).
        `ctty`: make the pty the program's controlling terminal, for programs that open
        /dev/tty instead of using stdin/stdout (lazydocker: tcell)."""
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            [*(prefix or []), *(command or [sys.executable, "-m", "netui", *args])], stdin=slave, stdout=slave, stderr=slave, cwd=str(ROOT),
            env={**os.environ, "TERM": "xterm-256color", **(env or {})}, start_new_session=True,
            preexec_fn=_take_ctty if ctty else None,
        )
        os.close(slave)
        self.master = master
        self.buf = bytearray()
        self.total = 0
        self.last = time.perf_counter()
        self.cond = threading.Condition()
        self._hanging_up = threading.Event()
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()

    def _drain(self) -> None:
        while not self._hanging_up.is_set():
            try:
                # Never blocked in read: a read in flight keeps the pty open even after
                # os.close (hang_up would then close nothing).
                if not select.select([self.master], [], [], 0.1)[0]:
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self.cond:
                self.buf.extend(data)
                self.total += len(data)
                self.last = time.perf_counter()
                del self.buf[:-400000]
                self.cond.notify_all()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def mark(self) -> int:
        with self.cond:
            return self.total

    def since(self, mark: int) -> bytes:
        with self.cond:
            n = self.total - mark
            return bytes(self.buf[-n:]) if n > 0 else b""

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait_output(self, mark: int, timeout: float = 5.0, needle: bytes | None = None) -> float | None:
        """When output past `mark` arrived (containing needle, if given); None on timeout."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                new = self.total - mark
                if new > 0 and (needle is None or needle in bytes(self.buf[-new:])):
                    return self.last if needle else self._first_after(mark)
                left = deadline - time.perf_counter()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def _first_after(self, mark: int) -> float:
        return self.last  # the drain thread wakes us on the first chunk past the mark

    def wait_settled(self, mark: int, quiet: float = 0.05, timeout: float = 10.0) -> float | None:
        """When the burst of output after `mark` ended: the last byte before `quiet` s of silence."""
        if self.wait_output(mark, timeout) is None:
            return None
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.cond:
                last = self.last
            if time.perf_counter() - last >= quiet:
                return last
            time.sleep(quiet / 5)
        return None

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 20.0) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self.cond:
                idle = time.perf_counter() - self.last
            if idle >= quiet:
                return
            time.sleep(quiet / 4)

    def hang_up(self) -> None:
        """Close the terminal's side, as a terminal window closing does."""
        self._hanging_up.set()
        self._drainer.join(5)
        os.close(self.master)

    def stop(self) -> None:
        try:
            self.send(b"q")
            self.proc.wait(5)
        except Exception:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(5)
        self._hanging_up.set()  # the reader stops before the fd number can be reused by the next pty
        self._drainer.join(5)
        os.close(self.master)


    def text(self) -> str:
        """Everything drawn so far, escape sequences stripped (for "is it on screen" checks)."""
        with self.cond:
            raw = bytes(self.buf)
        return ANSI.sub(b"", raw).decode("utf-8", "replace")

    def wait_text(self, needle: str, timeout: float = 10.0) -> bool:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if needle in self.text():
                return True
            time.sleep(0.05)
        return False
