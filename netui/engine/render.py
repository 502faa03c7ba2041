"""The readable (rich) form of a snapshot, for `netui dump`.

Engine strings go into `Text` objects, never into markup.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from netui.engine.model import Network, Snapshot
from netui.text import clean


def _t(value: object, style: str = "") -> Text:
    return Text(clean(value), style=style)


def network_heading(n: Network, snap: Snapshot) -> Text:
    head = Text()
    head.append(clean(n.name), style="bold")
    head.append(f"  {clean(n.driver) or '?'} · {clean(n.scope) or '?'}", style="dim")
    if n.subnets:
        head.append("  " + ", ".join(clean(s) for s in n.subnets), style="cyan")
    gateways = snap.gateways_of(n)
    if gateways:
        head.append("  gw " + ", ".join(clean(g) for g in gateways), style="dim")
    tags = list(n.flags)
    if n.builtin:
        tags.insert(0, "builtin")
    if n.is_default_bridge:
        tags.append("no DNS")
    if n.compose_project:
        tags.append(f"compose: {clean(n.compose_project)}")
    if tags:
        head.append("  [" + ", ".join(tags) + "]", style="yellow")
    count = snap.container_count(n.id)
    head.append(f"  {count} container{'s' if count != 1 else ''}", style="dim")
    return head


def render(snap: Snapshot) -> RenderableType:
    parts: list[RenderableType] = []
    e = snap.engine
    title = Text()
    title.append(f"{clean(e.product)} {clean(e.version) or '?'}", style="bold")
    title.append(f" at {clean(e.host)}  ·  {len(snap.networks)} networks, {len(snap.containers)} containers")
    parts.append(title)
    if snap.swarm is not None:
        parts.append(swarm_heading(snap))
    for n in snap.networks:
        parts.append(Text(""))
        parts.append(network_heading(n, snap))
        members = snap.members(n.id)
        if members:
            table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False, show_edge=False)
            for col in ("container", "state", "IPv4", "IPv6", "MAC", "names / aliases"):
                table.add_column(col, overflow="fold")
            for m in members:
                c, ep = m.container, m.endpoint
                if ep is None:
                    via = m.via.name if m.via else "?"
                    table.add_row(_t(c.name), _t(c.state), _t(f"shares {clean(via)}'s stack", "italic dim"), Text(""), Text(""), Text(""))
                    continue
                table.add_row(
                    _t(c.name),
                    _t(c.state, "green" if c.running else "red"),
                    _t(ep.ipv4_cidr or ("host stack" if n.driver == "host" else "-")),
                    _t(ep.ipv6_cidr),
                    _t(ep.mac),
                    _t(", ".join(ep.names)),
                )
            parts.append(table)
        ports = [(c, p) for c, p in snap.published_ports() if any(e.network_id == n.id for e in c.endpoints)]
        for c, p in ports:
            line = Text("    port ")
            line.append(clean(p.host_address), style="bold")
            line.append(f" → {p.container_side}  ")
            line.append(clean(c.name))
            if p.all_interfaces:
                line.append("  (all interfaces)", style="yellow")
            parts.append(line)
        if snap.swarm is not None and n.scope == "swarm":
            parts.extend(swarm_lines(snap, n))
    return Group(*parts)


def swarm_heading(snap: Snapshot) -> Text:
    sw = snap.swarm
    assert sw is not None
    line = Text("swarm: ", style="bold")
    line.append(f"this node is {clean(sw.node_label)}, state {clean(sw.state)}")
    if sw.nodes:
        line.append(f"; {len(sw.nodes)} nodes: " + ", ".join(f"{clean(n.name)} ({clean(n.role)}, {clean(n.addr)}, {clean(n.state)})"
                                                          for n in sw.nodes))
    if sw.cluster_error:
        line.append("\n" + clean(sw.cluster_error), style="yellow")
    return line


def swarm_lines(snap: Snapshot, n: Network) -> list[Text]:
    """A swarm network's services (VIP, tasks with their node), peers and other endpoints."""
    sw = snap.swarm
    assert sw is not None
    out: list[Text] = []
    for s in sw.services_on(n.id):
        line = Text("    service ")
        line.append(clean(s.name), style="bold")
        line.append(f"  VIP {clean(s.vip)}" if s.vip else ("  no VIP (dnsrr: the name resolves to the task IPs)" if s.endpoint_mode == "dnsrr" else ""))
        if s.replicas:
            line.append(f"  {clean(s.replicas)}", style="dim")
        for port in s.ports:
            line.append(f"  port {clean(port)}")
        out.append(line)
        for t in s.tasks:
            task = Text(f"      task {clean(t.name)}  {clean(t.ip) or '-'}  on {clean(t.node)}")
            if t.state:
                task.append(f"  {clean(t.state)}", style="green" if t.state == "running" else "yellow")
            out.append(task)
    for t in sw.others_on(n.id):
        out.append(Text(f"    endpoint {clean(t.name)}  {clean(t.ip)}  on {clean(t.node)}", style="dim"))
    peers = sw.peers_of(n.id)
    if peers:
        out.append(Text("    peers " + ", ".join(f"{clean(name)} ({clean(ip)})" if ip and ip != name else clean(name) for name, ip in peers),
                        style="dim"))
    return out
