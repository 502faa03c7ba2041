"""Probes between containers that are not an ordinary running pair, on a real engine:
paused ones, --network host, --network none, a shared stack, netui's own probe
container. The verdict says what is true, never an alarm or an error it cannot back."""

from __future__ import annotations

import pytest

from netui.engine.matrix_plan import matrix_members
from netui.engine.probe_plan import OK, SKIPPED, probe_targets
from netui.engine.probes import Prober
from netui.engine.topology import TopologyReader

pytestmark = pytest.mark.engine


def fresh(engine):
    return TopologyReader(engine).read()


def by_kind(result):
    return {c.kind: c for c in result.checks}


def everything(result) -> str:
    return " ".join([result.verdict, result.note, *(c.summary for c in result.checks)])


def test_a_paused_target_keeps_its_address_and_name(engine, lab):
    lab.network("pz")
    src = lab.container("src", lab.image, networks=[lab.name("pz")])
    web = lab.container("web", lab.image, ["httpd", "-f", "-p", "80"], networks=[lab.name("pz")], exposed=["80/tcp"])
    engine.api.pause(web)
    try:
        snap = fresh(engine)
        r = Prober(engine).probe(snap, snap.container_by_id[src], lab.name("web"))
        k = by_kind(r)
        ip = snap.container_by_id[web].endpoints[0].ipv4
        assert k["dns"].status == OK and ip in k["dns"].summary, k["dns"]  # its name still resolves
        assert k["icmp"].status == OK, k["icmp"]  # its kernel answers ping
        assert k["tcp"].status == SKIPPED and "paused" in k["tcp"].summary  # nothing would answer: not tried
        assert r.verdict == "target paused: reachable by name"
        assert "unpause" in r.note and "no address" not in everything(r)
    finally:
        engine.api.unpause(web)


def test_from_a_paused_source_unpause_it(engine, lab):
    lab.network("pz")
    src = lab.container("src", lab.image, networks=[lab.name("pz")])
    lab.container("dst", lab.image, networks=[lab.name("pz")])
    engine.api.pause(src)
    try:
        snap = fresh(engine)
        r = Prober(engine).probe(snap, snap.container_by_id[src], lab.name("dst"))
        assert r.verdict == "source paused: unpause it to probe from it"
        assert "start it" not in everything(r) and r.verdict != "error"
        assert all(c.method in ("-", "") for c in r.checks)  # nothing ran
    finally:
        engine.api.unpause(src)


def test_the_matrix_lists_a_paused_member_with_a_note(engine, lab):
    lab.network("pm")
    a = lab.container("a", lab.image, networks=[lab.name("pm")])
    b = lab.container("b", lab.image, networks=[lab.name("pm")])
    p = lab.container("p", lab.image, networks=[lab.name("pm")])
    engine.api.pause(p)
    try:
        snap = fresh(engine)
        net = snap.network_by_name[lab.name("pm")]
        m = Prober(engine).matrix(snap, net)
        assert {c.id for c in m.members} == {a, b, p}  # listed, not dropped
        assert "paused" in m.notes[p] and "unpause" in m.notes[p]
        assert m.total == 4 and len(m.cells) == 4  # from a and b only: nothing runs in p
        assert not any(src == p for src, _ in m.cells)
        assert m.cells[(a, p)].status == "paused" and m.cells[(b, p)].status == "paused"
        assert m.cells[(a, b)].status == "ok" and m.cells[(b, a)].status == "ok"
    finally:
        engine.api.unpause(p)


def test_host_networking_reaching_a_bridge_is_expected_not_a_leak(engine, lab):
    lab.network("br")
    h = lab.container("h", lab.image, network_mode="host")
    web = lab.container("web", lab.image, networks=[lab.name("br")])
    snap = fresh(engine)
    for target in (lab.name("web"), snap.container_by_id[web].endpoints[0].ipv4):
        r = Prober(engine).probe(snap, snap.container_by_id[h], target, checks=("dns", "icmp"))
        k = by_kind(r)
        assert k["icmp"].status == OK and "REACHABLE" not in k["icmp"].summary, k["icmp"]
        assert r.verdict == "reachable by IP (expected with host networking)", (target, r.checks)
        assert "NOT isolated" not in everything(r) and "host networking" in r.note
        assert k["dns"].method == "-"  # no lookup through the host's resolvers


def test_a_container_without_network_has_nothing_to_reach(engine, lab):
    lab.network("nn")
    alone = lab.container("alone", lab.image, network_mode="none")
    peer = lab.container("peer", lab.image, networks=[lab.name("nn")])
    snap = fresh(engine)
    r = Prober(engine).probe(snap, snap.container_by_id[alone], lab.name("peer"))
    assert r.verdict == "no network: nothing to reach"
    assert all(c.status != "error" for c in r.checks)
    # And towards it: nothing can reach it, said from how it is set up.
    r = Prober(engine).probe(snap, snap.container_by_id[peer], lab.name("alone"))
    assert r.verdict == "unreachable: the target has no network (--network none)"


def test_netui_probe_containers_are_never_members_targets_or_rows(engine, lab, noping_image):
    lab.network("own")
    bare = lab.container("bare", noping_image, networks=[lab.name("own")])
    peer = lab.container("peer", lab.image, networks=[lab.name("own")])
    prober = Prober(engine)
    snap = fresh(engine)
    sidecar, _ = prober.sidecars.start(snap.container_by_id[bare], lab.image)  # as during a probe from bare
    try:
        snap = fresh(engine)
        net = snap.network_by_name[lab.name("own")]
        probe_name = next(c.name for c in snap.containers if c.id == sidecar)
        assert sidecar not in {m.container.id for m in snap.members(net.id)}
        assert sidecar not in {c.id for c in matrix_members(snap, net).members}
        assert probe_name not in {t.container.name for t in probe_targets(snap, snap.container_by_id[peer])}
        r = prober.probe(snap, snap.container_by_id[peer], probe_name)
        assert r.verdict == "not a target: one of netui's own probe containers"
        m = prober.matrix(snap, net)
        assert {c.id for c in m.members} == {bare, peer} and m.total == 2 and len(m.cells) == 2
        assert all(cell.status == "ok" for cell in m.cells.values()), m.cells
    finally:
        prober.sidecars.remove(sidecar)


def test_a_shared_stack_is_one_endpoint(engine, lab):
    lab.network("st")
    web = lab.container("web", lab.image, networks=[lab.name("st")])
    side = lab.container("side", lab.image, network_mode=f"container:{web}")
    cli = lab.container("cli", lab.image, networks=[lab.name("st")])
    snap = fresh(engine)
    net = snap.network_by_name[lab.name("st")]
    chosen = matrix_members(snap, net)
    assert {c.id for c in chosen.members} == {web, cli}
    assert lab.name("side") in chosen.note(web)
    m = Prober(engine).matrix(snap, net)
    assert len(m.cells) == 2 and not any(side in key for key in m.cells)  # not a second endpoint
    assert all(cell.status == "ok" for cell in m.cells.values()), m.cells
    targets = {t.container.id: t for t in probe_targets(snap, snap.container_by_id[cli])}
    assert set(targets) == {web} and targets[web].sharers == (lab.name("side"),)
    # Probing its name: it is web's endpoint, and its name is not in Docker's DNS.
    r = Prober(engine).probe(snap, snap.container_by_id[cli], lab.name("side"), checks=("dns", "icmp"))
    k = by_kind(r)
    assert "shares" in k["dns"].summary and lab.name("web") in k["dns"].summary
    assert k["icmp"].status == OK and r.verdict == "reachable by IP only"
    # From side to web: the same stack, nothing between them.
    r = Prober(engine).probe(snap, snap.container_by_id[side], lab.name("web"))
    assert r.verdict == "same network stack: that is the source itself"
