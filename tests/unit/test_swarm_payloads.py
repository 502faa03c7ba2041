"""The swarm side of the read path, on payloads recorded from the real 2-node swarm
(scripts/record_swarm.py; tests/data/swarm/node1 = the manager, node2 = the worker).

Scenario: nswrec-net (attachable overlay) with nswrec-web (2 replicas, one per node,
VIP mode, 8080 published through ingress) and nswrec-rr (2 replicas, dnsrr, 8081 in
host mode); nswrec-solo, a plain container on node2 attached to nswrec-net;
nswrec-far, one task on node2 only, on nswrec-farnet.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

from netui.engine.client import EngineError, NotFound
from netui.engine.events import TopologyEvent
from netui.engine.model import Snapshot
from netui.engine.schema import from_dict, to_dict
from netui.engine.swarm import SwarmState, Task, extra_rows
from netui.engine.swarm_reader import CONVERGE_FOR, WORKER_NOTE, SwarmReader
from netui.engine.topology import TopologyReader
from tests.unit.recorded import DATA, RecordedAPI, RecordedEngine, load

VIP = "198.19.5.2"
WEB_TASKS = {"198.19.5.3": "swarm-node1", "198.19.5.4": "swarm-node2"}


class SwarmAPI(RecordedAPI):
    """The recorded node answering the calls the swarm reader makes too."""

    def info(self) -> dict:
        self.calls.append(("info", None))
        return copy.deepcopy(load(self.kind, "info.json"))

    def _cluster(self, what: str) -> Any:
        self.calls.append((what, None))
        data = copy.deepcopy(load(self.kind, f"{what}.json"))
        if isinstance(data, dict) and data.get("status") == 503:
            raise EngineError(data["body"]["message"], kind="refused")
        return data

    def nodes(self) -> list:
        return self._cluster("nodes")

    def services(self) -> list:
        return self._cluster("services")

    def tasks(self) -> list:
        return self._cluster("tasks")

    def inspect_network(self, net_id: str, verbose: bool = False) -> dict:
        self.calls.append(("inspect_network", (net_id, verbose)))
        for path in sorted((DATA / self.kind).glob("network-*.json")):
            if path.stem.endswith("-verbose") != verbose:
                continue
            data = json.loads(path.read_text())
            if data["Id"] == net_id:
                return data
        raise NotFound(f"network {net_id} not found")


def engine(node: str) -> RecordedEngine:
    eng = RecordedEngine(f"swarm/{node}")
    eng.api = SwarmAPI(f"swarm/{node}")
    sw = load(f"swarm/{node}", "info.json")["Swarm"]
    eng.info = replace(eng.info, swarm=sw["LocalNodeState"], swarm_manager=bool(sw["ControlAvailable"]),
                       name=load(f"swarm/{node}", "info.json")["Name"])
    return eng


def read(node: str) -> tuple[Snapshot, RecordedEngine, TopologyReader]:
    eng = engine(node)
    reader = TopologyReader(eng)  # type: ignore[arg-type]
    return reader.read(), eng, reader


def net(snap: Snapshot, name: str):
    return snap.network_by_name[name]


def calls(eng: RecordedEngine, what: str) -> list:
    return [arg for name, arg in eng.api.calls if name == what]


# -- the manager ------------------------------------------------------------------------------
def test_manager_shows_each_overlay_service_with_its_vip_and_tasks_with_ip_and_node():
    snap, _, _ = read("node1")
    sw = snap.swarm
    assert sw is not None and sw.manager and sw.cluster_known and sw.hostname == "swarm-node1"
    assert [(n.name, n.role, n.addr) for n in sw.nodes] == [("swarm-node1", "manager", "198.18.0.1"),
                                                             ("swarm-node2", "worker", "198.18.0.2")]
    overlay = net(snap, "nswrec-net")
    assert overlay.scope == "swarm"
    services = {s.name: s for s in sw.services_on(overlay.id)}
    assert set(services) == {"nswrec-web", "nswrec-rr"}
    web = services["nswrec-web"]
    assert web.vip == VIP and web.endpoint_mode == "vip" and web.replicas == "2/2 running"
    assert {t.ip: t.node for t in web.tasks} == WEB_TASKS
    assert {t.ip: t.local for t in web.tasks} == {"198.19.5.3": True, "198.19.5.4": False}
    assert web.ports == ("8080 → 80/tcp (routing mesh: every node)",)
    rr = services["nswrec-rr"]
    assert rr.vip == "" and rr.endpoint_mode == "dnsrr" and len(rr.tasks) == 2
    assert rr.ports == ("8081 → 80/tcp (host mode: nodes running a task)",)
    assert sw.peers_of(overlay.id) == (("swarm-node1", "198.18.0.1"), ("swarm-node2", "198.18.0.2"))
    # The plain container attached on node2: only the verbose view knows it.
    assert [(t.name, t.ip, t.node) for t in sw.others_on(overlay.id)] == [("nswrec-solo", "198.19.5.9", "swarm-node2")]
    # The VIP on ingress is another address than on the overlay.
    ingress = net(snap, "ingress")
    assert next(s for s in sw.services_on(ingress.id) if s.name == "nswrec-web").vip == "198.19.0.10"


def test_manager_reads_the_cluster_once_and_the_verbose_view_only_where_it_says_more():
    snap, eng, _ = read("node1")
    assert len(calls(eng, "nodes")) == len(calls(eng, "services")) == len(calls(eng, "tasks")) == 1
    verbose = {snap.network_by_id[nid].name for nid, v in calls(eng, "inspect_network") if v}
    plain = {snap.network_by_id[nid].name for nid, v in calls(eng, "inspect_network") if not v}
    # nswrec-farnet has no local task on the manager: its verbose view would be nulls.
    assert verbose == {"nswrec-net", "ingress"}
    assert plain == {"docker_gwbridge"}
    # Yet its task on node2 is known, from /tasks and /nodes.
    far = net(snap, "nswrec-farnet")
    (svc,) = snap.swarm.services_on(far.id)
    assert svc.name == "nswrec-far" and [(t.ip, t.node, t.local) for t in svc.tasks] == [("198.19.6.3", "swarm-node2", False)]
    assert snap.swarm.peers_of(far.id) == (("swarm-node2", "198.18.0.2"),)
    rows = extra_rows(snap.swarm, far.id, far.name, far.scope)
    assert [(r.kind, r.name, r.node, r.ip) for r in rows] == [("remote-task", "nswrec-far.1", "swarm-node2", "198.19.6.3")]


def test_cached_between_reads_until_a_swarm_event():
    snap, eng, reader = read("node1")
    before = len(eng.api.calls)
    again, pending = reader.read_lists(changed=frozenset(), base=snap)
    assert again.swarm == snap.swarm
    assert [c for c in eng.api.calls[before:] if c[0] not in ("networks", "containers")] == []
    reader.swarm.note_event(TopologyEvent(type="service", action="update", id="x", swarm=True))
    before = len(eng.api.calls)
    reader.read_lists(changed=frozenset(), base=snap)
    asked = [c[0] for c in eng.api.calls[before:]]
    assert asked.count("tasks") == 1 and asked.count("services") == 1 and "info" not in asked
    # A full read asks /info again (promoted, demoted, left the swarm).
    before = len(eng.api.calls)
    reader.read_lists()
    assert [c[0] for c in eng.api.calls[before:]].count("info") == 1


def test_a_plain_engine_costs_no_request_more():
    eng = engine("node1")
    eng.info = replace(eng.info, swarm="inactive", swarm_manager=False)
    snap = TopologyReader(eng).read_lists()[0]  # type: ignore[arg-type]
    assert snap.swarm is None
    assert {c[0] for c in eng.api.calls} == {"networks", "containers"}


def test_manager_demoted_since_info_was_read_says_what_a_worker_sees():
    eng = engine("node2")
    eng.info = replace(eng.info, swarm_manager=True)
    eng.api.info = lambda: {**load("swarm/node2", "info.json"), "Swarm": {**load("swarm/node2", "info.json")["Swarm"],
                                                                            "ControlAvailable": True}}
    snap = TopologyReader(eng).read()  # type: ignore[arg-type]
    assert snap.swarm is not None and snap.swarm.cluster_error == WORKER_NOTE


# -- the worker --------------------------------------------------------------------------------
def test_worker_shows_what_it_sees_and_says_so():
    snap, eng, _ = read("node2")
    sw = snap.swarm
    assert sw is not None and not sw.manager and sw.cluster_error == WORKER_NOTE
    assert not calls(eng, "nodes") and not calls(eng, "services") and not calls(eng, "tasks")
    overlay = net(snap, "nswrec-net")
    web = next(s for s in sw.services_on(overlay.id) if s.name == "nswrec-web")
    assert web.vip == VIP
    # No /nodes on a worker: nodes by address; its own by its hostname.
    assert {t.ip: (t.node, t.local) for t in web.tasks} == {"198.19.5.3": ("198.18.0.1 (a manager)", False),
                                                           "198.19.5.4": ("swarm-node2", True)}
    assert [t.name for t in web.tasks] == ["nswrec-web.1", "nswrec-web.2"]
    assert sw.peers_of(overlay.id) == (("198.18.0.1 (a manager)", "198.18.0.1"), ("swarm-node2", "198.18.0.2"))
    # The worker reads the verbose view of every overlay it lists.
    verbose = {snap.network_by_id[nid].name for nid, v in calls(eng, "inspect_network") if v}
    assert verbose == {n.name for n in snap.networks if n.driver == "overlay"}


# -- endpoints that are no container ------------------------------------------------------------
def test_lb_endpoint_ingress_sandbox_and_gateway_interfaces():
    snap, _, _ = read("node1")
    sw = snap.swarm
    overlay, ingress, gw = net(snap, "nswrec-net"), net(snap, "ingress"), net(snap, "docker_gwbridge")
    kinds = {(r.kind, r.name) for r in extra_rows(sw, overlay.id, overlay.name, overlay.scope)}
    assert ("special", "lb-nswrec-net") in kinds and ("remote-task", "nswrec-web.2") in kinds
    assert ("remote-endpoint", "nswrec-solo") in kinds
    assert ("special", "ingress-sbox") in {(r.kind, r.name) for r in extra_rows(sw, ingress.id, ingress.name, ingress.scope)}
    gws = extra_rows(sw, gw.id, gw.name, gw.scope)
    web = next(c for c in snap.containers if c.name.startswith("nswrec-web."))
    assert any(r.kind == "gateway" and r.container_id == web.id and r.ip.startswith("198.18.64.") for r in gws)
    # ...which its own network list leaves out.
    assert "docker_gwbridge" not in {e.network_name for e in web.endpoints}


# -- the dump --------------------------------------------------------------------------------------
def test_dump_gains_the_swarm_and_replays_it():
    snap, _, _ = read("node1")
    data = json.loads(json.dumps(to_dict(snap)))
    entry = next(n for n in data["networks"] if n["name"] == "nswrec-net")
    web = next(s for s in entry["swarm"]["services"] if s["name"] == "nswrec-web")
    assert web["vip"] == VIP and {t["ip"]: t["node"] for t in web["tasks"]} == WEB_TASKS
    assert [p["node"] for p in entry["swarm"]["peers"]] == ["swarm-node1", "swarm-node2"]
    assert next(n for n in data["networks"] if n["name"] == "host")["swarm"] is None
    assert data["swarm"]["manager"] is True and len(data["swarm"]["nodes"]) == 2
    back = from_dict(data)
    assert back.swarm == snap.swarm
    assert to_dict(back) == data


def test_a_dump_without_swarm_still_reads():
    snap, _, _ = read("node1")
    data = json.loads(json.dumps(to_dict(snap)))
    del data["swarm"]
    for n in data["networks"]:
        del n["swarm"]
    assert from_dict(data).swarm is None


# -- events and convergence --------------------------------------------------------------------
def test_swarm_events():
    svc = TopologyEvent.from_api({"Type": "service", "Action": "update", "Actor": {"ID": "s1", "Attributes": {"name": "web"}}})
    node = TopologyEvent.from_api({"Type": "node", "Action": "update", "Actor": {"ID": "n1", "Attributes": {"name": "swarm-node2"}}})
    task = TopologyEvent.from_api({"Type": "container", "Action": "start", "Actor": {"ID": "c1", "Attributes": {
        "com.docker.swarm.task.id": "t1", "name": "web.1.t1"}}})
    plain = TopologyEvent.from_api({"Type": "container", "Action": "start", "Actor": {"ID": "c2", "Attributes": {"name": "x"}}})
    overlay = TopologyEvent.from_api({"Type": "network", "Action": "connect", "Actor": {"ID": "n", "Attributes": {
        "container": "c1", "name": "net", "type": "overlay"}}})
    assert svc and node and task and plain and overlay
    assert svc.swarm and node.swarm and task.swarm and overlay.swarm and not plain.swarm
    assert svc.rereads == () and node.rereads == ()
    assert svc.seen_in(Snapshot())
    assert TopologyEvent.from_api({"Type": "secret", "Action": "create", "Actor": {"ID": "z"}}) is None


def test_ticks_while_tasks_start_and_for_a_bounded_time():
    now = [100.0]
    eng = engine("node1")
    reader = SwarmReader(eng, clock=lambda: now[0])  # type: ignore[arg-type]
    state = reader.read([], [], full=True)
    assert state is not None and not state.converging and reader.tick() == []
    starting = replace(state, tasks=(Task(id="t", service_id="s", desired_state="running", state="preparing"),))
    assert starting.converging
    reader._store(starting, reader._events)
    ticks = reader.tick()
    assert len(ticks) == 1 and ticks[0].type == "service" and ticks[0].polled
    now[0] += CONVERGE_FOR + 1
    assert reader.tick() == []  # a task that cannot be placed does not keep netui polling


def test_state_from_nothing():
    assert SwarmState.parse({}).services_on("x") == ()
    assert SwarmState.parse({"Swarm": {"LocalNodeState": "active"}}, services=[{"bad": 1}, None], tasks=["x"]).services[0].name == ""


# -- probe targets ---------------------------------------------------------------------------------
def test_probe_targets_name_the_vip_or_the_tasks():
    from netui.engine.probes import parse_target
    from netui.engine.swarm_probes import swarm_target

    snap, _, _ = read("node1")
    src = next(c for c in snap.containers if c.name.startswith("nswrec-web."))
    vip = swarm_target(snap, src, parse_target("nswrec-web"))
    assert vip is not None and vip.vip and not vip.tasks_form and vip.network_name == "nswrec-net"  # not ingress: no names there
    tasks = swarm_target(snap, src, parse_target("tasks.nswrec-web:80"))
    assert tasks is not None and tasks.tasks_form and tasks.port == 80 and set(tasks.service.task_ips) == set(WEB_TASKS)
    rr = swarm_target(snap, src, parse_target("nswrec-rr"))
    assert rr is not None and rr.tasks_form  # dnsrr: the name gives the tasks
    by_vip = swarm_target(snap, src, parse_target(VIP))
    assert by_vip is not None and by_vip.vip and by_vip.by_ip == VIP
    far_task = swarm_target(snap, src, parse_target("198.19.5.4"))
    assert far_task is not None and far_task.tasks_form and [t.node for t in far_task.service.tasks] == ["swarm-node2"]
    assert swarm_target(snap, src, parse_target("nswrec-far")) is None  # not on a network the source is on
    assert swarm_target(snap, src, parse_target(src.name)) is None  # a container stays a container
    assert swarm_target(snap, src, parse_target("example.org")) is None


def test_details_tell_the_vip_from_the_task_ips():
    from rich.console import Console

    from netui.ui.describe import describe_container, describe_network, layout

    snap, _, _ = read("node1")
    console = Console(width=100)
    text = layout(describe_network(snap, net(snap, "nswrec-net")), 100, console).plain
    flat = " ".join(text.split())
    assert f"nswrec-web VIP {VIP}" in flat and "198.19.5.4 on swarm-node2" in flat
    assert f"nswrec-web → {VIP}: the service's virtual IP (VIP)" in flat
    assert "tasks.nswrec-web → 198.19.5.4, 198.19.5.3" in flat or "tasks.nswrec-web → 198.19.5.3, 198.19.5.4" in flat
    assert "no VIP (--endpoint-mode dnsrr)" in flat
    assert "nswrec-solo 198.19.5.9 a container attached on swarm-node2" in flat
    ingress = " ".join(layout(describe_network(snap, net(snap, "ingress")), 100, console).plain.split())
    assert "routing mesh" in ingress
    gw = " ".join(layout(describe_network(snap, net(snap, "docker_gwbridge")), 100, console).plain.split())
    assert "its eth1" in gw and "enable_icc=false" in gw
    web = next(c for c in snap.containers if c.name.startswith("nswrec-web."))
    flat = " ".join(layout(describe_container(snap, web), 100, console).plain.split())
    assert "Task nswrec-web.1" in flat and "Node swarm-node1" in flat
    assert f"its own IP 198.19.5.3 (one of tasks.nswrec-web); the service's VIP there is {VIP}" in flat


def test_a_worker_knows_a_services_target_port_from_its_ingress_view():
    from netui.engine.probes import parse_target
    from netui.engine.swarm_probes import _ports, swarm_target

    snap, _, _ = read("node2")
    src = next(c for c in snap.containers if c.name.startswith("nswrec-web."))
    st = swarm_target(snap, src, parse_target("tasks.nswrec-web"))
    assert st is not None and _ports(st, snap) == (80,)
