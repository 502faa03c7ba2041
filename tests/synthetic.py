"""A synthetic topology at scale, built from the model's own objects (no engine).

The shape follows what a busy engine looks like: the three builtin networks,
user networks with compose labels, some internal, containers round-robin over
them, every 5th also on the next network (with an alias: a bridge between
two networks), every 10th stopped, every 8th publishing a port (alternately
on all interfaces and on 127.0.0.1), a few on the default bridge, two with
network_mode host, two with none and two sharing another's stack.

Used by the map's unit tests and by benchmarks/map_bench.py.
"""

from __future__ import annotations

from netui.engine.model import Container, EngineInfo, Endpoint, IpamConfig, Network, Port, Snapshot


def _hex(prefix: str, i: int) -> str:
    return f"{prefix}{i:06x}".ljust(64, "0")


def synthetic(networks: int = 40, containers: int = 400) -> Snapshot:
    """`networks` networks in all (3 builtin) and `containers` containers in all."""
    nets = [
        Network(id=_hex("b0", 0), name="bridge", driver="bridge", scope="local",
                ipam=(IpamConfig("172.17.0.0/16", "172.17.0.1"),),
                options=(("com.docker.network.bridge.default_bridge", "true"),)),
        Network(id=_hex("b1", 0), name="host", driver="host", scope="local"),
        Network(id=_hex("b2", 0), name="none", driver="null", scope="local"),
    ]
    user = []
    for i in range(max(networks - 3, 1)):
        project = f"proj{i // 4}"
        labels = (("com.docker.compose.network", "default"), ("com.docker.compose.project", project)) if i % 3 else ()
        n = Network(
            id=_hex("a", i), name=f"net-{i:02d}", driver="bridge", scope="local",
            internal=i % 7 == 6, ipam=(IpamConfig(f"10.{i // 250}.{i % 250}.0/24", f"10.{i // 250}.{i % 250}.1"),),
            labels=labels,
        )
        user.append(n)
    nets += user
    bridge, host, none = nets[0], nets[1], nets[2]
    out: list[Container] = []
    next_ip: dict[str, int] = {}

    def endpoint(n: Network, cid: str, name: str, running: bool, aliases: tuple[str, ...] = ()) -> Endpoint:
        if not running:
            return Endpoint(n.id, n.name, cid, name)
        host_part = next_ip.get(n.id, 2)
        next_ip[n.id] = host_part + 1
        base = n.subnets[0].rsplit(".", 1)[0] if n.subnets else "10.255.255"
        if n.is_default_bridge:
            ip = f"172.17.{host_part // 250}.{host_part % 250 + 2}"
            return Endpoint(n.id, n.name, cid, name, endpoint_id=_hex("e", len(out)), ipv4=ip, prefix_len=16,
                            mac=f"02:42:ac:11:{host_part // 250:02x}:{host_part % 250 + 2:02x}", gateway="172.17.0.1")
        ip = f"{base}.{host_part}"
        return Endpoint(n.id, n.name, cid, name, endpoint_id=_hex("e", len(out)), ipv4=ip, prefix_len=24,
                        mac=f"02:42:0a:00:{host_part // 256:02x}:{host_part % 256:02x}", gateway=f"{base}.1",
                        aliases=aliases, dns_names=(name, *aliases, cid[:12]))

    specials = 8 if containers >= 16 else 0
    regular = containers - specials
    for i in range(regular):
        cid = _hex("c", i)
        name = f"svc-{i:03d}"
        running = i % 10 != 9
        if i % 50 == 7:
            eps = (endpoint(bridge, cid, name, running),)
        else:
            home = user[i % len(user)]
            eps = [endpoint(home, cid, name, running)]
            if i % 5 == 0 and len(user) > 1:
                eps.append(endpoint(user[(i + 1) % len(user)], cid, name, running, aliases=(f"alias-{i}",)))
            eps = tuple(sorted(eps, key=lambda e: e.network_name))
        ports: tuple[Port, ...] = ()
        if i % 8 == 3:
            ports = (Port(8000 + i, "tcp", "0.0.0.0" if i % 16 == 3 else "127.0.0.1", 20000 + i) if running else Port(8000 + i, "tcp"),)
        out.append(Container(
            id=cid, name=name, image="netui/busybox:local", state="running" if running else "exited",
            status="Up 1 hour" if running else "Exited (0) 1 hour ago",
            network_mode=eps[0].network_name if eps else "default", ports=ports, endpoints=eps, details=True,
            labels=(("com.docker.compose.project", f"proj{i % 9}"),),
        ))
    if specials:
        for j in range(2):
            cid = _hex("d", j)
            out.append(Container(id=cid, name=f"hostnet-{j}", state="running", network_mode="host",
                                 endpoints=(Endpoint(host.id, "host", cid, f"hostnet-{j}", endpoint_id=_hex("f", j)),), details=True))
            cid = _hex("d", 10 + j)
            out.append(Container(id=cid, name=f"offline-{j}", state="running", network_mode="none",
                                 endpoints=(Endpoint(none.id, "none", cid, f"offline-{j}", endpoint_id=_hex("f", 10 + j)),), details=True))
            owner = out[j * 10]  # a regular container
            cid = _hex("d", 20 + j)
            out.append(Container(id=cid, name=f"sidecar-{j}", state="running", network_mode=f"container:{owner.id}", details=True))
        for j in range(2):
            cid = _hex("d", 30 + j)
            out.append(Container(id=cid, name=f"legacy-{j}", state="running", network_mode="default",
                                 endpoints=(endpoint(bridge, cid, f"legacy-{j}", True),), details=True))
    return Snapshot.build(nets, out, engine=EngineInfo(host="synthetic", version="20.10", api_version="1.41"), taken_at=0.0)
