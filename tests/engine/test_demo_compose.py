"""The demo world's compose project, brought up under a test's own project name, external
network and label (the real demo may be up on this engine: it is never touched)."""

from __future__ import annotations

from netui.engine import compose, demo
from netui.engine.topology import TopologyReader
from tests.composelab import compose_tool
from tests.conftest import TEST_LABEL


def test_demo_compose_project_up_and_down(engine, lab):
    compose_tool()  # fails (never skips) under NETUI_REQUIRE_ENGINE when compose is missing
    project = lab.name("webapp")
    lab.network("app")
    app_net = lab.name("app")
    try:
        lines = list(demo.compose_up(engine, lab.image, project=project, app_network=app_net, label=TEST_LABEL))
        assert lines[-1].startswith(f"compose project {project} is up")
        snap = TopologyReader(engine).read()
        p = compose.project_named(snap, project)
        assert p.service_names == ("db", "web") and p.running == 2
        assert p.default_network.name == f"{project}_default" and [n.name for n in p.joined] == [app_net]
        web = next(c for c in p.containers if c.compose_service == "web")
        db = next(c for c in p.containers if c.compose_service == "db")
        assert {n.name for n in snap.networks_of(web)} == {f"{project}_default", app_net}
        assert {n.name for n in snap.networks_of(db)} == {f"{project}_default"}
        # On the demo's app_network, web answers to its service name.
        assert "web" in compose.service_dns_names(snap, web, snap.network_by_name[app_net])
        assert all(dict(c.labels).get(TEST_LABEL) == "1" for c in p.containers)
        # Up again: idempotent.
        list(demo.compose_up(engine, lab.image, project=project, app_network=app_net, label=TEST_LABEL))
        assert {c["Id"] for c in engine.api.containers(filters={"label": f"com.docker.compose.project={project}"})} == \
            {web.id, db.id}
    finally:
        removed = demo.compose_down(engine, project=project, label=TEST_LABEL)
    assert sorted(r.split()[0] for r in removed) == ["container", "container", "network"]
    assert not engine.api.containers(all=True, filters={"label": f"com.docker.compose.project={project}"})
    assert engine.api.networks(names=[app_net])  # the external network is not the project's to remove
