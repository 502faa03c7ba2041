"""Reading the host's routes and addresses (issue 9 item 12), on text captured from a real host.

The captures come from the CI machine: eth0 on 192.0.2.0/24 (with fd00::2/64), the
engine's docker0 and one user network's br-…, and podman's bridges (podman0/1, a
bridge Docker knows nothing about)."""

from __future__ import annotations

import ipaddress

from netui.engine.hostnet import (
    HostNetworking,
    Route,
    docker_bridge_names,
    engine_is_local,
    host_overlaps,
    parse_fib_trie_local,
    parse_if_inet6,
    parse_ip_addr_json,
    parse_proc_ipv6_route,
    parse_proc_route,
    read_host_networking,
)
from netui.engine.model import EngineInfo, IpamConfig, Network, Snapshot

PROC_ROUTE = """\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
podman0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
podman1\t0001E70A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
docker0\t000010AC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
br-120dc5885675\t003F10AC\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
tun0\t0000080A\t0100A8C0\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0
eth0\t0000FEA9\t00000000\t0201\t0\t0\t0\t0000FFFF\t0\t0\t0
"""

PROC_IPV6_ROUTE = """\
fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001  docker0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
fd000000000000000000000000000000 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000003 00000000 00300001     eth0
fd000000000000000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001     eth0
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
"""

IP_ADDR_JSON = """[
{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host"}]},
{"ifindex":2,"ifname":"ifb0","flags":["BROADCAST","NOARP"],"addr_info":[]},
{"ifindex":4,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1400,"addr_info":[{"family":"inet","local":"192.0.2.2","prefixlen":24,"broadcast":"192.0.2.255","scope":"global","label":"eth0"},{"family":"inet6","local":"fd00::2","prefixlen":64,"scope":"global","nodad":true},{"family":"inet6","local":"fe80::fc:ff:fe00:1","prefixlen":64,"scope":"link"}]},
{"ifindex":5,"ifname":"docker0","addr_info":[{"family":"inet","local":"172.16.0.1","prefixlen":24,"scope":"global","label":"docker0"}]},
{"ifindex":289,"ifname":"podman1","addr_info":[{"family":"inet","local":"10.231.1.1","prefixlen":24,"scope":"global","label":"podman1"}]},
{"ifindex":300,"ifname":"dummy0","link_type":"ether","addr_info":[{"family":"inet","local":"10.99.0.7","prefixlen":32,"scope":"global"}]}
]"""

IF_INET6 = """\
fd000000000000000000000000000002 04 40 00 82     eth0
fe8000000000000000fc00fffe000001 04 40 20 80     eth0
00000000000000000000000000000001 01 80 10 80       lo
"""

FIB_TRIE = """\
Main:
  +-- 0.0.0.0/0 4 1 12
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
     +-- 192.0.2.0/24 2 0 2
        +-- 192.0.2.0/30 2 0 2
           |-- 192.0.2.0
              /24 link UNICAST
           |-- 192.0.2.2
              /32 host LOCAL
        |-- 192.0.2.255
           /32 link BROADCAST
Local:
  +-- 0.0.0.0/0 4 1 12
           |-- 192.0.2.2
              /32 host LOCAL
"""

N = ipaddress.ip_network
BRIDGE = Network(id="0f1e2d3c4b5a69788796a5b4c3d2e1f0", name="bridge", driver="bridge", scope="local",
                 options=(("com.docker.network.bridge.default_bridge", "true"), ("com.docker.network.bridge.name", "docker0")),
                 ipam=(IpamConfig("172.16.0.0/24"),))
USER = Network(id="120dc5885675aabbccddeeff00112233", name="shop", driver="bridge", scope="local",
               ipam=(IpamConfig("172.16.63.0/24", "172.16.63.1"),))
SNAP = Snapshot.build([BRIDGE, USER], [])


def _host() -> HostNetworking:
    addrs, names = parse_ip_addr_json(IP_ADDR_JSON)
    return HostNetworking(True, "", tuple(parse_proc_route(PROC_ROUTE, "little") + parse_proc_ipv6_route(PROC_IPV6_ROUTE) + addrs),
                          tuple(names))


def test_proc_route_is_read_in_host_byte_order():
    routes = parse_proc_route(PROC_ROUTE, "little")
    got = {(str(r.network), r.device, r.gateway) for r in routes}
    assert ("0.0.0.0/0", "eth0", "192.0.2.1") in got
    assert ("192.0.2.0/24", "eth0", "") in got
    assert ("10.88.0.0/16", "podman0", "") in got and ("10.231.1.0/24", "podman1", "") in got
    assert ("172.16.0.0/24", "docker0", "") in got and ("172.16.63.0/24", "br-120dc5885675", "") in got
    assert ("10.8.0.0/16", "tun0", "192.168.0.1") in got  # a VPN's route through a gateway
    assert not any(str(r.network) == "169.254.0.0/16" for r in routes)  # a reject route is no route
    # The same line on a big-endian machine holds the bytes the other way round.
    big = "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\nbr0\t0A580000\t00000000\t0001\t0\t0\t0\tFFFF0000\n"
    assert [str(r.network) for r in parse_proc_route(big, "big")] == ["10.88.0.0/16"]
    assert parse_proc_route("") == [] and parse_proc_route("header\nbroken line\n") == []


def test_ipv6_routes_keep_local_addresses_and_drop_reject_anycast_routes():
    routes = parse_proc_ipv6_route(PROC_IPV6_ROUTE)
    got = {(str(r.network), r.device, r.gateway, r.address) for r in routes}
    assert ("fd00::/64", "eth0", "", "") in got
    assert ("::/0", "eth0", "fd00::1", "") in got
    assert ("fd00::2/128", "eth0", "", "fd00::2") in got  # the host's own address
    assert ("::1/128", "lo", "", "::1") in got
    assert not any(str(r.network) == "fd00::/128" for r in routes)  # the subnet-router anycast entry
    assert sum(1 for r in routes if str(r.network) == "::/0") == 1  # the reject default on lo is left out


def test_ip_addr_json_gives_address_networks_and_every_interface():
    routes, names = parse_ip_addr_json(IP_ADDR_JSON)
    assert names == ["lo", "ifb0", "eth0", "docker0", "podman1", "dummy0"]
    got = {(str(r.network), r.device, r.address) for r in routes}
    assert ("192.0.2.0/24", "eth0", "192.0.2.2") in got and ("fd00::/64", "eth0", "fd00::2") in got
    assert ("10.99.0.7/32", "dummy0", "10.99.0.7") in got
    assert parse_ip_addr_json("not json") == ([], []) and parse_ip_addr_json("{}") == ([], [])


def test_fallbacks_without_the_ip_command():
    assert {(str(r.network), r.address) for r in parse_fib_trie_local(FIB_TRIE)} == {
        ("127.0.0.1/32", "127.0.0.1"), ("192.0.2.2/32", "192.0.2.2")}
    assert {(str(r.network), r.device) for r in parse_if_inet6(IF_INET6)} == {
        ("fd00::/64", "eth0"), ("fe80::/64", "eth0"), ("::1/128", "lo")}


def test_overlaps_name_the_hosts_routes_but_not_dockers_own_bridges():
    host = _host()
    lan = host_overlaps(N("192.0.2.0/25"), host, SNAP)
    assert [(str(r.network), r.device, r.address) for r in lan] == [("192.0.2.0/24", "eth0", "192.0.2.2")]
    assert lan[0].describe() == "this host's network 192.0.2.0/24 (its address 192.0.2.2) on eth0"
    # A bridge Docker did not make (podman's) is the host's business too.
    assert [r.device for r in host_overlaps(N("10.231.0.0/16"), host, SNAP)] == ["podman1"]
    assert [r.device for r in host_overlaps(N("10.0.0.0/8"), host, SNAP)] == ["tun0", "podman0", "podman1", "dummy0"]
    vpn = host_overlaps(N("10.8.1.0/24"), host, SNAP)[0]
    assert vpn.describe() == "this host's route to 10.8.0.0/16 via 192.168.0.1 on tun0"
    assert host_overlaps(N("10.99.0.0/24"), host, SNAP)[0].describe() == "this host's address 10.99.0.7 on dummy0"
    # docker0 and br-<id> are networks in the snapshot: no second message about them.
    assert docker_bridge_names(SNAP) == {"docker0", "br-120dc5885675"}
    assert host_overlaps(N("172.16.0.0/16"), host, SNAP) == []
    # The default route covers everything and says nothing; neither do link-local or multicast routes.
    assert host_overlaps(N("203.0.113.0/24"), host, SNAP) == []
    assert [str(r.network) for r in host_overlaps(N("fd00::/48"), host, SNAP)] == ["fd00::/64"]
    # Unknown host: nothing is claimed.
    assert host_overlaps(N("192.0.2.0/24"), HostNetworking(False, "remote"), SNAP) == []


def test_the_host_is_read_only_when_the_engine_runs_on_it():
    import socket

    me = socket.gethostname()
    assert engine_is_local(EngineInfo(host="unix:///var/run/docker.sock", name=me))
    assert not engine_is_local(EngineInfo(host="tcp://10.0.0.5:2376", name=me))
    assert not engine_is_local(EngineInfo(host="ssh://user@box", name=me))
    assert not engine_is_local(EngineInfo(host="unix:///var/run/docker.sock", name="docker-desktop"))  # a VM behind a socket
    assert not engine_is_local(EngineInfo(host="unix:///var/run/docker.sock", name=""))
    remote = read_host_networking(EngineInfo(host="tcp://10.0.0.5:2376", name=me))
    assert not remote.known and "not run on this machine" in remote.summary


def test_route_descriptions():
    assert Route(N("10.0.0.0/8"), "wg0").describe() == "this host's route to 10.0.0.0/8 on wg0"
    assert Route(N("fd00::2/128"), "eth0", "", "fd00::2").describe() == "this host's address fd00::2 on eth0"
