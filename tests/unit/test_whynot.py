""""Why not?" on synthetic topologies and probe results: every cause, its evidence and its fix."""

from __future__ import annotations

from netui.engine.doctor.whynot import WHY, failed, why_not
from netui.engine.matrix_plan import Cell
from netui.engine.model import ContainerConfig
from netui.engine.probe_plan import Check, ProbeResult
from netui.engine.specs import ConnectSpec, DisconnectSpec, StepsSpec
from tests.unit.doctorkit import BRIDGE, ctr, net, snap

APP = net("app_network", "10.20.0.0/24")
ISO = net("isolated_network", "10.21.0.0/24")


def result(*checks: Check, target: str = "x", isolated: bool = False) -> ProbeResult:
    return ProbeResult(0.0, "src", target, tuple(checks), isolated=isolated)


def nslookup(name: str, *addrs: str) -> str:
    return "Server:\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nName:\t" + name + "\n" + "".join(f"Address: {a}\n" for a in addrs)


def causes(s, source, target, **kw):
    return why_not(s, s.container_by_name[source], target, **kw)


def test_every_cause_teaches_in_a_few_sentences():
    for name, text in WHY.items():
        assert 1 <= text.count(". ") + 1 <= 4, name


def test_reachable_by_name_needs_no_why():
    s = snap([APP], [ctr("frontend", (APP, "10.20.0.2")), ctr("backend", (APP, "10.20.0.3"))])
    ok = result(Check("dns", "ok", "backend → 10.20.0.3", nslookup("backend", "10.20.0.3")), Check("icmp", "ok", "3/3"))
    assert not failed(ok) and causes(s, "frontend", "backend", result=ok) == []


def test_no_shared_network_offers_to_connect_the_target_to_the_sources_network():
    s = snap([APP, ISO], [ctr("frontend", (APP, "10.20.0.2")), ctr("loner", (ISO, "10.21.0.2"))])
    r = result(Check("dns", "skipped", "share no network"), Check("icmp", "ok", "no reply: isolated, as expected (3 sent)"),
               isolated=True)
    [f] = causes(s, "frontend", "loner", result=r)
    assert f.check == "no-shared-network" and f.severity == "problem"
    assert f.fix.lines == ("docker network connect app_network loner",)
    spec, undo = f.fix.specs[0], f.fix.undo[0]
    assert isinstance(spec, ConnectSpec) and spec.network_id == APP.id and spec.container == "loner"
    assert isinstance(undo, DisconnectSpec) and (undo.network, undo.container) == ("app_network", "loner")
    assert "frontend is on app_network" in f.evidence and "loner is on isolated_network" in f.evidence
    # The same from a matrix cell.
    [g] = causes(s, "frontend", "loner", cell=Cell("a", "b", "isolated", "isolated"))
    assert g.check == "no-shared-network" and g.fix.lines == f.fix.lines


def test_a_source_on_the_default_bridge_joins_the_targets_network():
    s = snap([APP], [ctr("legacy", (BRIDGE, "172.17.0.2")), ctr("backend", (APP, "10.20.0.3"))])
    r = result(Check("dns", "skipped", "share no network"), Check("icmp", "ok", "no reply"), isolated=True)
    [f] = causes(s, "legacy", "backend", result=r)
    assert f.fix.lines == ("docker network connect app_network legacy",)


def test_only_the_default_bridge_in_common():
    s = snap([], [ctr("a", (BRIDGE, "172.17.0.2")), ctr("b", (BRIDGE, "172.17.0.3"))])
    r = result(Check("dns", "fail", "not resolvable"), Check("icmp", "ok", "3/3 replies"))
    [f] = causes(s, "a", "b", result=r)
    assert f.check == "default-bridge-no-dns" and "b answered by IP" in f.evidence
    steps = f.fix.specs[0]
    assert isinstance(steps, StepsSpec) and [x.argv()[-1] for x in steps.steps[1:]] == ["a", "b"]


def test_stopped_paused_and_odd_targets():
    s = snap([APP], [ctr("frontend", (APP, "10.20.0.2")), ctr("down", APP, state="exited"),
                     ctr("frozen", (APP, "10.20.0.4"), state="paused"), ctr("hosty", mode="host"), ctr("void", mode="none")])
    r = result(Check("dns", "fail", "x"))
    assert causes(s, "frontend", "down", result=r)[0].fix.lines == ("docker start down",)
    assert causes(s, "frontend", "frozen", result=r)[0].fix.lines == ("docker unpause frozen",)
    assert causes(s, "frontend", "hosty", result=r)[0].check == "target-host-network"
    assert "from frontend, the host is 10.20.0.1 (its network's gateway)" in causes(s, "frontend", "hosty", result=r)[0].evidence
    assert causes(s, "frontend", "void", result=r)[0].check == "target-no-network"


def test_name_resolves_to_another_container():
    s = snap([APP], [ctr("frontend", (APP, "10.20.0.2")), ctr("db", (APP, "10.20.0.3")),
                     ctr("impostor", (APP, "10.20.0.9", ("db",)))])
    r = result(Check("dns", "ok", "db → 10.20.0.9", nslookup("db", "10.20.0.9")), Check("icmp", "fail", "no reply"))
    [f] = causes(s, "frontend", "db", result=r)
    assert f.check == "name-resolves-elsewhere" and "impostor" in f.title


def test_icmp_not_permitted_but_tcp_works():
    src = ctr("frontend", (APP, "10.20.0.2"), config=ContainerConfig(cap_drop=("NET_RAW",)))
    s = snap([APP], [src, ctr("backend", (APP, "10.20.0.3"))])
    r = result(Check("dns", "ok", "ok", nslookup("backend", "10.20.0.3")),
               Check("icmp", "fail", "ping failed: ping: permission denied (are you root?)", "ping: permission denied (are you root?)"),
               Check("tcp", "ok", "port 8080 open"))
    assert failed(r) and r.verdict == "reachable by name"
    [f] = causes(s, "frontend", "backend", result=r)
    assert f.check == "icmp-not-permitted" and f.severity == "info" and "TCP gets through" in f.title


def test_refused_port_and_silence():
    s = snap([APP], [ctr("frontend", (APP, "10.20.0.2")), ctr("backend", (APP, "10.20.0.3"))])
    dns = Check("dns", "ok", "ok", nslookup("backend", "10.20.0.3"))
    [f] = causes(s, "frontend", "backend", result=result(dns, Check("icmp", "ok", "3/3"), Check("tcp", "fail", "port 81 refused")))
    assert f.check == "port-closed"
    [g] = causes(s, "frontend", "backend", result=result(dns, Check("icmp", "fail", "no reply (3 sent, 100% loss)")))
    assert g.check == "no-reply"


def test_icc_off_on_the_shared_network():
    quiet = net("quiet", "10.30.0.0/24", options=(("com.docker.network.bridge.enable_icc", "false"),))
    s = snap([quiet], [ctr("a", (quiet, "10.30.0.2")), ctr("b", (quiet, "10.30.0.3"))])
    r = result(Check("dns", "ok", "ok", nslookup("b", "10.30.0.3")), Check("icmp", "fail", "no reply"))
    assert causes(s, "a", "b", result=r)[0].check == "icc-disabled"


def test_unknown_names_typos_internal_networks_and_other_networks():
    inner = net("inner", "10.40.0.0/24", internal=True)
    s = snap([APP, ISO, inner], [ctr("frontend", (APP, "10.20.0.2")), ctr("backend", (APP, "10.20.0.3")),
                                 ctr("legacy", (BRIDGE, "172.17.0.5")), ctr("walled", (inner, "10.40.0.2")),
                                 ctr("loner", (ISO, "10.21.0.2"))])
    nx = result(Check("dns", "fail", "backnd is not known to Docker's DNS here (NXDOMAIN)"))
    [f] = causes(s, "frontend", "backnd", result=nx)
    assert f.check == "unknown-name" and "did you mean backend?" in f.evidence
    [g] = causes(s, "legacy", "backnd", result=result(Check("dns", "fail", "no DNS")))
    assert g.check == "source-no-dns" and g.fix.lines == ("docker network connect app_network legacy",)
    silent = result(Check("icmp", "fail", "no reply"))
    [h] = causes(s, "walled", "198.18.0.9", result=silent)
    assert h.check == "internal-network" and h.fix.lines == ("docker network connect bridge walled",)
    [i] = causes(s, "frontend", "10.21.0.2", result=silent)
    # An address of a known container: that container's own story.
    assert i.check == "no-shared-network"
    [j] = causes(s, "frontend", "10.21.0.77", result=silent)
    assert j.check == "no-shared-network" and j.fix.lines == ("docker network connect isolated_network frontend",)


def test_a_leak_and_a_probe_that_could_not_run():
    s = snap([APP, ISO], [ctr("frontend", (APP, "10.20.0.2")), ctr("loner", (ISO, "10.21.0.2"))])
    [f] = causes(s, "frontend", "loner", cell=Cell("a", "b", "leak", "REACHABLE"))
    assert f.check == "not-isolated"
    err = result(Check("icmp", "error", "the probe image x has no ping"))
    [g] = causes(s, "frontend", "loner", result=err)
    assert g.check == "probe-failed" and g.evidence == ("the probe image x has no ping",)


def test_host_networking_that_reaches_a_bridge_needs_no_why():
    """From --network host the host's stack routes to every local bridge: a reply there is
    expected (the verdict says so), never "isolation is gone"."""
    from tests.unit.doctorkit import HOST

    s = snap([APP], [ctr("onhost", HOST, mode="host"), ctr("backend", (APP, "10.20.0.3"))])
    r = result(Check("dns", "skipped", "host networking: not looked up"), Check("icmp", "ok", "3/3 replies"))
    assert failed(r)  # its verdict is not "reachable by name"
    assert causes(s, "onhost", "backend", result=r) == []


def test_an_address_no_container_holds_is_said_so():
    s = snap([APP], [ctr("frontend", (APP, "10.20.0.2")), ctr("backend", (APP, "10.20.0.3"))])
    r = result(Check("dns", "skipped", "an address: nothing to resolve"),
               Check("tcp", "fail", "port 80: nc: can't connect to remote host (10.20.0.200): No route to host"), target="10.20.0.200:80")
    [f] = causes(s, "frontend", "10.20.0.200:80", result=r)
    assert f.check == "no-such-address" and f.title == "no container has 10.20.0.200 on app_network"
    assert "name" not in WHY["no-such-address"].split(".")[0]


def test_a_refused_port_is_an_answer_in_the_verdict():
    """Podman without NET_RAW: ping is refused in the source, TCP to a closed port is refused by
    the target. The target answered: reachable by name, the port closed (and why-not says both)."""
    r = result(Check("dns", "ok", "b → 10.20.0.3", nslookup("b", "10.20.0.3")),
               Check("icmp", "fail", "ping failed: ping: permission denied (are you root?)"),
               Check("tcp", "fail", "port 80 refused"))
    assert r.verdict == "reachable by name; the port is closed" and failed(r)
    silent = result(Check("dns", "ok", "b → 10.20.0.3", nslookup("b", "10.20.0.3")), Check("icmp", "timeout", "no reply"))
    assert silent.verdict == "name resolves, but no reply"
