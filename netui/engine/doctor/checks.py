"""The checks: each a small pure function over a Context (the snapshot, the host's
routes) that yields Findings.

The threads each comes from (the problems Docker users meet again and again):
- default-bridge, default-bridge-names: docker/for-win#1009, moby#17571
- port-all-interfaces: moby#22054 (ufw bypassed)
- subnet-overlap, subnet-host-route: docker/for-mac#2820, libnetwork#779
- address-pools: moby#29239, docker/for-mac#7270
- empty-network: prune candidates (docker network prune)
- missing-network: moby#17160, portainer#1829 (a network removed under a stopped container)
- stale-endpoint: moby#42119, moby#23302 ("network has active endpoints")
- shared-stack: moby#49374, moby#50326 (--network container:<x> when x is gone or stopped)
- internal-ports: published ports of a container only on internal networks
- meant-to-talk: docker/compose#4225 (two compose projects, two default networks)
- duplicate-network-name: moby#18864, moby#30242 (the API allows two networks of one name)
- host-port-clash: "port is already allocated" on start
- resolver-not-embedded: jlesage/docker-nginx-proxy-manager#45 (a resolv.conf without 127.0.0.11:
  other containers' names do not resolve); a --dns does not cause it on a user network
  (checked: resolv.conf keeps 127.0.0.11, which forwards to the --dns servers)
- shared-alias: moby#20155, moby#43016 (one alias, several containers: round robin)
- icc-disabled: moby#31453, moby#48356 (enable_icc=false on a network)
- host-mode-ports: `docker run` warns "Published ports are discarded when using host network mode"

What only an inspect tells (port bindings of stopped containers, environment,
links, aliases before details arrive) is used when the container's `config` is
known: always in the explorer for containers on user networks, and for every
container with `netui doctor --deep`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from netui.engine.doctor.common import FALSE, OPT_ICC, connect_fix, join_fix
from netui.engine.doctor.container_checks import (
    default_bridge,
    default_bridge_names,
    host_mode_ports,
    host_port_clashes,
    internal_ports,
    meant_to_talk,
    missing_networks,
    ports_all_interfaces,
    resolver_mounts,
    shared_aliases,
    shared_stacks,
    stale_endpoints,
)
from netui.engine.doctor.context import Context
from netui.engine.doctor.findings import Finding
from netui.engine.doctor.network_checks import (
    address_pools,
    duplicate_names,
    empty_networks,
    icc_disabled,
    subnet_host_routes,
    subnet_overlaps,
)

Check = Callable[[Context], Iterable[Finding]]
__all__ = ["CHECKS", "Check", "FALSE", "OPT_ICC", "connect_fix", "join_fix"]

# id -> (the check, what it needs beyond the container list: "" | "details" | "network-inspect")
CHECKS: dict[str, tuple[Check, str]] = {
    "default-bridge": (default_bridge, ""),
    "default-bridge-names": (default_bridge_names, ""),
    "port-all-interfaces": (ports_all_interfaces, ""),
    "subnet-overlap": (subnet_overlaps, ""),
    "subnet-host-route": (subnet_host_routes, ""),
    "address-pools": (address_pools, ""),
    "empty-network": (empty_networks, ""),
    "missing-network": (missing_networks, ""),
    "stale-endpoint": (stale_endpoints, "network-inspect"),
    "shared-stack": (shared_stacks, ""),
    "internal-ports": (internal_ports, "details"),
    "meant-to-talk": (meant_to_talk, ""),
    "duplicate-network-name": (duplicate_names, ""),
    "host-port-clash": (host_port_clashes, ""),
    "resolver-not-embedded": (resolver_mounts, ""),
    "shared-alias": (shared_aliases, "details"),
    "icc-disabled": (icc_disabled, ""),
    "host-mode-ports": (host_mode_ports, "details"),
}
