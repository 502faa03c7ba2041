"""The snapshot against a real engine: the seed scenario, compared with what
`docker network inspect` / `docker inspect` report, and the cost of refreshes."""

from __future__ import annotations

import ipaddress

import pytest

from netui.engine.schema import from_dict, to_dict
from netui.engine.topology import TopologyReader

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def seed(module_lab, engine):
    """The seed tutorial's world, plus every network mode. Tests only read it."""
    lab = module_lab
    img = lab.image
    custom = lab.network("my_custom_network", subnet="10.231.7.0/24")
    second = lab.network("second")
    c1 = lab.container("container1", img, networks=[lab.name("my_custom_network")])
    c2 = lab.container("container2", img, networks=[lab.name("my_custom_network"), (lab.name("second"), ["db", "primary-db"])])
    web = lab.container("web", img, ["httpd", "-f", "-p", "80"], ports={80: None})
    none = lab.container("isolated", img, network_mode="none")
    host = lab.container("hostnet", img, network_mode="host")
    shared = lab.container("sidecar", img, network_mode=f"container:{c1}")
    return dict(custom=custom, second=second, c1=c1, c2=c2, web=web, none=none, host=host, shared=shared)


def test_seed_matches_engine_inspect(engine, seed, module_lab):
    snap = TopologyReader(engine).read()
    api = engine.api
    mine = {seed[k] for k in ("c1", "c2", "web", "none", "host", "shared")}
    assert mine <= set(snap.container_by_id)

    # Every endpoint the engine reports for our networks is in the snapshot, identically.
    for nid in (seed["custom"], seed["second"]):
        inspected = api.inspect_network(nid)
        net = snap.network_by_id[nid]
        assert net.name == inspected["Name"]
        assert net.subnets == tuple(c["Subnet"] for c in inspected["IPAM"]["Config"])
        assert net.label("netui.test") == "1"
        eps = {e.container_id: e for e in snap.endpoints(nid)}
        assert set(eps) == set(inspected["Containers"])
        for cid, info in inspected["Containers"].items():
            e = eps[cid]
            assert e.ipv4_cidr == info["IPv4Address"]
            assert e.mac == info["MacAddress"]
            assert e.endpoint_id == info["EndpointID"]

    custom = snap.network_by_id[seed["custom"]]
    assert custom.subnets == ("10.231.7.0/24",)
    assert not custom.builtin and custom.has_dns

    # Aliases and ports, from docker inspect of each container.
    for key in ("c1", "c2", "web"):
        ins = api.inspect_container(seed[key])
        c = snap.container_by_id[seed[key]]
        for net_name, info in ins["NetworkSettings"]["Networks"].items():
            e = c.endpoint_on(info["NetworkID"])
            assert e is not None, net_name
            assert e.ipv4 == info["IPAddress"]
            assert e.mac == info["MacAddress"]
            assert set(e.aliases) == set(info.get("Aliases") or [])
            if info.get("DNSNames"):
                assert set(e.dns_names) == set(info["DNSNames"])
        bindings = ins["NetworkSettings"]["Ports"] or {}
        published = {
            (int(spec.split("/")[0]), spec.split("/")[1], b["HostIp"], int(b["HostPort"]))
            for spec, binds in bindings.items() for b in (binds or [])
        }
        assert {(p.container_port, p.protocol, p.host_ip, p.host_port) for p in c.published_ports} == published

    c2 = snap.container_by_id[seed["c2"]]
    on_second = c2.endpoint_on(seed["second"])
    assert {"db", "primary-db"} <= set(on_second.aliases)
    assert ipaddress.ip_address(c2.endpoint_on(seed["custom"]).ipv4) in ipaddress.ip_network("10.231.7.0/24")

    web = snap.container_by_id[seed["web"]]
    assert web.published_ports and all(p.host_port for p in web.published_ports)
    assert snap.networks_of(web)[0].is_default_bridge

    # Network modes: none and host join the builtin networks; container:<x> shares x's stack.
    none = snap.container_by_id[seed["none"]]
    assert none.mode == "none" and [n.name for n in snap.networks_of(none)] == ["none"]
    host = snap.container_by_id[seed["host"]]
    assert host.mode == "host" and [n.name for n in snap.networks_of(host)] == ["host"]
    shared = snap.container_by_id[seed["shared"]]
    assert shared.mode == "container" and shared.endpoints == ()
    assert snap.resolve_container(shared.stack_owner).id == seed["c1"]
    assert [n.id for n in snap.networks_of(shared)] == [seed["custom"]]
    members = {m.container.id: m for m in snap.members(seed["custom"])}
    assert members[seed["shared"]].via.id == seed["c1"] and members[seed["shared"]].endpoint is None
    # One count everywhere: the two with an endpoint, and the one sharing c1's stack.
    assert snap.container_count(seed["custom"]) == 3 == len(snap.members(seed["custom"]))
    assert len(snap.endpoints(seed["custom"])) == 2


def test_containers_reach_each_other_by_name(engine, seed, module_lab):
    """The seed's step 3 on the real engine: container1 pings container2 by name."""
    api = engine.api
    target = module_lab.name("container2")
    ex = api.exec_create(seed["c1"], ["ping", "-c", "1", "-W", "2", target])
    out = api.exec_start(ex["Id"]).decode()
    assert api.exec_inspect(ex["Id"])["ExitCode"] == 0, out
    snap = TopologyReader(engine).read()
    ip = snap.container_by_id[seed["c2"]].endpoint_on(seed["custom"]).ipv4
    assert ip in out


def _endpoints(snap):
    return {e.key: e for c in snap.containers for e in c.endpoints}


def test_refresh_costs_two_requests_when_nothing_changed(engine, seed, lab):
    """Exactly 2 list calls, plus one inspect per container that is new or changed
    since the last read (none of ours; others may appear on a shared engine)."""
    extra = lab.network("extra")
    reader = TopologyReader(engine)
    first = reader.read()
    before = engine.counter.snapshot()
    snap, pending = reader.read_lists()
    second = reader.complete(snap, pending)
    assert not set(pending) & set(seed.values())
    assert engine.counter.snapshot() - before == 2 + len(pending)
    ours = set(seed.values())
    assert {k: e for k, e in _endpoints(first).items() if k[1] in ours} == {k: e for k, e in _endpoints(second).items() if k[1] in ours}
    # A change re-inspects only the container that changed: 2 list calls + 1 inspect.
    engine.api.connect_container_to_network(seed["c1"], extra, aliases=["cache"])
    try:
        before = engine.counter.snapshot()
        snap, pending = reader.read_lists()
        third = reader.complete(snap, pending)
        assert seed["c1"] in pending and not set(pending) & (set(seed.values()) - {seed["c1"]})
        assert engine.counter.snapshot() - before == 2 + len(pending)
        e = third.container_by_id[seed["c1"]].endpoint_on(extra)
        assert e is not None and "cache" in e.aliases
        assert (extra, seed["c1"]) in _endpoints(third) and (extra, seed["c1"]) not in _endpoints(second)
    finally:
        engine.api.disconnect_container_from_network(seed["c1"], extra)


def test_read_lists_first_then_details(engine, seed):
    """The explorer paints after the two list calls; aliases arrive after."""
    reader = TopologyReader(engine)
    snap, pending = reader.read_lists()
    assert seed["c2"] in pending
    assert seed["web"] not in pending  # default bridge only: nothing to inspect
    full = reader.complete(snap, pending)
    assert "db" in full.container_by_id[seed["c2"]].endpoint_on(seed["second"]).aliases
    assert all(c.details for c in full.containers)


def test_dump_json_round_trips(engine, seed):
    snap = TopologyReader(engine).read()
    again = from_dict(to_dict(snap))
    assert again.networks == snap.networks
    assert again.containers == snap.containers
    assert again.engine == snap.engine


def test_container_removed_between_list_and_inspect(engine, lab):
    """A container gone before its inspect is left out quietly, not an error."""
    reader = TopologyReader(engine)
    lab.network("n")
    cid = lab.container("gone", lab.image, networks=[lab.name("n")])
    snap, pending = reader.read_lists()
    assert cid in pending
    engine.api.remove_container(cid, force=True)
    full = reader.complete(snap, pending)
    assert not full.container_by_id[cid].details
    assert cid not in reader.read().container_by_id


def test_stopped_containers_are_not_inspected_again(engine, lab):
    """A stopped container's list entry has no NetworkID: its cached details must still match."""
    lab.network("idle")
    cid = lab.container("asleep", lab.image, networks=[(lab.name("idle"), ["napper"])], start=False)
    reader = TopologyReader(engine)
    snap = reader.read()
    assert "napper" in snap.container_by_id[cid].endpoints[0].aliases
    before = engine.counter.snapshot()
    listed, pending = reader.read_lists()
    assert engine.counter.snapshot() - before == 2  # the two list calls
    assert cid not in pending  # (others' new containers on this shared engine may be)
    again = reader.complete(listed, pending)
    assert "napper" in again.container_by_id[cid].endpoints[0].aliases


def test_an_unchanged_listing_is_the_same_objects_until_its_network_is_replaced(engine, lab):
    """A stopped container's endpoints are joined to its network by name: while the networks
    are unchanged the joined container is reused (the same object, nothing rebuilt
    downstream); when the network is removed and made again under that name, the join is
    done again and names the new network."""
    lab.network("again")
    cid = lab.container("still", lab.image, networks=[lab.name("again")], start=False)
    reader = TopologyReader(engine)
    first = reader.read()
    second, _ = reader.read_lists()
    assert second.container_by_id[cid] is first.container_by_id[cid]
    old = second.container_by_id[cid].endpoints[0].network_id
    # The engine lets a network a stopped container names go; its list entry stays the same.
    engine.api.remove_network(old)
    lab.networks.remove(old)
    new = lab.network("again")
    third = reader.read()
    joined = third.container_by_id[cid]
    assert [e.network_id for e in joined.endpoints] == [new] and new != old


def test_targeted_read_equals_a_full_read(engine, lab):
    """After events, netui re-lists only the containers they named: the result must be
    the snapshot a full read gives."""
    nid = lab.network("target")
    a = lab.container("a", lab.image, networks=[lab.name("target")])
    reader = TopologyReader(engine)
    base = reader.read()
    b = lab.container("b", lab.image)  # created: an event names it
    engine.api.disconnect_container_from_network(a, nid)
    engine.api.connect_container_to_network(a, nid, aliases=["late"])
    engine.api.remove_container(b, force=True)  # destroyed: an event names it
    c = lab.container("c", lab.image, networks=[lab.name("target")])
    before = engine.counter.snapshot()
    snap, pending = reader.read_lists(changed=[a, b, c], base=base)
    assert engine.counter.snapshot() - before == 2
    targeted = reader.complete(snap, pending)
    full = TopologyReader(engine).read()

    def ours(s):
        return {x.id: x for x in s.containers if x.name.startswith(lab.prefix)}

    assert ours(targeted).keys() == ours(full).keys() == {a, c}
    for cid in (a, c):
        assert targeted.container_by_id[cid].endpoints == full.container_by_id[cid].endpoints
    assert "late" in targeted.container_by_id[a].endpoint_on(nid).aliases
    assert {n.id for n in targeted.networks} == {n.id for n in full.networks}


def test_sweep_leftovers_takes_only_label_and_prefix(engine, lab):
    """What an interrupted run left behind goes; nothing without both marks, nothing young."""
    from netui.engine.workspace import sweep_leftovers

    api = engine.api
    swept_prefix = lab.name("swept-")
    net = lab.network("swept-net")
    box = lab.container("swept-box", lab.image, networks=[lab.name("swept-net")])
    kept = lab.container("kept-box", lab.image)  # the label, not the prefix
    unlabelled = api.create_container(lab.image, ["sleep", "60"], name=lab.name("swept-unlabelled"))["Id"]
    assert sweep_leftovers(engine, "netui.test", "1", swept_prefix, older_than=3600) == []
    removed = sweep_leftovers(engine, "netui.test", "1", swept_prefix)
    assert sorted(removed) == sorted([f"container {lab.name('swept-box')}", f"network {lab.name('swept-net')}"])
    left = {c["Id"] for c in api.containers(all=True, filters={"name": [lab.prefix]})}
    assert box not in left and kept in left and unlabelled in left
    assert not api.networks(ids=[net])


def test_targeted_read_on_a_first_half_base_keeps_aliases(engine, lab):
    """An event's read can start while the previous read's inspects are still running, with
    the half-read snapshot as its base: the aliases must come from the cache or be asked
    for again, not go missing until the next full read (seen in a real session)."""
    lab.network("half")
    aliased = lab.container("aliased", lab.image, networks=[(lab.name("half"), ["api"])])
    other = lab.container("other", lab.image, networks=[lab.name("half")])
    # (a) nothing cached yet: the aliased container is pending again.
    reader = TopologyReader(engine)
    first_half, pending = reader.read_lists()
    assert aliased in pending
    snap, pending2 = reader.read_lists({other}, first_half)
    assert aliased in pending2
    # (b) the inspects finished meanwhile: their result is used, nothing pending.
    reader.complete(first_half, pending)
    snap, pending3 = reader.read_lists({other}, first_half)
    assert aliased not in pending3
    c = snap.container_by_id[aliased]
    assert c.details and "api" in c.endpoints[0].aliases
