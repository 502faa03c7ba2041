"""Container actions on a real engine: each one, its log line, and the re-check right
before the call (what the user picked is gone, changed state, or gained a stack sharer)."""

from __future__ import annotations

import pytest

from netui.engine.actions import ActionLog, Actions, Changed, ReadOnlyError
from netui.engine.client import NotFound
from netui.engine.container_specs import (
    CONTAINER_SPECS,
    PauseSpec,
    RemoveContainerSpec,
    RestartSpec,
    StartSpec,
    StopSpec,
    UnpauseSpec,
    spec_for,
)
from netui.engine.topology import TopologyReader


def state(engine, cid: str) -> str:
    return engine.api.inspect_container(cid)["State"]["Status"]


def test_every_action_in_turn(engine, lab):
    cid = lab.container("subject", lab.image)
    name = lab.name("subject")
    log = ActionLog()
    actions = Actions(engine, log=log)
    started_at = engine.api.inspect_container(cid)["State"]["StartedAt"]
    assert actions.perform(PauseSpec(name, cid)) == f"paused {name}"
    assert state(engine, cid) == "paused"
    assert actions.perform(UnpauseSpec(name, cid)) == f"unpaused {name}"
    assert state(engine, cid) == "running"
    assert actions.perform(RestartSpec(name, cid)) == f"restarted {name}"
    assert state(engine, cid) == "running" and engine.api.inspect_container(cid)["State"]["StartedAt"] != started_at
    assert actions.perform(StopSpec(name, cid)) == f"stopped {name}"
    assert state(engine, cid) == "exited"
    assert actions.perform(StartSpec(name, cid)) == f"started {name}"
    assert state(engine, cid) == "running"
    snap = TopologyReader(engine).read()
    spec = spec_for(RemoveContainerSpec, snap.container_by_id[cid], snap)
    assert spec.force and spec.argv() == ["docker", "rm", "-f", name]
    assert actions.perform(spec) == f"removed {name}"
    assert not engine.api.containers(all=True, filters={"id": cid})
    assert [(e.ok, e.command) for e in log.entries] == [
        (True, f"docker pause {name}"), (True, f"docker unpause {name}"), (True, f"docker restart {name}"),
        (True, f"docker stop {name}"), (True, f"docker start {name}"), (True, f"docker rm -f {name}")]


def test_a_stopped_container_is_removed_without_force(engine, lab):
    cid = lab.container("stopped", lab.image, start=False)
    snap = TopologyReader(engine).read()
    spec = spec_for(RemoveContainerSpec, snap.container_by_id[cid], snap)
    assert not spec.force and spec.argv() == ["docker", "rm", lab.name("stopped")]
    Actions(engine).perform(spec)
    assert not engine.api.containers(all=True, filters={"id": cid})


def test_removed_before_the_call_sends_nothing(engine, lab):
    cid = lab.container("gone", lab.image)
    name = lab.name("gone")
    engine.api.remove_container(cid, force=True)  # from another shell, while the dialog was open
    log = ActionLog()
    for kind in CONTAINER_SPECS:
        with pytest.raises(NotFound, match="no longer exists"):
            Actions(engine, log=log).perform(kind(name, cid))
    assert all(not e.ok and e.result.startswith("not sent:") for e in log.entries)


def test_recreated_under_the_same_name_is_not_acted_on(engine, lab):
    old = lab.container("again", lab.image)
    engine.api.remove_container(old, force=True)
    new = lab.container("again", lab.image)
    with pytest.raises(Changed, match="re-created"):
        Actions(engine).perform(StopSpec(lab.name("again"), old))
    assert state(engine, new) == "running"


def test_state_changed_since_the_confirmation(engine, lab):
    cid = lab.container("moody", lab.image)
    name = lab.name("moody")
    engine.api.pause(cid)
    with pytest.raises(Changed, match="is already paused"):
        Actions(engine).perform(PauseSpec(name, cid))
    with pytest.raises(Changed, match="is paused, not stopped"):
        Actions(engine).perform(StartSpec(name, cid))
    # Confirmed "remove the stopped container" (no -f), but it runs now: refused, still there.
    engine.api.unpause(cid)
    with pytest.raises(Changed, match="you confirmed removing a stopped container"):
        Actions(engine).perform(RemoveContainerSpec(name, cid, force=False))
    assert state(engine, cid) == "running"


def test_remove_refuses_when_a_stack_sharer_appeared(engine, lab):
    owner = lab.container("owner", lab.image)
    snap = TopologyReader(engine).read()
    confirmed = spec_for(RemoveContainerSpec, snap.container_by_id[owner], snap)
    assert confirmed.confirmed_sharers == ()
    lab.container("sharer", lab.image, network_mode=f"container:{owner}")
    with pytest.raises(Changed, match=f"now: {lab.name('sharer')}"):
        Actions(engine).perform(confirmed)
    assert state(engine, owner) == "running"
    snap = TopologyReader(engine).read()
    again = spec_for(RemoveContainerSpec, snap.container_by_id[owner], snap)
    assert again.confirmed_sharers == (lab.name("sharer"),)


def test_read_only_refuses_everything(engine, lab):
    cid = lab.container("ro", lab.image)
    for kind in CONTAINER_SPECS:
        with pytest.raises(ReadOnlyError):
            Actions(engine, read_only=True).perform(kind(lab.name("ro"), cid))
    assert state(engine, cid) == "running"
