"""A real `netui serve` for tests: started with --port 0, its sessions' state read through
the NETUI_STATE_DIR hook (netui.ui.state_hook), stopped and checked for leftover processes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

NETUI = [sys.executable, "-m", "netui"]
START_TIMEOUT = 30.0
# A session reads the whole engine before it draws: on a shared, busy engine that can take a while.
SESSION_TIMEOUT = 60.0


def wait_until(predicate: Callable[[], object], timeout: float, what: str, poll: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(poll)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited; only its parent has not read its status yet
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def is_session(pid: int) -> bool:
    try:
        return b"netui" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class Served:
    """`netui serve --port 0 ARGS`, with its output in files and its sessions' state in a folder."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="netui-serve-test-"))
        self.state_dir = self.dir / "state"
        self.state_dir.mkdir()
        self.out_path, self.err_path = self.dir / "stdout", self.dir / "stderr"
        full_env = {**os.environ, "NETUI_STATE_DIR": str(self.state_dir), **(env or {})}
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [*NETUI, "serve", "--port", "0", *args], stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=full_env,
            )
        self.port = wait_until(self._port, START_TIMEOUT, "netui serve to print its address")
        self.base = f"http://127.0.0.1:{self.port}"
        self.seen_pids: set[int] = set()

    def _port(self) -> int | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"netui serve exited ({self.proc.returncode}): {self.log()}")
        m = re.search(r"^netui serve: http://\S+:(\d+)/$", self.out_path.read_text(), re.M)
        return int(m.group(1)) if m else None

    def log(self) -> str:
        return self.err_path.read_text()[-3000:] + self.out_path.read_text()[-2000:]

    # -- HTTP ------------------------------------------------------------------------------
    def get(self, path: str = "/", headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], str]:
        """A request; a GET of / reserves a place for a while (netui.serve.gate), a HEAD does not."""
        req = urllib.request.Request(self.base + path, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()

    def ticket(self) -> str:
        status, _, body = self.get("/")
        assert status == 200, (status, body)
        return re.search(r'data-ticket="([^"]+)"', body).group(1)

    # -- sessions ---------------------------------------------------------------------------
    def states(self) -> dict[int, dict]:
        out: dict[int, dict] = {}
        for f in self.state_dir.glob("*.json"):
            try:
                data = json.loads(f.read_text())
            except (OSError, ValueError):
                continue
            out[int(f.stem)] = data
        return out

    def new_session(self, timeout: float = SESSION_TIMEOUT) -> int:
        """The pid of the session that started since the last call (its state file appeared)."""
        def fresh():
            new = set(self.states()) - self.seen_pids
            return min(new) if new else None

        pid = wait_until(fresh, timeout, f"a new session's state ({self.log()})")
        self.seen_pids.add(pid)
        return pid

    def state(self, pid: int) -> dict:
        return self.states().get(pid, {})

    def wait_state(self, pid: int, predicate: Callable[[dict], object], what: str, timeout: float = SESSION_TIMEOUT) -> dict:
        return wait_until(lambda: (s := self.state(pid)) and predicate(s) and s, timeout, f"{what}; last state {self.state(pid)}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def sessions_gone(self, timeout: float = 20.0) -> None:
        wait_until(lambda: not any(pid_alive(p) for p in self.states()), timeout, "every session process to exit")

    def close(self) -> None:
        self.stop()
        try:
            self.sessions_gone()
        finally:
            for pid in self.states():  # never leave a session behind, even when a test failed
                if pid_alive(pid) and is_session(pid):
                    os.kill(pid, signal.SIGKILL)
