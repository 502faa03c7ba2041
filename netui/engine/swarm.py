"""Swarm: the nodes, services and tasks behind overlay networks, as immutable data.

An overlay network spans nodes. What runs on it is told by different endpoints on
different nodes, and no single call tells it all:

- a manager answers `GET /nodes`, `/services` and `/tasks` for the whole cluster: every
  service with its virtual IP (VIP) on each network, every task with its node and its
  own address on each network;
- every node answers `GET /networks/{id}?verbose=true` for an overlay it has a local
  endpoint on: `Peers` (the nodes that take part, by address) and `Services` (per
  service its VIP and every task's address and node address, other nodes' included,
  plus `""` for endpoints that are no service: plain containers attached to the
  network). Without a local endpoint a manager answers nulls there;
- a worker answers 503 to the cluster endpoints: the verbose views are all it has.

`SwarmState` holds what was read; its methods give one view per network whatever the
source (`services_on`, `peers_of`, `others_on`), so the UI and the dump need not care
whether a manager or a worker answered.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from netui.engine.api_fields import Pairs, _dict, _str, _strs
from netui.engine.swarm_objects import (
    ENDED_DESIRED,
    GWBRIDGE,
    NO_VIP,
    NODE_ID_LABEL,
    SERVICE_ID_LABEL,
    SERVICE_NAME_LABEL,
    TASK_ID_LABEL,
    TASK_NAME_LABEL,
    TRANSIENT_STATES,
    Attachment,
    Service,
    ServicePort,
    SwarmNode,
    Task,
    _bare,
    _host_of,
)

__all__ = ["ENDED_DESIRED", "GWBRIDGE", "NO_VIP", "NODE_ID_LABEL", "SERVICE_ID_LABEL", "SERVICE_NAME_LABEL",
           "TASK_ID_LABEL", "TASK_NAME_LABEL", "TRANSIENT_STATES", "Attachment", "Service", "ServicePort", "SwarmNode", "Task"]


# -- what the verbose network view says (any node with a local endpoint) -----------------------
@dataclass(frozen=True)
class Peer:
    name: str  # networkdb's short id of the node, not its hostname
    ip: str  # the node's address


@dataclass(frozen=True)
class LBTask:
    name: str
    ip: str
    host_ip: str  # the address of the node it runs on
    endpoint_id: str = ""


@dataclass(frozen=True)
class LBService:
    name: str  # "" for endpoints that are no service (plain containers, ingress-endpoint)
    vip: str = ""  # "" in dnsrr mode (the engine says "<nil>")
    ports: tuple[str, ...] = ()  # "Target: 80, Publish: 8080" (ingress only)
    tasks: tuple[LBTask, ...] = ()


@dataclass(frozen=True)
class SpecialEndpoint:
    """An entry of an overlay's Containers that is no container: the network's
    load-balancer endpoint (lb-<network>) or the ingress sandbox (ingress-sbox)."""

    key: str
    name: str
    ip: str = ""
    mac: str = ""


@dataclass(frozen=True)
class OverlayView:
    network_id: str
    peers: tuple[Peer, ...] = ()
    services: tuple[LBService, ...] = ()
    special: tuple[SpecialEndpoint, ...] = ()
    known: bool = True  # False: the engine answered nulls (a manager without a local endpoint on it)

    @classmethod
    def from_api(cls, data: Any) -> OverlayView:
        d = _dict(data)
        peers = tuple(Peer(_str(_dict(p).get("Name")), _str(_dict(p).get("IP"))) for p in d.get("Peers") or () if isinstance(p, dict))
        services = []
        for name, s in _dict(d.get("Services")).items():
            s = _dict(s)
            vip = _str(s.get("VIP"))
            tasks = tuple(
                LBTask(name=_str(_dict(t).get("Name")), ip=_str(_dict(t).get("EndpointIP")),
                       host_ip=_str(_dict(_dict(t).get("Info")).get("Host IP")), endpoint_id=_str(_dict(t).get("EndpointID")))
                for t in s.get("Tasks") or () if isinstance(t, dict)
            )
            services.append(LBService(name=str(name), vip="" if vip in ("", NO_VIP) else vip, ports=_strs(s.get("Ports")),
                                      tasks=tuple(sorted(tasks, key=lambda t: (t.name, t.ip)))))
        special = []
        for key, c in _dict(d.get("Containers")).items():
            if _is_container_id(str(key)):
                continue
            c = _dict(c)
            special.append(SpecialEndpoint(str(key), _str(c.get("Name")), _bare(_str(c.get("IPv4Address"))), _str(c.get("MacAddress"))))
        return cls(
            network_id=_str(d.get("Id") or d.get("ID")),
            peers=tuple(sorted(peers, key=lambda p: _ip_key(p.ip))),
            services=tuple(sorted(services, key=lambda s: s.name)),
            special=tuple(sorted(special, key=lambda s: s.key)),
            known=d.get("Services") is not None or d.get("Peers") is not None,
        )


@dataclass(frozen=True)
class GatewayEndpoint:
    """A container's interface on docker_gwbridge. A container on an overlay gets one
    (its way out to the world), yet its own network list does not show it."""

    container_id: str
    name: str  # gateway_<short id>, or gateway_ingress-sbox
    ipv4: str = ""
    mac: str = ""

    @classmethod
    def from_api(cls, key: str, data: Any) -> GatewayEndpoint:
        d = _dict(data)
        return cls(str(key), _str(d.get("Name")), _bare(_str(d.get("IPv4Address"))), _str(d.get("MacAddress")))


def _is_container_id(key: str) -> bool:
    return len(key) == 64 and all(ch in "0123456789abcdef" for ch in key)


def _ip_key(ip: str) -> tuple[int, int, str]:
    try:
        a = ipaddress.ip_address(ip)
        return (a.version, int(a), "")
    except ValueError:
        return (9, 0, ip)


# -- one view per network, whatever the source --------------------------------------------------
@dataclass(frozen=True)
class TaskView:
    name: str  # nswrec-web.1 (or the verbose view's full task name)
    ip: str
    node: str  # the node's hostname, else its address
    local: bool  # runs on the engine netui reads (its container is in the snapshot)
    state: str = ""  # "" when only the verbose view told (it has no state)
    container_id: str = ""
    task_id: str = ""
    node_id: str = ""
    node_addr: str = ""
    message: str = ""


@dataclass(frozen=True)
class ServiceView:
    name: str
    vip: str = ""  # on this network; "" in dnsrr mode, or unknown
    endpoint_mode: str = ""  # vip | dnsrr | "" (unknown: the verbose view does not say)
    ports: tuple[str, ...] = ()
    replicas: str = ""  # "2/2 running", "" when unknown
    tasks: tuple[TaskView, ...] = ()
    service_id: str = ""

    @property
    def task_ips(self) -> tuple[str, ...]:
        return tuple(t.ip for t in self.tasks if t.ip)


@dataclass(frozen=True)
class SwarmState:
    """What netui knows of the swarm, as one engine (one node) sees it."""

    node_id: str = ""
    node_addr: str = ""
    hostname: str = ""  # this node's (/info Name)
    state: str = "inactive"  # LocalNodeState: active | pending | error | locked | inactive
    manager: bool = False  # ControlAvailable: this node answers the cluster endpoints
    managers: tuple[str, ...] = ()  # RemoteManagers' addresses (host:2377)
    cluster_error: str = ""  # why nodes, services and tasks are not known (a worker; a failure)
    nodes: tuple[SwarmNode, ...] = ()
    services: tuple[Service, ...] = ()
    tasks: tuple[Task, ...] = ()
    overlays: tuple[OverlayView, ...] = ()
    gateways: tuple[GatewayEndpoint, ...] = ()
    gwbridge_id: str = ""

    @classmethod
    def from_info(cls, info: Any) -> SwarmState:
        sw = _dict(_dict(info).get("Swarm"))
        return cls(
            node_id=_str(sw.get("NodeID")),
            node_addr=_str(sw.get("NodeAddr")),
            hostname=_str(_dict(info).get("Name")),
            state=_str(sw.get("LocalNodeState")) or "inactive",
            manager=bool(sw.get("ControlAvailable")),
            managers=tuple(_str(_dict(m).get("Addr")) for m in sw.get("RemoteManagers") or () if isinstance(m, dict)),
        )

    @classmethod
    def parse(cls, info: Any, *, nodes: Any = None, services: Any = None, tasks: Any = None,
              overlays: Iterable[Any] = (), gwbridge: Any = None, cluster_error: str = "") -> SwarmState:
        """From the engine's raw answers (any of them may be missing)."""
        from dataclasses import replace

        base = cls.from_info(info)
        svc = tuple(sorted((Service.from_api(s) for s in services or () if isinstance(s, dict)), key=lambda s: s.name))
        names = {s.id: s.name for s in svc}
        tsk = tuple(sorted((Task.from_api(t, names) for t in tasks or () if isinstance(t, dict)),
                           key=lambda t: (t.service_name, t.slot or 0, t.node_id, t.timestamp)))
        nds = tuple(sorted((SwarmNode.from_api(n) for n in nodes or () if isinstance(n, dict)), key=lambda n: (n.hostname, n.id)))
        ovs = tuple(OverlayView.from_api(o) for o in overlays if isinstance(o, dict))
        gw = _dict(gwbridge)
        gateways = tuple(sorted((GatewayEndpoint.from_api(k, v) for k, v in _dict(gw.get("Containers")).items()),
                                key=lambda g: _ip_key(g.ipv4)))
        return replace(base, nodes=nds, services=svc, tasks=tsk, overlays=ovs, gateways=gateways,
                       gwbridge_id=_str(gw.get("Id")), cluster_error=cluster_error)

    # -- lookups ----------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.state == "active"

    @property
    def cluster_known(self) -> bool:
        """Whether nodes, services and tasks were read (a manager answered them)."""
        return self.manager and not self.cluster_error

    @cached_property
    def node_by_id(self) -> dict[str, SwarmNode]:
        return {n.id: n for n in self.nodes}

    @cached_property
    def node_by_addr(self) -> dict[str, SwarmNode]:
        return {n.addr: n for n in self.nodes if n.addr}

    @cached_property
    def service_by_id(self) -> dict[str, Service]:
        return {s.id: s for s in self.services}

    @cached_property
    def service_by_name(self) -> dict[str, Service]:
        return {s.name: s for s in self.services}

    @cached_property
    def task_by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}

    @cached_property
    def overlay_by_id(self) -> dict[str, OverlayView]:
        return {o.network_id: o for o in self.overlays if o.known}

    @cached_property
    def gateway_by_container(self) -> dict[str, GatewayEndpoint]:
        return {g.container_id: g for g in self.gateways}

    @property
    def this_node(self) -> SwarmNode | None:
        return self.node_by_id.get(self.node_id)

    @property
    def node_label(self) -> str:
        """This node, as a user names it."""
        node = self.this_node
        role = "manager" if self.manager else "worker"
        return f"{node.name if node else self.hostname or self.node_addr or self.node_id[:12]} ({role})"

    def node_name(self, node_id: str) -> str:
        node = self.node_by_id.get(node_id)
        return node.name if node else node_id[:12]

    def where(self, host_ip: str) -> str:
        """A node named by its address (the verbose view's Host IP, a peer's IP)."""
        node = self.node_by_addr.get(host_ip)
        if node is not None:
            return node.name
        if host_ip and host_ip == self.node_addr:
            return self.hostname or "this node"
        if host_ip and host_ip in {_host_of(m) for m in self.managers}:
            return f"{host_ip} (a manager)"
        return host_ip or "?"

    def is_local_addr(self, host_ip: str) -> bool:
        return bool(host_ip) and host_ip == self.node_addr

    @property
    def converging(self) -> bool:
        """Some task is still on its way to running: what is shown will change soon."""
        return any(t.transient for t in self.tasks)

    # -- one network ---------------------------------------------------------------------------
    @cached_property
    def _views(self) -> dict[str, tuple[ServiceView, ...]]:
        return {}  # services_on, per network: asked for every network on every refresh

    @cached_property
    def _current_tasks(self) -> dict[str, tuple[Task, ...]]:
        """Each service's current tasks (not history)."""
        out: dict[str, list[Task]] = {}
        for t in self.tasks:
            if t.current:
                out.setdefault(t.service_id, []).append(t)
        return {k: tuple(v) for k, v in out.items()}

    def services_on(self, network_id: str) -> tuple[ServiceView, ...]:
        """The services whose tasks join this network, with their VIP and tasks there:
        from the cluster's lists on a manager, else from the network's verbose view."""
        found = self._views.get(network_id)
        if found is None:
            found = self._views[network_id] = self._services_on(network_id)
        return found

    def _services_on(self, network_id: str) -> tuple[ServiceView, ...]:
        if self.cluster_known:
            return self._services_from_cluster(network_id)
        view = self.overlay_by_id.get(network_id)
        if view is None:
            return ()
        out = []
        for s in view.services:
            if not s.name:
                continue
            tasks = tuple(TaskView(name=_short_task_name(t.name), ip=t.ip, node=self.where(t.host_ip), local=self.is_local_addr(t.host_ip),
                                   node_addr=t.host_ip) for t in s.tasks)
            svc = self.service_by_name.get(s.name)
            out.append(ServiceView(name=s.name, vip=s.vip, endpoint_mode=(svc.endpoint_mode if svc else ("vip" if s.vip else "")),
                                   ports=s.ports, tasks=tasks))
        return tuple(out)

    def _services_from_cluster(self, network_id: str) -> tuple[ServiceView, ...]:
        out = []
        for s in self.services:
            tasks = [t for t in self._current_tasks.get(s.id, ()) if t.on(network_id)]
            vip = s.vip_on(network_id)
            if not tasks and not vip and network_id not in s.networks:
                continue
            views = []
            for t in tasks:
                node = self.node_by_id.get(t.node_id)
                views.append(TaskView(
                    name=t.name, ip=t.address_on(network_id), node=node.name if node else (t.node_id[:12] or "not placed yet"),
                    local=bool(t.node_id) and t.node_id == self.node_id, state=t.state, container_id=t.container_id,
                    task_id=t.id, node_id=t.node_id, node_addr=node.addr if node else "", message=t.error or t.message,
                ))
            running = sum(1 for t in tasks if t.state == "running")
            want = s.replicas if s.mode == "replicated" and s.replicas is not None else len(tasks)
            out.append(ServiceView(
                name=s.name, vip=vip, endpoint_mode=s.endpoint_mode, ports=tuple(p.text for p in s.published_ports),
                replicas=f"{running}/{want} running" + (" (global: one per node)" if s.mode == "global" else ""),
                tasks=tuple(sorted(views, key=lambda v: v.name)), service_id=s.id,
            ))
        return tuple(out)

    def others_on(self, network_id: str) -> tuple[TaskView, ...]:
        """Endpoints on the network that are no service task: containers attached to an
        attachable overlay (any node), and ingress' own endpoint on each node."""
        view = self.overlay_by_id.get(network_id)
        if view is None:
            return ()
        out = []
        for s in view.services:
            if s.name:
                continue
            for t in s.tasks:
                out.append(TaskView(name=t.name, ip=t.ip, node=self.where(t.host_ip), local=self.is_local_addr(t.host_ip), node_addr=t.host_ip))
        return tuple(out)

    def peers_of(self, network_id: str) -> tuple[tuple[str, str], ...]:
        """(node, address) of the nodes taking part in the network: its verbose view's
        peers, else the nodes its tasks run on."""
        view = self.overlay_by_id.get(network_id)
        if view is not None and view.peers:
            return tuple((self.where(p.ip), p.ip) for p in view.peers)
        seen: dict[str, str] = {}
        for t in self.tasks:
            if t.current and t.node_id and t.on(network_id):
                node = self.node_by_id.get(t.node_id)
                seen.setdefault(node.name if node else t.node_id[:12], node.addr if node else "")
        return tuple(sorted(seen.items()))

    def special_on(self, network_id: str) -> tuple[SpecialEndpoint, ...]:
        view = self.overlay_by_id.get(network_id)
        return view.special if view is not None else ()

    def remote_on(self, network_id: str) -> tuple[TaskView, ...]:
        """What runs on the network on other nodes: tasks, then attached containers."""
        tasks = tuple(t for s in self.services_on(network_id) for t in s.tasks if not t.local)
        return tasks + tuple(t for t in self.others_on(network_id) if not t.local and t.name != "ingress-endpoint")

    def named_by(self, other: SwarmState | None) -> SwarmState:
        """A worker's state with the nodes a manager of the same swarm knows (netui watches
        both): its nodes are then named by hostname, not by address. Itself otherwise."""
        if other is None or self.nodes or not other.nodes or self.node_id not in other.node_by_id:
            return self
        from dataclasses import replace

        return replace(self, nodes=other.nodes)

    def task_of(self, labels: Pairs) -> Task | None:
        """The task a container runs (from its swarm labels), when the cluster's lists are known."""
        tid = dict(labels).get(TASK_ID_LABEL, "")
        return self.task_by_id.get(tid) if tid else None


def _short_task_name(name: str) -> str:
    """nswrec-web.2.h2t7b5zkc8840h0ji6ze7xz6s -> nswrec-web.2 (the verbose view gives the container's name)."""
    head, _, tail = name.rpartition(".")
    return head if head and len(tail) == 25 and tail.isalnum() else name


def task_labels(labels: Pairs) -> tuple[str, str, str]:
    """(service name, task name, node id) of a task container, from its labels ('' when it is none)."""
    d = dict(labels)
    return d.get(SERVICE_NAME_LABEL, ""), _short_task_name(d.get(TASK_NAME_LABEL, "")), d.get(NODE_ID_LABEL, "")


# -- rows beside a network's containers ------------------------------------------------------------
@dataclass(frozen=True)
class ExtraRow:
    """Something on a network that is not one of this engine's containers there, listed
    beside them: a task or an attached container on another node, the network's own
    load-balancer or ingress endpoint, or (docker_gwbridge) a container's gateway interface."""

    key: str
    kind: str  # remote-task | local-task (no container yet) | remote-endpoint | special | gateway
    name: str
    ip: str = ""
    mac: str = ""
    node: str = ""
    state: str = ""
    note: str = ""
    container_id: str = ""  # gateway: the local container; remote-task: its container on the other node
    task: TaskView | None = None
    service: str = ""

    @cached_property
    def search_text(self) -> str:
        return "\n".join([self.name, self.ip, self.mac, self.node, self.state, self.service, self.container_id]).casefold()


SPECIAL_NOTES = {
    "ingress-sbox": "ingress sandbox: where published ports enter the routing mesh on this node",
}


def extra_rows(state: SwarmState | None, network_id: str, network_name: str, scope: str,
               present: Collection[str] = frozenset()) -> tuple[ExtraRow, ...]:
    """`present`: the ids of this engine's containers; a task of this node whose container
    is not among them yet (being placed, starting) gets a row of its own."""
    if state is None:
        return ()
    rows: list[ExtraRow] = []
    if scope == "swarm":
        for s in state.services_on(network_id):
            for t in s.tasks:
                if t.local and (t.container_id in present or not state.cluster_known):
                    continue
                kind = "local-task" if t.local else "remote-task"
                rows.append(ExtraRow(key=f"task:{t.task_id or t.name}@{t.node_addr}", kind=kind, name=t.name, ip=t.ip,
                                     node=t.node, state=t.state, container_id=t.container_id, task=t, service=s.name,
                                     note=f"task of {s.name} on {t.node}" + (" (this node): no container yet" if t.local else "")))
        for t in state.others_on(network_id):
            if t.local or t.name == "ingress-endpoint":
                continue
            rows.append(ExtraRow(key=f"ep:{t.name}@{t.node_addr}", kind="remote-endpoint", name=t.name, ip=t.ip, node=t.node,
                                 task=t, note=f"a container attached on {t.node}"))
        for e in state.special_on(network_id):
            note = SPECIAL_NOTES.get(e.key) or (f"{network_name}'s load balancer on this node: the source address of traffic to its VIPs"
                                                 if e.key.startswith("lb-") else "")
            rows.append(ExtraRow(key=f"sb:{e.key}", kind="special", name=e.key, ip=e.ip, mac=e.mac, node=state.hostname or "this node",
                                 note=note))
    elif state.gwbridge_id and network_id == state.gwbridge_id:
        for g in state.gateways:
            rows.append(ExtraRow(key=f"gw:{g.container_id}", kind="gateway", name=g.name, ip=g.ipv4, mac=g.mac,
                                 container_id=g.container_id if _is_container_id(g.container_id) else "",
                                 node=state.hostname or "this node", note="gateway interface (eth1): the way out of its overlays"))
    return tuple(rows)
