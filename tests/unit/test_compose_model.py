"""Compose grouping, names and reachability from labels alone (no engine), and the
project:/service: filter words."""

from __future__ import annotations

import time

from netui.engine import compose
from netui.engine.model import Container, Endpoint, Network, Snapshot
from netui.engine.query import Query, visible_members, visible_networks
from netui.engine.schema import to_dict
from tests.synthetic import synthetic


def net(name: str, project: str = "", key: str = "default") -> Network:
    labels = (("com.docker.compose.network", key), ("com.docker.compose.project", project)) if project else ()
    return Network(id=f"id-{name}", name=name, driver="bridge", scope="local", labels=labels)


def ctr(name: str, project: str, service: str, *nets: Network) -> Container:
    labels = (("com.docker.compose.project", project), ("com.docker.compose.service", service)) if project else ()
    cid = f"c-{name}".ljust(64, "0")
    eps = tuple(Endpoint(n.id, n.name, cid, name, ipv4="10.0.0.2", prefix_len=24, aliases=(service,) if service else ())
                for n in nets)
    return Container(id=cid, name=name, state="running", labels=labels, endpoints=eps)


def world() -> Snapshot:
    shop, blog, app = net("shop_default", "shop"), net("blog_default", "blog"), net("app_network")
    return Snapshot.build(
        [shop, blog, app],
        [ctr("shop_web_1", "shop", "web", shop, app), ctr("shop_db_1", "shop", "db", shop),
         ctr("blog_web_1", "blog", "web", blog), ctr("backend", "", "", app)],
    )


def test_projects_grouped_by_labels():
    snap = world()
    shop, blog = compose.projects(snap)[1], compose.projects(snap)[0]
    assert (blog.name, shop.name) == ("blog", "shop")
    assert shop.service_names == ("db", "web") and shop.default_network.name == "shop_default"
    assert [n.name for n in shop.joined] == ["app_network"] and shop.running == 2
    assert compose.projects(snap) is compose.projects(snap)  # once per snapshot


def test_isolation_and_the_fix():
    snap = world()
    shop = compose.project_named(snap, "shop")
    assert [(a.name, b.name) for a, b in compose.isolated_pairs(snap)] == [("blog", "shop")]
    assert [p.name for p in compose.unreachable_from(snap, shop)] == ["blog"]
    fix = compose.shared_network_fix("shop", "blog")
    assert "docker network create shared" in fix and "external: true" in fix
    lines = compose.explain_network(snap, shop.default_network)
    assert lines[0].startswith("the default network of compose project shop")
    assert any("service names resolve here" in line and "db, web" in line for line in lines)
    assert any("shares no network with blog" in line for line in lines)
    app = compose.explain_network(snap, snap.network_by_name["app_network"])
    assert app[0].startswith("not made by compose, but joined by project shop")
    web = snap.container_by_name["shop_web_1"]
    assert "on app_network: reached as web, shop_web_1" in compose.explain_container(snap, web)
    assert "it reaches the other services of shop by name: db" in compose.explain_container(snap, web)
    # blog's web joins app_network too: now every pair shares a network.
    blog_net, app_net = snap.network_by_name["blog_default"], snap.network_by_name["app_network"]
    fixed = Snapshot.build(snap.networks, [c for c in snap.containers if c.name != "blog_web_1"]
                           + [ctr("blog_web_1", "blog", "web", blog_net, app_net)])
    assert compose.isolated_pairs(fixed) == ()


def test_project_and_service_filter_words():
    snap = world()
    q = Query("project:shop")
    assert [n.name for n in visible_networks(snap, q)] == ["app_network", "shop_default"]
    app = snap.network_by_name["app_network"]
    assert [m.container.name for m in visible_members(snap, app, q)] == ["shop_web_1"]
    assert [n.name for n in visible_networks(snap, Query("service:web"))] == ["app_network", "blog_default", "shop_default"]
    assert visible_networks(snap, Query("project:sho")) == ()  # exact, not a substring
    assert [n.name for n in visible_networks(snap, Query("PROJECT:Shop db"))] == ["shop_default"]


def test_dump_lists_projects():
    data = to_dict(world())
    shop = next(p for p in data["compose_projects"] if p["name"] == "shop")
    assert shop == {"name": "shop", "services": {"db": ["shop_db_1"], "web": ["shop_web_1"]}, "networks": ["shop_default"],
                    "default_network": "shop_default", "joined_networks": ["app_network"], "unreachable_projects": ["blog"]}
    assert next(n for n in data["networks"] if n["name"] == "shop_default")["compose_network"] == "default"


def test_large_engine_stays_fast():
    snap = synthetic(networks=200, containers=2000)
    t0 = time.perf_counter()
    ps = compose.projects(snap)
    compose.isolated_pairs(snap)
    for n in snap.networks[:50]:
        compose.explain_network(snap, n)
    took = time.perf_counter() - t0
    assert ps and took < 2.0, took
