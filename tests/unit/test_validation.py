"""Validation of the action forms against a snapshot, without an engine."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from netui.engine.model import Container, Endpoint, EngineInfo, IpamConfig, Network, Port, Snapshot
from netui.engine.specs import ConnectSpec, DisconnectSpec, NetworkSpec, RunSpec, blocking, command_text
from netui.engine.validation import (
    protected_reason,
    prune_candidates,
    validate_connect,
    validate_disconnect,
    validate_network,
    validate_run,
)

INFO = EngineInfo(network_drivers=("bridge", "host", "ipvlan", "macvlan", "null", "overlay"))
APP = Network(id="app", name="app_net", driver="bridge", scope="local", ipam=(IpamConfig("10.42.0.0/24", "10.42.0.1"),))
BRIDGE = Network(id="br", name="bridge", driver="bridge", scope="local", options=(("com.docker.network.bridge.default_bridge", "true"),),
                 ipam=(IpamConfig("172.17.0.0/16"),))
HOST = Network(id="h", name="host", driver="host", scope="local")
EMPTY = Network(id="e", name="empty_net", driver="bridge", scope="local")
WEB = Container(id="w", name="web", state="running", network_mode="app_net",
                endpoints=(Endpoint("app", "app_net", "w", "web", ipv4="10.42.0.2", prefix_len=24, gateway="10.42.0.1"),),
                ports=(Port(80, "tcp", "0.0.0.0", 8080),))
DB = Container(id="d", name="db", state="running", network_mode="bridge",
               endpoints=(Endpoint("br", "bridge", "d", "db", ipv4="172.17.0.2", prefix_len=16),))
HOSTY = Container(id="hh", name="hosty", state="running", network_mode="host", endpoints=(Endpoint("h", "host", "hh", "hosty"),))
SNAP = Snapshot.build([APP, BRIDGE, HOST, EMPTY], [WEB, DB, HOSTY])


def msgs(errors):
    return " | ".join(f"{e.field}: {e.message}" for e in errors)


def test_good_network_spec_passes_and_builds_the_command():
    spec = NetworkSpec(name="my_custom_network", subnet="10.50.0.0/24", gateway="10.50.0.1", ip_range="10.50.0.128/25",
                       internal=True, labels="team=blue, env=demo", options="com.docker.network.driver.mtu=1400")
    assert validate_network(spec, SNAP, INFO) == []
    assert command_text(spec.argv()) == (
        "docker network create --driver bridge --subnet 10.50.0.0/24 --gateway 10.50.0.1 --ip-range 10.50.0.128/25 "
        "--internal --label team=blue --label env=demo --opt com.docker.network.driver.mtu=1400 my_custom_network"
    )


BAD_NETWORKS = [
    (NetworkSpec(name=""), "needs a name"),
    (NetworkSpec(name="my net"), "letters, digits"),
    (NetworkSpec(name="-net"), "starts with a letter or digit"),
    (NetworkSpec(name="x" * 200), "at most 128"),
    (NetworkSpec(name="app_net"), "already exists"),
    (NetworkSpec(name="n", subnet="10.0.0.0/33"), "not a CIDR"),
    (NetworkSpec(name="n", subnet="banana"), "not a CIDR"),
    (NetworkSpec(name="n", subnet="10.9.0.0"), "prefix length"),
    (NetworkSpec(name="n", subnet="10.9.0.1/24"), "did you mean 10.9.0.0/24"),
    (NetworkSpec(name="n", subnet="fd00::/64"), "not an IPv4"),
    (NetworkSpec(name="n", subnet="10.9.0.0/24", gateway="10.8.0.1"), "not inside"),
    (NetworkSpec(name="n", subnet="10.9.0.0/24", gateway="10.9.0.0"), "network or broadcast"),
    (NetworkSpec(name="n", gateway="10.9.0.1"), "needs a subnet"),
    (NetworkSpec(name="n", subnet="10.9.0.0/24", ip_range="10.8.0.0/25"), "not inside"),
    (NetworkSpec(name="n", subnet="10.42.0.0/16"), "overlaps network app_net"),
    (NetworkSpec(name="n", ipv6=True), "IPv6 needs a subnet"),
    (NetworkSpec(name="n", ipv6_subnet="fd00::/64"), "tick IPv6"),
    (NetworkSpec(name="n", labels="novalue"), "key=value"),
    (NetworkSpec(name="n", labels="a=1, a=2"), "given twice"),
    (NetworkSpec(name="n", driver="overlay"), "swarm manager"),
    (NetworkSpec(name="n", driver="host"), "cannot create host"),
]


def test_bad_network_specs_get_a_clear_message():
    for spec, expected in BAD_NETWORKS:
        errors = validate_network(spec, SNAP, INFO)
        assert errors, spec
        assert expected in msgs(errors), (spec, msgs(errors))


def test_overlay_is_offered_on_a_swarm_manager():
    manager = EngineInfo(network_drivers=INFO.network_drivers, swarm="active", swarm_manager=True)
    assert validate_network(NetworkSpec(name="n", driver="overlay", attachable=True), SNAP, manager) == []
    assert blocking(validate_network(NetworkSpec(name="n", driver="overlay"), SNAP, manager)) == []  # a warning: services only


BAD_CONNECTS = [
    (ConnectSpec("app_net", ""), "pick a container"),
    (ConnectSpec("app_net", "ghost"), "no longer exists"),
    (ConnectSpec("app_net", "web"), "already connected"),
    (ConnectSpec("app_net", "hosty"), "host's network stack"),
    (ConnectSpec("host", "db"), "cannot be connected to the host network"),
    (ConnectSpec("gone_net", "db"), "no longer exists"),
    (ConnectSpec("bridge", "web", aliases="x"), "aliases work only on user-defined"),
    (ConnectSpec("app_net", "db", ipv4="10.43.0.5"), "not inside"),
    (ConnectSpec("app_net", "db", ipv4="10.42.0.2"), "already used by web"),
    (ConnectSpec("app_net", "db", ipv4="10.42.0.1"), "gateway"),
    (ConnectSpec("app_net", "db", ipv4="nope"), "not an IP address"),
    (ConnectSpec("app_net", "db", ipv4="fd00::5"), "not an IPv4"),
    (ConnectSpec("app_net", "db", ipv6="fd00::5"), "has no IPv6 subnet"),
    (ConnectSpec("app_net", "db", aliases="bad alias!"), "not a valid DNS name"),
]


def test_bad_connects_get_a_clear_message():
    # No error; a warning, as the snapshot does not say which subnets the engine picks itself.
    assert blocking(validate_connect(ConnectSpec("app_net", "db", aliases="cache, db2", ipv4="10.42.0.9"), SNAP)) == []
    for spec, expected in BAD_CONNECTS:
        assert expected in msgs(validate_connect(spec, SNAP)), (spec, msgs(validate_connect(spec, SNAP)))
    assert command_text(ConnectSpec("app_net", "db", aliases="cache", ipv4="10.42.0.9").argv()) == (
        "docker network connect --alias cache --ip 10.42.0.9 app_net db")


def test_disconnect_rules():
    assert validate_disconnect(DisconnectSpec("app_net", "web"), SNAP) == []
    assert "not connected" in msgs(validate_disconnect(DisconnectSpec("app_net", "db"), SNAP))
    assert "--network host" in msgs(validate_disconnect(DisconnectSpec("host", "hosty"), SNAP))
    assert validate_disconnect(DisconnectSpec("app_net", "ghost", force=True), SNAP) == []  # stale endpoint
    assert command_text(DisconnectSpec("app_net", "web", force=True).argv()) == "docker network disconnect --force app_net web"


def test_remove_and_prune_rules():
    assert "builtin" in protected_reason(BRIDGE) and "builtin" in protected_reason(HOST)
    assert protected_reason(APP) == ""
    ingress = Network(id="i", name="ingress", driver="overlay", scope="swarm", ingress=True)
    assert "ingress" in protected_reason(ingress)
    assert [n.name for n in prune_candidates(SNAP)] == ["empty_net"]


def test_run_rules():
    assert validate_run(RunSpec("app_net", name="probe", publish="127.0.0.1:9090:80"), SNAP) == []
    assert "already published" in msgs(validate_run(RunSpec("app_net", publish="8080:80"), SNAP))
    assert "host_port:container_port" in msgs(validate_run(RunSpec("app_net", publish="abc"), SNAP))
    assert "between 1 and 65535" in msgs(validate_run(RunSpec("app_net", publish="70000:80"), SNAP))
    assert "already exists" in msgs(validate_run(RunSpec("app_net", name="web"), SNAP))
    assert "does not parse" in msgs(validate_run(RunSpec("app_net", command='sh -c "unterminated'), SNAP))
    assert command_text(RunSpec("app_net", name="p", publish="8081:80", command="httpd -f -p 80").argv()) == (
        "docker run -d --name p --network app_net -p 8081:80 --label netui.managed=1 netui/busybox:local httpd -f -p 80")


@settings(max_examples=400, deadline=None)
@given(
    name=st.text(max_size=20), subnet=st.text(max_size=20), gateway=st.text(max_size=16), ip_range=st.text(max_size=20),
    ipv6=st.booleans(), ipv6_subnet=st.text(max_size=20), labels=st.text(max_size=20), options=st.text(max_size=20),
    driver=st.sampled_from(["bridge", "overlay", "macvlan", "host", "", "x"]),
)
def test_network_validation_never_raises(name, subnet, gateway, ip_range, ipv6, ipv6_subnet, labels, options, driver):
    spec = NetworkSpec(name=name, driver=driver, subnet=subnet, gateway=gateway, ip_range=ip_range, ipv6=ipv6,
                       ipv6_subnet=ipv6_subnet, labels=labels, options=options)
    errors = validate_network(spec, SNAP, INFO)
    assert all(e.message for e in errors)
    command_text(spec.argv())


@settings(max_examples=300, deadline=None)
@given(container=st.text(max_size=10), aliases=st.text(max_size=20), ipv4=st.text(max_size=16), ipv6=st.text(max_size=16),
       network=st.sampled_from(["app_net", "bridge", "host", "gone", ""]))
def test_connect_validation_never_raises(container, aliases, ipv4, ipv6, network):
    errors = validate_connect(ConnectSpec(network, container, aliases, ipv4, ipv6), SNAP)
    assert all(e.message for e in errors)


def test_overlay_attachable_warnings_and_connect_refusals():
    from netui.engine.specs import ConnectSpec
    from netui.engine.validation import validate_connect

    manager = EngineInfo(network_drivers=INFO.network_drivers, swarm="active", swarm_manager=True)
    snap = Snapshot.build([], [])
    plain = validate_network(NetworkSpec(name="ov", driver="overlay"), snap, manager)
    assert [e.field for e in plain] == ["driver"] and plain[0].is_warning and "attachable" in plain[0].message
    assert validate_network(NetworkSpec(name="ov", driver="overlay", attachable=True), snap, manager) == []
    assert [e.is_warning for e in validate_network(NetworkSpec(name="b", attachable=True), snap, manager)] == [True]
    ingress = Network(id="i", name="ingress", driver="overlay", scope="swarm", ingress=True)
    services_only = Network(id="o", name="svc-only", driver="overlay", scope="swarm")
    c = Container(id="c" * 64, name="web", state="running")
    snap = Snapshot.build([ingress, services_only], [c])
    for net in (ingress, services_only):
        (err,) = validate_connect(ConnectSpec(network=net.name, container="web", network_id=net.id), snap)
        assert err.field == "network" and not err.is_warning
    assert "not attachable" in validate_connect(ConnectSpec(network="svc-only", container="web", network_id="o"), snap)[0].message
