"""netui against a real Podman service (its Docker-compatible API), started by
scripts/podman.sh: `bash scripts/podman.sh` prints the socket.

Marked `podman`. The service is found at NETUI_PODMAN_HOST (default
unix:///run/netui-podman/podman.sock). Without one these tests are skipped with the
reason; with NETUI_REQUIRE_PODMAN=1 (make test) a missing service is an error.
Every resource carries netui.test=1 and a unique prefix and is removed afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import pytest

from netui.engine.client import Engine, EngineError
from netui.engine.events import EventStream
from netui.engine.image import LOCAL_IMAGE, ensure_local_image, image_exists
from netui.engine.topology import TopologyReader
from netui.engine.workspace import Workspace, sweep_leftovers

pytestmark = pytest.mark.podman

PODMAN_HOST = os.environ.get("NETUI_PODMAN_HOST", "unix:///run/netui-podman/podman.sock")


def _required() -> bool:
    return os.environ.get("NETUI_REQUIRE_PODMAN", "") not in ("", "0")


@pytest.fixture(scope="module")
def podman() -> Engine:
    eng = Engine(PODMAN_HOST)
    try:
        eng.connect()
    except EngineError as exc:
        if _required():
            pytest.fail(f"NETUI_REQUIRE_PODMAN is set but no Podman service answers: {exc} (bash scripts/podman.sh)", pytrace=False)
        pytest.skip(f"no Podman service at {PODMAN_HOST}: {exc} (start one with bash scripts/podman.sh)")
    if not eng.info.is_podman:
        pytest.fail(f"{PODMAN_HOST} answers, but it is {eng.info.label}, not Podman", pytrace=False)
    sweep_leftovers(eng, "netui.test", "1", "netuitest-", older_than=3600)
    ensure_local_image(eng)
    yield eng
    eng.close()


class PodmanLab(Workspace):
    def network(self, short: str, **kwargs) -> str:
        # Podman 4.3 scans the host's interfaces for a free subnet; one that goes away
        # meanwhile (another engine's network being removed) fails the create with
        # "route ip+net: no such network interface". Once more is enough.
        try:
            return super().network(short, **kwargs)
        except EngineError as exc:
            if "no such network interface" not in str(exc):
                raise
            return super().network(short, **kwargs)


@pytest.fixture
def plab(podman):
    ws = PodmanLab(podman, "netui.test", "1", prefix=f"netuitest-{uuid.uuid4().hex[:6]}-")
    try:
        yield ws
    finally:
        ws.remove_all()


def wait_until(predicate, timeout: float = 10.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what or predicate}")
        time.sleep(0.05)


def scenario(lab: PodmanLab) -> dict[str, str]:
    img = LOCAL_IMAGE
    ids = {"front": lab.network("front"), "back": lab.network("back")}
    ids["web"] = lab.container("web", img, ["httpd", "-f", "-p", "80"], networks=[(lab.name("front"), ["www"])],
                               ports={"80/tcp": ("127.0.0.1", None)})
    ids["app"] = lab.container("app", img, networks=[lab.name("front"), (lab.name("back"), ["api"])])
    ids["db"] = lab.container("db", img, networks=[lab.name("back")], start=False)
    ids["plain"] = lab.container("plain", img)
    ids["hostc"] = lab.container("hostc", img, network_mode="host")
    ids["nonec"] = lab.container("nonec", img, network_mode="none")
    ids["side"] = lab.container("side", img, network_mode=f"container:{ids['app']}")
    return ids


def test_dump_json_lists_each_container_under_its_network(podman, plab):
    ids = scenario(plab)
    env = {**os.environ, "DOCKER_HOST": PODMAN_HOST}
    proc = subprocess.run([sys.executable, "-m", "netui", "dump", "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["engine"]["product"] == "Podman"
    nets = {n["name"]: n for n in data["networks"]}
    api = podman.api
    for short in ("front", "back"):
        net = nets[plab.name(short)]
        inspected = api.inspect_network(ids[short])
        listed = {c["id"]: c for c in net["containers"]}
        assert set(listed) == set(inspected["Containers"]), short
        for cid, ep in inspected["Containers"].items():
            if cid == ids["side"]:  # Podman names it with app's address; netui shows it through app
                assert listed[cid]["via"] == plab.name("app") and ep["IPv4Address"] == listed[ids["app"]]["ipv4"]
                continue
            assert listed[cid]["ipv4"] == ep["IPv4Address"] and listed[cid]["mac"] == ep["MacAddress"]
    running = [c for short in ("front", "back") for c in nets[plab.name(short)]["containers"]
               if c["id"] != ids["db"] and not c["via"]]
    assert len(running) == 3 and all(c["ipv4"] and c["mac"] for c in running)
    assert {c["name"] for c in nets[plab.name("front")]["containers"]} == {plab.name("web"), plab.name("app"), plab.name("side")}
    assert {c["name"] for c in nets[plab.name("back")]["containers"]} == {plab.name("app"), plab.name("db"), plab.name("side")}
    for net in nets.values():  # nobody twice on one network
        assert len({c["id"] for c in net["containers"]}) == len(net["containers"]), net["name"]
    # host and none: stood in for, with their containers; the default network, listed as "bridge".
    assert nets["host"]["synthetic"] and plab.name("hostc") in {c["name"] for c in nets["host"]["containers"]}
    assert nets["none"]["synthetic"] and plab.name("nonec") in {c["name"] for c in nets["none"]["containers"]}
    plain = next(c for c in nets["bridge"]["containers"] if c["id"] == ids["plain"])
    assert plain["ipv4"] and plain["mac"]
    assert "www" in next(c for c in nets[plab.name("front")]["containers"] if c["id"] == ids["web"])["names"]
    web = next(c for c in data["containers"] if c["id"] == ids["web"])
    assert web["ports"][0]["host_ip"] == "127.0.0.1" and web["ports"][0]["host_port"]


def test_reader_follows_connect_and_disconnect(podman, plab):
    ids = scenario(plab)
    reader = TopologyReader(podman)
    snap = reader.read()
    extra = plab.network("extra")
    podman.api.connect_container_to_network(ids["web"], extra, aliases=["x"])
    snap2, pending = reader.read_lists([ids["web"]], snap)
    snap2 = reader.complete(snap2, pending)
    ep = snap2.container_by_id[ids["web"]].endpoint_on(extra)
    assert ep is not None and ep.ipv4 and snap2.network_by_id[extra].contains(ep.ipv4) and "x" in ep.names
    podman.api.disconnect_container_from_network(ids["web"], extra)
    snap3 = reader.read()
    assert snap3.container_by_id[ids["web"]].endpoint_on(extra) is None
    assert snap3.container_count(extra) == 0
    # Everything else stayed where it was (side counts through app).
    assert snap3.container_count(ids["front"]) == 3 and snap3.container_count(ids["back"]) == 3


def test_events_say_what_to_read_again(podman, plab):
    ids = scenario(plab)
    stream = EventStream(podman, poll_networks=0.3).open()
    got: list = []
    import threading

    t = threading.Thread(target=lambda: got.extend(stream), daemon=True)
    t.start()
    try:
        time.sleep(0.3)
        extra = plab.network("extra")
        ev = wait_until(lambda: next((e for e in got if e.type == "network" and e.action == "create" and e.id == extra), None),
                        what="a (polled) network create event")
        assert ev.polled and ev.name == plab.name("extra")
        podman.api.connect_container_to_network(ids["app"], extra)
        ev = wait_until(lambda: next((e for e in got if e.action == "connect" and e.container == ids["app"]), None),
                        what="the connect event")
        assert ev.rereads == (ids["app"],) and not ev.network_known
        podman.api.disconnect_container_from_network(ids["app"], extra)
        wait_until(lambda: any(e.action == "disconnect" and e.container == ids["app"] for e in got), what="the disconnect event")
        podman.api.remove_network(plab.name("extra"))  # by name: see test_remove_network_by_id_ignores_users
        wait_until(lambda: any(e.action == "destroy" and e.id == extra for e in got), what="a (polled) network destroy event")
        podman.api.remove_container(ids["db"], force=True)
        ev = wait_until(lambda: next((e for e in got if e.type == "container" and e.action == "remove" and e.id == ids["db"]), None),
                        what="the container remove event")
        assert ev.rereads == (ids["db"],)
    finally:
        stream.close()
        t.join(timeout=5)
    assert not t.is_alive(), "closing the stream ends the iteration"


def test_local_image_keeps_its_tag(podman):
    tag = f"netui/busybox:t{uuid.uuid4().hex[:6]}"
    try:
        assert ensure_local_image(podman, tag, applets=("sleep",))
        assert image_exists(podman, tag)
        assert not ensure_local_image(podman, tag, applets=("sleep",))
    finally:
        try:
            podman.api.remove_image(tag)
        except Exception:
            pass


# -- what the compat API does that actions and probes must know (characterisation) -----
def _exec(podman, cid: str, argv: list[str]) -> tuple[int, str]:
    api = podman.api
    ex = api.exec_create(cid, argv, stdout=True, stderr=True)
    out = api.exec_start(ex["Id"]).decode("utf-8", "replace")
    return api.exec_inspect(ex["Id"])["ExitCode"], out


def test_probe_tools_inside_a_podman_container(podman, plab):
    """No NET_RAW by default: ping is refused where TCP works; names are answered by the
    network's gateway (aardvark-dns), not by 127.0.0.11 as on Docker."""
    net = plab.network("probe")
    gateway = podman.api.inspect_network(net)["IPAM"]["Config"][0]["Gateway"]
    web = plab.container("web", LOCAL_IMAGE, ["httpd", "-f", "-p", "80"], networks=[(plab.name("probe"), ["www"])])
    cli = plab.container("cli", LOCAL_IMAGE, networks=[plab.name("probe")])
    ip = podman.api.inspect_container(web)["NetworkSettings"]["Networks"][plab.name("probe")]["IPAddress"]
    code, out = _exec(podman, cli, ["grep", "CapEff", "/proc/self/status"])
    assert code == 0 and not int(out.split()[1], 16) & (1 << 13), "NET_RAW is not granted"
    code, out = _exec(podman, cli, ["ping", "-c", "1", "-W", "1", ip])
    assert code == 1 and "ping: permission denied (are you root?)" in out
    code, out = wait_until(lambda: (r := _exec(podman, cli, ["nc", "-w", "2", ip, "80"]))[0] == 0 and r, what="TCP to port 80")
    code, out = _exec(podman, cli, ["nslookup", "www", "127.0.0.11"])
    assert code != 0
    code, out = wait_until(lambda: (r := _exec(podman, cli, ["nslookup", "www", gateway]))[0] == 0 and r, what="aardvark-dns")
    assert ip in out
    code, out = _exec(podman, cli, ["cat", "/etc/resolv.conf"])
    assert f"nameserver {gateway}" in out and "search dns.podman" in out


def test_netui_probes_by_name_on_podman_ask_the_networks_dns(podman, plab):
    """netui's own probe on Podman: the name is asked of the network's aardvark-dns (its
    gateway), not of 127.0.0.11 (which refuses there and made "reachable" read "no such
    name"); TCP reaches the target, and ping's refusal (no NET_RAW) is not called a loss."""
    from netui.engine.probe_plan import OK
    from netui.engine.probes import Prober

    plab.network("byname")
    gateway = podman.api.inspect_network(plab.name("byname"))["IPAM"]["Config"][0]["Gateway"]
    plab.container("web", LOCAL_IMAGE, ["httpd", "-f", "-p", "80"], networks=[plab.name("byname")])
    plab.container("cli", LOCAL_IMAGE, networks=[plab.name("byname")])
    reader = TopologyReader(podman)

    def probed():
        snap = reader.read()
        r = Prober(podman, allow_sidecars=False).probe(snap, snap.container_by_name[plab.name("cli")], f"{plab.name('web')}:80")
        return r if {c.kind: c.status for c in r.checks}.get("tcp") == OK else None

    result = wait_until(probed, timeout=20, what="the probe's TCP check")
    dns = next(c for c in result.checks if c.kind == "dns")
    assert dns.status == OK and dns.command.endswith(f"nslookup {plab.name('web')} {gateway}"), dns


def test_remove_network_by_id_ignores_users(podman, plab):
    """Podman 4.3's compat DELETE /networks/{id} checks for users by *name* only: by name
    it refuses a network in use, by id it removes it under its containers (shown with a
    container never started, which has nothing set up that could be left behind)."""
    net = plab.network("inuse")
    c = plab.container("user", LOCAL_IMAGE, networks=[plab.name("inuse")], start=False)
    with pytest.raises(EngineError) as info:
        podman.call(podman.api.remove_network, plab.name("inuse"))
    assert "associated containers" in str(info.value) and "network is being used" in str(info.value)
    podman.call(podman.api.remove_network, net)  # by id: no error
    assert not podman.api.networks(filters={"name": [plab.name("inuse")]})
    left = podman.api.inspect_container(c)["NetworkSettings"]["Networks"]
    assert list(left) == [plab.name("inuse")]  # still attached to a network that is gone
    with pytest.raises(EngineError) as info:
        podman.call(podman.api.start, c)
    assert "network not found" in str(info.value)
