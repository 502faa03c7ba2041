"""A fake Source for UI behaviour that needs no engine: filter, focus, sort, read-only
gating, dialogs and their validation, layout. Everything that talks to an engine is
tested against the real one (tests/engine, tests/ui/*_live.py)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from netui.engine.actions import ActionLog
from netui.engine.events import TopologyEvent
from netui.engine.model import EngineInfo, Snapshot
from netui.engine.probe_plan import Check, ProbeResult
from netui.engine.schema import from_dict
from netui.engine.specs import command_text
from tests.helpers import TOPOLOGY

ENGINE = EngineInfo(host="fake://", version="0.0-fake", api_version="1.41", network_drivers=("bridge", "macvlan"))


def recorded() -> Snapshot:
    import json

    return from_dict(json.loads(TOPOLOGY.read_text()))


class _Events:
    def __init__(self) -> None:
        self.q: queue.Queue[TopologyEvent | None] = queue.Queue()

    def __iter__(self) -> Iterator[TopologyEvent]:
        while True:
            ev = self.q.get()
            if ev is None:
                return
            yield ev

    def close(self) -> None:
        self.q.put(None)


@dataclass
class FakeActions:
    """Records what the UI asked for; answers like the engine would, or refuses."""

    log: ActionLog
    performed: list[Any] = field(default_factory=list)
    refuse: str = ""  # when set, every write is refused with this message

    def perform(self, spec: Any) -> str:
        from netui.engine.client import EngineError

        cmd = command_text(spec.argv())
        if self.refuse:
            self.log.add(cmd, False, self.refuse)
            raise EngineError(self.refuse, kind="refused")
        self.performed.append(spec)
        self.log.add(cmd, True, "done")
        return f"done: {cmd}"


@dataclass
class FakeProber:
    history: list[ProbeResult] = field(default_factory=list)
    asked: list[tuple[str, str]] = field(default_factory=list)

    def probe(self, snap, source, target, *, checks=(), cancel=None, on_check=None, count=3) -> ProbeResult:
        self.asked.append((source.name, target))
        check = Check("icmp", "ok", f"3/3 replies from {target}", method="exec", command=f"docker exec {source.name} ping {target}")
        if on_check is not None:
            on_check(check)
        r = ProbeResult(time.time(), source.name, target, (check,))
        self.history.append(r)
        return r

    def matrix(self, snap, network, *, extra=None, cancel=None, on_cell=None, workers=8):
        from netui.engine.matrix_plan import Cell, MatrixResult

        members = [m.container for m in snap.members(network.id) if m.container.running]
        total = len(members) * (len(members) - 1)
        cells = {}
        for a in members:
            for b in members:
                if a.id != b.id:
                    cells[(a.id, b.id)] = cell = Cell(a.id, b.id, "ok", "ok 0.05 ms", 0.05)
                    if on_cell is not None:
                        on_cell(cell, len(cells), total)
        return MatrixResult(network.name, tuple(members), cells, 0.01)

    def close(self) -> None:
        pass


class FakeSource:
    """A live, writable source whose topology the test sets (`set`) and whose events it sends."""

    live = True
    writable = True
    engine = None

    def __init__(self, snapshot: Snapshot | None = None, *, probes: bool = False) -> None:
        self.snapshot = replace(snapshot or recorded(), engine=ENGINE)
        self._streams: list[_Events] = []
        self._lock = threading.Lock()
        self.fake_actions: FakeActions | None = None
        self.fake_prober = FakeProber() if probes else None

    @property
    def description(self) -> str:
        return "fake engine"

    def connect(self) -> EngineInfo:
        return ENGINE

    early: Snapshot | None = None  # what early_snapshot gives, once (a test sets it)

    @property
    def reading_early(self) -> bool:
        return self.early is not None

    def early_snapshot(self) -> Snapshot | None:
        early, self.early = self.early, None
        return early

    def read_lists(self, changed=None, base=None) -> tuple[Snapshot, tuple[str, ...]]:
        with self._lock:
            return replace(self.snapshot, taken_at=time.time()), ()

    def complete(self, snap: Snapshot, pending: tuple[str, ...]) -> Snapshot:
        return snap

    def open_events(self) -> _Events:
        ev = _Events()
        self._streams.append(ev)
        return ev

    def forget_stream(self, stream) -> None:
        pass

    def actions(self, *, read_only: bool, log: ActionLog) -> FakeActions:
        self.fake_actions = FakeActions(log)
        return self.fake_actions

    def prober(self, *, probe_image: str | None, read_only: bool) -> FakeProber | None:
        return self.fake_prober

    def set(self, snapshot: Snapshot) -> None:
        """The engine changed: the next read returns this, and an event announces it."""
        with self._lock:
            self.snapshot = replace(snapshot, engine=ENGINE)
        for s in self._streams:
            s.q.put(TopologyEvent("network", "update", "fake"))

    def close(self) -> None:
        for s in self._streams:
            s.close()
