"""Container actions a presenter reaches for: stop, start, restart, pause, unpause, remove.

One spec type per action (Actions.perform dispatches on the type), each with the
`docker` command it is equivalent to, and pure checks of whether it makes sense for
a container in a given state. The confirmation texts live in the UI
(netui/ui/container_dialogs.py); performing, with the re-check right before the
call, in netui/engine/container_actions.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from netui.engine.model import Container, Snapshot

# A container that has processes: stop / pause / exec act on them.
LIVE_STATES = ("running", "paused", "restarting")


@dataclass(frozen=True)
class ContainerSpec:
    """An action on one container. `container` is its name (for the command shown);
    `container_id` is what the engine is told (a name may be reused meanwhile)."""

    container: str
    container_id: str = ""

    VERB: ClassVar[str] = ""  # the docker subcommand
    DONE: ClassVar[str] = ""  # the past tense, for the result line
    WHAT: ClassVar[str] = ""  # one line: what it does, for menus and the palette

    @property
    def ref(self) -> str:
        return self.container_id or self.container

    def argv(self) -> list[str]:
        return ["docker", self.VERB, self.container or "CONTAINER"]

    def problem(self, c: Container) -> str:
        """Why this action does not apply to the container as it is now, or ''."""
        return problem(type(self), c.name, c.state)


@dataclass(frozen=True)
class StopSpec(ContainerSpec):
    VERB = "stop"
    DONE = "stopped"
    WHAT = "SIGTERM to its main process, SIGKILL after 10 s; it keeps its networks but loses its addresses"


@dataclass(frozen=True)
class StartSpec(ContainerSpec):
    VERB = "start"
    DONE = "started"
    WHAT = "run its command again; it gets addresses on its networks again (maybe other ones)"


@dataclass(frozen=True)
class RestartSpec(ContainerSpec):
    VERB = "restart"
    DONE = "restarted"
    WHAT = "stop, then start: its processes begin again"


@dataclass(frozen=True)
class PauseSpec(ContainerSpec):
    VERB = "pause"
    DONE = "paused"
    WHAT = "freeze its processes (cgroup freezer): it keeps its addresses but answers nothing"


@dataclass(frozen=True)
class UnpauseSpec(ContainerSpec):
    VERB = "unpause"
    DONE = "unpaused"
    WHAT = "let its frozen processes run on where they stopped"


@dataclass(frozen=True)
class RemoveContainerSpec(ContainerSpec):
    """`docker rm` (with -f when it runs). What the user confirmed travels with the spec:
    whether it was running, and who shared its network stack; the engine layer refuses
    when either differs right before the call."""

    force: bool = False
    confirmed_running: bool = False
    confirmed_sharers: tuple[str, ...] = ()

    VERB = "rm"
    DONE = "removed"
    WHAT = "delete it (its writable layer too); its networks and images stay"

    def argv(self) -> list[str]:
        return ["docker", "rm", *(["-f"] if self.force else []), self.container or "CONTAINER"]


CONTAINER_SPECS: tuple[type[ContainerSpec], ...] = (StopSpec, StartSpec, RestartSpec, PauseSpec, UnpauseSpec, RemoveContainerSpec)


def problem(kind: type[ContainerSpec], name: str, state: str) -> str:
    """Why `kind` does not apply to a container in `state`, in words a user can act on; '' when it does."""
    state = state or "unknown"
    if state == "removing":
        return f"{name} is being removed"
    if kind is StopSpec:
        if state not in LIVE_STATES:
            return f"{name} is not running ({state})"
    elif kind is StartSpec:
        if state == "paused":
            return f"{name} is paused, not stopped: unpause it (docker unpause {name})"
        if state in ("running", "restarting"):
            return f"{name} is already running"
        if state == "dead":
            return f"{name} is dead (the engine failed to remove it): it cannot start; remove it"
    elif kind is RestartSpec:
        if state == "dead":
            return f"{name} is dead: it cannot start again; remove it"
    elif kind is PauseSpec:
        if state == "paused":
            return f"{name} is already paused"
        if state != "running":
            return f"{name} is not running ({state}): only a running container can be paused"
    elif kind is UnpauseSpec:
        if state != "paused":
            return f"{name} is not paused ({state})"
    return ""


def spec_for(kind: type[ContainerSpec], c: Container, snapshot: Snapshot | None = None) -> ContainerSpec:
    """The spec of `kind` for this container as it is now (remove: forced when it runs,
    with its current stack sharers as what is confirmed)."""
    if kind is RemoveContainerSpec:
        sharers = tuple(sorted(s.name for s in snapshot.stack_sharers(c.id))) if snapshot is not None else ()
        live = c.state in LIVE_STATES
        return RemoveContainerSpec(c.name, c.id, force=live, confirmed_running=live, confirmed_sharers=sharers)
    return kind(c.name, c.id)


def toggle_running(c: Container) -> type[ContainerSpec]:
    """The on/off key: stop what runs (or is paused), start what does not."""
    return StopSpec if c.state in LIVE_STATES else StartSpec


def toggle_pause(c: Container) -> type[ContainerSpec]:
    """The pause key: unpause a paused container, pause anything else."""
    return UnpauseSpec if c.state == "paused" else PauseSpec
