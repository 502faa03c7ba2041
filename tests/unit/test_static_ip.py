"""A static address only where Docker can take one (issue 9 item 14), from what GET /networks shows."""

from __future__ import annotations

from netui.engine import network_checks as checks
from netui.engine.model import Network
from netui.engine.specs import ConnectSpec, blocking
from netui.engine.validation import validate_connect
from tests.unit.formdata import (
    AUTO,
    DEFAULT_BRIDGE,
    POOLISH,
    POOLS,
    SUBNET,
    SUBNET_GW,
    SUBNET_GW_ODD,
    SUBNET_RANGE,
    V6,
    api_network,
    problems,
    snapshot,
)


def test_static_ip_support_reads_what_the_api_shows():
    assert checks.static_ip_support(SUBNET, 4, POOLS)[0] == "yes"  # no Gateway: only a configured subnet looks like this
    assert checks.static_ip_support(SUBNET_RANGE, 4, POOLS)[0] == "yes"
    assert checks.static_ip_support(SUBNET_GW_ODD, 4, POOLS)[0] == "yes"  # the engine always takes the first address
    assert checks.static_ip_support(SUBNET_GW, 4, POOLS)[0] == "yes"  # outside the engine's pools
    assert checks.static_ip_support(SUBNET_GW, 4, None)[0] == "unsure"  # pools unknown: cannot tell
    assert checks.static_ip_support(V6, 6, POOLS)[0] == "yes"
    # Exactly what the engine would pick: may be either.
    verdict, why = checks.static_ip_support(AUTO, 4, POOLS)
    assert verdict == "unsure" and "may refuse --ip" in why and "172.16.58.0/24" in why
    assert checks.static_ip_support(POOLISH, 4, POOLS)[0] == "unsure"
    # The engine's built-in pools when it reports none: 172.17-31/16 and 192.168/16 in /20s.
    builtin = api_network("b", [{"Subnet": "172.18.0.0/16", "Gateway": "172.18.0.1"}])
    assert checks.static_ip_support(builtin, 4, ())[0] == "unsure"
    assert checks.static_ip_support(api_network("b", [{"Subnet": "192.168.48.0/20", "Gateway": "192.168.48.1"}]), 4, ())[0] == "unsure"
    assert checks.static_ip_support(api_network("b", [{"Subnet": "192.168.48.0/24", "Gateway": "192.168.48.1"}]), 4, ())[0] == "yes"
    # Never.
    assert "default bridge" in checks.static_ip_unavailable(DEFAULT_BRIDGE, 4, POOLS)
    assert checks.static_ip_unavailable(SUBNET, 6, POOLS) == "subnet has no IPv6 subnet"
    host_net = Network(id="h", name="host", driver="host", scope="local")
    assert checks.static_ip_unavailable(host_net) != ""
    assert checks.static_ip_unavailable(AUTO, 4, POOLS) == "" and checks.static_ip_caveat(AUTO, 4, POOLS) != ""
    assert checks.static_ip_caveat(SUBNET, 4, POOLS) == ""


def test_connect_validation_follows_static_ip_support():
    live = snapshot(POOLS)  # as a live engine gives it: with the engine's default address pools

    def check(net, ipv4="", ipv6=""):
        return validate_connect(ConnectSpec(net.name, "loner", ipv4=ipv4, ipv6=ipv6, network_id=net.id), live)

    assert check(SUBNET, "10.231.60.9") == []
    unsure = check(AUTO, "172.16.58.9")
    assert blocking(unsure) == [] and "may refuse --ip" in problems(unsure, "warning")
    assert "default bridge takes no static address" in problems(blocking(check(DEFAULT_BRIDGE, "172.16.0.9")))
    assert "has no IPv6 subnet" in problems(blocking(check(SUBNET, ipv6="fd00::9")))
    assert check(V6, "10.231.64.9", "fd00:231:64::9") == []
