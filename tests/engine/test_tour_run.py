"""The tour's writes on the real engine: a host port that is taken falls back to one the
engine picks (said in the result), a container that is not the tour's is never acted on
(re-checked right before the call), and cleaning up goes on past a failure."""

from __future__ import annotations

import socket

import pytest

from netui.engine.actions import Actions, Changed
from netui.engine.container_specs import RemoveContainerSpec
from netui.engine.specs import ConnectSpec, RunSpec
from netui.engine.tour_run import perform
from netui.engine.tour_steps import Todo, World
from tests.conftest import TEST_LABEL

pytestmark = pytest.mark.engine


def test_a_taken_host_port_falls_back_to_one_the_engine_picks(engine, lab, image):
    world = World(prefix=lab.prefix, label=TEST_LABEL)
    net = lab.network("app")
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("0.0.0.0", 0))
    holder.listen(1)
    taken = holder.getsockname()[1]
    try:
        spec = RunSpec(lab.name("app"), image=image, name=lab.name("web"), command="httpd -f -h /var/www -p 3000",
                       publish=f"{taken}:3000", labels=f"{TEST_LABEL}=1", network_id=net)
        actions = Actions(engine)
        [line] = perform(actions, world, [Todo("run web", spec)])
    finally:
        holder.close()
    assert f"host port {taken} is taken: the engine picked a free one" in line
    ports = engine.api.inspect_container(lab.name("web"))["NetworkSettings"]["Ports"]["3000/tcp"]
    assert ports and all(int(p["HostPort"]) != taken for p in ports)
    assert engine.api.inspect_container(lab.name("web"))["Config"]["Labels"][TEST_LABEL] == "1"
    # Both attempts are in the action log, as docker commands.
    commands = [e.command for e in actions.log.entries]
    assert any(f"-p {taken}:3000" in c for c in commands) and any(" -p 3000 " in c for c in commands)


def test_what_is_not_the_tours_is_never_acted_on(engine, lab, image):
    world = World(prefix=lab.prefix, label="netui.tour-other")  # the lab's containers carry netui.test only
    lab.network("net")
    lab.container("c1", image, networks=[lab.name("net")])
    lab.network("other")
    actions = Actions(engine)
    with pytest.raises(Changed, match="not the tour's"):
        perform(actions, world, [Todo("connect", ConnectSpec(lab.name("other"), lab.name("c1")))])
    assert list(engine.api.inspect_container(lab.name("c1"))["NetworkSettings"]["Networks"]) == [lab.name("net")]
    with pytest.raises(Changed):
        perform(actions, world, [Todo("run", RunSpec(lab.name("net"), image=image, name=lab.name("c1")))])


def test_cleaning_up_goes_on_past_a_failure(engine, lab, image):
    world = World(prefix=lab.prefix, label=TEST_LABEL)
    lab.network("net")
    cid = lab.container("c1", image, networks=[lab.name("net")])
    todo = [Todo("remove gone", RemoveContainerSpec(lab.name("gone"), "0" * 64, force=True)),
            Todo("remove c1", RemoveContainerSpec(lab.name("c1"), cid, force=True, confirmed_running=True))]
    lines = perform(Actions(engine), world, todo, keep_going=True)
    assert lines[0].startswith(f"not done: docker rm -f {lab.name('gone')}") and lines[1] == f"removed {lab.name('c1')}"
    assert engine.api.containers(all=True, filters={"id": [cid]}) == []
