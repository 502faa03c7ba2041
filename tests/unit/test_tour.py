"""The guided tour's steps and their checks, on synthetic snapshots (no engine): what each
step makes and needs, the exact commands, what is not the tour's (never touched), what
changed under it, the facts read from the topology and the judging of measured probes."""

from __future__ import annotations

import re

import pytest

from netui.engine.compose_run import ComposeDownSpec, ComposeUpSpec
from netui.engine.container_specs import RemoveContainerSpec, StartSpec, UnpauseSpec
from netui.engine.model import Container, Endpoint, IpamConfig, Network, Port, Snapshot
from netui.engine.probe_plan import FAIL, OK, SKIPPED, Check, ProbeResult
from netui.engine.specs import ConnectSpec, NetworkSpec, RemoveSpec, RunSpec
from netui.engine.tour import cleanup_todo, concept, fingerprint, plan, resources_for, shown_commands
from netui.engine.tour_checks import facts, judge, judge_embedded_dns, judge_resolver, probe_target
from netui.engine.tour_steps import (
    STEP_BY_KEY,
    STEPS,
    ComposeRes,
    ConnectRes,
    ContainerRes,
    EmbeddedDnsCheck,
    NetworkRes,
    ProbeCheck,
    ResolverCheck,
    World,
    find_container,
    leftovers,
)

DEMO = World(compose=("docker-compose",), compose_known=True)
TEST = World(prefix="t1-", label="netui.test", frontend_port=None, compose=("docker-compose",), compose_known=True)

BRIDGE = Network(id="n-bridge", name="bridge", driver="bridge", scope="local", ipam=(IpamConfig("172.17.0.0/16", "172.17.0.1"),),
                 options=(("com.docker.network.bridge.default_bridge", "true"),))
HOST = Network(id="n-host", name="host", driver="host", scope="local")
NONE = Network(id="n-none", name="none", driver="null", scope="local")


class Builder:
    """A topology made of the model's own objects: networks by name, containers with an
    address on each of their networks."""

    def __init__(self) -> None:
        self.nets: dict[str, Network] = {n.name: n for n in (BRIDGE, HOST, NONE)}
        self.conts: dict[str, Container] = {}

    def network(self, name: str, label: str | None = "netui.demo", project: str = "") -> Network:
        i = len(self.nets)
        labels = [(label, "1")] if label else []
        if project:
            labels += [("com.docker.compose.network", "default"), ("com.docker.compose.project", project)]
        n = Network(id=f"n-{name}", name=name, driver="bridge", scope="local",
                    ipam=(IpamConfig(f"10.0.{i}.0/24", f"10.0.{i}.1"),), labels=tuple(sorted(labels)))
        self.nets[name] = n
        return n

    def container(self, name: str, *networks: str, label: str | None = "netui.demo", state: str = "running",
                  aliases: tuple[str, ...] = (), ports: tuple[Port, ...] = (), project: str = "", service: str = "") -> Container:
        cid = f"c-{name}".ljust(64, "0")
        labels = [(label, "1")] if label else []
        if project:
            labels += [("com.docker.compose.project", project), ("com.docker.compose.service", service)]
        eps = []
        for net in networks:
            n = self.nets[net]
            ip = f"{n.subnets[0].rsplit('.', 1)[0]}.{10 + len(self.conts)}" if state in ("running", "paused") else ""
            eps.append(Endpoint(n.id, n.name, cid, name, ipv4=ip, prefix_len=24 if ip else 0, aliases=aliases,
                                dns_names=(name, *aliases) if n.has_dns else ()))
        c = Container(id=cid, name=name, state=state, labels=tuple(sorted(labels)), endpoints=tuple(eps), ports=ports,
                      network_mode=networks[0] if networks else "none")
        self.conts[name] = c
        return c

    def connect(self, name: str, net: str) -> None:
        c = self.conts[name]
        n = self.nets[net]
        ep = Endpoint(n.id, n.name, c.id, name, ipv4=f"{n.subnets[0].rsplit('.', 1)[0]}.{50 + len(c.endpoints)}", prefix_len=24,
                      dns_names=(name,))
        self.conts[name] = Container(id=c.id, name=c.name, state=c.state, labels=c.labels, ports=c.ports,
                                     network_mode=c.network_mode, endpoints=(*c.endpoints, ep))

    def snapshot(self) -> Snapshot:
        return Snapshot.build(self.nets.values(), self.conts.values())


def built(upto: str, world: World = DEMO, also: tuple[str, ...] = ()) -> Builder:
    """Everything the tour has made once step `upto` is done (its own and the earlier steps' it
    needs), and once the steps `also` are."""
    b = Builder()
    label = world.label
    todo = {r.key: r for key in (*also, upto) for r in resources_for(STEP_BY_KEY[key])}
    for res in todo.values():
        if isinstance(res, NetworkRes):
            b.network(world.name(res.short), label)
        elif isinstance(res, ContainerRes):
            ports = (Port(res.port, "tcp", "0.0.0.0", world.frontend_port or 32768),) if res.port else ()
            b.container(world.name(res.short), world.name(res.network), label=label, aliases=res.aliases, ports=ports)
        elif isinstance(res, ConnectRes):
            b.connect(world.name(res.container), world.name(res.network))
        elif isinstance(res, ComposeRes):
            project = world.name(res.project)
            b.network(f"{project}_default", label, project=project)
            b.container(f"{project}_web_1", f"{project}_default", world.name("app_network"), label=label,
                        aliases=("web",), project=project, service="web")
            b.container(f"{project}_db_1", f"{project}_default", label=label, aliases=("db",), project=project, service="db")
    return b


# -- the steps themselves ---------------------------------------------------------------------------
def test_ten_to_fourteen_steps_in_the_tutorials_order():
    keys = [s.key for s in STEPS]
    assert 10 <= len(STEPS) <= 14
    assert keys == ["drivers", "custom", "containers", "by-name", "default-bridge", "publish", "connect", "app",
                    "compose", "isolation", "aliases", "cleanup"]
    for s in STEPS:
        sentences = [x for x in re.split(r"(?<=\.)\s+", s.concept) if x]
        assert 2 <= len(sentences) <= 4, (s.key, sentences)
        assert len(s.title) <= 34, s.title  # fits the panel's title line with the progress glyphs
        for need in s.needs:
            assert keys.index(need) < keys.index(s.key)


def test_a_clean_engine_drivers_are_there_and_nothing_else_is():
    snap = Builder().snapshot()
    p = plan(STEP_BY_KEY["drivers"], snap, DEMO)
    assert p.ready and not p.todo
    fs = facts(STEP_BY_KEY["drivers"], snap, DEMO)
    assert all(f.ok for f in fs) and [f.text.split(":")[0] for f in fs] == ["bridge", "host", "none"]
    assert "driver null" in fs[2].text and "172.17.0.0/16" in fs[0].text
    assert shown_commands(STEP_BY_KEY["drivers"], DEMO) == ("docker network ls",)


def test_each_step_shows_its_exact_commands():
    snap = Builder().snapshot()
    p = plan(STEP_BY_KEY["custom"], snap, DEMO)
    assert p.commands == ("docker network create --driver bridge --label netui.demo=1 my_custom_network",)
    assert isinstance(p.todo[0].spec, NetworkSpec) and p.todo[0].spec.parsed_labels() == (("netui.demo", "1"),)
    p = plan(STEP_BY_KEY["containers"], snap, DEMO)
    assert p.commands == tuple(
        f"docker run -d --name {n} --network my_custom_network --label netui.managed=1 --label netui.demo=1 "
        "netui/busybox:local sleep 86400" for n in ("container1", "container2"))
    p = plan(STEP_BY_KEY["publish"], snap, DEMO)
    assert p.commands[-1].startswith("docker run -d --name frontend --network app_network -p 3000:3000 ")
    assert p.commands[-1].endswith("netui/busybox:local httpd -f -h /var/www -p 3000")
    p = plan(STEP_BY_KEY["app"], built("publish").snapshot(), DEMO)
    assert "--network-alias api" in p.commands[0]
    p = plan(STEP_BY_KEY["connect"], built("publish").snapshot(), DEMO)
    assert p.commands[-1] == "docker network connect app_network gateway"
    p = plan(STEP_BY_KEY["compose"], built("publish").snapshot(), DEMO)
    assert re.fullmatch(r"docker-compose -p webapp -f \S+/webapp\.yml up -d", p.commands[0])
    assert shown_commands(STEP_BY_KEY["default-bridge"], DEMO) == ("docker exec legacy ping -c 3 legacy2",)


def test_a_step_started_on_its_own_makes_what_it_needs_first():
    snap = Builder().snapshot()
    p = plan(STEP_BY_KEY["aliases"], snap, DEMO)
    assert [t.what for t in p.earlier_todo] == ["create network app_network", "run frontend", "run backend"]
    assert [t.what for t in p.own_todo] == ["run backend2"]
    assert [t.what for t in p.todo] == [t.what for t in (*p.earlier_todo, *p.own_todo)]
    p = plan(STEP_BY_KEY["by-name"], snap, DEMO)  # a probe step: it makes nothing itself
    assert not p.own_todo and [t.what for t in p.todo] == ["create network my_custom_network", "run container1", "run container2"]
    # Once the earlier steps are done, only the step's own writes are left.
    p = plan(STEP_BY_KEY["aliases"], built("app").snapshot(), DEMO)
    assert not p.earlier_todo and [t.what for t in p.todo] == ["run backend2"]


def test_a_step_whose_state_is_there_is_ready_and_shows_what_made_it():
    for step in STEPS[:-1]:
        snap = built(step.key).snapshot()
        p = plan(step, snap, DEMO)
        assert p.ready and not p.todo, step.key
        assert all(f.ok for f in facts(step, snap, DEMO)), (step.key, facts(step, snap, DEMO))
    p = plan(STEP_BY_KEY["containers"], built("containers").snapshot(), DEMO)
    assert len(p.commands) == 2 and all(c.startswith("docker run -d --name container") for c in p.commands)


# -- never on the user's own -------------------------------------------------------------------------
def test_a_name_taken_by_something_not_labelled_stops_the_step():
    b = Builder()
    b.network("my_custom_network")
    b.container("container1", "my_custom_network", label=None)  # the user's own
    p = plan(STEP_BY_KEY["containers"], b.snapshot(), DEMO)
    assert p.conflicts and "container named container1" in p.conflicts[0] and "never touches it" in p.conflicts[0]
    assert p.todo == ()  # nothing at all is done, not even container2
    b = Builder()
    b.network("app_network", label=None)
    p = plan(STEP_BY_KEY["publish"], b.snapshot(), DEMO)
    assert p.conflicts and "network named app_network" in p.conflicts[0] and p.todo == ()
    # A labelled container of a test run (another label) is not the demo's either.
    b = Builder()
    b.network("my_custom_network", label="netui.test")
    assert plan(STEP_BY_KEY["custom"], b.snapshot(), DEMO).conflicts


def test_a_foreign_compose_project_of_the_same_name_stops_the_compose_step():
    b = built("publish")
    b.network("webapp_default", label=None, project="webapp")
    b.container("webapp_db_1", "webapp_default", label=None, project="webapp", service="db")
    p = plan(STEP_BY_KEY["compose"], b.snapshot(), DEMO)
    assert p.conflicts and "compose project named webapp" in p.conflicts[0] and p.todo == ()


def test_the_prefixed_world_names_everything_with_its_prefix_and_label():
    snap = Builder().snapshot()
    p = plan(STEP_BY_KEY["default-bridge"], snap, TEST)
    assert p.commands == tuple(
        f"docker run -d --name t1-{n} --network bridge --label netui.managed=1 --label netui.test=1 netui/busybox:local sleep 86400"
        for n in ("legacy", "legacy2"))  # the builtin bridge keeps its name
    p = plan(STEP_BY_KEY["publish"], snap, TEST)
    run = p.todo[-1].spec
    assert isinstance(run, RunSpec) and run.publish == "3000"  # the engine picks the host port
    assert "(Here every name starts with t1-.)" in concept(STEP_BY_KEY["custom"], TEST)
    assert probe_target(ProbeCheck("frontend", "api", "by-name", port=8080, literal_target=True), TEST) == "api:8080"
    assert probe_target(ProbeCheck("container1", "container2", "by-name"), TEST) == "t1-container2"
    # The demo's own resources are not the test world's, and the other way round.
    assert plan(STEP_BY_KEY["containers"], built("containers", TEST).snapshot(), TEST).ready
    assert plan(STEP_BY_KEY["containers"], built("containers", DEMO).snapshot(), TEST).todo


# -- following live changes --------------------------------------------------------------------------
def test_a_container_removed_stopped_or_paused_meanwhile_is_redone():
    b = built("containers")
    del b.conts["container2"]
    p = plan(STEP_BY_KEY["containers"], b.snapshot(), DEMO)
    assert not p.ready and [t.what for t in p.todo] == ["run container2"]
    assert p.missing[0].note == "container2 is not there"
    b = built("containers")
    b.container("container2", "my_custom_network", state="exited")
    p = plan(STEP_BY_KEY["containers"], b.snapshot(), DEMO)
    assert isinstance(p.todo[0].spec, StartSpec) and p.todo[0].spec.container_id == b.conts["container2"].id
    b.container("container2", "my_custom_network", state="paused")
    assert isinstance(plan(STEP_BY_KEY["containers"], b.snapshot(), DEMO).todo[0].spec, UnpauseSpec)
    # Disconnected from its network: connected again.
    b = built("containers")
    b.container("container2")
    p = plan(STEP_BY_KEY["containers"], b.snapshot(), DEMO)
    assert isinstance(p.todo[0].spec, ConnectSpec) and p.todo[0].command == "docker network connect my_custom_network container2"
    # gateway disconnected from app_network.
    b = built("connect")
    b.container("gateway", "my_custom_network")
    p = plan(STEP_BY_KEY["connect"], b.snapshot(), DEMO)
    assert [t.command for t in p.todo] == ["docker network connect app_network gateway"]


def test_the_fingerprint_changes_when_what_was_measured_changes():
    step = STEP_BY_KEY["by-name"]
    b = built("by-name")
    before = fingerprint(step, b.snapshot(), DEMO)
    assert fingerprint(step, b.snapshot(), DEMO) == before
    b.conts["container2"] = Container(id="c-new".ljust(64, "0"), name="container2", state="running",
                                      labels=(("netui.demo", "1"),), endpoints=b.conts["container2"].endpoints)
    assert fingerprint(step, b.snapshot(), DEMO) != before
    b = built("by-name")
    b.container("unrelated", "my_custom_network")
    assert fingerprint(step, b.snapshot(), DEMO) == before


# -- compose ---------------------------------------------------------------------------------------------
def test_compose_not_installed_is_said_and_the_step_skipped():
    snap = built("publish").snapshot()
    p = plan(STEP_BY_KEY["compose"], snap, World(compose=None, compose_known=True))
    assert p.skipped.startswith("compose is not installed") and "apt-get install docker-compose" in p.skipped
    assert p.todo == () and not p.ready
    p = plan(STEP_BY_KEY["compose"], snap, World())
    assert "looking for compose" in p.missing[-1].note and p.todo == ()
    p = plan(STEP_BY_KEY["compose"], snap, DEMO)
    assert isinstance(p.todo[0].spec, ComposeUpSpec) and p.todo[0].spec.project == "webapp"
    # Found by the compose labels, whatever compose names the containers (v1 or v2).
    b = built("compose")
    assert find_container(b.snapshot(), DEMO, "webapp/web").name == "webapp_web_1"
    assert plan(STEP_BY_KEY["compose"], b.snapshot(), DEMO).ready


# -- facts ---------------------------------------------------------------------------------------------------
def test_facts_say_what_the_topology_shows():
    snap = built("publish").snapshot()
    fs = facts(STEP_BY_KEY["publish"], snap, DEMO)
    assert fs[-1].ok and fs[-1].text == "published: 0.0.0.0:3000 → frontend:3000/tcp"
    # Asked for 3000, got another port (3000 was taken): said.
    b = built("publish")
    b.container("frontend", "app_network", ports=(Port(3000, "tcp", "0.0.0.0", 32999),))
    assert "host port 3000 was taken: the engine picked 32999" in facts(STEP_BY_KEY["publish"], b.snapshot(), DEMO)[-1].text
    fs = facts(STEP_BY_KEY["default-bridge"], built("default-bridge").snapshot(), DEMO)
    assert fs[-1].text.startswith("the default bridge has no embedded DNS") and all(f.ok for f in fs)
    # Isolation holds only while loner and container1 share no network.
    b = built("isolation")
    assert all(f.ok for f in facts(STEP_BY_KEY["isolation"], b.snapshot(), DEMO))
    b.connect("loner", "my_custom_network")
    assert not facts(STEP_BY_KEY["isolation"], b.snapshot(), DEMO)[-1].ok
    fs = facts(STEP_BY_KEY["aliases"], built("aliases").snapshot(), DEMO)
    assert fs[0].ok and "backend (" in fs[0].text and "backend2 (" in fs[0].text
    fs = facts(STEP_BY_KEY["app"], built("app").snapshot(), DEMO)
    assert any("no port published" in f.text for f in fs)
    assert not facts(STEP_BY_KEY["containers"], Builder().snapshot(), DEMO)[0].ok


# -- judging measured checks --------------------------------------------------------------------------------
def _result(source: str, target: str, *checks: Check, isolated: bool = False) -> ProbeResult:
    return ProbeResult(0.0, source, target, checks, isolated=isolated)


def test_judging_ping_by_name():
    check = STEP_BY_KEY["by-name"].checks[1]
    snap = built("by-name").snapshot()
    good = _result("container1", "container2", Check("dns", OK, "container2 → 10.0.3.11", command="docker exec container1 nslookup container2 127.0.0.11"),
                   Check("icmp", OK, "3/3 replies"), Check("tcp", SKIPPED, "no exposed port known: give one as name:port"))
    o = judge(check, good, snap, DEMO)
    assert o.ok and o.text.startswith("container1 → container2: reachable by name")
    assert o.details == ("dns ok: container2 → 10.0.3.11", "icmp ok: 3/3 replies")  # a TCP check nobody asked for is not shown
    assert o.commands == ("docker exec container1 nslookup container2 127.0.0.11",)
    assert o.mark == ("container1", "container2", "reachable by name")
    bad = _result("container1", "container2", Check("dns", FAIL, "NXDOMAIN"), Check("icmp", SKIPPED, "no address"))
    o = judge(check, bad, snap, DEMO)
    assert not o.ok and "expected: reachable by name" in o.text


def test_judging_the_default_bridge_name_fails_then_ip_answers():
    check = STEP_BY_KEY["default-bridge"].checks[-1]
    snap = built("default-bridge").snapshot()
    shown = _result("legacy", "legacy2", Check("dns", FAIL, "legacy2 is not resolvable from legacy: they share only the default bridge"),
                    Check("icmp", OK, "3/3 replies"))
    o = judge(check, shown, snap, DEMO)
    assert o.ok and "reachable by IP only" in o.text and "does not resolve" in o.text
    # If the name did resolve there, the step's point would not hold: not ok.
    resolved = _result("legacy", "legacy2", Check("dns", OK, "legacy2 → 172.17.0.3"), Check("icmp", OK, "3/3 replies"))
    assert not judge(check, resolved, snap, DEMO).ok


def test_judging_the_embedded_dns_server_asked_for_a_name():
    none_there = STEP_BY_KEY["default-bridge"].checks[0]
    assert isinstance(none_there, EmbeddedDnsCheck) and not none_there.resolves
    cmd = "docker exec legacy nslookup legacy2 127.0.0.11"
    o = judge_embedded_dns(none_there, DEMO, 1, ";; connection timed out; no servers could be reached\n\n", cmd)
    assert o.ok and o.text == "legacy asks 127.0.0.11 for legacy2: no answer, no embedded DNS server there"
    assert o.details == ("nslookup said: ;; connection timed out; no servers could be reached",) and o.commands == (cmd,)
    answered = "Server:\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nName:\tlegacy2\nAddress: 172.17.0.3\n"
    o = judge_embedded_dns(none_there, DEMO, 0, answered, cmd)
    assert not o.ok and "legacy2 → 172.17.0.3" in o.text and "expected: none" in o.text
    assert judge_embedded_dns(EmbeddedDnsCheck("container1", "container2", resolves=True), DEMO, 0,
                              answered.replace("legacy2", "container2"), cmd).ok


def test_judging_isolation_and_a_leak():
    check = STEP_BY_KEY["isolation"].checks[0]
    snap = built("isolation").snapshot()
    isolated = _result("container1", "loner", Check("dns", SKIPPED, "share no network"),
                       Check("icmp", OK, "no reply: isolated, as expected (3 sent)"), isolated=True)
    assert judge(check, isolated, snap, DEMO).ok
    leak = _result("container1", "loner", Check("icmp", FAIL, "REACHABLE although they share no network: 3/3"), isolated=True)
    o = judge(check, leak, snap, DEMO)
    assert not o.ok and "NOT isolated" in o.text


def test_judging_an_alias_shared_by_two_containers():
    check = STEP_BY_KEY["aliases"].checks[0]
    snap = built("aliases").snapshot()
    net = snap.network_by_name["app_network"]
    ips = [snap.container_by_name[n].endpoint_on(net.id).ipv4 for n in ("backend", "backend2")]
    out = "Server:\t127.0.0.11\nAddress:\t127.0.0.11:53\n\nName:\tapi\n" + "".join(f"Address: {ip}\n" for ip in ips)
    both = _result("frontend", "api:8080", Check("dns", OK, "api → both", output=out), Check("tcp", OK, "port 8080 open"))
    o = judge(check, both, snap, DEMO)
    assert o.ok and f"backend ({ips[0]})" in o.text and f"backend2 ({ips[1]})" in o.text
    assert o.mark == ("frontend", "api", "reachable by name")
    one = out.replace(f"Address: {ips[1]}\n", "")
    o = judge(check, _result("frontend", "api:8080", Check("dns", OK, "api", output=one), Check("tcp", OK, "open")), snap, DEMO)
    assert not o.ok and "(not backend2)" in o.text


def test_judging_the_resolver():
    embedded = ResolverCheck("container1", embedded=True)
    o = judge_resolver(embedded, DEMO, "search lan\nnameserver 127.0.0.11\noptions ndots:0\n", "docker exec container1 cat /etc/resolv.conf")
    assert o.ok and "embedded DNS server (127.0.0.11)" in o.text
    host = ResolverCheck("legacy", embedded=False)
    o = judge_resolver(host, DEMO, "nameserver 10.0.0.2\nnameserver 10.0.0.3\n", "docker exec legacy cat /etc/resolv.conf")
    assert o.ok and "asks 10.0.0.2, 10.0.0.3 (copied from the host)" in o.text
    assert not judge_resolver(embedded, DEMO, "nameserver 10.0.0.2\n", "").ok
    assert not judge_resolver(host, DEMO, "# nothing\n", "").ok


# -- cleaning up -------------------------------------------------------------------------------------------
def test_cleanup_removes_the_tours_own_and_nothing_else():
    b = built("aliases", also=("connect",))
    b.container("mine", "app_network", label=None)  # the user's, on a tour network
    b.container("legacy3", "bridge")  # the demo's label, but not a tour name: left alone
    b.container("t1-container1", "bridge", label="netui.test")  # another world's
    for name, proj in (("webapp_web_1", "web"), ("webapp_db_1", "db")):
        b.network("webapp_default", project="webapp")
        b.container(name, "webapp_default", project="webapp", service=proj)
    snap = b.snapshot()
    todo = cleanup_todo(snap, DEMO)
    kinds = [type(t.spec) for t in todo]
    assert kinds[0] is ComposeDownSpec  # compose first (it removes its own network)
    removed = [t.spec.container for t in todo if isinstance(t.spec, RemoveContainerSpec)]
    assert sorted(removed) == sorted(["container1", "container2", "frontend", "gateway", "backend", "backend2"])
    assert all(t.spec.force for t in todo if isinstance(t.spec, RemoveContainerSpec))  # they run: docker rm -f
    nets = [t.spec.network for t in todo if isinstance(t.spec, RemoveSpec)]
    assert nets == ["my_custom_network", "app_network"]  # webapp_default goes with compose down
    assert kinds.index(RemoveSpec) > max(i for i, k in enumerate(kinds) if k is RemoveContainerSpec)
    assert "mine" not in str(todo) and "legacy3" not in str(todo) and "t1-" not in str(todo)
    assert sorted(leftovers(snap, DEMO)) == sorted([*removed, "webapp_web_1", "webapp_db_1", "my_custom_network",
                                                     "app_network", "webapp_default"])
    # Without compose installed, its containers are removed one by one, and its network with them.
    todo = cleanup_todo(snap, World(compose=None, compose_known=True))
    assert not any(isinstance(t.spec, ComposeDownSpec) for t in todo)
    assert {"webapp_web_1", "webapp_db_1"} <= {t.spec.container for t in todo if isinstance(t.spec, RemoveContainerSpec)}
    assert "webapp_default" in [t.spec.network for t in todo if isinstance(t.spec, RemoveSpec)]
    assert cleanup_todo(Builder().snapshot(), DEMO) == ()
    assert facts(STEP_BY_KEY["cleanup"], Builder().snapshot(), DEMO)[0].text == "nothing of the tour is left"


def test_run_spec_labels():
    spec = RunSpec("n", name="x", labels="netui.demo=1")
    assert spec.argv() == ["docker", "run", "-d", "--name", "x", "--network", "n", "--label", "netui.managed=1",
                           "--label", "netui.demo=1", "netui/busybox:local", "sleep", "86400"]
    assert spec.parsed_labels() == (("netui.demo", "1"),)


@pytest.mark.parametrize("step", STEPS, ids=[s.key for s in STEPS])
def test_every_step_highlights_something_it_makes_or_uses(step):
    net, ref = step.highlight
    assert net
    snap = built(step.key).snapshot() if not step.cleanup else Builder().snapshot()
    assert snap.network_by_name.get(DEMO.name(net)) is not None
    if ref:
        assert find_container(snap, DEMO, ref) is not None


def test_the_tour_command_line():
    from netui.cli import build_parser

    args = build_parser().parse_args(["tour", "--prefix", "tour-", "--read-only"])
    assert args.func.__name__ == "cmd_tour" and args.prefix == "tour-" and args.read_only
    assert build_parser().parse_args(["tour"]).prefix == ""
    for bad in ("Tour-", "-x", "a.b", "x" * 33):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["tour", "--prefix", bad])
