"""The doctor on the real engine: each check on a scenario that triggers it (and, where the
fix is an engine change, the fix applied and the finding gone), a clean scenario, and
`netui doctor`'s output and exit codes.

Only this test's resources are looked at: findings are kept when a subject carries the
test's name prefix (other helpers' resources share this engine). The address pools are
tried on a private dockerd with a tiny pool; stale endpoints cannot be made on demand on a
real engine (they come from daemon crashes) and are covered by the unit tests, here only
for not reporting healthy networks.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
import uuid

import pytest

from netui.engine.actions import Actions
from netui.engine.client import EngineError
from netui.engine.doctor import diagnose
from netui.engine.doctor.read import read_context
from netui.engine.hostnet import read_host_networking
from netui.engine.probes import Prober
from tests.engine.subnets import free_subnets
from tests.private_engine import private_engine

pytestmark = pytest.mark.engine
NETUI = [sys.executable, "-m", "netui"]


def ours(engine, lab, *, deep: bool = False, check: str | None = None):
    """The doctor's findings about this test's resources."""
    found = diagnose(read_context(engine, deep=deep))
    return [f for f in found if any(s.name.startswith(lab.prefix) for s in f.subjects) and (check is None or f.check == check)]


def raw_container(lab, short: str, *, start: bool = True, network: str | None = None, **kwargs) -> str:
    """A container with what Workspace.container does not offer (environment, mounts, bindings)."""
    api = lab.engine.api
    host = kwargs.pop("host_config", {})
    res = lab.engine.call(api.create_container, lab.image, command=kwargs.pop("command", ["sleep", "86400"]), name=lab.name(short),
                          labels={**kwargs.pop("labels", {}), **lab.labels}, stop_signal="SIGKILL",
                          host_config=api.create_host_config(network_mode=network, **host), **kwargs)
    lab.containers.append(res["Id"])
    if start:
        lab.engine.call(api.start, res["Id"])
    return res["Id"]


def netui(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*NETUI, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


# -- the clean scenario ----------------------------------------------------------------
def test_a_clean_setup_reports_nothing_and_exits_0(engine, lab):
    net = lab.name("clean")
    lab.network("clean")
    lab.container("web", lab.image, ["httpd", "-f", "-h", "/var/www", "-p", "80"], networks=[net], ports={"80/tcp": ("127.0.0.1", None)})
    lab.container("client", lab.image, networks=[net])
    snap = read_context(engine, deep=True).snapshot
    # They talk by name.
    r = Prober(engine).probe(snap, snap.container_by_name[lab.name("client")], lab.name("web"))
    assert r.verdict == "reachable by name", r.summary
    proc = netui("doctor", "--network", net)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings: nothing to report." in proc.stdout and proc.stderr == ""
    assert json.loads(netui("doctor", "--network", net, "--json").stdout) == []
    deep = netui("doctor", "--network", net, "--deep", "--json")
    assert deep.returncode == 0 and json.loads(deep.stdout) == []
    assert ours(engine, lab, deep=True) == []


def test_exit_codes_and_the_json_document(engine, lab):
    net = lab.name("wide")
    lab.network("wide")
    lab.container("open", lab.image, networks=[net], ports={"80/tcp": None})
    proc = netui("doctor", "--network", net, "--json")
    assert proc.returncode == 1, proc.stderr
    [f] = json.loads(proc.stdout)
    assert f["check"] == "port-all-interfaces" and f["severity"] == "warning"
    assert {s["name"] for s in f["subjects"]} == {lab.name("open"), net}
    assert f["fix"]["commands"][0] == f"docker rm -f {lab.name('open')}" and f["explanation"].count(". ") >= 1
    text = netui("doctor", "--network", net)
    assert text.returncode == 1 and "WARNING  port-all-interfaces" in text.stdout
    # The engine cannot be read: 2, one line.
    gone = netui("doctor", env={"DOCKER_HOST": "unix:///nonexistent/docker.sock"})
    assert gone.returncode == 2 and gone.stdout == "" and len(gone.stderr.strip().splitlines()) == 1
    assert "does not exist" in gone.stderr and "Traceback" not in gone.stderr
    nope = netui("doctor", "--network", lab.name("no-such-network"))
    assert nope.returncode == 2 and "no network named" in nope.stderr


# -- one scenario per check ---------------------------------------------------------------
def test_default_bridge_and_names_on_it_then_the_fix(engine, lab):
    lab.container("legacy", lab.image)
    caller = lab.container("caller", lab.image, ["sh", "-c", f"ping -c 1 {lab.name('legacy')}; sleep 86400"])
    found = ours(engine, lab)
    assert {(f.check, f.severity) for f in found} == {("default-bridge", "info"), ("default-bridge-names", "warning")}
    names = next(f for f in found if f.check == "default-bridge-names")
    assert names.fix.applicable
    # The fix, as netui performs it: a user-defined network with both on it; then names resolve.
    Actions(engine).perform(names.fix.specs[0])
    assert [f.check for f in ours(engine, lab)] == []
    snap = read_context(engine).snapshot
    r = Prober(engine).probe(snap, snap.container_by_id[caller], lab.name("legacy"))
    assert r.verdict == "reachable by name", r.summary


def test_ports_on_all_interfaces(engine, lab):
    lab.container("wide", lab.image, ports={"80/tcp": None})
    lab.container("narrow", lab.image, ports={"80/tcp": ("127.0.0.1", None)})
    found = ours(engine, lab, check="port-all-interfaces")
    assert [f.subjects[0].name for f in found] == [lab.name("wide")]


def test_a_config_only_network_overlapping_another(engine, lab):
    subnet = free_subnets(engine, 1)[0]
    lab.network("real", subnet=subnet)
    api = engine.api
    body = {"Name": lab.name("template"), "ConfigOnly": True, "Driver": "null", "Labels": lab.labels,
            "IPAM": {"Driver": "default", "Config": [{"Subnet": subnet}]}}
    nid = engine.call(api._result, engine.call(api._post_json, api._url("/networks/create"), data=body), True)["Id"]
    lab.networks.append(nid)
    [f] = ours(engine, lab, check="subnet-overlap")
    assert f.severity == "warning" and {s.name for s in f.subjects} == {lab.name("template"), lab.name("real")}
    # What the finding says happens: a network made from the template is refused.
    with pytest.raises(EngineError, match="(?i)overlap"):
        engine.call(api._result, engine.call(api._post_json, api._url("/networks/create"), data={
            "Name": lab.name("made"), "Driver": "bridge", "ConfigFrom": {"Network": lab.name("template")}}), True)
    # (no labels: a network made from a config-only one takes no settings of its own; the prefix marks it ours)


def _free_benchmark_24(engine) -> ipaddress.IPv4Network:
    used = [r.network for r in read_host_networking(engine.info).routes]
    used += [ipaddress.ip_network(c["Subnet"], strict=False) for n in engine.api.networks()
             for c in ((n.get("IPAM") or {}).get("Config") or []) if c.get("Subnet")]
    for s in ipaddress.ip_network("198.18.0.0/15").subnets(new_prefix=24):
        if not any(u.version == 4 and u.prefixlen > 0 and u.overlaps(s) for u in used):
            return s
    pytest.fail("no free /24 in 198.18.0.0/15")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("ip"), reason="needs root and ip to add an interface")
def test_a_network_over_one_of_the_hosts_routes(engine, lab):
    block = _free_benchmark_24(engine)
    half = list(block.subnets(new_prefix=25))[1]
    link = f"nt{uuid.uuid4().hex[:8]}"  # an empty bridge: a route of this host, no traffic (no dummy driver here)
    subprocess.run(["ip", "link", "add", link, "type", "bridge"], check=True)
    try:
        subprocess.run(["ip", "addr", "add", f"{next(half.hosts())}/{half.prefixlen}", "dev", link], check=True)
        subprocess.run(["ip", "link", "set", link, "up"], check=True)
        lab.network("clash", subnet=str(block))
        [f] = ours(engine, lab, check="subnet-host-route")
        assert f.severity == "problem" and f.subjects[0].name == lab.name("clash")
        assert any(str(half) in e and link in e for e in f.evidence), f.evidence
    finally:
        subprocess.run(["ip", "link", "del", link], check=False)


def test_an_empty_network_is_a_prune_candidate(engine, lab):
    lab.network("empty")
    lab.network("used")
    lab.container("user", lab.image, networks=[lab.name("used")], start=False)
    found = ours(engine, lab, check="empty-network")
    assert [f.subjects[0].name for f in found] == [lab.name("empty")] and found[0].severity == "info"


def test_a_network_removed_under_a_stopped_container_then_the_fix(engine, lab):
    nid = lab.network("doomed")
    cid = lab.container("orphan", lab.image, networks=[lab.name("doomed")], start=False)
    engine.api.remove_network(nid)
    [f] = ours(engine, lab, check="missing-network")
    assert f.severity == "problem"
    with pytest.raises(EngineError, match="not found"):
        engine.call(engine.api.start, cid)  # what the finding says
    for argv in f.fix.commands:  # docker network disconnect …; docker network connect bridge …
        assert argv[:3] in (("docker", "network", "disconnect"), ("docker", "network", "connect"))
        fn = engine.api.disconnect_container_from_network if argv[2] == "disconnect" else engine.api.connect_container_to_network
        engine.call(fn, cid, argv[3])
    engine.call(engine.api.start, cid)
    assert ours(engine, lab, check="missing-network") == []


def test_a_shared_stack_whose_owner_stops_or_goes(engine, lab):
    owner = lab.container("owner", lab.image)
    lab.container("rider", lab.image, network_mode=f"container:{owner}")
    engine.api.kill(owner)
    [f] = ours(engine, lab, check="shared-stack")
    assert f.severity == "warning" and "only a loopback" in " ".join(f.evidence)
    engine.api.remove_container(owner, force=True)
    [g] = ours(engine, lab, check="shared-stack")
    assert g.severity == "problem" and "gone" in g.title


def test_published_ports_on_an_internal_network_then_the_fix(engine, lab):
    lab.network("inner", internal=True)
    cid = lab.container("hidden", lab.image, ["httpd", "-f", "-h", "/var/www", "-p", "80"], networks=[lab.name("inner")],
                        ports={"80/tcp": ("127.0.0.1", None)})
    assert ours(engine, lab, check="internal-ports") == []  # the lists alone cannot tell
    [f] = ours(engine, lab, deep=True, check="internal-ports")
    assert f.severity == "problem" and f.fix.lines == (f"docker network connect bridge {lab.name('hidden')}",)
    listed = engine.api.containers(filters={"id": [cid]})[0]
    assert not any(p.get("PublicPort") for p in listed["Ports"])  # no host port, as it says
    Actions(engine).perform(f.fix.specs[0])
    listed = engine.api.containers(filters={"id": [cid]})[0]
    assert any(p.get("PublicPort") for p in listed["Ports"])
    assert ours(engine, lab, deep=True, check="internal-ports") == []


def test_meant_to_talk_by_environment_then_the_fix(engine, lab):
    lab.network("front")
    lab.network("back")
    api_id = raw_container(lab, "api", network=lab.name("front"), environment={"DB_HOST": lab.name("db"), "DB_PASSWORD": "secret"})
    lab.container("db", lab.image, networks=[lab.name("back")])
    [f] = ours(engine, lab, deep=True, check="meant-to-talk")
    assert f.severity == "warning" and f.fix.lines == (f"docker network connect {lab.name('back')} {lab.name('api')}",)
    assert "secret" not in json.dumps(f.as_dict())  # only the host an environment names is kept
    Actions(engine).perform(f.fix.specs[0])
    snap = read_context(engine, deep=True).snapshot
    r = Prober(engine).probe(snap, snap.container_by_id[api_id], lab.name("db"))
    assert r.verdict == "reachable by name", r.summary
    assert ours(engine, lab, deep=True, check="meant-to-talk") == []


def test_two_compose_projects_with_one_prefix(engine, lab):
    for project, service in (("shop-api", "app"), ("shop-web", "web")):
        lab.network(f"{project}_default", labels={"com.docker.compose.project": lab.name(project), "com.docker.compose.network": "default"})
        lab.container(f"{project}-{service}-1", lab.image, networks=[lab.name(f"{project}_default")],
                      labels={"com.docker.compose.project": lab.name(project), "com.docker.compose.service": service})
    [f] = ours(engine, lab, check="meant-to-talk")
    assert f.severity == "info" and f.fix.applicable
    assert f.fix.lines == (f"docker network connect {lab.name('shop-web_default')} {lab.name('shop-api-app-1')}",)


def test_duplicate_network_names(engine, lab):
    name = lab.name("twin")
    for _ in range(2):
        lab.networks.append(engine.api.create_network(name, check_duplicate=False, labels=lab.labels)["Id"])
    [f] = ours(engine, lab, check="duplicate-network-name")
    assert f.severity == "problem" and len(f.subjects) == 2 and f.title == f"2 networks are named {name}"


def test_a_stopped_container_whose_host_port_is_taken(engine, lab):
    holder = lab.container("holder", lab.image, ports={"80/tcp": ("127.0.0.1", None)})
    port = int(engine.api.inspect_container(holder)["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"])
    waiting = lab.container("waiting", lab.image, ports={"80/tcp": ("127.0.0.1", port)}, start=False)
    [f] = ours(engine, lab, deep=True, check="host-port-clash")
    assert f.severity == "problem" and f.title == f"{lab.name('waiting')} cannot start: host port {port}/tcp is held by {lab.name('holder')}"
    with pytest.raises(EngineError, match="(?i)allocated|in use"):
        engine.call(engine.api.start, waiting)


def test_a_mounted_resolv_conf(engine, lab, tmp_path):
    resolv = tmp_path / "resolv.conf"
    resolv.write_text("nameserver 198.18.0.53\n")
    lab.network("dns")
    cid = raw_container(lab, "own-dns", network=lab.name("dns"), host_config={"binds": [f"{resolv}:/etc/resolv.conf:ro"]})
    [f] = ours(engine, lab, check="resolver-not-embedded")
    assert f.severity == "warning"
    out = engine.api.exec_start(engine.api.exec_create(cid, ["cat", "/etc/resolv.conf"])["Id"]).decode()
    assert "127.0.0.11" not in out  # it really does not ask the embedded DNS


def test_one_alias_on_two_containers(engine, lab):
    lab.network("lb")
    for short in ("one", "two"):
        lab.container(short, lab.image, networks=[(lab.name("lb"), [lab.name("db")])])
    [f] = ours(engine, lab, deep=True, check="shared-alias")
    assert f.severity == "warning" and f.title == f"{lab.name('db')} on {lab.name('lb')} answers for 2 containers"


def test_icc_off_and_the_probe_says_why(engine, lab):
    from netui.engine.doctor.whynot import why_not

    lab.network("quiet", options={"com.docker.network.bridge.enable_icc": "false"})
    a = lab.container("a", lab.image, networks=[lab.name("quiet")])
    lab.container("b", lab.image, networks=[lab.name("quiet")])
    [f] = ours(engine, lab, check="icc-disabled")
    assert f.severity == "info"
    snap = read_context(engine, deep=True).snapshot
    r = Prober(engine).probe(snap, snap.container_by_id[a], lab.name("b"))
    assert r.verdict == "name resolves, but no reply", r.summary
    assert [c.check for c in why_not(snap, snap.container_by_id[a], lab.name("b"), result=r)] == ["icc-disabled"]


def test_ports_given_to_a_container_on_the_host_network(engine, lab):
    # docker-py refuses -p with host networking; the engine takes it (and `docker run` warns it discards it).
    api = engine.api
    body = {"Image": lab.image, "Cmd": ["sleep", "86400"], "Labels": lab.labels, "ExposedPorts": {"80/tcp": {}},
            "HostConfig": {"NetworkMode": "host", "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8099"}]}}}
    res = engine.call(api._result, engine.call(api._post_json, api._url("/containers/create"), data=body,
                                               params={"name": lab.name("hosty")}), True)
    lab.containers.append(res["Id"])
    assert ours(engine, lab, check="host-mode-ports") == []
    [f] = ours(engine, lab, deep=True, check="host-mode-ports")
    assert f.severity == "info"


def test_deep_reads_every_network_and_finds_no_stale_endpoint_on_healthy_ones(engine, lab):
    lab.network("ok")
    lab.container("x", lab.image, networks=[lab.name("ok")])
    ctx = read_context(engine, deep=True)
    assert ctx.network_endpoints is not None
    assert any(e.name == lab.name("x") for e in ctx.network_endpoints)
    assert [f for f in diagnose(ctx) if f.check == "stale-endpoint" and any(s.name.startswith(lab.prefix) for s in f.subjects)] == []


# -- the address pools, on a private dockerd with a tiny pool ---------------------------------
@pytest.fixture
def tiny_pool_engine():
    yield from private_engine(prefix=22)


def test_address_pool_headroom_warns_then_says_full_when_create_fails(tiny_pool_engine):
    eng, base = tiny_pool_engine
    assert eng.info.address_pools == ((base, 24),)
    seen = []
    for i in range(8):
        found = [f for f in diagnose(read_context(eng)) if f.check == "address-pools"]
        severity = found[0].severity if found else "none"
        seen.append(severity)
        try:
            eng.call(eng.api.create_network, f"pool-{i}", driver="bridge")
        except EngineError as exc:
            assert "could not find an available, non-overlapping" in str(exc)
            assert severity == "problem", seen  # it said so before the create failed
            break
        assert severity != "problem", f"the doctor said full, but network {i} was created: {seen}"
    else:
        pytest.fail(f"the pool never filled: {seen}")
    assert seen[:2] in (["none", "warning"], ["warning", "warning"]) and "warning" in seen, seen
    proc = subprocess.run([*NETUI, "doctor", "--host", eng.info.host, "--json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and json.loads(proc.stdout)[0]["check"] == "address-pools"
