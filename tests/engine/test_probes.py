"""Connectivity probes on a real engine. Every probe targets containers the test
created, or loopback; names are only resolved where they can resolve."""

from __future__ import annotations

import threading
import time

import pytest

from netui.engine.probe_plan import OK, parse_nslookup, parse_ping, parse_target
from netui.engine.probes import ProbeError, Prober
from netui.engine.topology import TopologyReader

pytestmark = pytest.mark.engine


def probe_labelled(engine, lab=None) -> list:
    """Probe containers (label netui.probe=1) in the stack of one of this test's containers
    (others may be probing on the same engine, or a killed probe's container may still be
    ending on its own)."""
    ours = set(lab.containers) if lab is not None else None
    out = []
    for c in engine.api.containers(all=True, filters={"label": "netui.probe=1"}):
        mode = str((c.get("HostConfig") or {}).get("NetworkMode", ""))
        if ours is None or mode.removeprefix("container:") in ours:
            out.append(c)
    return out


@pytest.fixture(scope="module")
def world(module_lab, engine, noping_image):
    """Two user networks, an internal one, the default bridge, a container on two networks,
    an HTTP server with a published port, and a container without any tools."""
    lab, img = module_lab, module_lab.image
    lab.network("red")
    lab.network("blue")
    lab.network("vault", internal=True)
    ids = {
        "r1": lab.container("r1", img, ["httpd", "-f", "-p", "80"], networks=[(lab.name("red"), ["web"])], exposed=["80/tcp"]),
        "r2": lab.container("r2", img, networks=[lab.name("red")]),
        "b1": lab.container("b1", img, networks=[lab.name("blue")]),
        "both": lab.container("both", img, networks=[lab.name("red"), lab.name("blue")]),
        "v1": lab.container("v1", img, networks=[lab.name("vault")]),
        "v2": lab.container("v2", img, networks=[lab.name("vault")]),
        "d1": lab.container("d1", img),  # default bridge
        "d2": lab.container("d2", img),
        "bare": lab.container("bare", noping_image, networks=[lab.name("red")]),
        "pub": lab.container("pub", img, ["httpd", "-f", "-h", "/var/www", "-p", "80"], networks=[lab.name("blue")], ports={"80/tcp": ("127.0.0.1", None)}),
    }
    return lab, ids


def fresh(engine):
    return TopologyReader(engine).read()


def by_kind(result):
    return {c.kind: c for c in result.checks}


def test_same_user_network_by_name(engine, world):
    lab, ids = world
    snap = fresh(engine)
    r = Prober(engine).probe(snap, snap.container_by_id[ids["r2"]], lab.name("r1"))
    k = by_kind(r)
    ip = snap.container_by_id[ids["r1"]].endpoints[0].ipv4
    assert k["dns"].status == OK and ip in k["dns"].summary
    assert k["icmp"].status == OK and "3/3 replies" in k["icmp"].summary
    assert k["tcp"].status == OK and "port 80 open" in k["tcp"].summary
    assert r.verdict == "reachable by name"
    assert k["dns"].command == f"docker exec {lab.name('r2')} nslookup {lab.name('r1')} 127.0.0.11"
    assert k["icmp"].method == "exec"
    # An alias resolves too.
    assert Prober(engine).probe(snap, snap.container_by_id[ids["r2"]], "web", checks=("dns",)).checks[0].status == OK


def test_default_bridge_by_name_is_not_resolved_but_by_ip_is_reachable(engine, world):
    lab, ids = world
    snap = fresh(engine)
    p = Prober(engine)
    r = p.probe(snap, snap.container_by_id[ids["d1"]], lab.name("d2"), checks=("dns", "icmp"))
    k = by_kind(r)
    assert k["dns"].status == "fail" and "default bridge" in k["dns"].summary and k["dns"].method == "-"  # not queried
    assert k["icmp"].status == OK  # tested by IP on the bridge
    assert r.verdict == "reachable by IP only"
    ip = snap.container_by_id[ids["d2"]].endpoints[0].ipv4
    r = p.probe(snap, snap.container_by_id[ids["d1"]], ip, checks=("icmp",))
    assert r.checks[0].status == OK


def test_two_user_networks_are_isolated(engine, world):
    lab, ids = world
    snap = fresh(engine)
    r = Prober(engine).probe(snap, snap.container_by_id[ids["r2"]], lab.name("b1"), checks=("dns", "icmp"))
    k = by_kind(r)
    assert k["dns"].status == "skipped" and "share no network" in k["dns"].summary
    assert k["icmp"].status == OK and "isolated" in k["icmp"].summary
    assert r.verdict == "isolated (no shared network)"


def test_a_container_on_both_networks_reaches_both(engine, world):
    lab, ids = world
    snap = fresh(engine)
    p = Prober(engine)
    both = snap.container_by_id[ids["both"]]
    for target in ("r1", "b1"):
        assert p.probe(snap, both, lab.name(target), checks=("dns", "icmp")).verdict == "reachable by name", target


def test_internal_network_members_reach_each_other(engine, world):
    lab, ids = world
    snap = fresh(engine)
    r = Prober(engine).probe(snap, snap.container_by_id[ids["v1"]], lab.name("v2"), checks=("dns", "icmp"))
    assert r.verdict == "reachable by name"


def test_no_tools_in_the_source_uses_a_probe_container_and_removes_it(engine, world):
    lab, ids = world
    snap = fresh(engine)
    p = Prober(engine)
    r = p.probe(snap, snap.container_by_id[ids["bare"]], lab.name("r1"))
    k = by_kind(r)
    assert {c.method for c in r.checks} == {"sidecar"}
    assert k["icmp"].status == OK and k["tcp"].status == OK
    assert k["icmp"].command.startswith(f"docker run --rm --network container:{lab.name('bare')} netui/busybox:local ping")
    assert p.sidecars.created == 1 and not p.sidecars.live
    assert probe_labelled(engine, lab) == []


def test_read_only_will_not_start_a_probe_container(engine, world):
    lab, ids = world
    snap = fresh(engine)
    r = Prober(engine, allow_sidecars=False).probe(snap, snap.container_by_id[ids["bare"]], lab.name("r1"), checks=("icmp",))
    assert r.verdict == "error" and "read-only" in r.checks[-1].summary
    assert probe_labelled(engine, lab) == []


def test_published_port_answers_from_the_host(engine, world):
    lab, ids = world
    snap = fresh(engine)
    c = snap.container_by_id[ids["pub"]]
    [port] = c.published_ports
    assert port.host_ip == "127.0.0.1"
    r = Prober(engine).host_port(snap, c, port)
    assert r.checks[0].status == OK and "HTTP/1.1 200 OK" in r.checks[0].summary, r.checks[0]


def test_matrix_over_two_networks_is_the_isolation_table(engine, world):
    lab, ids = world
    snap = fresh(engine)
    red = snap.network_by_name[lab.name("red")]
    blue = snap.network_by_name[lab.name("blue")]
    p = Prober(engine)
    seen = []
    m = p.matrix(snap, red, extra=blue, on_cell=lambda cell, n, total: seen.append((n, total)))
    members = {c.name.removeprefix(lab.prefix) for c in m.members}
    assert members == {"r1", "r2", "both", "bare", "b1", "pub"}  # 6 containers over 2 networks
    assert len(m.cells) == 30 and seen[-1] == (30, 30)
    name = {c.id: c.name.removeprefix(lab.prefix) for c in m.members}
    red_side, blue_side = {"r1", "r2", "bare", "both"}, {"b1", "pub", "both"}
    for (a, b), cell in m.cells.items():
        x, y = name[a], name[b]
        share = (x in red_side and y in red_side) or (x in blue_side and y in blue_side)
        expected = "ok" if share else "isolated"
        assert cell.status == expected, (x, y, cell)
    assert not m.cancelled and probe_labelled(engine, lab) == []  # bare's probe container is gone


def test_matrix_cancel_stops_early_and_cleans_up(engine, world):
    lab, ids = world
    snap = fresh(engine)
    red = snap.network_by_name[lab.name("red")]
    blue = snap.network_by_name[lab.name("blue")]
    cancel = threading.Event()
    m = Prober(engine).matrix(snap, red, extra=blue, workers=1, cancel=cancel,
                              on_cell=lambda cell, n, total: cancel.set() if n >= 3 else None)
    assert m.cancelled and len(m.cells) < 30
    assert probe_labelled(engine, lab) == []


def test_probe_against_a_container_removed_mid_probe(engine, lab):
    lab.network("gone")
    src = lab.container("src", lab.image, networks=[lab.name("gone")])
    dst = lab.container("dst", lab.image, networks=[lab.name("gone")])
    snap = fresh(engine)
    p = Prober(engine)
    ip = snap.container_by_id[dst].endpoints[0].ipv4
    result = {}

    def run():
        result["r"] = p.probe(snap, snap.container_by_id[src], ip, checks=("icmp", "tcp"), count=10)

    t = threading.Thread(target=run)
    t.start()
    time.sleep(0.6)
    engine.api.remove_container(src, force=True)  # the source goes away mid-probe
    t.join(30)
    assert not t.is_alive()
    r = result["r"]
    assert r.verdict == "error"
    assert any(lab.name("src") in c.summary and any(w in c.summary for w in ("gone", "not running", "stopped", "interrupted"))
               for c in r.checks), r.checks


def test_cancelled_probe_with_a_probe_container_leaves_nothing(engine, world):
    lab, ids = world
    snap = fresh(engine)
    cancel = threading.Event()
    p = Prober(engine)
    checks_seen = []

    def on_check(c):
        checks_seen.append(c)
        cancel.set()  # cancel after the first check

    r = p.probe(snap, snap.container_by_id[ids["bare"]], lab.name("r1"), cancel=cancel, on_check=on_check)
    assert "cancelled" in r.note and len(r.checks) == 1
    assert r.verdict == "cancelled"
    assert probe_labelled(engine, lab) == []


def test_target_syntax():
    assert parse_target("backend") .host == "backend"
    assert parse_target("backend:8080").port == 8080
    assert parse_target("10.0.0.2").is_ip
    assert parse_target("[fd00::2]:80").port == 80
    for bad, why in [("", "give a target"), ("bad host", "not a valid host"), ("x:99999", "not a port"),
                     ("fd00::2:80:x", "not an IP"), ("[fd00::2", "missing ]"), ("-lead", "not a valid host"),
                     ("a;rm -rf /", "not a valid host"), ("$(id)", "not a valid host")]:
        with pytest.raises(ValueError) as info:
            parse_target(bad)
        assert why in str(info.value), bad


def test_output_parsers():
    busy = "3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 0.071/0.091/0.119 ms"
    gnu = "3 packets transmitted, 2 received, 33% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.050/0.060/0.070/0.010 ms"
    assert parse_ping(busy) == (3, 3, (0.071, 0.091, 0.119))
    assert parse_ping(gnu) == (3, 2, (0.05, 0.06, 0.07))
    out = "Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nNon-authoritative answer:\nName:\tbackend\nAddress: 172.16.1.2\n"
    assert parse_nslookup(out) == ["172.16.1.2"]
    assert parse_nslookup("** server can't find x: NXDOMAIN") == []
    assert ProbeError("x").kind == "error"


def test_a_stopped_target_is_not_looked_up(engine, lab):
    """Docker's DNS forwards names it does not know: a stopped container's name is never asked for."""
    lab.network("sleepy")
    src = lab.container("awake", lab.image, networks=[lab.name("sleepy")])
    lab.container("asleep", lab.image, networks=[lab.name("sleepy")], start=False)
    snap = fresh(engine)
    r = Prober(engine).probe(snap, snap.container_by_id[src], lab.name("asleep"))
    k = by_kind(r)
    assert k["dns"].method == "-" and "created" in k["dns"].summary  # not queried
    assert all(c.method in ("-", "") for c in r.checks)  # nothing ran
