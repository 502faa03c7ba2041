"""Shared data for the unit tests of the form checks: networks as a real Docker 20.10
(API 1.41) described them, and host networking captured from a real host."""

from __future__ import annotations

from netui.engine.hostnet import HostNetworking, parse_ip_addr_json, parse_proc_route
from netui.engine.model import Container, Endpoint, EngineInfo, Network, Snapshot
from tests.unit.test_hostnet import IP_ADDR_JSON, PROC_ROUTE

INFO = EngineInfo(network_drivers=("bridge", "host", "ipvlan", "macvlan", "null", "overlay"))


# Networks as GET /networks/{id} described them on Docker 20.10 (API 1.41), trimmed.
def api_network(name, config, options=None, nid=None):
    return Network.from_api({
        "Name": name, "Id": nid or (name.encode().hex() * 8)[:64], "Scope": "local", "Driver": "bridge",
        "IPAM": {"Driver": "default", "Options": None, "Config": config}, "Options": options or {},
    })


AUTO = api_network("auto", [{"Subnet": "172.16.58.0/24", "Gateway": "172.16.58.1"}])  # docker network create auto
SUBNET = api_network("subnet", [{"Subnet": "10.231.60.0/24"}])  # --subnet
SUBNET_GW = api_network("subnet_gw", [{"Subnet": "10.231.61.0/24", "Gateway": "10.231.61.1"}])  # --subnet --gateway (first)
SUBNET_GW_ODD = api_network("subnet_gw_odd", [{"Subnet": "10.231.62.0/24", "Gateway": "10.231.62.254"}])
SUBNET_RANGE = api_network("subnet_range", [{"Subnet": "10.231.63.0/24", "IPRange": "10.231.63.128/25"}])
V6 = api_network("v6", [{"Subnet": "10.231.64.0/24"}, {"Subnet": "fd00:231:64::/64"}])
POOLISH = api_network("poolish", [{"Subnet": "172.16.77.0/24", "Gateway": "172.16.77.1"}])  # --subnet --gateway in a pool
DEFAULT_BRIDGE = api_network("bridge", [{"Subnet": "172.16.0.0/24"}], options={
    "com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.name": "docker0"})
POOLS = (("172.16.0.0/12", 24),)  # GET /info DefaultAddressPools on the CI engine
NETS = [AUTO, SUBNET, SUBNET_GW, SUBNET_GW_ODD, SUBNET_RANGE, V6, POOLISH, DEFAULT_BRIDGE]
LONER = Container(id="c1", name="loner", state="running", network_mode="bridge",
                  endpoints=(Endpoint(DEFAULT_BRIDGE.id, "bridge", "c1", "loner", ipv4="172.16.0.5", prefix_len=24),))


def snapshot(pools: tuple[tuple[str, int], ...] | None = None) -> Snapshot:
    """The networks above; `pools`: the engine's default address pools, as a live engine reports them."""
    extra = {} if pools is None else {"address_pools": pools}
    return Snapshot.build(NETS, [LONER], engine=EngineInfo(network_drivers=INFO.network_drivers, **extra))


SNAP = snapshot()  # as a replay gives it: the engine's pools unknown


def host() -> HostNetworking:
    addrs, names = parse_ip_addr_json(IP_ADDR_JSON)
    return HostNetworking(True, "", tuple(parse_proc_route(PROC_ROUTE, "little") + addrs), tuple(names))


def problems(errors, severity=None):
    return " | ".join(e.message for e in errors if severity is None or e.severity == severity)
