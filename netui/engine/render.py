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
    return Group(*parts)
