"""Messages the workers post (from threads) to the app and to the screens that own them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from netui.engine.client import EngineError
from netui.engine.events import TopologyEvent
from netui.engine.model import EngineInfo, Snapshot


@dataclass
class Connected(Message):
    info: EngineInfo
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class ConnectFailed(Message):
    error: EngineError
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class StreamOpened(Message):
    generation: int
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class StreamEnded(Message):
    generation: int
    reason: str
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class TopologyChanged(Message):
    event: TopologyEvent
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class SnapshotReady(Message):
    snapshot: Snapshot
    sequence: int
    final: bool
    generation: int = 0  # the connection the read went out on
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class RefreshFailed(Message):
    error: EngineError
    sequence: int
    generation: int = 0  # the connection the read went out on
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class RefreshDone(Message):
    sequence: int
    conn: int = 0  # which engine (the app's connection index)


@dataclass
class ActionDone(Message):
    """A dialog's write came back from the engine (posted to the dialog itself)."""

    ok: bool
    message: Any  # the result (text, or what the action returned), or why not


@dataclass
class ProbeCheckDone(Message):
    check: Any  # probes.Check


@dataclass
class ProbeFinished(Message):
    result: Any  # probes.ProbeResult | None
    error: str = ""


@dataclass
class MatrixCellDone(Message):
    cell: Any  # probes.Cell
    done: int
    total: int


@dataclass
class MatrixFinished(Message):
    result: Any  # probes.MatrixResult | None
    error: str = ""
