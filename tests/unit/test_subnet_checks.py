"""Subnets against reserved ranges and the host's own routes (issue 9 item 12); warnings that do not block."""

from __future__ import annotations

import pytest

from netui.engine.hostnet import HostNetworking
from netui.engine.specs import FieldError, NetworkSpec, blocking, warning
from netui.engine.validation import validate_network
from tests.unit.formdata import INFO, SNAP, host, problems


# -- warnings do not block ------------------------------------------------------------------
def test_field_errors_have_a_severity_and_warnings_do_not_block():
    e, w = FieldError("subnet", "bad"), warning("subnet", "careful")
    assert e.severity == "error" and not e.is_warning
    assert w.severity == "warning" and w.is_warning
    assert blocking([e, w]) == [e] and blocking([w]) == []




# -- 12: subnets against reserved ranges and the host's own routes ---------------------------------
@pytest.mark.parametrize("subnet, words", [
    ("127.99.0.0/24", "loopback"),
    ("120.0.0.0/5", "includes 127.0.0.0/8"),
    ("239.99.0.0/24", "multicast"),
    ("240.99.0.0/24", "reserved (class E"),
    ("0.0.0.0/24", "'this network'"),
    ("169.254.99.0/24", "link-local"),
])
def test_reserved_ipv4_ranges_are_refused(subnet, words):
    errors = validate_network(NetworkSpec(name="n", subnet=subnet), SNAP, INFO)
    assert words in problems(blocking(errors)), problems(errors)
    assert "10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16" in problems(errors)


@pytest.mark.parametrize("subnet, words", [
    ("fe80:99::/64", "link-local"), ("ff05:99::/64", "multicast"), ("::1/128", "loopback"), ("::ffff:0:0/104", "IPv4-mapped"),
])
def test_reserved_ipv6_ranges_are_refused(subnet, words):
    errors = validate_network(NetworkSpec(name="n", ipv6=True, ipv6_subnet=subnet), SNAP, INFO)
    assert words in problems(blocking(errors)), problems(errors)


def test_a_subnet_over_the_hosts_lan_is_a_warning_that_names_the_route():
    errors = validate_network(NetworkSpec(name="n", subnet="192.0.2.0/24"), SNAP, INFO, host())
    assert blocking(errors) == []  # it can still be sent
    assert "192.0.2.0/24 overlaps this host's network 192.0.2.0/24 (its address 192.0.2.2) on eth0" in problems(errors, "warning")
    assert all(e.field == "subnet" for e in errors)


def test_a_subnet_over_a_bridge_docker_did_not_make_or_a_vpn_route_is_warned():
    errors = validate_network(NetworkSpec(name="n", subnet="10.231.0.0/16"), SNAP, INFO, host())
    assert "10.231.1.0/24 (its address 10.231.1.1) on podman1" in problems(errors, "warning")
    errors = validate_network(NetworkSpec(name="n", subnet="10.8.4.0/24"), SNAP, INFO, host())
    assert "route to 10.8.0.0/16 via 192.168.0.1 on tun0" in problems(errors, "warning")
    many = validate_network(NetworkSpec(name="n", subnet="10.0.0.0/8"), SNAP, INFO, host())
    assert "… and 1 more" in problems(many, "warning")
    assert problems(blocking(many)) == "10.0.0.0/8 overlaps network subnet (10.231.60.0/24)"


def test_overlapping_a_docker_network_is_an_error_said_once():
    errors = validate_network(NetworkSpec(name="n", subnet="172.16.0.0/25"), SNAP, INFO, host())
    assert problems(errors) == "172.16.0.0/25 overlaps network bridge (172.16.0.0/24)"  # not docker0's route again


def test_without_the_hosts_routes_nothing_is_claimed_about_them():
    assert validate_network(NetworkSpec(name="n", subnet="192.0.2.0/24"), SNAP, INFO) == []
    assert validate_network(NetworkSpec(name="n", subnet="192.0.2.0/24"), SNAP, INFO, HostNetworking(False, "remote")) == []


def test_public_address_space_is_a_warning():
    errors = validate_network(NetworkSpec(name="n", subnet="8.8.8.0/24"), SNAP, INFO)
    assert blocking(errors) == [] and "public addresses" in problems(errors, "warning")
    assert validate_network(NetworkSpec(name="n", subnet="198.18.0.0/24"), SNAP, INFO) == []  # benchmarking range: fine
