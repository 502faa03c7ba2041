"""Which container action applies in which state, the toggles, and the docker commands (no engine)."""

from __future__ import annotations

from netui.engine.container_specs import (
    PauseSpec,
    RemoveContainerSpec,
    StartSpec,
    StopSpec,
    UnpauseSpec,
    problem,
    spec_for,
    toggle_pause,
    toggle_running,
)
from netui.engine.model import Container, Snapshot


def test_problems_and_toggles_are_pure():
    assert problem(StopSpec, "a", "exited") == "a is not running (exited)"
    assert problem(StopSpec, "a", "paused") == ""
    assert problem(PauseSpec, "a", "created").startswith("a is not running (created)")
    assert problem(UnpauseSpec, "a", "running") == "a is not paused (running)"
    assert problem(StartSpec, "a", "created") == ""
    assert problem(RemoveContainerSpec, "a", "running") == ""
    assert toggle_running(Container("i", "a", state="paused")) is StopSpec
    assert toggle_running(Container("i", "a", state="exited")) is StartSpec
    assert toggle_pause(Container("i", "a", state="paused")) is UnpauseSpec
    assert toggle_pause(Container("i", "a", state="running")) is PauseSpec


def test_commands_and_remove_confirmation_contents():
    owner = Container("o" * 64, "owner", state="running")
    sharer = Container("s" * 64, "sharer", state="running", network_mode="container:" + "o" * 64)
    snap = Snapshot.build([], [owner, sharer])
    spec = spec_for(RemoveContainerSpec, owner, snap)
    assert spec == RemoveContainerSpec("owner", "o" * 64, force=True, confirmed_running=True, confirmed_sharers=("sharer",))
    assert spec.argv() == ["docker", "rm", "-f", "owner"]
    assert StopSpec("web", "id").argv() == ["docker", "stop", "web"]
    assert spec_for(PauseSpec, owner).argv() == ["docker", "pause", "owner"]
