"""The engine's event stream, reduced to what changes the network topology."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netui.engine.client import Engine

if TYPE_CHECKING:
    from netui.engine.model import Snapshot

# Container actions that change what the explorer shows (state, endpoints, ports,
# name). exec_*, attach, resize, top, archive and the like do not.
CONTAINER_ACTIONS = frozenset(
    {"create", "start", "restart", "die", "stop", "kill", "destroy", "rename", "pause", "unpause", "update", "health_status", "oom"}
)
NETWORK_ACTIONS = frozenset({"create", "connect", "disconnect", "destroy", "remove", "update", "prune"})


@dataclass(frozen=True)
class TopologyEvent:
    type: str  # network | container
    action: str
    id: str
    name: str = ""
    time_nano: int = 0
    container: str = ""  # network connect/disconnect: the container's id

    @property
    def subject(self) -> tuple[str, str, str]:
        """What the event is about; a later event on the same subject supersedes it."""
        return (self.type, self.id, self.container)

    def seen_in(self, snap: Snapshot) -> bool:
        """Whether a snapshot already shows this event's change. The engine announces
        some changes a moment before its list calls report them."""
        if self.type == "network":
            if self.action == "create":
                return self.id in snap.network_by_id
            if self.action in ("destroy", "remove"):
                return self.id not in snap.network_by_id
            c = snap.container_by_id.get(self.container)
            if self.action == "connect":
                return c is not None and c.endpoint_on(self.id) is not None
            if self.action == "disconnect":
                return c is None or c.endpoint_on(self.id) is None
            return True
        c = snap.container_by_id.get(self.id)
        if self.action == "destroy":
            return c is None
        if self.action == "create":
            return c is not None
        if self.action in ("start", "restart", "unpause"):
            return c is not None and c.state in ("running", "exited", "dead")  # it may have exited already
        if self.action in ("die", "stop"):
            return c is None or c.state != "running"
        if self.action == "pause":
            return c is None or c.state != "running"
        if self.action == "rename":
            return c is None or c.name == self.name
        return True

    @classmethod
    def from_api(cls, raw: Any) -> TopologyEvent | None:
        """The event if it changes the topology, else None."""
        if not isinstance(raw, dict):
            return None
        etype = str(raw.get("Type") or raw.get("type") or "")
        action = str(raw.get("Action") or raw.get("status") or "").split(":", 1)[0].strip()
        allowed = CONTAINER_ACTIONS if etype == "container" else NETWORK_ACTIONS if etype == "network" else ()
        if action not in allowed:
            return None
        actor = raw.get("Actor") if isinstance(raw.get("Actor"), dict) else {}
        attrs = actor.get("Attributes") if isinstance(actor.get("Attributes"), dict) else {}
        return cls(
            type=etype,
            action=action,
            id=str(actor.get("ID") or raw.get("id") or ""),
            name=str(attrs.get("name") or ""),
            time_nano=int(raw.get("timeNano") or 0),
            container=str(attrs.get("container") or "") if etype == "network" else "",
        )


class EventStream:
    """A subscription to the engine's network and container events.

    Opening subscribes (one request); iterating blocks until the next relevant
    event and ends when the engine goes away. `close` may be called from any
    thread and unblocks the iterator.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._stream: Any = None
        self._closed = threading.Event()

    def open(self) -> EventStream:
        self._stream = self.engine.call(
            self.engine.api.events, decode=True, filters={"type": ["network", "container"]}
        )
        return self

    def __iter__(self) -> Iterator[TopologyEvent]:
        if self._stream is None:
            self.open()
        try:
            for raw in self._stream:
                if self._closed.is_set():
                    return
                ev = TopologyEvent.from_api(raw)
                if ev is not None:
                    yield ev
        except Exception:
            # A broken stream ends like a closed one: the caller reconnects.
            return

    def close(self) -> None:
        self._closed.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except Exception:
                pass
