"""Performing container actions (container_specs.py), registered on Actions.perform.

Right before the call the container is inspected again: it must still be the one
picked (by id), in a state the action applies to, and for a removal still what the
user confirmed (running or not, the same containers sharing its network stack).
Otherwise nothing is sent and the reason is logged and raised (Changed / NotFound).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netui.engine.client import NotFound
from netui.engine.container_specs import (
    LIVE_STATES,
    ContainerSpec,
    PauseSpec,
    RemoveContainerSpec,
    RestartSpec,
    StartSpec,
    StopSpec,
    UnpauseSpec,
    problem,
)
from netui.engine.specs import command_text

if TYPE_CHECKING:
    from netui.engine.actions import Actions


def _state(info: dict[str, Any]) -> str:
    st = info.get("State") or {}
    if isinstance(st, dict):
        if st.get("Status"):
            return str(st["Status"]).lower()
        if st.get("Paused"):
            return "paused"
        if st.get("Running"):
            return "running"
        return "exited"
    return str(st).lower()


def _sharers(actions: Actions, cid: str, name: str) -> list[str]:
    """Names of the containers (any state) whose network_mode is container:<this one>, now."""
    out = []
    for c in actions.engine.call(actions.engine.api.containers, all=True):
        mode = str((c.get("HostConfig") or {}).get("NetworkMode") or "")
        if not mode.startswith("container:"):
            continue
        ref = mode.split(":", 1)[1]
        if ref in (cid, name) or (len(ref) >= 12 and cid.startswith(ref)):
            out.append(str((c.get("Names") or ["/" + str(c.get("Id", ""))[:12]])[0]).lstrip("/"))
    return sorted(out)


def recheck(actions: Actions, spec: ContainerSpec) -> dict[str, Any]:
    """The container's inspect right before the call; raises Changed or NotFound (logged) when
    the action no longer applies to what the user picked."""
    from netui.engine.actions import Changed

    cmd = command_text(spec.argv())

    def refuse(error: Exception) -> None:
        actions.log.add(cmd, False, f"not sent: {error}")
        raise error

    try:
        info = actions.engine.call(actions.engine.api.inspect_container, spec.ref)
    except NotFound:
        again = bool(spec.container_id) and bool(
            actions.engine.call(actions.engine.api.containers, all=True, filters={"name": [f"^/{spec.container}$"]}))
        refuse(Changed(f"container {spec.container} was removed and re-created since: nothing was done", "re-created") if again
               else NotFound(f"container {spec.container} no longer exists: nothing was done"))
    name = str(info.get("Name") or "").lstrip("/") or spec.container
    if spec.container_id and info.get("Id") != spec.container_id:
        refuse(Changed(f"container {spec.container} was removed and re-created since: nothing was done"))
    state = _state(info)
    why = problem(type(spec), name, state)
    if why:
        refuse(Changed(f"{why} now: nothing was done", why))
    if isinstance(spec, RemoveContainerSpec):
        live = state in LIVE_STATES
        if live and not spec.force:
            refuse(Changed(f"{name} is {state} now, and you confirmed removing a stopped container: nothing was done",
                           f"{name} is {state} now"))
        sharers = _sharers(actions, str(info.get("Id") or spec.ref), name)
        if sharers != sorted(spec.confirmed_sharers):
            what = ", ".join(sharers) or "none"
            refuse(Changed(f"the containers sharing {name}'s network stack changed since you confirmed (now: {what}): nothing was done",
                           f"sharing its stack now: {what}"))
    return dict(info)


def perform(actions: Actions, spec: ContainerSpec) -> str:
    from netui.engine.actions import ReadOnlyError

    if actions.read_only:
        raise ReadOnlyError()
    recheck(actions, spec)
    api = actions.engine.api
    calls: dict[type, Callable[[], Any]] = {
        StopSpec: lambda: actions.engine.call(api.stop, spec.ref),
        StartSpec: lambda: actions.engine.call(api.start, spec.ref),
        RestartSpec: lambda: actions.engine.call(api.restart, spec.ref),
        PauseSpec: lambda: actions.engine.call(api.pause, spec.ref),
        UnpauseSpec: lambda: actions.engine.call(api.unpause, spec.ref),
        RemoveContainerSpec: lambda: actions.engine.call(api.remove_container, spec.ref,
                                                         force=getattr(spec, "force", False)),
    }
    call = calls.get(type(spec))
    if call is None:
        raise TypeError(f"no call for {type(spec).__name__}")

    def go() -> str:
        call()
        return f"{spec.DONE} {spec.container}"

    return actions._run(spec.argv(), go)
