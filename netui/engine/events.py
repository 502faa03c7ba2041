"""The engine's event stream, reduced to what changes the network topology.

Podman's compat API differs from Docker's here: its network connect/disconnect
events name the container and not the network (containers/podman#21311), it sends
no network create/remove events (#24032), and a removed container's event is
"remove" where Docker says "destroy". An event says what must be read again
(`TopologyEvent.rereads`): a container, or everything. On Podman the stream also
lists the networks every NETWORK_POLL seconds (one request) and reports the
networks that appeared or went as create/destroy events of its own.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from netui.engine.client import Engine, close_quietly

if TYPE_CHECKING:
    from netui.engine.model import Snapshot

# Container actions that change what the explorer shows (state, endpoints, ports,
# name). exec_*, attach, resize, top, archive and the like do not.
# Podman: "remove" for destroy; "cleanup" when a stopped container's network is torn down.
CONTAINER_ACTIONS = frozenset(
    {"create", "start", "restart", "die", "stop", "kill", "destroy", "remove", "cleanup", "rename", "pause", "unpause",
     "update", "health_status", "oom"}
)
NETWORK_ACTIONS = frozenset({"create", "connect", "disconnect", "destroy", "remove", "update", "prune"})
# Swarm (a manager only): a service or node created, changed or removed. They name no
# container: they make the next read ask the cluster again (netui.engine.swarm_reader).
SWARM_ACTIONS = frozenset({"create", "update", "remove"})
SWARM_TYPES = ("service", "node")
NETWORK_POLL = 2.0  # seconds between network lists where the engine sends no network create/remove events


@dataclass(frozen=True)
class TopologyEvent:
    type: str  # network | container
    action: str
    id: str
    name: str = ""
    time_nano: int = 0
    container: str = ""  # network connect/disconnect: the container's id
    polled: bool = False  # not sent by the engine: seen by listing its networks (Podman), or a swarm convergence tick
    swarm: bool = False  # about swarm: a service or node, a task's container, an overlay network

    @property
    def subject(self) -> tuple[str, str, str]:
        """What the event is about; a later event on the same subject supersedes it."""
        return (self.type, self.id, self.container)

    @property
    def network_known(self) -> bool:
        """False for a network event that does not say which network (Podman's connect
        and disconnect): only the container named can be read again."""
        return self.type != "network" or bool(self.id)

    @property
    def rereads(self) -> tuple[str, ...] | None:
        """The containers a refresh must read again for this event, or None for
        everything. Networks are listed whole by every read, so a network's own
        events (create, remove) need no container: ()."""
        if self.type == "container":
            return (self.id,) if self.id else None
        if self.action in ("connect", "disconnect"):
            return (self.container,) if self.container else None
        return ()

    def seen_in(self, snap: Snapshot) -> bool:
        """Whether a snapshot already shows this event's change. The engine announces
        some changes a moment before its list calls report them."""
        if self.type in SWARM_TYPES:
            return True  # the read after it asks the cluster again; nothing more to wait for
        if self.type == "network":
            if self.action == "create":
                return self.id in snap.network_by_id
            if self.action in ("destroy", "remove"):
                return self.id not in snap.network_by_id
            if not self.id:
                return True  # which network is not said: the container's read is all there is
            c = snap.container_by_id.get(self.container)
            if self.action == "connect":
                return c is not None and c.endpoint_on(self.id) is not None
            if self.action == "disconnect":
                return c is None or c.endpoint_on(self.id) is None
            return True
        c = snap.container_by_id.get(self.id)
        if self.action in ("destroy", "remove"):
            return c is None
        if self.action == "create":
            return c is not None
        if self.action in ("start", "restart", "unpause"):
            return c is not None and c.state in ("running", "exited", "dead")  # it may have exited already
        if self.action in ("die", "stop", "cleanup"):
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
        allowed = (CONTAINER_ACTIONS if etype == "container" else NETWORK_ACTIONS if etype == "network"
                   else SWARM_ACTIONS if etype in SWARM_TYPES else ())
        if action not in allowed:
            return None
        actor: dict[str, Any] = raw["Actor"] if isinstance(raw.get("Actor"), dict) else {}
        attrs: dict[str, Any] = actor["Attributes"] if isinstance(actor.get("Attributes"), dict) else {}
        actor_id = str(actor.get("ID") or raw.get("id") or "")
        swarm = (etype in SWARM_TYPES or "com.docker.swarm.task.id" in attrs or attrs.get("type") == "overlay"
                 or (etype == "network" and attrs.get("name") in ("ingress", "docker_gwbridge")))
        if etype == "network" and action in ("connect", "disconnect") and "container" not in attrs and (
            "podId" in attrs or "containerExitCode" in attrs
        ):
            # Podman: the actor is the container, "name" its name; the network is not said.
            return cls(type=etype, action=action, id="", time_nano=int(raw.get("timeNano") or 0), container=actor_id)
        return cls(
            type=etype,
            action=action,
            id=actor_id,
            name=str(attrs.get("name") or ""),
            time_nano=int(raw.get("timeNano") or 0),
            container=str(attrs.get("container") or "") if etype == "network" else "",
            swarm=swarm,
        )


_END = object()


class EventStream:
    """A subscription to the engine's network and container events.

    Opening subscribes (one request); iterating blocks until the next relevant
    event and ends when the engine goes away. `close` may be called from any
    thread and unblocks the iterator.

    `poll_networks` (seconds; default NETWORK_POLL on Podman, 0 elsewhere): also
    list the networks that often and report the ones that appeared or went, for
    an engine that sends no network create/remove events.

    `types`: the event types subscribed to (a swarm manager adds service and node).
    `ticker`: called every `tick` seconds; the events it returns are reported as if
    the engine had sent them (swarm: a tick while tasks are still starting).
    `on_event`: called with each event before it is reported.
    """

    def __init__(self, engine: Engine, *, poll_networks: float | None = None,
                 types: tuple[str, ...] = ("network", "container"),
                 ticker: Callable[[], Iterable[TopologyEvent]] | None = None, tick: float = 1.0,
                 on_event: Callable[[TopologyEvent], None] | None = None) -> None:
        self.engine = engine
        self.types = types
        self.ticker = ticker
        self.tick = tick
        self.on_event = on_event
        self._stream: Any = None
        self._closed = threading.Event()
        if poll_networks is None:
            poll_networks = NETWORK_POLL if engine.info.is_podman else 0.0
        self.poll_networks = poll_networks
        self._queue: queue.Queue[Any] | None = None
        self._known: dict[str, str] = {}

    def open(self) -> EventStream:
        if self._closed.is_set():
            return self  # closed for good: iterating it ends at once, nothing is opened again
        self._stream = self.engine.call(
            self.engine.api.events, decode=True, filters={"type": list(self.types)}
        )
        if self._closed.is_set():  # closed while the request was on its way
            stream, self._stream = self._stream, None
            close_quietly(stream)
            return self
        if self.poll_networks > 0 or self.ticker is not None:
            if self.poll_networks > 0:
                try:
                    self._known = self._list_networks()  # before the caller's first read
                except Exception:
                    self.close()
                    raise
            self._queue = queue.Queue()
            threading.Thread(target=self._pump, name="netui-events", daemon=True).start()
            if self.poll_networks > 0:
                threading.Thread(target=self._poll, name="netui-network-poll", daemon=True).start()
            if self.ticker is not None:
                threading.Thread(target=self._tick, name="netui-event-tick", daemon=True).start()
        return self

    def _tick(self) -> None:
        assert self._queue is not None and self.ticker is not None
        while not self._closed.wait(self.tick):
            try:
                for ev in self.ticker():
                    self._queue.put(ev)
            except Exception:
                continue  # a ticker's trouble is no reason to end the stream

    def _list_networks(self) -> dict[str, str]:
        raw = self.engine.call(self.engine.api.networks)
        return {str(n.get("Id") or n.get("Name") or ""): str(n.get("Name") or "") for n in raw or () if isinstance(n, dict)}

    def _events(self) -> Iterator[TopologyEvent]:
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

    def _pump(self) -> None:
        assert self._queue is not None
        try:
            for ev in self._events():
                self._queue.put(ev)
        finally:
            self._queue.put(_END)

    def _poll(self) -> None:
        assert self._queue is not None
        while not self._closed.wait(self.poll_networks):
            try:
                now = self._list_networks()
            except Exception:
                self._queue.put(_END)  # the engine went away: end like the stream does
                return
            for nid, name in now.items():
                if nid not in self._known:
                    self._queue.put(TopologyEvent(type="network", action="create", id=nid, name=name, polled=True))
            for nid, name in self._known.items():
                if nid not in now:
                    self._queue.put(TopologyEvent(type="network", action="destroy", id=nid, name=name, polled=True))
            self._known = now

    def __iter__(self) -> Iterator[TopologyEvent]:
        if self._closed.is_set():
            return
        if self._stream is None:
            self.open()
        if self._queue is None:
            for ev in self._events():
                if self.on_event is not None:
                    self.on_event(ev)
                yield ev
            return
        while not self._closed.is_set():
            item = self._queue.get()
            if item is _END or self._closed.is_set():
                return
            if self.on_event is not None:
                self.on_event(item)
            yield item

    def close(self) -> None:
        self._closed.set()
        stream, self._stream = self._stream, None
        close_quietly(stream)
        if self._queue is not None:
            self._queue.put(_END)
