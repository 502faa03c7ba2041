"""The doctor inside the app: every new snapshot is checked in a worker thread; the
findings count goes to the status line and the findings to the problems view (`!`).

A mixin of NetuiApp, kept apart so the app stays about connections and reads. The
checks are pure and cheap (tens of milliseconds at 1000 containers), but they run
off the UI thread anyway; the host's routes are read at most once a minute.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from textual.message import Message
from textual.timer import Timer

from netui.engine.doctor import Context, Finding, counts, diagnose
from netui.engine.hostnet import HostNetworking, read_host_networking
from netui.engine.model import Snapshot

HOST_ROUTES_TTL = 60.0
DOCTOR_DELAY = 0.25  # seconds from a new snapshot to the start of its check


@dataclass
class FindingsReady(Message):
    snapshot: Snapshot
    findings: list[Finding]
    key: tuple = ()


def doctor_key(snapshot: Snapshot) -> tuple:
    """What the checks read of a snapshot (unchanged objects compare by identity: cheap)."""
    return (snapshot.networks, snapshot.engine.address_pools, snapshot.engine.host,
            tuple((c.id, c.name, c.state, c.network_mode, c.endpoints, c.ports, c.mounts, c.config, c.labels, c.command)
                  for c in snapshot.containers))


class DoctorMixin:
    """Adds `findings`, `action_problems` and the checking of each snapshot to the app."""

    findings: list[Finding]
    _host_net: tuple[float, str, HostNetworking] | None = None
    _doctor_timer: Timer | None = None  # starts the check of `_next`
    _doctor_lock = threading.Lock()

    def init_doctor(self) -> None:
        """Start afresh (at start, and when another engine is shown)."""
        if self._doctor_timer is not None:
            self._doctor_timer.stop()  # it was for the last engine's snapshot
        self.findings = []
        self.findings_snapshot: Snapshot | None = None  # the latest snapshot the findings hold for
        self._findings_key: tuple | None = None  # doctor_key of what the findings were computed on
        self._pending_key: tuple | None = None  # ... of what a worker is checking now
        self._next: tuple[Snapshot, tuple] | None = None  # the latest snapshot that came in meanwhile
        self._doctor_timer = None

    def check_snapshot(self, snapshot: Snapshot) -> None:
        """Check this snapshot (the latest wins), DOCTOR_DELAY after it arrived. A snapshot
        that differs from the last checked one only in what no check reads (a status text
        such as "Up 6 minutes", the time it was taken) keeps the findings: the resync every
        30 s costs nothing here. One check runs at a time: snapshots that arrive meanwhile
        (an event storm, a read's second half) are checked once it ends, the latest only."""
        key = doctor_key(snapshot)
        if self._pending_key is not None or self._doctor_timer is not None:
            self._next = None if key == self._pending_key else (snapshot, key)
            return
        if key == self._findings_key:
            self.findings_snapshot = snapshot
            return
        # Not at once: the check's thread shares the interpreter with the UI, which is
        # drawing this very snapshot now (started at once, it held the frame of an event
        # back by up to ~150 ms at 1000 containers).
        self._next = (snapshot, key)
        self._doctor_timer = self.set_timer(DOCTOR_DELAY, self._start_next)  # type: ignore[attr-defined]

    def _start_next(self) -> None:
        self._doctor_timer = None
        if self._next is None or self._pending_key is not None:
            return
        (snapshot, key), self._next = self._next, None
        if key == self._findings_key:
            self.findings_snapshot = snapshot
            return
        self._start(snapshot, key)

    def _start(self, snapshot: Snapshot, key: tuple) -> None:
        self._pending_key = key
        self.run_worker(lambda: self._diagnose(snapshot, key), thread=True, group="doctor",  # type: ignore[attr-defined]
                        exit_on_error=False, name="doctor", description="check the topology")

    def _host_networking(self, snapshot: Snapshot) -> HostNetworking:
        info = snapshot.engine
        key = f"{info.host}|{info.name}"
        with self._doctor_lock:
            cached = self._host_net
        if cached is not None and cached[1] == key and time.monotonic() - cached[0] < HOST_ROUTES_TTL:
            return cached[2]
        live = self.source.live  # type: ignore[attr-defined]
        host = read_host_networking(info) if live and info.host else HostNetworking(False, "not a live engine")
        with self._doctor_lock:
            self._host_net = (time.monotonic(), key, host)
        return host

    def _diagnose(self, snapshot: Snapshot, key: tuple) -> None:
        findings = self.findings  # kept if the checks fail (a bug): the next snapshot is checked all the same
        try:
            findings = diagnose(Context(snapshot, self._host_networking(snapshot)))
        finally:
            self.post_message(FindingsReady(snapshot, findings, key))  # type: ignore[attr-defined]

    def on_findings_ready(self, msg: FindingsReady) -> None:
        if not self.is_running or msg.key != self._pending_key:  # type: ignore[attr-defined]
            return
        self._pending_key, self._findings_key = None, msg.key
        if self._next is not None:
            snapshot, key = self._next
            self._next = None
            if key != msg.key:
                self._start(snapshot, key)  # a newer topology came in while this ran: check it, show this meanwhile
        self.findings = msg.findings
        current = self.snapshot  # type: ignore[attr-defined]
        self.findings_snapshot = current if current is not None and doctor_key(current) == msg.key else msg.snapshot
        n = counts(msg.findings)
        for screen in self.screen_stack:  # type: ignore[attr-defined]
            status = getattr(screen, "status", None)
            if status is not None and hasattr(status, "set"):
                status.set(problems=n["problem"], warnings=n["warning"])  # the explorer's, the map's
            update = getattr(screen, "update_findings", None)
            if update is not None:
                update(msg.findings, current or msg.snapshot)  # fixes are checked against the latest

    def action_problems(self) -> None:
        from netui.ui.screens.explorer_screen import ExplorerScreen
        from netui.ui.screens.map_screen import MapScreen
        from netui.ui.screens.problems_screen import ProblemsScreen

        if isinstance(self.screen, ProblemsScreen):  # type: ignore[attr-defined]
            self.screen.dismiss(None)  # type: ignore[attr-defined]
            return
        if not isinstance(self.screen, (ExplorerScreen, MapScreen)):  # type: ignore[attr-defined]
            return  # not over a dialog: finish (or close) it first
        if self.snapshot is None:  # type: ignore[attr-defined]
            from netui.ui.toast import toast

            toast(self, "Nothing to check yet: the engine has not answered", severity="warning")  # type: ignore[arg-type]
            return
        self.push_screen(ProblemsScreen(self.findings, self.findings_snapshot or self.snapshot))  # type: ignore[attr-defined]
