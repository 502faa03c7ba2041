"""The read path on payloads recorded from a real Podman 4.3 compat API and, for the
same scenario, from Docker 20.10 (scripts/record_podman.py; tests/data/{podman,docker}).

Scenario: rec-front and rec-back (user networks), rec-web on front with a published
port, rec-app on both, rec-db on back and never started, rec-plain on the engine's
default network, rec-hostc in host mode, rec-nonec in none mode, rec-side sharing
rec-app's stack (container:rec-app).
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from netui.engine.client import product_of
from netui.engine.model import Container, Endpoint, Network, NetworkIndex, Snapshot, engine_networks
from netui.engine.schema import from_dict, to_dict
from netui.engine.topology import TopologyReader
from tests.unit.recorded import DATA, RecordedEngine, load

KINDS = ("podman", "docker")


def read(kind: str) -> Snapshot:
    return TopologyReader(RecordedEngine(kind)).read()


def placed(snap: Snapshot) -> set[tuple[str, str, str]]:
    """(network, container, via) for every member, with the default network called "default".
    A container shown twice on one network fails here."""
    out: set[tuple[str, str, str]] = set()
    for n in snap.networks:
        names = [m.container.name for m in snap.members(n.id)]
        assert len(names) == len(set(names)), f"{n.name}: {names}"
        for m in snap.members(n.id):
            out.add(("default" if n.is_default_bridge else n.name, m.container.name, m.via.name if m.via else ""))
    return out


def test_recordings_are_what_they_say():
    assert product_of(load("podman", "version.json")) == "Podman"
    assert product_of(load("docker", "version.json")) == "Docker"
    assert product_of({"Version": "20.10", "Components": [{"Name": "Engine"}]}) == "Docker"
    assert product_of(None) == "Docker"
    assert RecordedEngine("podman").info.label == "recorded:podman · Podman 4.3.1 (API 1.41)"


def test_podman_payloads_have_the_known_differences():
    """What the read path has to cope with, as the recording shows it (so a re-recording
    with another Podman version that changes them makes this fail first)."""
    nets = load("podman", "networks.json")
    assert {n["Name"] for n in nets} == {"bridge", "rec-front", "rec-back"}  # no host, no none
    listed = {c["Names"][0].lstrip("/"): c for c in load("podman", "containers.json")}
    app = listed["rec-app"]["NetworkSettings"]["Networks"]
    assert app["rec-front"]["NetworkID"] == "rec-front"  # the name where Docker puts the id
    assert listed["rec-hostc"]["NetworkSettings"]["Networks"] is None
    assert listed["rec-hostc"].get("HostConfig") is None  # no network mode in the list
    assert list(listed["rec-plain"]["NetworkSettings"]["Networks"]) == ["podman"]  # listed as "bridge"
    front = next(n for n in nets if n["Name"] == "rec-front")
    # The list's Containers name a container:<x> one too, with x's address (Docker's do not).
    assert {v["Name"] for v in front["Containers"].values()} == {"rec-web", "rec-app", "rec-side"}
    by_name = {v["Name"]: v for v in front["Containers"].values()}
    assert by_name["rec-side"]["IPv4Address"] == by_name["rec-app"]["IPv4Address"]
    assert load("podman", "container-rec-hostc.json")["HostConfig"]["NetworkMode"] == "host"
    # A container:<x> one is listed with x's endpoints (Docker lists none for it).
    assert sorted(listed["rec-side"]["NetworkSettings"]["Networks"]) == ["rec-back", "rec-front"]
    assert load("podman", "container-rec-side.json")["HostConfig"]["NetworkMode"].startswith("container:")


@pytest.mark.parametrize("kind", KINDS)
def test_every_container_is_placed_like_docker_places_it(kind):
    snap = read(kind)
    assert placed(snap) == {
        ("rec-front", "rec-web", ""), ("rec-front", "rec-app", ""), ("rec-back", "rec-app", ""), ("rec-back", "rec-db", ""),
        ("default", "rec-plain", ""), ("host", "rec-hostc", ""), ("none", "rec-nonec", ""),
        ("rec-front", "rec-side", "rec-app"), ("rec-back", "rec-side", "rec-app"),
    }
    by_name = snap.container_by_name
    assert by_name["rec-hostc"].mode == "host" and by_name["rec-nonec"].mode == "none"
    side = by_name["rec-side"]
    assert side.mode == "container" and side.endpoints == () and snap.stack_holder(side) == by_name["rec-app"]
    assert all(c.details for c in snap.containers)
    web = by_name["rec-web"]
    (port,) = web.published_ports
    assert (port.container_port, port.protocol, port.host_ip) == (80, "tcp", "127.0.0.1") and port.host_port


def test_podman_endpoints_carry_the_engines_addresses():
    """Each endpoint's IP and MAC are what Podman's network list says for that network."""
    snap = read("podman")
    for raw in load("podman", "networks.json"):
        net = snap.network_by_name[raw["Name"]]
        eps = {e.container_id: e for e in snap.endpoints(net.id)}
        own = {cid: v for cid, v in raw["Containers"].items() if snap.container_by_id[cid].mode != "container"}
        assert set(eps) == set(own), raw["Name"]
        for cid, listed in own.items():
            assert eps[cid].ipv4_cidr == listed["IPv4Address"]
            assert eps[cid].mac == listed["MacAddress"]
            assert net.contains(eps[cid].ipv4) or not eps[cid].ipv4
    running = [e for n in snap.networks if not n.synthetic for e in snap.endpoints(n.id)
               if snap.container_by_id[e.container_id].running]
    assert running and all(e.ipv4 and e.mac for e in running)
    app = snap.container_by_name["rec-app"]
    assert {n: e.names for n, e in ((snap.network_by_id[e.network_id].name, e) for e in app.endpoints)} == {
        "rec-front": ("app", app.short_id), "rec-back": ("api", app.short_id),
    }


def test_podman_host_and_none_are_stood_in_for():
    snap = read("podman")
    host, none = snap.network_by_name["host"], snap.network_by_name["none"]
    assert host.synthetic and none.synthetic and host.builtin and none.protected
    assert (host.driver, none.driver) == ("host", "null")
    assert not any(n.synthetic for n in read("docker").networks)
    listed_host = Network(id="h" * 64, name="host", driver="host", scope="local")
    assert [n.name for n in engine_networks([listed_host], podman=True)] == ["host", "none"]
    assert engine_networks([listed_host], podman=True)[0] is listed_host  # a listed one is kept, not doubled
    assert engine_networks([listed_host], podman=False) == (listed_host,)


def test_dump_round_trip_keeps_podman_placement():
    snap = read("podman")
    data = json.loads(json.dumps(to_dict(snap)))
    assert data["engine"]["product"] == "Podman"
    nets = {n["name"]: n for n in data["networks"]}
    assert nets["host"]["synthetic"] is True and nets["rec-front"]["synthetic"] is False
    assert {(c["name"], c["via"]) for c in nets["rec-front"]["containers"]} == {
        ("rec-web", None), ("rec-app", None), ("rec-side", "rec-app")}
    assert all(c["ipv4"] and c["mac"] for c in nets["rec-front"]["containers"] if not c["via"])
    back = from_dict(data)
    assert back.engine.is_podman and placed(back) == placed(snap)


def test_newer_podman_without_the_lists_containers():
    """Podman 5 leaves the network list's Containers empty: the default network is then
    found by subnet (running) or by Podman's own name for it (stopped)."""
    nets = [Network.from_api(n) for n in load("podman", "networks.json")]
    index = NetworkIndex(engine_networks(nets, podman=True), podman=True)
    plain = Container.from_api(next(c for c in load("podman", "containers.json") if c["Names"] == ["/rec-plain"]))
    bridge = next(n for n in nets if n.name == "bridge")
    assert [e.network_id for e in index.join(plain).endpoints] == [bridge.id]
    stopped = replace(plain, endpoints=(Endpoint("podman", "podman", plain.id, plain.name),))
    assert [e.network_id for e in index.join(stopped).endpoints] == [bridge.id]
    # Not on Docker: there "podman" would be a network of that name, or nothing.
    assert index.join(stopped) is not stopped
    assert [e.network_id for e in NetworkIndex(nets).join(stopped).endpoints] == ["podman"]


def test_network_id_holding_a_name_is_joined_and_an_unknown_one_kept():
    nets = (Network(id="a" * 64, name="front"), Network(id="b" * 64, name="back"))
    c = Container(id="c1", name="x", endpoints=(
        Endpoint("front", "front", "c1", "x"),            # Podman: NetworkID = name
        Endpoint("", "back", "c1", "x"),                  # Docker, stopped: no NetworkID
        Endpoint("gone", "gone", "c1", "x"),              # a network not listed (removed meanwhile)
    ))
    joined = NetworkIndex(nets).join(c)
    assert [e.network_id for e in joined.endpoints] == ["a" * 64, "b" * 64, "gone"]
    done = Snapshot.build(nets, [c])
    assert done.container_count("a" * 64) == 1 and done.container_count("b" * 64) == 1
    unchanged = Container(id="c2", name="y", endpoints=(Endpoint("a" * 64, "front", "c2", "y"),))
    assert NetworkIndex(nets).join(unchanged) is unchanged


def test_targeted_read_keeps_podman_placement():
    engine = RecordedEngine("podman")
    reader = TopologyReader(engine)
    snap = reader.read()
    app = snap.container_by_name["rec-app"]
    again, pending = reader.read_lists([app.id], snap)
    again = reader.complete(again, pending)
    assert placed(again) == placed(snap)
    # The host and none containers were inspected once, for their mode, then cached.
    inspected = [ref for call, ref in engine.api.calls if call == "inspect_container"]
    hostc = snap.container_by_name["rec-hostc"].id
    assert inspected.count(hostc) == 1
    reader.read()
    assert [ref for call, ref in engine.api.calls if call == "inspect_container"].count(hostc) == 1


def test_recorded_files_are_complete():
    for kind in KINDS:
        names = {p.name for p in (DATA / kind).iterdir()}
        assert {"version.json", "info.json", "networks.json", "containers.json", "events.jsonl", "scenario.json"} <= names
        for c in load(kind, "containers.json"):
            assert f"container-{c['Names'][0].lstrip('/')}.json" in names
        assert copy.deepcopy(load(kind, "scenario.json"))["prefix"] == "rec-"
