"""The explorer on the recorded swarm (tests/data/swarm): what a manager and a worker
show, through a replay of the dump netui makes from the recorded payloads."""

from __future__ import annotations

import json

from netui.engine.query import Query, visible_extras
from netui.engine.schema import to_dict
from netui.engine.source import ReplaySource
from netui.engine.topology import TopologyReader
from netui.ui.app import NetuiApp
from tests.helpers import screen_text, select_network, wait_for
from tests.unit.test_swarm_payloads import engine


def replay(tmp_path, node: str) -> NetuiApp:
    snap = TopologyReader(engine(node)).read()  # type: ignore[arg-type]
    path = tmp_path / f"{node}.json"
    path.write_text(json.dumps(to_dict(snap)))
    return NetuiApp(ReplaySource(path))


async def test_manager_overlay_details_and_the_far_task(tmp_path):
    app = replay(tmp_path, "node1")
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_for(pilot, lambda: app.snapshot is not None)
        net = app.snapshot.network_by_name["nswrec-net"]
        await select_network(pilot, net.id)
        await wait_for(pilot, lambda: "Names: the VIP or the tasks" in screen_text(app), what="the swarm details")
        text = screen_text(app)
        assert "nswrec-web  VIP 198.19.5.2  2/2 running" in text
        assert "2 svc" in text and "+2 elsewhere" in text  # the networks pane's flags: a web and an rr task on node2
        keys = app.explorer.containers.keys
        far = [k for k in keys if k.startswith("task:")]
        assert len(far) == 2 and any(k.startswith("ep:nswrec-solo") for k in keys) and "sb:lb-nswrec-net" in keys
        assert "@swarm-node2" in text and "+ 3 on other nodes" in text
        app.explorer.action_focus_pane("containers")
        await pilot.pause(0.1)
        rows = visible_extras(app.snapshot, net, Query(""))
        app.explorer.containers.select_key(next(r.key for r in rows if r.name == "nswrec-web.2"))
        await wait_for(pilot, lambda: "Task details" in screen_text(app), what="the far task's details")
        text = screen_text(app)
        assert "It runs on swarm-node2, not on this engine" in text and "198.19.5.4" in text
        # The filter finds what runs on a node.
        await pilot.press("slash", *"swarm-node2", "enter")
        await wait_for(pilot, lambda: all(k.startswith(("task:", "ep:")) for k in app.explorer.containers.keys)
                       and app.explorer.containers.keys, what="only node2's rows")


async def test_worker_says_what_it_cannot_see(tmp_path):
    app = replay(tmp_path, "node2")
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_for(pilot, lambda: app.snapshot is not None)
        await select_network(pilot, app.snapshot.network_by_name["nswrec-net"].id)
        await wait_for(pilot, lambda: "this node is a swarm worker" in " ".join(screen_text(app).split()), what="the worker note")
        assert "198.18.0.1 (a manager)" in screen_text(app)


async def test_gwbridge_lists_the_gateway_interfaces(tmp_path):
    app = replay(tmp_path, "node1")
    async with app.run_test(size=(200, 60)) as pilot:
        await wait_for(pilot, lambda: app.snapshot is not None)
        gw = app.snapshot.network_by_name["docker_gwbridge"]
        await select_network(pilot, gw.id)
        await wait_for(pilot, lambda: "Gateway interfaces" in screen_text(app), what="the gateway interfaces")
        web = next(c for c in app.snapshot.containers if c.name.startswith("nswrec-web."))
        assert f"gw:{web.id}" in app.explorer.containers.keys
        app.explorer.action_focus_pane("containers")
        await pilot.pause(0.1)
        app.explorer.containers.select_key(f"gw:{web.id}")
        await wait_for(pilot, lambda: "Container details" in screen_text(app), what="its container's details")
        assert "Way out" in screen_text(app)
