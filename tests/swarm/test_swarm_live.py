"""On the real 2-node swarm (scripts/swarm.sh): a 2-replica service on an attachable
overlay shows its VIP and one task on each node; a probe from one task's container to
the other by tasks.<svc> crosses the nodes; the explorer follows it all live.

This kernel has no IPVS: the VIP resolves but carries nothing (docs/engines-for-tests.md).
The probe says so; on a kernel with IPVS the same test expects the VIP to answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from textual.widgets import Checkbox, Input, Select

from netui.engine.client import Engine
from netui.engine.probes import FAIL, OK, Prober
from netui.engine.query import Query, visible_extras
from netui.engine.source import EngineSource
from netui.engine.swarm_probes import VERDICT_TASKS_ALL, VERDICT_VIP_NO_IPVS, VERDICT_VIP_OK
from netui.engine.topology import TopologyReader
from netui.ui.app import NetuiApp
from netui.ui.screens.create_network_screen import CreateNetworkScreen
from netui.ui.screens.probe_screen import ProbeScreen
from tests.helpers import screen_text, wait_for

NODES = {"swarm-node1", "swarm-node2"}


def read_until(engine: Engine, ok, timeout: float = 30.0):
    """Snapshots of one node until `ok(snapshot)` holds (tasks start, the overlay's views fill in)."""
    reader = TopologyReader(engine)
    deadline = time.monotonic() + timeout
    while True:
        snap = reader.read()
        if ok(snap) or time.monotonic() > deadline:
            return snap
        time.sleep(0.2)


def web_view(snap, nid: str, svc: str):
    sw = snap.swarm
    return next((s for s in sw.services_on(nid) if s.name == svc), None) if sw is not None else None


def both_tasks(snap, nid: str, svc: str) -> bool:
    view = web_view(snap, nid, svc)
    return view is not None and len(view.tasks) == 2 and all(t.ip for t in view.tasks) and bool(view.vip)


def test_two_replicas_show_their_vip_and_one_task_on_each_node(swarm_lab):
    nid = swarm_lab.overlay("net")
    svc = swarm_lab.service("web", nid)
    running = swarm_lab.wait_running(svc, 2)
    snap = read_until(swarm_lab.manager, lambda s: both_tasks(s, nid, svc) and all(t.state == "running" for t in web_view(s, nid, svc).tasks))
    net = snap.network_by_id[nid]
    assert net.scope == "swarm" and net.driver == "overlay" and net.attachable
    view = web_view(snap, nid, svc)
    assert view is not None and view.vip and view.endpoint_mode == "vip"
    assert {t.node for t in view.tasks} == NODES
    assert [t.local for t in sorted(view.tasks, key=lambda t: t.node)] == [True, False]  # read on node1
    assert {t.container_id for t in view.tasks} == {t["Status"]["ContainerStatus"]["ContainerID"] for t in running}
    assert view.vip not in view.task_ips
    assert {name for name, _ in snap.swarm.peers_of(nid)} == NODES
    # The worker tells the same VIP and task IPs from its own verbose view, and says what it cannot see.
    wsnap = read_until(swarm_lab.worker, lambda s: both_tasks(s, nid, svc))
    wview = web_view(wsnap, nid, svc)
    assert wview is not None and wview.vip == view.vip and set(wview.task_ips) == set(view.task_ips)
    assert "worker" in wsnap.swarm.cluster_error
    # netui dump --json on the manager holds it.
    out = subprocess.run([sys.executable, "-m", "netui", "dump", "--json", "-H", swarm_lab.swarm.node1],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    entry = next(n for n in json.loads(out.stdout)["networks"] if n["id"] == nid)
    dumped = next(s for s in entry["swarm"]["services"] if s["name"] == svc)
    assert dumped["vip"] == view.vip and {t["node"] for t in dumped["tasks"]} == NODES


def test_probe_by_tasks_name_crosses_nodes_and_the_vip_gets_an_honest_verdict(swarm_lab):
    nid = swarm_lab.overlay("probe")
    svc = swarm_lab.service("web", nid)
    swarm_lab.wait_running(svc, 2)
    for engine in (swarm_lab.manager, swarm_lab.worker):
        # The probe runs where the source task runs: through that node's engine.
        snap = read_until(engine, lambda s: both_tasks(s, nid, svc) and any(c.name.startswith(svc + ".") and c.running
                                                                            for c in s.containers))
        source = next(c for c in snap.containers if c.name.startswith(svc + ".") and c.running)
        prober = Prober(engine)
        try:
            result = prober.probe(snap, source, f"tasks.{svc}", checks=("dns", "icmp"))
            assert result.verdict == VERDICT_TASKS_ALL, result.summary
            far = [c for c in result.checks if c.kind == "icmp" and "this node" not in c.summary]
            assert len(far) == 1 and far[0].status == OK, result.summary  # the task on the other node answered
            vip = prober.probe(snap, source, f"{svc}:80", checks=("dns", "tcp"))
            dns = vip.checks[0]
            assert dns.kind == "dns" and dns.status == OK and web_view(snap, nid, svc).vip in dns.summary
            ipvs = [c for c in vip.checks if c.kind == "ipvs"]
            if ipvs and ipvs[0].status == FAIL:  # this kernel (CONFIG_IP_VS unset)
                assert vip.verdict == VERDICT_VIP_NO_IPVS, vip.summary
            else:
                assert vip.verdict == VERDICT_VIP_OK, vip.summary
            assert "unreachable" not in vip.verdict and "isolated" not in vip.verdict
        finally:
            prober.close()


async def test_explorer_on_both_nodes_follows_a_service_and_probes_across(swarm_lab):
    app = NetuiApp([EngineSource(swarm_lab.swarm.node1), EngineSource(swarm_lab.swarm.node2)])
    async with app.run_test(size=(180, 50)) as pilot:
        await wait_for(pilot, lambda: all(c.state == "live" for c in app.connections), timeout=20, what="both nodes live")
        # An attachable overlay from the create form, on the manager.
        name = swarm_lab.name("formnet")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, CreateNetworkScreen))
        form = app.screen
        form.query_one("#f-name", Input).value = name
        form.query_one("#f-driver", Select).value = "overlay"
        form.query_one("#f-attachable", Checkbox).value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, CreateNetworkScreen), timeout=15, what="the form done")
        await wait_for(pilot, lambda: name in app.snapshot.network_by_name, timeout=10, what="the overlay listed")
        net = app.snapshot.network_by_name[name]
        swarm_lab.adopt_network(net.id)
        assert net.driver == "overlay" and net.scope == "swarm" and net.attachable
        # A service made from another shell: events and ticks bring its tasks, no `r` pressed.
        svc = swarm_lab.service("web", net.id)
        await wait_for(pilot, lambda: app.explorer.networks.current_key == net.id, what="the new network highlighted")
        def far_rows() -> list[str]:
            net_now = app.snapshot.network_by_id.get(net.id)
            rows = visible_extras(app.snapshot, net_now, Query("")) if net_now is not None else ()
            return [r.key for r in rows if r.kind == "remote-task" and r.key in app.explorer.containers.keys]

        await wait_for(pilot, lambda: both_tasks(app.snapshot, net.id, svc) and far_rows(), timeout=45,
                       what="both tasks on screen, the far one beside the containers")
        vip = web_view(app.snapshot, net.id, svc).vip
        await wait_for(pilot, lambda: f"VIP {vip}" in screen_text(app) and "@swarm-node2" in screen_text(app),
                       what="the VIP in the details, the far task in the containers pane")
        # t on the far task: netui switches to the node that runs it, its container highlighted.
        app.explorer.action_focus_pane("containers")
        await pilot.pause(0.1)
        app.explorer.containers.select_key(far_rows()[0])
        await pilot.press("t")
        await wait_for(pilot, lambda: app.connection is app.connections[1], what="switched to node2")
        await wait_for(pilot, lambda: (app.explorer.containers.current_key or "") in app.snapshot.container_by_id
                       and app.snapshot.container_by_id[app.explorer.containers.current_key].name.startswith(svc + ".")
                       and app.focused is app.explorer.containers,
                       what="its container highlighted on node2", timeout=15)
        # The worker's own view of the overlay lists the task on node1 a moment after its own (gossip).
        await wait_for(pilot, lambda: both_tasks(app.snapshot, net.id, svc), timeout=20, what="node2's view of both tasks")
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ProbeScreen), what="the probe dialog")
        await wait_for(pilot, lambda: isinstance(app.screen, ProbeScreen), what="the probe dialog")
        probe = app.screen
        probe.query_one("#f-tcp", Checkbox).value = False
        probe.query_one("#f-target", Input).value = f"tasks.{svc}"
        await pilot.press("enter")
        await wait_for(pilot, lambda: probe.result is not None, timeout=60, what="the probe's result")
        assert probe.result.verdict == VERDICT_TASKS_ALL, probe.result.summary
        # Run on the worker, which has no /nodes: the manager netui also watches names the nodes.
        assert "on swarm-node1" in probe.result.summary, probe.result.summary
        await wait_for(pilot, lambda: f"tasks.{svc} →" in screen_text(app), what="the checks on screen")
        await pilot.press("escape")
