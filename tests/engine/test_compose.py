"""Compose on a real engine: `docker-compose up` of tests/data/compose, grouped by project
from the labels compose sets; two projects that share no network cannot reach each other
(checked with a real ping), and the fix, a shared network, makes them reachable; the dump
carries project and service for each container."""

from __future__ import annotations

import json
import subprocess
import sys

from netui.engine import compose
from netui.engine.topology import TopologyReader


def ping(engine, cid: str, ip: str) -> int:
    ex = engine.api.exec_create(cid, ["ping", "-c", "1", "-W", "1", ip])
    engine.api.exec_start(ex["Id"])
    return engine.api.exec_inspect(ex["Id"])["ExitCode"]


def test_projects_grouped_isolated_and_fixed(engine, lab, compose_lab):
    a = compose_lab.up("shop")
    b = compose_lab.up("blog")
    snap = TopologyReader(engine).read()
    pa, pb = compose.project_named(snap, a), compose.project_named(snap, b)
    assert pa.service_names == ("db", "web") and pb.service_names == ("db", "web")
    assert pa.default_network.name == f"{a}_default" and pa.running == 2 and pa.joined == ()
    web = next(c for c in pa.containers if c.compose_service == "web")
    # The service name is a DNS name on the project's network.
    assert "web" in compose.service_dns_names(snap, web, pa.default_network)
    assert any("reached as web" in line for line in compose.explain_container(snap, web))
    # Two projects, two default networks: no path between them, and the engine agrees.
    assert {(x.name, y.name) for x, y in compose.isolated_pairs(snap)} >= {(b, a)}
    assert [q.name for q in compose.unreachable_from(snap, pa) if q.name.startswith(lab.prefix)] == [b]  # others may run here
    web_b = next(c for c in pb.containers if c.compose_service == "web")
    ip_a = web.endpoint_on(pa.default_network.id).ipv4
    assert ping(engine, web_b.id, ip_a) != 0
    assert any("shares no network with" in line for line in compose.explain_network(snap, pa.default_network))
    # The fix: a shared network both join.
    lab.network("shared")
    engine.api.connect_container_to_network(web.id, lab.name("shared"))
    engine.api.connect_container_to_network(web_b.id, lab.name("shared"))
    snap = TopologyReader(engine).read()
    pa = compose.project_named(snap, a)
    assert [q.name for q in compose.unreachable_from(snap, pa) if q.name.startswith(lab.prefix)] == []
    assert [n.name for n in compose.shared_networks(snap, pa, compose.project_named(snap, b))] == [lab.name("shared")]
    assert [n.name for n in pa.joined] == [lab.name("shared")]
    shared = snap.network_by_name[lab.name("shared")]
    ip_a = snap.container_by_id[web.id].endpoint_on(shared.id).ipv4
    assert ping(engine, web_b.id, ip_a) == 0
    engine.api.disconnect_container_from_network(web.id, lab.name("shared"), force=True)
    engine.api.disconnect_container_from_network(web_b.id, lab.name("shared"), force=True)


def test_dump_carries_project_and_service_for_each_container(engine, lab, compose_lab):
    a = compose_lab.up("dumped")
    proc = subprocess.run([sys.executable, "-m", "netui", "dump", "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    ours = [c for c in data["containers"] if c["compose_project"] == a]
    assert sorted(c["compose_service"] for c in ours) == ["db", "web"]
    for c in data["containers"]:
        assert "compose_project" in c and "compose_service" in c
    net = next(n for n in data["networks"] if n["name"] == f"{a}_default")
    assert net["compose_project"] == a and net["compose_network"] == "default"
    project = next(p for p in data["compose_projects"] if p["name"] == a)
    assert project["default_network"] == f"{a}_default" and set(project["services"]) == {"db", "web"}
    assert project["networks"] == [f"{a}_default"] and project["joined_networks"] == []


def test_down_removes_what_up_made(engine, lab, compose_lab):
    a = compose_lab.up("brief")
    assert len(engine.api.containers(filters={"label": f"com.docker.compose.project={a}"})) == 2
    compose_lab.down(a)
    assert not engine.api.containers(all=True, filters={"label": f"com.docker.compose.project={a}"})
    assert not engine.api.networks(filters={"name": f"{a}_default"})
