"""The write side against a real engine: what was confirmed is re-checked right before
each call, so a confirmation seconds old never removes what a container now uses."""

from __future__ import annotations

import pytest

from netui.engine.actions import ActionLog, Actions, Changed
from netui.engine.specs import PruneSpec, RemoveSpec


def names(engine, prefix: str) -> set[str]:
    return {n["Name"] for n in engine.api.networks() if n["Name"].startswith(prefix)}


def test_prune_keeps_a_network_a_container_joined_after_the_confirmation(engine, lab):
    a, b = lab.network("prune-a"), lab.network("prune-b")
    spec = PruneSpec((lab.name("prune-a"), lab.name("prune-b")), (a, b))  # what the user confirmed
    # Then, from another shell: docker create --network prune-a (not started: no endpoint yet).
    lab.container("late", lab.image, networks=[lab.name("prune-a")], start=False)
    log = ActionLog()
    result = Actions(engine, log=log).perform(spec)
    assert names(engine, lab.prefix) == {lab.name("prune-a")}
    assert result == (f"removed 1 network: {lab.name('prune-b')}; "
                      f"not removed: {lab.name('prune-a')}: {lab.name('late')} now uses it, kept")
    # The late container can still start: its network is there.
    engine.api.start(lab.containers[-1])
    assert engine.api.inspect_container(lab.containers[-1])["State"]["Running"]
    assert [(e.ok, e.command) for e in log.entries] == [
        (False, f"docker network rm {lab.name('prune-a')}"), (True, f"docker network rm {lab.name('prune-b')}")]


def test_remove_refuses_when_the_users_changed_since_the_confirmation(engine, lab):
    nid = lab.network("rm-changed")
    first = lab.container("first", lab.image, networks=[lab.name("rm-changed")])
    confirmed = RemoveSpec(lab.name("rm-changed"), (lab.name("first"),), network_id=nid)
    lab.container("second", lab.image, networks=[lab.name("rm-changed")])  # joined meanwhile
    with pytest.raises(Changed) as info:
        Actions(engine).perform(confirmed)
    assert f"{lab.name('second')} now uses it; nothing was removed" in str(info.value)
    # Nothing half-done: the first container was not disconnected either.
    assert lab.name("rm-changed") in engine.api.inspect_container(first)["NetworkSettings"]["Networks"]
    assert names(engine, lab.prefix) == {lab.name("rm-changed")}
    # Confirmed with both: done, both disconnected first.
    both = RemoveSpec(lab.name("rm-changed"), (lab.name("first"), lab.name("second")), network_id=nid)
    assert Actions(engine).perform(both) == (f"removed network {lab.name('rm-changed')} after disconnecting "
                                              f"{lab.name('first')}, {lab.name('second')}")
    assert names(engine, lab.prefix) == set()


def test_remove_of_an_empty_network_refuses_once_a_container_was_created_on_it(engine, lab):
    nid = lab.network("rm-empty")
    confirmed = RemoveSpec(lab.name("rm-empty"), network_id=nid)  # "No container uses it"
    lab.container("newcomer", lab.image, networks=[lab.name("rm-empty")], start=False)
    with pytest.raises(Changed):
        Actions(engine).perform(confirmed)
    assert names(engine, lab.prefix) == {lab.name("rm-empty")}

