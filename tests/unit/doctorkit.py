"""Small synthetic topologies for the doctor's unit tests, built from the model's own objects."""

from __future__ import annotations

from collections.abc import Iterable

from netui.engine.model import COMPOSE_PROJECT, COMPOSE_SERVICE, Container, ContainerConfig, Endpoint, EngineInfo, IpamConfig, Network, Port, Snapshot

BRIDGE = Network(id="b" * 64, name="bridge", driver="bridge", scope="local", ipam=(IpamConfig("172.17.0.0/16", "172.17.0.1"),),
                 options=(("com.docker.network.bridge.default_bridge", "true"),))
HOST = Network(id="h" * 64, name="host", driver="host", scope="local")
NONE = Network(id="n" * 64, name="none", driver="null", scope="local")

_ids: dict[str, str] = {}


def _id(kind: str, name: str) -> str:
    key = f"{kind}:{name}"
    if key not in _ids:
        _ids[key] = f"{kind[0]}{len(_ids):05d}".ljust(64, "0")
    return _ids[key]


def net(name: str, subnet: str = "", *, driver: str = "bridge", internal: bool = False, options: Iterable[tuple[str, str]] = (),
        labels: Iterable[tuple[str, str]] = (), config_only: bool = False, nid: str = "") -> Network:
    ipam = (IpamConfig(subnet, subnet.rsplit(".", 1)[0] + ".1" if subnet and ":" not in subnet else ""),) if subnet else ()
    return Network(id=nid or _id("net", name), name=name, driver=driver, scope="local", internal=internal, ipam=ipam,
                   options=tuple(options), labels=tuple(labels), config_only=config_only)


def ctr(name: str, *on: Network | tuple[Network, str] | tuple[Network, str, tuple[str, ...]], state: str = "running",
        ports: Iterable[Port] = (), mode: str = "", command: str = "sleep 86400", config: ContainerConfig | None | type(...) = ...,
        mounts: Iterable[str] = (), project: str = "", service: str = "", labels: Iterable[tuple[str, str]] = (),
        image: str = "busybox") -> Container:
    cid = _id("ctr", name)
    eps = []
    for i, item in enumerate(on):
        n, ip, aliases = (item, "", ()) if isinstance(item, Network) else (item[0], item[1], item[2] if len(item) > 2 else ())
        if not ip and state == "running" and n.subnets:
            ip = n.subnets[0].rsplit(".", 1)[0] + f".{10 + len(_ids) % 200}"
        eps.append(Endpoint(n.id, n.name, cid, name, endpoint_id=f"e{cid[:8]}{i}" if state == "running" else "",
                            ipv4=ip if state == "running" else "", prefix_len=24 if ip else 0, aliases=aliases,
                            dns_names=(name, *aliases) if n.has_dns and state == "running" else ()))
    lab = list(labels)
    if project:
        lab.append((COMPOSE_PROJECT, project))
    if service:
        lab.append((COMPOSE_SERVICE, service))
    return Container(id=cid, name=name, image=image, command=command, state=state, status=state,
                     network_mode=mode or (on[0].name if on and isinstance(on[0], Network) else on[0][0].name if on else "default"),
                     labels=tuple(sorted(lab)), ports=tuple(ports), endpoints=tuple(eps), details=True,
                     mounts=tuple(mounts), config=ContainerConfig() if config is ... else config)


def snap(networks: Iterable[Network], containers: Iterable[Container], pools: tuple[tuple[str, int], ...] | None = ()) -> Snapshot:
    return Snapshot.build([BRIDGE, HOST, NONE, *networks], containers, engine=EngineInfo(host="unix:///x", address_pools=pools))


def published(port: int, host_ip: str = "0.0.0.0", host_port: int | None = None, proto: str = "tcp") -> Port:
    return Port(port, proto, host_ip, host_port if host_port is not None else port)
