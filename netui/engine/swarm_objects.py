"""Swarm's cluster objects as a manager lists them: nodes, services (with their VIPs and
ports), tasks (with their node and their address on each network)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from netui.engine.api_fields import Pairs, _dict, _int, _pairs, _str, _strs

TASK_ID_LABEL = "com.docker.swarm.task.id"
TASK_NAME_LABEL = "com.docker.swarm.task.name"
SERVICE_NAME_LABEL = "com.docker.swarm.service.name"
SERVICE_ID_LABEL = "com.docker.swarm.service.id"
NODE_ID_LABEL = "com.docker.swarm.node.id"

GWBRIDGE = "docker_gwbridge"
NO_VIP = "<nil>"  # what the verbose view says for a dnsrr service, and for endpoints that are no service
# Task states on the way to running (https://docs.docker.com/engine/swarm/how-swarm-mode-works/swarm-task-states/)
TRANSIENT_STATES = frozenset({"new", "allocated", "pending", "assigned", "accepted", "preparing", "ready", "starting"})
ENDED_DESIRED = frozenset({"shutdown", "remove", "orphaned"})


def _bare(address: str) -> str:
    """An address without its prefix length: 198.19.5.2/24 -> 198.19.5.2."""
    return address.split("/", 1)[0].strip()


def _host_of(addr: str) -> str:
    """198.18.0.1:2377 -> 198.18.0.1; [fd00::1]:2377 -> fd00::1."""
    addr = addr.strip()
    if addr.startswith("["):
        return addr[1:].split("]", 1)[0]
    if addr.count(":") == 1:
        return addr.split(":", 1)[0]
    return addr


# -- what the cluster endpoints say (a manager) ------------------------------------------
@dataclass(frozen=True)
class SwarmNode:
    id: str
    hostname: str = ""
    role: str = ""  # manager | worker
    state: str = ""  # ready | down | disconnected | unknown
    availability: str = ""  # active | pause | drain
    addr: str = ""  # Status.Addr: where other nodes send this node's overlay (VXLAN) traffic
    leader: bool = False
    manager_addr: str = ""  # ManagerStatus.Addr (host:2377), managers only
    engine_version: str = ""

    @classmethod
    def from_api(cls, data: Any) -> SwarmNode:
        d = _dict(data)
        spec, desc, status, mgr = (_dict(d.get(k)) for k in ("Spec", "Description", "Status", "ManagerStatus"))
        return cls(
            id=_str(d.get("ID")),
            hostname=_str(desc.get("Hostname")),
            role=_str(spec.get("Role")),
            state=_str(status.get("State")),
            availability=_str(spec.get("Availability")),
            addr=_str(status.get("Addr")),
            leader=bool(mgr.get("Leader")),
            manager_addr=_str(mgr.get("Addr")),
            engine_version=_str(_dict(desc.get("Engine")).get("EngineVersion")),
        )

    @property
    def name(self) -> str:
        return self.hostname or self.id[:12]


@dataclass(frozen=True)
class ServicePort:
    target: int
    published: int | None = None
    protocol: str = "tcp"
    mode: str = "ingress"  # ingress: the routing mesh, on every node | host: only where a task runs

    @classmethod
    def from_api(cls, data: Any) -> ServicePort:
        d = _dict(data)
        published = d.get("PublishedPort")
        return cls(
            target=_int(d.get("TargetPort")),
            published=_int(published) if published not in (None, "", 0) else None,
            protocol=_str(d.get("Protocol")) or "tcp",
            mode=_str(d.get("PublishMode")) or "ingress",
        )

    @property
    def text(self) -> str:
        side = f"{self.target}/{self.protocol}"
        if self.published is None:
            return side
        how = "routing mesh: every node" if self.mode == "ingress" else "host mode: nodes running a task"
        return f"{self.published} → {side} ({how})"


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    mode: str = "replicated"  # replicated | global | replicated-job | global-job
    replicas: int | None = None
    endpoint_mode: str = "vip"  # vip: one virtual IP per network | dnsrr: the name resolves to the task IPs
    ports: tuple[ServicePort, ...] = ()
    vips: Pairs = ()  # (network id, address/prefix)
    networks: tuple[str, ...] = ()  # the networks its tasks join, as the spec names them
    image: str = ""
    labels: Pairs = ()
    created: str = ""
    updated: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Service:
        d = _dict(data)
        spec = _dict(d.get("Spec"))
        endpoint = _dict(d.get("Endpoint"))
        endpoint_spec = _dict(endpoint.get("Spec")) or _dict(spec.get("EndpointSpec"))
        template = _dict(spec.get("TaskTemplate"))
        mode_d = _dict(spec.get("Mode"))
        mode, replicas = "replicated", None
        for key, name in (("Replicated", "replicated"), ("Global", "global"), ("ReplicatedJob", "replicated-job"),
                          ("GlobalJob", "global-job")):
            if key in mode_d:
                mode = name
                inner = _dict(mode_d.get(key))
                count = inner.get("Replicas", inner.get("TotalCompletions"))
                replicas = _int(count) if count is not None else None
                break
        ports = endpoint.get("Ports") if isinstance(endpoint.get("Ports"), list) else endpoint_spec.get("Ports")
        nets = template.get("Networks") if isinstance(template.get("Networks"), list) else spec.get("Networks")
        vips = endpoint.get("VirtualIPs")
        image = _str(_dict(template.get("ContainerSpec")).get("Image"))
        return cls(
            id=_str(d.get("ID")),
            name=_str(spec.get("Name")),
            mode=mode,
            replicas=replicas,
            endpoint_mode=_str(endpoint_spec.get("Mode")) or "vip",
            ports=tuple(ServicePort.from_api(p) for p in ports) if isinstance(ports, list) else (),
            vips=tuple((_str(_dict(v).get("NetworkID")), _str(_dict(v).get("Addr"))) for v in vips if isinstance(v, dict))
            if isinstance(vips, list) else (),
            networks=tuple(_str(_dict(n).get("Target")) for n in nets if isinstance(n, dict)) if isinstance(nets, list) else (),
            image=image.split("@sha256:", 1)[0],  # the digest swarm pins is noise here
            labels=_pairs(spec.get("Labels")),
            created=_str(d.get("CreatedAt")),
            updated=_str(d.get("UpdatedAt")),
        )

    def vip_on(self, network_id: str) -> str:
        """Its virtual IP on that network, without the prefix ('' when it has none there)."""
        for nid, addr in self.vips:
            if nid == network_id and addr:
                return _bare(addr)
        return ""

    @property
    def published_ports(self) -> tuple[ServicePort, ...]:
        return tuple(p for p in self.ports if p.published is not None)


@dataclass(frozen=True)
class Attachment:
    """A task's address(es) on one network."""

    network_id: str
    network_name: str = ""
    addresses: tuple[str, ...] = ()  # address/prefix


@dataclass(frozen=True)
class Task:
    id: str
    service_id: str = ""
    service_name: str = ""
    slot: int | None = None
    node_id: str = ""
    state: str = ""
    desired_state: str = ""
    message: str = ""
    error: str = ""
    container_id: str = ""
    timestamp: str = ""
    attachments: tuple[Attachment, ...] = ()

    @classmethod
    def from_api(cls, data: Any, service_names: Mapping[str, str] | None = None) -> Task:
        d = _dict(data)
        status = _dict(d.get("Status"))
        service_id = _str(d.get("ServiceID"))
        slot = d.get("Slot")
        atts = []
        for a in d.get("NetworksAttachments") or ():
            a = _dict(a)
            net = _dict(a.get("Network"))
            atts.append(Attachment(network_id=_str(net.get("ID")), network_name=_str(_dict(net.get("Spec")).get("Name")),
                                   addresses=_strs(a.get("Addresses"))))
        return cls(
            id=_str(d.get("ID")),
            service_id=service_id,
            service_name=(service_names or {}).get(service_id, ""),
            slot=_int(slot) if slot not in (None, 0, "") else None,
            node_id=_str(d.get("NodeID")),
            state=_str(status.get("State")),
            desired_state=_str(d.get("DesiredState")),
            message=_str(status.get("Message")),
            error=_str(status.get("Err")),
            container_id=_str(_dict(status.get("ContainerStatus")).get("ContainerID")),
            timestamp=_str(status.get("Timestamp")),
            attachments=tuple(atts),
        )

    @property
    def name(self) -> str:
        """As `docker service ps` names it: <service>.<slot>, or <service>.<node id> for a global service."""
        svc = self.service_name or self.service_id[:12]
        return f"{svc}.{self.slot}" if self.slot is not None else f"{svc}.{self.node_id}"

    @property
    def current(self) -> bool:
        """Not history: swarm still wants this task (old, shut down tasks are kept for a while)."""
        return self.desired_state not in ENDED_DESIRED

    @property
    def transient(self) -> bool:
        """On its way to running: swarm is still placing or starting it."""
        return self.current and self.desired_state == "running" and self.state in TRANSIENT_STATES

    def address_on(self, network_id: str) -> str:
        for a in self.attachments:
            if a.network_id == network_id and a.addresses:
                return _bare(a.addresses[0])
        return ""

    def on(self, network_id: str) -> bool:
        return any(a.network_id == network_id for a in self.attachments)
