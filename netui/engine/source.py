"""Where the explorer's topology comes from: a live engine, or a recorded dump.

Both offer the same blocking calls, made by the UI from worker threads.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from netui.engine.client import Engine, EngineError
from netui.engine.events import EventStream, TopologyEvent
from netui.engine.model import EngineInfo, Snapshot
from netui.engine.schema import SchemaError, from_dict
from netui.engine.topology import TopologyReader

if TYPE_CHECKING:
    from netui.engine.actions import ActionLog, Actions
    from netui.engine.probes import Prober


class Events(Protocol):
    def __iter__(self) -> Iterator[TopologyEvent]: ...
    def close(self) -> None: ...


class Source(Protocol):
    """Everything the app asks of where its topology comes from."""

    live: bool  # a live engine (events, probes), or a recording
    writable: bool  # whether actions can change anything

    @property
    def engine(self) -> Engine | None: ...  # the live engine (logs, a shell); None for a recording

    @property
    def description(self) -> str: ...
    def connect(self) -> EngineInfo: ...
    @property
    def reading_early(self) -> bool: ...  # a read was begun before connecting (read_early) and is not taken yet
    def early_snapshot(self) -> Snapshot | None: ...  # what that read gave (lists only: not final), once
    def read_lists(self, changed: Iterable[str] | None = None, base: Snapshot | None = None) -> tuple[Snapshot, tuple[str, ...]]: ...
    def complete(self, snap: Snapshot, pending: tuple[str, ...]) -> Snapshot: ...
    def open_events(self) -> Events: ...
    def forget_stream(self, stream: Events) -> None: ...
    def actions(self, *, read_only: bool, log: ActionLog) -> Actions | None: ...
    def prober(self, *, probe_image: str | None, read_only: bool) -> Prober | None: ...
    def close(self) -> None: ...


EARLY_WAIT = 3.0  # seconds the early read may take to be the first picture (the connection does not wait for it)


class EngineSource:
    """A live engine: two list calls per refresh, events for changes."""

    live = True
    writable = True

    def __init__(self, host: str | None = None, engine: Engine | None = None, *, context: str | None = None,
                 sweep: bool = True) -> None:
        """`sweep`: remove probe containers a killed netui left behind (not with --read-only:
        that promises no change to the engine at all)."""
        self.engine = engine or Engine(host, context=context)
        self.sweep = sweep
        self.reader = TopologyReader(self.engine)
        self._streams: set[Events] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.sweeper: threading.Thread | None = None
        self._early: threading.Thread | None = None
        self._early_snapshot: Snapshot | None = None
        self._early_taken = False  # early_snapshot() was called: a late early read is dropped

    @property
    def description(self) -> str:
        return self.engine.info.label

    def connect(self) -> EngineInfo:
        with self._lock:
            if self._closed:  # netui quit while this connect was on its way (e.g. behind the early read)
                raise EngineError("netui is closing", kind="closed")
        info = self.engine.connect()
        if self.sweeper is None and self.sweep:
            # Probe containers a killed netui left behind go, in the background: the
            # first paint does not wait for it.
            self.sweeper = threading.Thread(target=self._sweep_probe_leftovers, name="netui-probe-sweep", daemon=True)
            self.sweeper.start()
        return info

    def read_early(self) -> None:
        """Start reading the topology now, in a thread, before the UI is up: for a local
        engine's socket, over the standard library (netui.engine.lite), so the first
        picture needs neither docker-py's import nor its connection, which follow
        meanwhile. Only the two list calls (details, such as aliases, follow with the
        connection's first read); none for a swarm node (its extra reads need docker-py)."""
        if self._early is None and not self._early_taken:
            self._early = threading.Thread(target=self._read_early, name="netui-early-read", daemon=True)
            self._early.start()

    def _read_early(self) -> None:
        from netui.engine.lite import LiteEngine

        lite = LiteEngine(self.engine.requested_host, context=self.engine.context, timeout=self.engine.timeout)
        if lite.socket_path() is None:
            return  # tcp, tls, ssh or a named context: docker-py's, as usual
        try:
            if lite.connect().swarm == "inactive" and lite.lite:
                snap = TopologyReader(lite).read_lists()[0]
                with self._lock:
                    if not self._early_taken:
                        self._early_snapshot = snap
        except Exception:
            pass  # the connection proper says what is wrong
        finally:
            lite.close()

    @property
    def reading_early(self) -> bool:
        return self._early is not None and not self._early_taken

    def early_snapshot(self) -> Snapshot | None:
        """The snapshot read_early made (lists only: not final), once; None if there is
        none or it is not there within EARLY_WAIT seconds of being asked for (a slow
        engine: the connection's own read, made meanwhile, is the first picture)."""
        early = self._early
        if early is None or self._early_taken:
            return None
        early.join(EARLY_WAIT)
        with self._lock:
            self._early_taken = True
            snap, self._early_snapshot = self._early_snapshot, None
        return snap

    def _sweep_probe_leftovers(self) -> None:
        from netui.engine.workspace import sweep_probe_leftovers

        try:
            sweep_probe_leftovers(self.engine)
        except Exception:
            pass  # the engine went away, or refused: nothing of the user's is at stake

    def read_lists(self, changed: Iterable[str] | None = None, base: Snapshot | None = None) -> tuple[Snapshot, tuple[str, ...]]:
        return self.reader.read_lists(changed, base)

    def complete(self, snap: Snapshot, pending: tuple[str, ...]) -> Snapshot:
        return self.reader.complete(snap, pending)

    def actions(self, *, read_only: bool, log: ActionLog) -> Actions:
        from netui.engine.actions import Actions

        return Actions(self.engine, read_only=read_only, log=log)

    def prober(self, *, probe_image: str | None, read_only: bool) -> Prober:
        from netui.engine.image import LOCAL_IMAGE
        from netui.engine.probes import Prober

        return Prober(self.engine, probe_image or LOCAL_IMAGE, allow_sidecars=not read_only)

    def open_events(self) -> EventStream:
        swarm = self.reader.swarm
        stream = EventStream(self.engine, types=swarm.event_types, on_event=swarm.note_event,
                             ticker=swarm.tick if self.engine.info.swarm != "inactive" else None).open()
        with self._lock:
            closed = self._closed
            if not closed:
                self._streams.add(stream)
        if closed:
            # Opened while the app quit: nobody would close it, and its worker thread
            # would block the process's exit until the engine's next event.
            stream.close()
            raise EngineError("netui is closing")
        return stream

    def forget_stream(self, stream: Events) -> None:
        with self._lock:
            self._streams.discard(stream)

    @property
    def open_streams(self) -> int:
        with self._lock:
            return len(self._streams)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            streams, self._streams = set(self._streams), set()
        for s in streams:
            s.close()
        self.engine.close()


class _NoEvents:
    """A recorded topology never changes: iterating blocks until closed."""

    def __init__(self) -> None:
        self._closed = threading.Event()

    def __iter__(self) -> Iterator[TopologyEvent]:
        self._closed.wait()
        return iter(())

    def close(self) -> None:
        self._closed.set()


class ReplaySource:
    """A topology saved with `netui dump --json`: offline and read-only."""

    live = False
    writable = False
    engine: Engine | None = None

    def __init__(self, path: str | Path, data: Any = None) -> None:
        self.path = Path(path)
        if data is None:
            data = self._load(self.path)
            if isinstance(data, dict) and "engines" in data and "engine" not in data:
                raise EngineError(f"{self.path} holds {len(data['engines'])} engines: open it with `netui --replay` "
                                  "(one per engine) or ReplaySource.all")
        try:
            self.snapshot = from_dict(data)
        except SchemaError as exc:
            raise EngineError(f"{self.path}: {exc}") from None
        self._events: list[_NoEvents] = []

    @staticmethod
    def _load(path: Path) -> Any:
        try:
            return json.loads(path.read_text())
        except OSError as exc:
            raise EngineError(f"cannot read {path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise EngineError(f"{path} is not JSON: {exc}") from None

    @classmethod
    def all(cls, path: str | Path) -> list[ReplaySource]:
        """Every engine a dump holds: one, or each of a several-engine dump's `engines`
        (those that could not be read when it was made are left out)."""
        data = cls._load(Path(path))
        if isinstance(data, dict) and isinstance(data.get("engines"), list):
            schema = data.get("schema")
            engines = [{"schema": schema, **e} for e in data["engines"] if isinstance(e, dict) and "networks" in e]
            if not engines:
                raise EngineError(f"{path}: none of its engines could be read when it was made")
            return [cls(path, e) for e in engines]
        return [cls(path, data)]

    @property
    def description(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.snapshot.taken_at)) if self.snapshot.taken_at else "?"
        return f"replay of {self.path.name} (recorded {when} from {self.snapshot.engine.label})"

    def connect(self) -> EngineInfo:
        return self.snapshot.engine

    reading_early = False  # the recording is read when it is opened

    def early_snapshot(self) -> None:
        return None

    def read_lists(self, changed: Iterable[str] | None = None, base: Snapshot | None = None) -> tuple[Snapshot, tuple[str, ...]]:
        return self.snapshot, ()

    def complete(self, snap: Snapshot, pending: tuple[str, ...]) -> Snapshot:
        return snap

    def open_events(self) -> _NoEvents:
        ev = _NoEvents()
        self._events.append(ev)
        return ev

    def forget_stream(self, stream: Events) -> None:
        pass

    def actions(self, *, read_only: bool, log: ActionLog) -> None:
        return None  # a recording cannot be changed

    def prober(self, *, probe_image: str | None, read_only: bool) -> None:
        return None  # nor probed

    def close(self) -> None:
        for ev in self._events:
            ev.close()
