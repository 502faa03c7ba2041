"""The teaching text of each check: two or three sentences a newcomer understands,
with the concepts named as the Docker documentation names them.

Kept apart from the checks so the wording is reviewed in one place. Each check's id
is stable (scripts match on it); the thread each comes from is in checks.py.
"""

from __future__ import annotations

EXPLAIN: dict[str, str] = {
    "default-bridge": (
        "The default bridge network (bridge, on docker0) is where a container goes when it is given no --network. "
        "Docker's embedded DNS server does not serve it, so containers there reach each other by IP address only, "
        "and every container started without a network shares it. User-defined bridge networks give name "
        "resolution between containers and keep unrelated containers apart."
    ),
    "default-bridge-names": (
        "Containers on the default bridge network cannot reach each other by name: Docker's embedded DNS server, "
        "which answers container names, serves user-defined networks only (the legacy --link flag was the old "
        "workaround). Put the containers that talk on a user-defined bridge network; there each one's name resolves."
    ),
    "port-all-interfaces": (
        "A published port bound to all interfaces (0.0.0.0 or [::]) accepts connections on every address of the "
        "host, from every network the host is on, not only from this machine. Docker inserts its own iptables rules "
        "for published ports ahead of host firewalls such as ufw or firewalld, so the firewall does not block them. "
        "Publish it on 127.0.0.1 when only this machine needs it (-p 127.0.0.1:3000:3000)."
    ),
    "subnet-overlap": (
        "Two networks whose subnets overlap make one address mean two places: the host routes it to one bridge "
        "only, and a container on both cannot tell which network it is on. Docker refuses overlapping subnets "
        "within one address space, but not between a swarm overlay and a local network, not for config-only "
        "networks (the check comes when a network is created from one), and older engines did not check at all."
    ),
    "subnet-host-route": (
        "This network's subnet overlaps a network the engine's host reaches through its own routes: its LAN, a VPN, "
        "another bridge. The host then sends traffic for those addresses into the Docker bridge, so the real hosts "
        "there (or the VPN) become unreachable from the host and from the containers. Docker checks the host's "
        "routes only for subnets it picks from its address pools, never for a subnet given with --subnet."
    ),
    "address-pools": (
        "`docker network create` without --subnet takes the next free block of the engine's default address pools "
        "(default-address-pools in daemon.json; without it, Docker's built-in pools hold only 31 networks). When "
        "none is left, creating a network fails with \"could not find an available, non-overlapping IPv4 address "
        "pool\". Remove unused networks, or give the daemon larger pools with smaller blocks."
    ),
    "empty-network": (
        "No container uses this user-defined network, running or stopped. It still holds a block of the engine's "
        "address pools and a bridge interface on the host; `docker network prune` removes every network no "
        "container uses."
    ),
    "missing-network": (
        "Docker lets a network be removed while only stopped containers refer to it; those containers keep the "
        "network in their configuration and then fail to start with \"network ... not found\". Disconnect the "
        "container from the missing network (and connect it to one that exists), or re-create the network."
    ),
    "stale-endpoint": (
        "The network still holds an endpoint for a container that no longer exists, left behind by a daemon crash "
        "or an interrupted removal. Docker then refuses to remove the network (\"network has active endpoints\"), "
        "and the endpoint may keep its address. A forced disconnect removes it."
    ),
    "shared-stack": (
        "A container started with --network container:<other> has no network stack of its own: it uses the other "
        "container's interfaces, addresses and ports. When that container is gone it cannot start; while it is "
        "stopped, it has only a loopback interface."
    ),
    "internal-ports": (
        "An internal network (--internal) has no gateway out of it, and Docker publishes no ports for a container "
        "that is only on internal networks: the ports it was given with -p never answer. Connect it to a network "
        "that is not internal as well, and its ports are published."
    ),
    "meant-to-talk": (
        "Containers reach each other only through a network they share, and by name only where Docker's embedded "
        "DNS server knows that name. Each compose project gets its own default network (<project>_default), so "
        "the containers of two projects cannot talk until one joins the other's network or both use a shared "
        "external network."
    ),
    "duplicate-network-name": (
        "Several networks have the same name. Older engines (and networks of different scopes) allow it; then "
        "--network NAME and `docker network connect NAME` pick one of them, and removing by name is refused as "
        "ambiguous. Refer to them by ID, and remove or rename the one that is not wanted."
    ),
    "host-port-clash": (
        "Only one container at a time can publish a host port on an address. A stopped container configured for a "
        "host port that another container holds cannot start (\"port is already allocated\"); two stopped ones can "
        "only take turns. Publish one of them on another host port, or let Docker pick one (-p 127.0.0.1::80)."
    ),
    "resolver-not-embedded": (
        "On a user-defined network a container resolves names through Docker's embedded DNS server, 127.0.0.11, "
        "which Docker writes into its /etc/resolv.conf. This container mounts its own /etc/resolv.conf, so it asks "
        "other servers, and the names of other containers do not resolve. To use other DNS servers, give --dns: "
        "the embedded DNS server forwards to them and still answers container names."
    ),
    "shared-alias": (
        "A network-scoped alias (--network-alias, or a compose service name) can be given to several containers on "
        "one network; Docker's embedded DNS server then answers with all their addresses, in turn (DNS round "
        "robin). That is how a scaled compose service is balanced, but for two different containers it means a "
        "client reaches either one of them."
    ),
    "icc-disabled": (
        "This network turns off inter-container communication (com.docker.network.bridge.enable_icc=false): "
        "containers on it cannot reach each other, only the outside and published ports. That is a deliberate "
        "isolation setting; if containers here should talk, re-create the network without it."
    ),
    "host-mode-ports": (
        "A container on the host network (--network host) uses the host's own network stack: its ports are the "
        "host's ports. Port publishing (-p) does not apply there and is discarded; the service answers on the "
        "host's addresses at the port it listens on."
    ),
}
