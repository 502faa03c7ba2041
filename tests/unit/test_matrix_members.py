"""Who a matrix lists and who a probe is offered: one rule, no engine needed.

netui's own probe containers are never members, targets or rows; a container
sharing another's stack (network_mode container:<x>) is x's endpoint, not a
second one; paused members are listed with a note, the others left out with why.
"""

from __future__ import annotations

from netui.engine.matrix_plan import matrix_members
from netui.engine.model import Container, Network, Snapshot
from netui.engine.probe_plan import probe_targets

APP = Network.from_api({"Name": "app", "Id": "net-app", "Driver": "bridge", "Scope": "local",
                        "IPAM": {"Config": [{"Subnet": "10.9.0.0/24"}]}})
OTHER = Network.from_api({"Name": "other", "Id": "net-other", "Driver": "bridge", "Scope": "local",
                          "IPAM": {"Config": [{"Subnet": "10.8.0.0/24"}]}})


def ctr(name: str, state: str = "running", *, ip: str = "", net: Network = APP, mode: str = "",
        labels: dict | None = None) -> Container:
    nets = {} if mode else {net.name: {"NetworkID": net.id, "IPAddress": ip, "Aliases": [name]}}
    return Container.from_api({
        "Id": f"id-{name}".ljust(64, "0"), "Names": [f"/{name}"], "State": state,
        "Labels": labels or {}, "HostConfig": {"NetworkMode": mode or net.name},
        "NetworkSettings": {"Networks": nets},
    })


def world() -> tuple[Snapshot, dict[str, Container]]:
    cs = {
        "web": ctr("web", ip="10.9.0.2"),
        "db": ctr("db", ip="10.9.0.3"),
        "frozen": ctr("frozen", "paused", ip="10.9.0.4"),
        "old": ctr("old", "exited"),
        "new": ctr("new", "created"),
        "far": ctr("far", ip="10.8.0.2", net=OTHER),
    }
    web_id = cs["web"].id
    # Shares web's stack: web's endpoint, not a second one.
    cs["side"] = ctr("side", mode=f"container:{web_id}")
    # netui's own probe container in web's stack (label and name prefix): never shown.
    cs["probe"] = ctr("netui-probe-web-1a2b3c", mode=f"container:{web_id}", labels={"netui.probe": "1", "netui.managed": "1"})
    # A look-alike without the label is an ordinary sharer; the label without the prefix too.
    cs["lookalike"] = ctr("netui-probe-not-ours", mode=f"container:{web_id}")
    return Snapshot.build([APP, OTHER], cs.values()), cs


def test_probe_containers_are_not_members():
    snap, cs = world()
    names = {m.container.name for m in snap.members(APP.id)}
    assert "netui-probe-web-1a2b3c" not in names
    assert {"web", "db", "frozen", "old", "new", "side", "netui-probe-not-ours"} <= names
    assert cs["probe"].is_probe and not cs["lookalike"].is_probe
    assert not ctr("plain", labels={"netui.probe": "1"}).is_probe  # the label alone is not enough
    assert [c.name for c in snap.stack_sharers(cs["web"].id)] == ["netui-probe-not-ours", "side"]
    # A sharer is a member through its holder's endpoint, never with one of its own.
    side = next(m for m in snap.members(APP.id) if m.container.name == "side")
    assert side.endpoint is None and side.via.name == "web"


def test_matrix_members_one_rule():
    snap, cs = world()
    chosen = matrix_members(snap, APP)
    assert [c.name for c in chosen.members] == ["db", "frozen", "web"]
    assert [c.name for c in chosen.sources] == ["db", "web"]  # nothing runs in a paused one
    assert chosen.pairs == 2 * 2  # from db and web, to the two others each
    assert "paused" in chosen.note(cs["frozen"].id) and "unpause" in chosen.note(cs["frozen"].id)
    assert "side shares its network stack" in chosen.note(cs["web"].id)
    left = dict(chosen.left_out)
    assert left["old"].startswith("exited") and left["new"].startswith("created")
    assert "side" not in left  # a note on web says it: web's endpoint is tested
    assert "netui-probe-web-1a2b3c" not in left and "netui-probe-web-1a2b3c" not in {c.name for c in chosen.members}
    # With another network: its members join; nobody twice.
    both = matrix_members(snap, APP, OTHER)
    assert [c.name for c in both.members] == ["db", "frozen", "web", "far"]
    assert both.pairs == 3 * 3


def test_host_and_none_networks_have_nothing_to_test():
    host_net = Network.from_api({"Name": "host", "Id": "net-host", "Driver": "host", "Scope": "local"})
    h1 = Container.from_api({"Id": "h1".ljust(64, "0"), "Names": ["/h1"], "State": "running",
                             "HostConfig": {"NetworkMode": "host"},
                             "NetworkSettings": {"Networks": {"host": {"NetworkID": "net-host"}}}})
    h2 = Container.from_api({"Id": "h2".ljust(64, "0"), "Names": ["/h2"], "State": "running",
                             "HostConfig": {"NetworkMode": "host"},
                             "NetworkSettings": {"Networks": {"host": {"NetworkID": "net-host"}}}})
    chosen = matrix_members(Snapshot.build([host_net], [h1, h2]), host_net)
    assert chosen.members == () and chosen.pairs == 0
    assert all("host networking" in why for _, why in chosen.left_out)


def test_probe_targets_one_per_stack():
    snap, cs = world()
    targets = {t.container.name: t for t in probe_targets(snap, cs["db"])}
    assert set(targets) == {"web", "frozen", "old", "new"}  # not the sharers, not the probe container, not far
    assert targets["web"].target == "web" and targets["web"].address == "10.9.0.2"
    assert targets["web"].sharers == ("netui-probe-not-ours", "side")
    assert targets["frozen"].state == "paused"
    # From a sharer: its holder is itself, not a target.
    from_side = {t.container.name for t in probe_targets(snap, cs["side"])}
    assert "web" not in from_side and "side" not in from_side and "db" in from_side
