"""Each doctor check on small synthetic snapshots: what triggers it, what does not, and its fix."""

from __future__ import annotations

import ipaddress
import json

import pytest

from netui.engine.doctor import CHECKS, Context, NetworkEndpoint, diagnose, exit_code, partial_checks, scoped
from netui.engine.doctor.explain import EXPLAIN
from netui.engine.doctor.pools import BUILTIN_POOLS, usage
from netui.engine.doctor.report import render, to_json
from netui.engine.hostnet import HostNetworking, Route
from netui.engine.model import ContainerConfig
from netui.engine.specs import ConnectSpec, DisconnectSpec, NetworkSpec, StepsSpec
from tests.unit.doctorkit import BRIDGE, ctr, net, published, snap


def run(s, host: HostNetworking | None = None, endpoints=None, check: str | None = None):
    found = diagnose(Context(s, host or HostNetworking(), endpoints))
    return [f for f in found if check is None or f.check == check]


def test_every_check_has_teaching_text_of_two_or_three_sentences():
    assert set(CHECKS) == set(EXPLAIN)
    for name, text in EXPLAIN.items():
        sentences = [s for s in text.replace("e.g.", "eg").split(". ") if s.strip()]
        assert 2 <= len(sentences) <= 4, (name, len(sentences))


def test_a_clean_topology_has_no_findings():
    app = net("app", "10.1.0.0/24")
    web = ctr("web", app, ports=[published(80, "127.0.0.1", 8080)])
    db = ctr("db", app, config=ContainerConfig(env_hosts=(("DB_HOST", "web"),)))
    s = snap([app], [web, db], pools=(("10.0.0.0/8", 24),))
    assert run(s) == []
    assert exit_code([]) == 0


def test_default_bridge_is_info_and_names_there_are_a_warning():
    lonely = ctr("legacy", (BRIDGE, "172.17.0.2"))
    caller = ctr("caller", (BRIDGE, "172.17.0.3"), command="sh -c 'ping -c1 legacy; curl http://legacy:80/'")
    s = snap([], [lonely, caller])
    info = run(s, check="default-bridge")
    assert {f.subjects[0].name for f in info} == {"legacy", "caller"} and all(f.severity == "info" for f in info)
    assert info[0].fix is not None and not info[0].fix.applicable  # moving off the default bridge: shown only
    names = run(s, check="default-bridge-names")
    assert len(names) == 1 and names[0].severity == "warning"
    f = names[0]
    assert [x.name for x in f.subjects] == ["caller", "legacy", "bridge"]
    assert f.fix is not None and f.fix.applicable
    steps = f.fix.specs[0]
    assert isinstance(steps, StepsSpec) and isinstance(steps.steps[0], NetworkSpec)
    assert [s.container for s in steps.steps[1:]] == ["caller", "legacy"]
    assert f.fix.lines[0] == "docker network create --driver bridge caller-legacy-net"


def test_a_legacy_link_or_a_shared_user_network_makes_names_work():
    app = net("app", "10.1.0.0/24")
    linked = ctr("caller", (BRIDGE, "172.17.0.3"), command="ping legacy",
                 config=ContainerConfig(links=(("legacy", "legacy"),)))
    both = ctr("legacy", (BRIDGE, "172.17.0.2"), app)
    s = snap([app], [linked, both])
    assert run(s, check="default-bridge-names") == []
    assert [f.subjects[0].name for f in run(s, check="default-bridge")] == ["caller"]  # legacy is on a user network too


def test_ports_on_all_interfaces_give_the_recreate_command():
    app = net("app", "10.1.0.0/24")
    fe = ctr("frontend", app, ports=[published(3000), published(3000, "::"), published(9000, "127.0.0.1")],
             command="httpd -f -p 3000")
    s = snap([app], [fe])
    [f] = run(s, check="port-all-interfaces")
    assert f.title == "frontend publishes 3000 on all interfaces" and f.severity == "warning"
    assert f.fix.lines == ("docker rm -f frontend",
                           "docker run -d --name frontend --network app -p 127.0.0.1:3000:3000 -p 127.0.0.1:9000:9000 busybox httpd -f -p 3000")
    assert not f.fix.applicable
    composed = ctr("shop-web-1", app, ports=[published(80)], project="shop", service="web")
    [g] = run(snap([app], [composed]), check="port-all-interfaces")
    assert g.fix.lines == ("docker compose -p shop up -d web",) and "127.0.0.1:80:80" in g.fix.note


def test_overlapping_subnets_and_config_only_templates():
    a, b = net("a", "10.9.0.0/16"), net("b", "10.9.4.0/24")
    c = net("c", "10.8.0.0/24")
    tmpl = net("tmpl", "10.8.0.0/24", driver="null", config_only=True)
    found = run(snap([a, b, c, tmpl], []), check="subnet-overlap")
    by = {f.title: f for f in found}
    assert by["a and b have overlapping subnets"].severity == "problem"
    assert by["config-only network tmpl overlaps c"].severity == "warning"
    assert len(found) == 2
    # A network made from a template shares its subnet by design.
    made = net("made", "10.7.0.0/24", driver="macvlan")
    made = type(made)(**{**made.__dict__, "config_from": "tmpl2"})
    tmpl2 = net("tmpl2", "10.7.0.0/24", driver="null", config_only=True)
    assert run(snap([made, tmpl2], []), check="subnet-overlap") == []


def test_host_routes_only_when_the_host_is_known_and_not_for_macvlan():
    lan = net("lan-clash", "192.0.2.0/24")
    s = snap([lan, net("elsewhere", "10.3.0.0/24")], [])
    host = HostNetworking(True, "", (Route(ipaddress.ip_network("192.0.2.0/24"), "eth0", "", "192.0.2.2"),
                                     Route(ipaddress.ip_network("192.0.2.0/24"), f"br-{lan.id[:12]}", "", "192.0.2.1"),
                                     Route(ipaddress.ip_network("0.0.0.0/0"), "eth0", "192.0.2.254")), ("eth0",))
    [f] = run(s, host, check="subnet-host-route")
    assert f.subjects[0].name == "lan-clash" and f.severity == "problem"
    assert f.evidence == ("192.0.2.0/24 overlaps this host's network 192.0.2.0/24 (its address 192.0.2.2) on eth0",)
    assert run(s, HostNetworking(False, "remote"), check="subnet-host-route") == []
    # macvlan sits on the LAN on purpose.
    assert run(snap([net("mac", "192.0.2.0/24", driver="macvlan")], []), host, check="subnet-host-route") == []


def test_pool_headroom_counts_blocks_taken_by_networks_and_routes():
    nets = [net(f"n{i}", f"10.240.{i}.0/24") for i in range(3)]
    s = snap(nets, [], pools=(("10.240.0.0/22", 24),))
    [p] = usage(s)
    assert (p.total, p.used, p.free) == (4, 3, 1)
    [f] = run(s, check="address-pools")
    assert f.severity == "warning" and "only 1 more network fit" in f.title and f.subjects == ()
    full = snap([*nets, net("n3", "10.240.3.0/25")], [], pools=(("10.240.0.0/22", 24),))
    [g] = run(full, check="address-pools")
    assert g.severity == "problem"
    # A host route takes a block too (Docker skips it).
    host = HostNetworking(True, "", (Route(ipaddress.ip_network("10.240.3.0/24"), "vpn0"),), ())
    assert usage(s, host)[0].free == 0
    # Built-in pools when the daemon sets none: 31 networks.
    assert sum(1 << (size - ipaddress.ip_network(b).prefixlen) for b, size in BUILTIN_POOLS) == 31
    assert usage(snap([], [], pools=()))[0].base == "172.17.0.0/16"
    assert usage(snap([], [], pools=None)) is None and run(snap([], [], pools=None), check="address-pools") == []
    # Plenty left: nothing to say.
    assert run(snap(nets, [], pools=(("10.0.0.0/8", 24),)), check="address-pools") == []


def test_empty_networks_are_prune_candidates_but_stopped_users_count():
    empty, held = net("empty", "10.2.0.0/24"), net("held", "10.3.0.0/24")
    s = snap([empty, held], [ctr("sleeper", held, state="exited")])
    [f] = run(s, check="empty-network")
    assert f.subjects[0].name == "empty" and f.severity == "info" and f.fix.lines == ("docker network rm empty",)


def test_a_network_removed_under_a_stopped_container():
    gone = net("gone", "10.4.0.0/24")
    c = ctr("orphan", gone, state="exited")
    s = snap([], [c])  # the network is not on the engine any more
    [f] = run(s, check="missing-network")
    assert f.severity == "problem" and f.fix.lines == ("docker network disconnect gone orphan", "docker network connect bridge orphan")


def test_shared_stacks_gone_or_stopped():
    app = net("app", "10.1.0.0/24")
    owner = ctr("owner", app, state="exited")
    rider = ctr("rider", mode=f"container:{owner.id}")
    ghost = ctr("ghost", mode="container:" + "f" * 64, state="exited")
    found = {f.subjects[0].name: f for f in run(snap([app], [owner, rider, ghost]), check="shared-stack")}
    assert found["ghost"].severity == "problem" and found["rider"].severity == "warning"
    assert found["rider"].fix.lines == ("docker start owner", "docker restart rider")


def test_stale_endpoints_only_from_network_inspects():
    app = net("app", "10.1.0.0/24")
    s = snap([app], [ctr("web", app)])
    assert run(s, check="stale-endpoint") == []
    eps = (NetworkEndpoint(app.id, "dead" * 16, "ghost", "10.1.0.9"), NetworkEndpoint(app.id, s.containers[0].id, "web"))
    [f] = run(s, endpoints=eps, check="stale-endpoint")
    assert f.fix.lines == ("docker network disconnect --force app ghost",) and f.severity == "problem"


def test_internal_ports_are_offered_the_default_bridge():
    inner = net("inner", "10.5.0.0/24", internal=True)
    c = ctr("hidden", inner, config=ContainerConfig(port_bindings=(("80/tcp", "127.0.0.1", 8080),)))
    [f] = run(snap([inner], [c]), check="internal-ports")
    assert f.severity == "problem" and f.fix.applicable
    spec = f.fix.specs[0]
    assert isinstance(spec, ConnectSpec) and (spec.network, spec.container) == ("bridge", "hidden")
    assert isinstance(f.fix.undo[0], DisconnectSpec)
    # Unknown bindings (not inspected): nothing claimed.
    assert run(snap([inner], [ctr("unknown", inner, config=None)]), check="internal-ports") == []


def test_meant_to_talk_by_environment_and_by_compose_prefix():
    a_net, b_net = net("a_net", "10.6.0.0/24"), net("b_net", "10.6.1.0/24")
    api = ctr("api", a_net, config=ContainerConfig(env_hosts=(("DB_HOST", "db"),)))
    db = ctr("db", (b_net, "", ("database",)))
    [f] = run(snap([a_net, b_net], [api, db]), check="meant-to-talk")
    assert f.severity == "warning" and f.fix.lines == ("docker network connect b_net api",)
    # Projects shop-api and shop-web: each on its own default network.
    pa, pw = net("shop-api_default", "10.7.0.0/24"), net("shop-web_default", "10.7.1.0/24")
    x = ctr("shop-api-app-1", pa, project="shop-api", service="app")
    y = ctr("shop-web-web-1", pw, project="shop-web", service="web")
    z = ctr("shop-web-cache-1", pw, project="shop-web", service="cache")
    [g] = run(snap([pa, pw], [x, y, z]), check="meant-to-talk")
    assert g.severity == "info" and g.fix.lines == ("docker network connect shop-web_default shop-api-app-1",)
    # Unrelated names, or a shared network: nothing.
    assert run(snap([pa, pw], [x, ctr("other-web-1", pw, project="other")]), check="meant-to-talk") == []


def test_duplicate_names_and_icc_and_aliases():
    d1, d2 = net("dup", "10.8.0.0/24", nid="d1" * 32), net("dup", "10.8.1.0/24", nid="d2" * 32)
    quiet = net("quiet", "10.9.0.0/24", options=(("com.docker.network.bridge.enable_icc", "false"),))
    a, b = ctr("a", quiet), ctr("b", quiet)
    shared = net("shared", "10.10.0.0/24")
    p, q = ctr("p", (shared, "10.10.0.2", ("db",))), ctr("q", (shared, "10.10.0.3", ("db",)))
    s1, s2 = (ctr(f"shop-db-{i}", (shared, f"10.10.0.{5 + i}", ("db2",)), project="shop", service="db2") for i in (1, 2))
    found = run(snap([d1, d2, quiet, shared], [ctr("user", d1), a, b, p, q, s1, s2]))
    by = {f.check: f for f in found}
    assert by["duplicate-network-name"].fix.lines == (f"docker network rm {d2.id[:12]}",)
    assert by["icc-disabled"].severity == "info"
    aliases = [f for f in found if f.check == "shared-alias"]
    assert [f.title for f in aliases] == ["db on shared answers for 2 containers"]  # a scaled service is fine


def test_host_port_clashes_with_stopped_containers():
    app = net("app", "10.1.0.0/24")
    holder = ctr("holder", app, ports=[published(80, "127.0.0.1", 8080)])
    waiting = ctr("waiting", app, state="exited", config=ContainerConfig(port_bindings=(("80/tcp", "", 8080),)))
    other = ctr("other", app, state="exited", config=ContainerConfig(port_bindings=(("80/tcp", "127.0.0.1", 9090),)))
    other2 = ctr("other2", app, state="created", config=ContainerConfig(port_bindings=(("81/tcp", "127.0.0.1", 9090),)))
    found = run(snap([app], [holder, waiting, other, other2]), check="host-port-clash")
    titles = sorted(f.title for f in found)
    assert titles == ["other and other2 want the same host port 9090/tcp", "waiting cannot start: host port 8080/tcp is held by holder"]
    clash = next(f for f in found if f.severity == "problem")
    assert "-p 127.0.0.1::80" in clash.fix.lines[1]


def test_resolver_mount_and_host_mode_ports():
    app = net("app", "10.1.0.0/24")
    c = ctr("own-dns", app, mounts=["/etc/resolv.conf", "/data"])
    h = ctr("hosty", mode="host", config=ContainerConfig(port_bindings=(("80/tcp", "", 80),)))
    found = {f.check: f for f in run(snap([app], [c, h]))}
    assert found["resolver-not-embedded"].severity == "warning"
    assert found["host-mode-ports"].severity == "info"
    assert run(snap([], [ctr("bridge-dns", (BRIDGE, "172.17.0.9"), mounts=["/etc/resolv.conf"])]), check="resolver-not-embedded") == []


def test_scope_by_network_and_label_and_json():
    app, other = net("app", "10.1.0.0/24"), net("other", "10.2.0.0/24", labels=(("team", "x"),))
    fe = ctr("fe", app, ports=[published(80)], labels=(("team", "y"),))
    empty = other
    s = snap([app, empty, net("full", "10.240.0.0/24")], [fe], pools=(("10.240.0.0/24", 24),))
    found = run(s)
    assert {f.check for f in found} == {"port-all-interfaces", "empty-network", "address-pools"}
    assert [f.check for f in scoped(found, s, network="app")] == ["port-all-interfaces"]
    assert [f.check for f in scoped(found, s, label="team=x")] == ["empty-network"]
    assert {f.check for f in scoped(found, s, label="team")} == {"port-all-interfaces", "empty-network"}
    assert scoped(found, s, network="nope") == []
    data = json.loads(to_json(found))
    assert data[0]["check"] == "address-pools" and data[0]["severity"] == "problem"
    assert set(data[0]) == {"check", "severity", "title", "subjects", "explanation", "evidence", "fix"}
    fe_json = next(d for d in data if d["check"] == "port-all-interfaces")
    assert fe_json["subjects"][0] == {"kind": "container", "id": fe.id, "name": "fe"}
    assert fe_json["fix"]["commands"][0] == "docker rm -f fe" and fe_json["fix"]["one_key"] is False
    assert exit_code(found) == 1 and exit_code([f for f in found if f.severity == "info"]) == 0


def test_text_report_is_grouped_worst_first_and_literal():
    app = net("app", "10.1.0.0/24")
    evil = ctr("[b]x[/b]\x1b[31m", app, ports=[published(80)])
    s = snap([app, net("empty", "10.2.0.0/24")], [evil])
    text = render(run(s), header="netui doctor").plain
    assert text.index("WARNING  port-all-interfaces") < text.index("INFO     empty-network")
    assert "[b]x[/b]" in text and "\x1b" not in text
    assert "0 problems, 1 warning, 1 info" in text
    assert "No findings" in render([], header="h").plain


def test_partial_checks_say_what_the_lists_cannot_see():
    app = net("app", "10.1.0.0/24")
    listed = ctr("listed", app, config=None)
    ctx = Context(snap([app], [listed]), HostNetworking(False, "remote"))
    assert {"internal-ports", "shared-alias", "stale-endpoint", "subnet-host-route", "host-port-clash"} <= set(partial_checks(ctx))
    full = Context(snap([app], [ctr("inspected", app)]), HostNetworking(True, "", (), ()), ())
    assert partial_checks(full) == []


@pytest.mark.parametrize("size", [(40, 400), (42, 1000)])
def test_a_thousand_containers_are_checked_quickly(size):
    import time

    from tests.synthetic import synthetic

    s = synthetic(*size)
    t0 = time.perf_counter()
    diagnose(Context(s))
    assert time.perf_counter() - t0 < 0.5


def test_a_fix_is_refused_read_only_before_any_step():
    from netui.engine.actions import ActionLog, Actions, ReadOnlyError

    log = ActionLog()
    steps = StepsSpec((NetworkSpec(name="n"), ConnectSpec("n", "c")))
    with pytest.raises(ReadOnlyError):
        Actions(None, read_only=True, log=log).perform(steps)  # type: ignore[arg-type]
    assert log.entries == []
    assert steps.all_argv() == [["docker", "network", "create", "--driver", "bridge", "n"], ["docker", "network", "connect", "n", "c"]]
