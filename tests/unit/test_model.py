"""The model tolerates what any engine sends: old and new Docker APIs, Podman, swarm."""

from __future__ import annotations

from netui.engine.model import Container, Endpoint, Network, Port, Snapshot
from netui.text import clean


def test_empty_payloads_do_not_crash():
    for junk in ({}, None, [], "x", {"IPAM": None, "Labels": None, "Options": None}, {"IPAM": {"Config": None}}):
        n = Network.from_api(junk)
        assert n.subnets == () and n.labels == ()
    for junk in ({}, None, {"NetworkSettings": None}, {"NetworkSettings": {"Networks": None}}, {"Ports": None, "Names": None}):
        c = Container.from_api(junk)
        assert c.endpoints == () and c.ports == ()
    Snapshot.build([Network.from_api({})], [Container.from_api({})]).members("")


def test_podman_compat_payload():
    """Podman's compat API: no host/none networks, NetworkID missing from container endpoints."""
    net = Network.from_api({"Name": "podman", "Id": "2f259bab93aa", "Driver": "bridge",
                            "IPAM": {"Config": [{"Subnet": "10.88.0.0/16", "Gateway": "10.88.0.1"}]}})
    c = Container.from_api({
        "Id": "abc", "Names": ["/web"], "State": "running",
        "NetworkSettings": {"Networks": {"podman": {"IPAddress": "10.88.0.5", "IPPrefixLen": 16}}},
        "Ports": [{"PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}],
    })
    snap = Snapshot.build([net], [c])
    [m] = snap.members(net.id)
    assert m.endpoint.ipv4_cidr == "10.88.0.5/16"
    assert c.ports[0].all_interfaces and c.ports[0].loopback_target == "127.0.0.1"
    assert not net.builtin and net.has_dns


def test_swarm_payloads():
    ingress = Network.from_api({"Name": "ingress", "Id": "q0xa5o3pzx6bdgl5e9m7v1l9v", "Driver": "overlay",
                                "Scope": "swarm", "Ingress": True, "Containers": {"ingress-sbox": {}, "lb-ingress": {}}})
    assert ingress.protected and not ingress.builtin and ingress.flags == ("ingress",)
    overlay = Network.from_api({"Name": "bridge", "Id": "zzz", "Driver": "overlay", "Scope": "swarm"})
    assert not overlay.builtin  # a swarm network may be named like a builtin


def test_newer_api_fields_are_optional():
    e = Endpoint.from_api("n", {"NetworkID": "x", "IPAddress": "10.0.0.2", "IPPrefixLen": 24,
                                "DNSNames": ["web", "abc123"], "Aliases": ["web"], "GwPriority": 5}, "c", "web")
    assert e.names == ("web", "abc123") and e.gw_priority == 5
    old = Endpoint.from_api("n", {"NetworkID": "x", "Aliases": ["db", "abc123"]}, "c", "web")
    assert old.names == ("db", "abc123") and old.gw_priority is None
    assert Network.from_api({"Name": "v6only", "EnableIPv4": False}).ipv4 is False


def test_network_modes():
    host = Container.from_api({"Id": "h", "HostConfig": {"NetworkMode": "host"}})
    none = Container.from_api({"Id": "n", "HostConfig": {"NetworkMode": "none"}})
    shared = Container.from_api({"Id": "s", "Names": ["/s"], "HostConfig": {"NetworkMode": "container:owner1234"}})
    owner = Container.from_api({"Id": "owner1234567", "Names": ["/owner"],
                                "NetworkSettings": {"Networks": {"app": {"NetworkID": "net1", "IPAddress": "10.1.0.2"}}}})
    app = Network.from_api({"Name": "app", "Id": "net1"})
    snap = Snapshot.build([app], [host, none, shared, owner])
    assert (host.mode, none.mode, shared.mode, owner.mode) == ("host", "none", "container", "network")
    assert snap.resolve_container(shared.stack_owner).id == owner.id  # an id prefix resolves
    assert [n.name for n in snap.networks_of(shared)] == ["app"]
    assert [m.via.name for m in snap.members("net1") if m.via] == ["owner"]
    assert snap.stack_sharers(owner.id) == (shared,)


def test_ports_and_clashes():
    a = Container.from_api({"Id": "a", "Names": ["/a"], "Ports": [
        {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
        {"PrivatePort": 9000, "Type": "tcp"}]})
    b = Container.from_api({"Id": "b", "Names": ["/b"], "Ports": [{"IP": "127.0.0.2", "PrivatePort": 81, "PublicPort": 8080, "Type": "tcp"}]})
    snap = Snapshot.build([], [a, b])
    assert [p.container_port for p in a.exposed_ports] == [9000]
    assert {p.host_address for p in a.published_ports} == {"0.0.0.0:8080", "[::]:8080"}
    assert snap.host_port_clashes == frozenset({(8080, "tcp")})
    assert Port(80, "tcp", "127.0.0.2", 8080).loopback_target == "127.0.0.2"
    assert not Port(80, "tcp", "127.0.0.2", 8080).all_interfaces


def test_clean_makes_hostile_text_inert():
    assert clean("[b]x[/b]") == "[b]x[/b]"  # markup is not our business here: callers use Text
    assert "\x1b" not in clean("\x1b[31mred\x1b]0;title\x07")
    assert clean("a\nb\tc") == "a\u23ceb c"
    assert "\u202e" not in clean("abc\u202edef") and "\u200b" not in clean("a\u200bb")
    assert clean("x" * 50, limit=10) == "x" * 9 + "\u2026"
    assert clean("日本語 ok") == "日本語 ok"
