"""Messages the workers post to the app (from threads) and the panes post upward."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from netui.engine.client import EngineError
from netui.engine.events import TopologyEvent
from netui.engine.model import EngineInfo, Snapshot


@dataclass
class Connected(Message):
    info: EngineInfo
    attempt: int


@dataclass
class ConnectFailed(Message):
    error: EngineError
    attempt: int


@dataclass
class StreamOpened(Message):
    generation: int


@dataclass
class StreamEnded(Message):
    generation: int
    reason: str


@dataclass
class TopologyChanged(Message):
    event: TopologyEvent


@dataclass
class SnapshotReady(Message):
    snapshot: Snapshot
    sequence: int
    final: bool


@dataclass
class RefreshFailed(Message):
    error: EngineError
    sequence: int


@dataclass
class RefreshDone(Message):
    sequence: int
