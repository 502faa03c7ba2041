"""Subnets against this host's routes and reserved ranges, on the real engine and host (issue 9 item 12).

Nothing here creates a network over the host's own routes or in a reserved range:
those are only validated."""

from __future__ import annotations

import ipaddress

import pytest

from netui.engine.hostnet import docker_bridge_names, read_host_networking
from netui.engine.specs import NetworkSpec, blocking
from netui.engine.validation import validate_network
from tests.engine.subnets import free_subnets, snapshot

pytestmark = pytest.mark.engine


def test_this_host_is_the_engines_host_and_its_lan_is_warned_about(engine):
    host = read_host_networking(engine.info)
    assert host.known, host.why_unknown  # a unix socket to a dockerd of this machine
    snap = snapshot(engine)
    # The host's own networks (e.g. eth0's LAN), those that are not a Docker bridge.
    mine = [r for r in host.routes if r.address and r.network.version == 4 and not r.network.is_loopback
            and r.device not in docker_bridge_names(snap) and r.network.prefixlen < 32]
    assert mine, f"this host has no network of its own? {host.routes}"
    lan = mine[0]
    errors = validate_network(NetworkSpec(name="n", subnet=str(lan.network)), snap, engine.info, host)
    assert any(e.is_warning and f"overlaps this host's network {lan.network} (its address {lan.address}) on {lan.device}" in e.message
               for e in errors), errors
    # Loopback and multicast are refused, on any host.
    for subnet in ("127.99.0.0/24", "239.99.0.0/24"):
        assert blocking(validate_network(NetworkSpec(name="n", subnet=subnet), snap, engine.info, host))


def test_a_docker_bridge_is_named_by_its_network_not_as_a_host_route(engine, lab):
    subnet = free_subnets(engine, 1)[0]
    lab.network("ours", subnet=subnet)
    host = read_host_networking(engine.info)
    net = ipaddress.ip_network(subnet)
    assert any(r.network == net for r in host.routes), "the new bridge's route is on the host"
    half = str(next(net.subnets(new_prefix=25)))
    errors = validate_network(NetworkSpec(name="n", subnet=half), snapshot(engine), engine.info, host)
    assert [e.message for e in errors] == [f"{half} overlaps network {lab.name('ours')} ({subnet})"]
