"""The swarm parts of the details pane: what an overlay spans, its services with their
virtual IP and tasks, the VIP against task IPs, ingress and docker_gwbridge, and a task.

Users mix up a service's virtual IP and its tasks' own addresses (moby#31693, #34546):
the text says which name gives which, and what each is for.
"""

from __future__ import annotations

from rich.text import Text

from netui.engine.model import Container, Network, Snapshot
from netui.engine.swarm import GWBRIDGE, ExtraRow, ServiceView, SwarmState, task_labels
from netui.text import clean

MAX_TASKS = 12  # per service in the details; the containers pane lists every one


def _kv():
    from netui.ui.describe import KV

    return KV()


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def _v(value: object, style: str = "") -> Text:
    return Text(clean(value), style=style)


def _explain(text: str, style: str = "italic") -> Text:
    return Text(text, style=style)


def network_kind(n: Network) -> Text | None:
    """What this kind of network is for, in a sentence or two (None: nothing swarm about it)."""
    if n.ingress:
        return _explain(
            "ingress is swarm's routing mesh. A port a service publishes (mode ingress) opens on every node; a connection "
            "to any node's port enters this network through that node's ingress sandbox, and the kernel's IPVS load balancer "
            "sends it to a task, on whatever node it runs. Tasks of services with published ports join it. Swarm manages it: "
            "do not attach containers to it or remove it.")
    if n.driver == "overlay" and n.scope == "swarm":
        return _explain(
            "An overlay network spans the swarm's nodes: each node keeps its own part of it (a bridge in a hidden namespace) "
            "and VXLAN tunnels (UDP 4789) between the nodes' addresses carry the traffic, so tasks on different nodes talk as "
            "if on one LAN. " + ("Attachable: plain containers (docker run --network) may join it, not only services."
                                 if n.attachable else "Not attachable: only services' tasks join it."))
    if n.name == GWBRIDGE and n.driver == "bridge":
        return _explain(
            "docker_gwbridge is a local bridge on each swarm node. An overlay has no way out of its own, so every container on "
            "an overlay also gets an interface here (its eth1, NATed to the outside), and ports published in host mode arrive "
            "through it. Inter-container traffic is off on it (enable_icc=false): containers reach each other over their overlays, "
            "never over this bridge. A container's own network list leaves this interface out; the bridge lists it as gateway_<id>.")
    return None


def _vip_vs_tasks(services: tuple[ServiceView, ...]) -> list[Text]:
    """Which name gives which address, for the services on a network."""
    out: list[Text] = []
    for s in services:
        tasks = ", ".join(s.task_ips) or "none running"
        if s.vip:
            t = Text("  ")
            t.append(clean(s.name), style="bold")
            t.append(" → ")
            t.append(clean(s.vip), style="cyan")
            t.append(": the service's virtual IP (VIP). One stable address for the whole service that belongs to no "
                     "container (no interface has it) and stays as tasks come and go; IPVS in each client's network namespace "
                     "spreads connections over the tasks. Where the kernel has no IPVS the name still resolves but the VIP "
                     "carries nothing.", style="italic")
            out.append(t)
        elif s.endpoint_mode == "dnsrr":
            t = Text("  ")
            t.append(clean(s.name), style="bold")
            t.append(" → ")
            t.append(clean(tasks), style="cyan")
            t.append(": no VIP (--endpoint-mode dnsrr): the name itself resolves to the task IPs, in turn; clients pick one.",
                     style="italic")
            out.append(t)
        t = Text("  ")
        t.append(f"tasks.{clean(s.name)}", style="bold")
        t.append(" → ")
        t.append(clean(tasks), style="cyan")
        t.append(": every task's own address, straight to each container: for clients that balance by themselves, or "
                 "members of a cluster that must reach each other.", style="italic")
        out.append(t)
    return out


def describe_swarm_network(snap: Snapshot, n: Network) -> list:
    """Blocks for the network details: empty for a network swarm has nothing to do with."""
    sw = snap.swarm
    parts: list = []
    kind = network_kind(n)
    if kind is None:
        return parts
    parts.append(_heading("Swarm"))
    parts.append(kind)
    if sw is None:
        parts.append(Text("  this engine is not in swarm mode any more (docker swarm leave?)", style="dim"))
        return parts
    if n.name == GWBRIDGE:
        return parts + _gateways(snap, sw)
    if sw.cluster_error:
        parts.append(Text(clean(sw.cluster_error), style="yellow"))
    services = sw.services_on(n.id)
    view_known = n.id in sw.overlay_by_id
    if sw.manager and not view_known and not snap.members(n.id):
        parts.append(Text("No task or container on it runs on this node: the engine's own view of the network is empty here "
                          "(its verbose inspect answers nulls); what follows comes from the cluster's lists.", style="dim"))
    parts.append(_heading(f"Services ({len(services)})"))
    if not services:
        parts.append(Text("  none use it", style="dim"))
    for s in services:
        head = Text("  ")
        head.append(clean(s.name), style="bold")
        if s.vip:
            head.append("  VIP ")
            head.append(clean(s.vip), style="cyan")
        elif s.endpoint_mode == "dnsrr":
            head.append("  no VIP (dnsrr)", style="dim")
        if s.replicas:
            head.append(f"  {clean(s.replicas)}", style="dim")
        parts.append(head)
        g = _kv()
        for p in s.ports:
            g.add_row("    published", _v(p))
        for t in s.tasks[:MAX_TASKS]:
            line = Text()
            line.append(clean(t.ip or "—"), style="cyan")
            line.append("  on ")
            line.append(clean(t.node), style="bold" if not t.local else "")
            if t.local:
                line.append(" (this node)", style="dim")
            if t.state:
                line.append(f"  {clean(t.state)}", style="green" if t.state == "running" else "yellow")
            if t.message and t.state not in ("running", ""):
                line.append(f"  {clean(t.message)}", style="dim")
            g.add_row(Text("    " + clean(t.name)), line)
        parts.append(g)
        if len(s.tasks) > MAX_TASKS:
            parts.append(Text(f"    … and {len(s.tasks) - MAX_TASKS} more: the containers pane lists them", style="dim"))
    if any(s.vip or s.endpoint_mode == "dnsrr" or s.tasks for s in services):
        parts.append(_heading("Names: the VIP or the tasks"))
        parts.extend(_vip_vs_tasks(services))
    others = [t for t in sw.others_on(n.id)]
    if others:
        parts.append(_heading("Other endpoints (no service task)"))
        g = _kv()
        for t in others:
            what = "the ingress sandbox of " if t.name == "ingress-endpoint" else "a container attached on "
            g.add_row(Text("  " + clean(t.name)), Text.assemble((clean(t.ip), "cyan"), f"  {what}", (clean(t.node), "bold")))
        parts.append(g)
    special = sw.special_on(n.id)
    if special:
        g = _kv()
        for e in special:
            what = ("this node's ingress sandbox: where published ports enter the mesh" if e.key == "ingress-sbox"
                    else "this node's load-balancer endpoint: the source address of its traffic to VIPs")
            g.add_row(Text("  " + clean(e.key)), Text.assemble((clean(e.ip), "cyan"), f"  {what}"))
        parts.append(g)
    peers = sw.peers_of(n.id)
    parts.append(_heading(f"Nodes on it ({len(peers)})"))
    if peers:
        g = _kv()
        for name, ip in peers:
            g.add_row(Text("  " + clean(name)), _v(ip or "?", "cyan"))
        parts.append(g)
        parts.append(Text("  VXLAN peers: a node takes part while a task or container on it uses the network.", style="dim italic"))
    else:
        parts.append(Text("  no node runs anything on it yet", style="dim"))
    return parts


def _gateways(snap: Snapshot, sw: SwarmState) -> list:
    parts: list = [_heading(f"Gateway interfaces ({len(sw.gateways)})")]
    if not sw.gateways:
        parts.append(Text("  none", style="dim"))
        return parts
    g = _kv()
    for gw in sw.gateways:
        c = snap.container_by_id.get(gw.container_id)
        who = c.name if c else ("the ingress sandbox" if gw.container_id == "ingress-sbox" else gw.container_id[:12])
        g.add_row(Text("  " + clean(who), style="bold" if c else "dim"), Text.assemble((clean(gw.ipv4), "cyan"), f"  {clean(gw.mac)}  ",
                                                                                       (clean(gw.name), "dim")))
    parts.append(g)
    return parts


def describe_swarm_container(snap: Snapshot, c: Container) -> list:
    """For a task's container: its service, node, and its address against the service's VIP."""
    sw = snap.swarm
    service, task_name, node_id = task_labels(c.labels)
    parts: list = []
    gw = sw.gateway_by_container.get(c.id) if sw is not None else None
    if not service and gw is None:
        return parts
    parts.append(_heading("Swarm"))
    g = _kv()
    if service:
        task = sw.task_of(c.labels) if sw is not None else None
        g.add_row("Task", _v(task.name if task else task_name))
        g.add_row("Service", _v(service))
        if sw is not None:
            g.add_row("Node", _v(sw.node_name(node_id) if sw.nodes else (sw.hostname or node_id[:12])))
        if task is not None:
            g.add_row("Task state", _v(f"{task.state} (swarm wants it {task.desired_state})"))
    if gw is not None:
        g.add_row("Way out", Text.assemble((clean(gw.ipv4), "cyan"), " on docker_gwbridge ", (f"({clean(gw.name)})", "dim"),
                                           ": not in its own network list; NATed to the outside", style=""))
    parts.append(g)
    if service and sw is not None:
        for e in c.endpoints:
            views = [s for s in sw.services_on(e.network_id) if s.name == service]
            if not views:
                continue
            s = views[0]
            t = Text("  on ")
            t.append(clean(e.network_name), style="bold")
            t.append(": its own IP ")
            t.append(clean(e.ipv4 or "—"), style="cyan")
            t.append(f" (one of tasks.{clean(service)})")
            if s.vip:
                t.append("; the service's VIP there is ")
                t.append(clean(s.vip), style="cyan")
                t.append(f" (the name {clean(service)}), which is no container's address")
            elif s.endpoint_mode == "dnsrr":
                t.append(f"; no VIP (dnsrr): {clean(service)} resolves to the task IPs")
            parts.append(t)
    return parts


def describe_extra(snap: Snapshot, n: Network, r: ExtraRow) -> list:
    """A row of the containers pane that is no container of this engine."""
    sw = snap.swarm
    parts: list = []
    title = Text()
    if r.kind in ("remote-task", "local-task"):
        title.append("Task ", style="dim")
        title.append(clean(r.name), style="bold")
        title.append(f"  on {clean(r.node)}", style="magenta")
        parts.append(title)
        g = _kv()
        g.add_row("Service", _v(r.service))
        g.add_row("Node", _v(f"{r.node} ({r.task.node_addr})" if r.task and r.task.node_addr else r.node))
        g.add_row("State", _v(r.state or "? (a worker's view has no task states)"))
        g.add_row(f"IP on {clean(n.name)}", _v(r.ip or "—", "cyan"))
        if r.container_id:
            g.add_row("Container", _v(r.container_id[:12]))
        if r.task is not None and r.task.message:
            g.add_row("Message", _v(r.task.message))
        parts.append(g)
        if r.kind == "local-task":
            parts.append(Text(f"\nSwarm placed it on this node; its container is not there yet (state {clean(r.state or '?')}): "
                              "swarm is still preparing or starting it, or it failed to start (see Message).", style="italic"))
        else:
            parts.append(Text(
                f"\nIt runs on {clean(r.node)}, not on this engine: its container is reached only through that node's engine. "
                "To look inside it or probe from it, watch that node too (netui --host <this> --host <that>) and switch with e; "
                "t here does that when netui already watches it.", style="italic"))
        if sw is not None:
            views = [s for s in sw.services_on(n.id) if s.name == r.service]
            if views:
                parts.append(_heading("Names: the VIP or the tasks"))
                parts.extend(_vip_vs_tasks((views[0],)))
    elif r.kind == "remote-endpoint":
        title.append("Endpoint ", style="dim")
        title.append(clean(r.name), style="bold")
        title.append(f"  on {clean(r.node)}", style="magenta")
        parts.append(title)
        parts.append(Text(f"A container attached to {clean(n.name)} on {clean(r.node)}, address {clean(r.ip)}: no service task, "
                          f"so the swarm's lists do not have it; {clean(n.name)}'s own view (verbose inspect) does.", style="italic"))
    else:
        title.append("Endpoint ", style="dim")
        title.append(clean(r.name), style="bold")
        parts.append(title)
        g = _kv()
        g.add_row("Address", _v(r.ip or "—", "cyan"))
        g.add_row("MAC", _v(r.mac or "—"))
        parts.append(g)
        if r.note:
            parts.append(Text("\n" + clean(r.note[0].upper() + r.note[1:]) + ". It is no container: the engine keeps it for the network.",
                              style="italic"))
    return parts
