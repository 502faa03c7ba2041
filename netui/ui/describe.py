"""Readable, teaching descriptions of a network or a container, for the details pane.

A description is a list of blocks: `Text` paragraphs and `KV` key/value lists.
`layout` turns it into one pre-wrapped `Text` for a given width, with values
hanging under their column: far cheaper for Textual to measure and draw than
nested rich tables (the pane is redrawn as the cursor moves). Every engine
string goes through `clean` into a `Text`, never into markup.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.text import Text

from netui.engine.model import Container, Network, Snapshot, parse_time
from netui.text import clean
from netui.ui import describe_compose
from netui.ui.describe_swarm import describe_swarm_container, describe_swarm_network

DETAILS_ENDPOINTS = 40  # the containers pane lists every endpoint; details show the first ones


def _when(created: str | int | float, now: float) -> str:
    """An absolute time and how long before `now` (the snapshot's time, so replays read the same)."""
    if isinstance(created, (int, float)):
        ts = float(created)
    else:
        ts = parse_time(created)
        if not ts and created and not str(created).startswith("0001-"):
            return clean(created)
    if ts <= 0:
        return "—"
    ago = max((now or time.time()) - ts, 0)
    if ago < 120:
        rel = f"{int(ago)} s ago"
    elif ago < 7200:
        rel = f"{int(ago // 60)} min ago"
    elif ago < 172800:
        rel = f"{int(ago // 3600)} h ago"
    else:
        rel = f"{int(ago // 86400)} days ago"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) + f" ({rel})"


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


class KV:
    """Key/value rows: keys in a column, values wrapped beside them."""

    def __init__(self) -> None:
        self.rows: list[tuple[Text, Text]] = []

    def add_row(self, key: str | Text, value: str | Text) -> None:
        k = key if isinstance(key, Text) else Text(str(key), style="dim")
        v = value if isinstance(value, Text) else Text(str(value))
        self.rows.append((k, v))


Block = Text | KV


def layout(blocks: list[Block], width: int, console: Console) -> Text:
    """The blocks as one Text, wrapped to `width` columns."""
    width = max(width, 20)
    lines: list[Text] = []
    for b in blocks:
        if isinstance(b, KV):
            kw = max((k.cell_len for k, _ in b.rows), default=0) + 2
            vw = max(width - kw, 10)
            for k, v in b.rows:
                wrapped = v.wrap(console, vw, overflow="fold") if v.plain else [Text("")]
                for i, line in enumerate(wrapped):
                    head = Text()
                    if i == 0:
                        head.append_text(k)  # as a span: the key's style must not cover the value
                    head.append(" " * (kw - head.cell_len))
                    head.append_text(line)
                    lines.append(head)
        else:
            lines.extend(b.wrap(console, width, overflow="fold"))
    out = Text("\n", no_wrap=True, overflow="crop").join(lines)
    out.no_wrap = True
    out.overflow = "crop"
    return out


def _grid() -> KV:
    return KV()


def _pairs_table(pairs: tuple[tuple[str, str], ...]) -> Block:
    if not pairs:
        return Text("  none", style="dim")
    g = _grid()
    for k, v in pairs:
        g.add_row(Text("  " + clean(k)), Text(clean(v)))
    return g


def _v(value: object, style: str = "") -> Text:
    return Text(clean(value), style=style)


def dns_explanation(n: Network) -> Text:
    if n.driver == "host":
        return Text("host networking: containers use the host's interfaces and resolver; no container DNS", style="italic")
    if n.driver == "null":
        return Text("no network at all: containers here have only loopback", style="italic")
    if n.is_default_bridge:
        return Text(
            "the default bridge has no name resolution: containers reach each other by IP only. "
            "Put them on a user-defined network to reach them by name.",
            style="yellow",
        )
    return Text("container names and aliases resolve through Docker's embedded DNS (127.0.0.11)", style="green")


def describe_network(snap: Snapshot, n: Network) -> list[Block]:
    parts: list[Block] = []
    title = Text()
    title.append("Network ", style="dim")
    title.append(clean(n.name), style="bold")
    if n.builtin:
        title.append("  builtin", style="cyan")
    parts.append(title)
    g = _grid()
    g.add_row("ID", _v(n.id))
    g.add_row("Driver", _v(f"{n.driver or '?'} · scope {n.scope or '?'}"))
    g.add_row("Created", _v(_when(n.created, snap.taken_at)))
    flags = list(n.flags) or ["none"]
    g.add_row("Flags", _v(", ".join(flags)))
    g.add_row("Names", dns_explanation(n))
    if n.internal:
        g.add_row("Isolation", Text("internal: containers reach each other, but nothing outside this network", style="yellow"))
    if n.compose_project:
        g.add_row("Compose", _v(f"project {n.compose_project}" + (f", network {n.compose_network}" if n.compose_network else "")))
    if n.config_from:
        g.add_row("Config from", _v(n.config_from))
    parts.append(g)
    parts.extend(describe_swarm_network(snap, n))  # overlays, ingress, docker_gwbridge: what they span and hold
    parts += describe_compose.network_blocks(snap, n)

    parts.append(_heading(f"IPAM (driver {clean(n.ipam_driver) or 'default'})"))
    if n.ipam:
        ip = _grid()
        for c in n.ipam:
            ip.add_row("  subnet", _v(c.subnet or "—", "cyan"))
            ip.add_row("  gateway", _v(c.gateway or ", ".join(snap.gateways_of(n)) or "—"))
            if c.ip_range:
                ip.add_row("  ip range", _v(c.ip_range))
            for k, v in c.aux_addresses:
                ip.add_row("  aux", _v(f"{k} = {v}"))
        parts.append(ip)
    else:
        parts.append(Text("  no address configuration", style="dim"))
    if n.ipam_options:
        parts.append(_pairs_table(n.ipam_options))

    parts.append(_heading("Options"))
    parts.append(_pairs_table(n.options))
    parts.append(_heading("Labels"))
    parts.append(_pairs_table(n.labels))

    members = snap.members(n.id)
    sharers = sum(1 for m in members if m.endpoint is None)
    heading = f"Containers ({len(members)}"
    heading += f": {len(members) - sharers} endpoint{'s' if len(members) - sharers != 1 else ''}, {sharers} sharing a stack)" if sharers else ")"
    parts.append(_heading(heading))
    if members:
        t = _grid()
        for m in members[:DETAILS_ENDPOINTS]:
            e = m.endpoint
            if e is None:
                t.add_row(Text("  " + clean(m.container.name), style="bold"), Text(f"shares {clean(m.via.name if m.via else '?')}'s stack", style="italic dim"))
                continue
            line = Text()
            line.append(clean(e.ipv4_cidr or "—"), style="cyan")
            if e.ipv6:
                line.append("  " + clean(e.ipv6_cidr), style="cyan")
            if e.mac:
                line.append("  " + clean(e.mac))
            if e.names and n.has_dns:
                line.append("\nnames: " + clean(", ".join(e.names)), style="dim")
            t.add_row(Text("  " + clean(m.container.name), style="bold"), line)
        parts.append(t)
        if len(members) > DETAILS_ENDPOINTS:
            parts.append(Text(f"  … and {len(members) - DETAILS_ENDPOINTS} more: the containers pane lists them all", style="dim"))
    else:
        parts.append(Text("  no containers", style="dim"))
    return parts


def mode_explanation(snap: Snapshot, c: Container) -> Text:
    if c.mode == "host":
        return Text(
            "host: shares the host's network stack. No isolation and no port mapping; "
            "whatever it listens on is the host's port.",
            style="yellow",
        )
    if c.mode == "none":
        return Text("none: no network interfaces except loopback. Fully isolated.", style="yellow")
    if c.mode == "container":
        owner = snap.stack_holder(c)
        name = owner.name if owner else c.stack_owner[:12]
        t = Text("container: shares the network stack of ", style="yellow")
        t.append(clean(name), style="bold")
        t.append(": the same interfaces, IPs and ports; they talk over localhost.", style="yellow")
        return t
    nets = snap.networks_of(c)
    if not nets:
        return Text("attached to no network" + (" (not running)" if not c.running else ""), style="dim")
    if len(nets) > 1:
        return Text(f"attached to {len(nets)} networks: it can reach containers on each of them", style="green")
    return Text("attached to 1 network", style="green")


def describe_container(snap: Snapshot, c: Container) -> list[Block]:
    parts: list[Block] = []
    title = Text()
    title.append("Container ", style="dim")
    title.append(clean(c.name), style="bold")
    parts.append(title)
    g = _grid()
    g.add_row("ID", _v(c.id))
    g.add_row("Image", _v(c.image))
    g.add_row("Command", _v(c.command))
    g.add_row("State", _v(f"{c.state} · {c.status}" if c.status else c.state))
    g.add_row("Created", _v(_when(c.created, snap.taken_at)))
    if c.compose_project:
        g.add_row("Compose", _v(f"project {c.compose_project}, service {c.compose_service or '?'}"))
    g.add_row("Network mode", mode_explanation(snap, c))
    parts.append(g)
    parts += describe_compose.container_blocks(snap, c)

    parts.append(_heading("Endpoints"))
    source = snap.stack_holder(c) or c
    if not source.endpoints:
        parts.append(Text("  none", style="dim"))
    for e in source.endpoints:
        net = snap.network_by_id.get(e.network_id)
        head = Text("  on ")
        head.append(clean(e.network_name), style="bold")
        if source is not c:
            head.append(f" (through {clean(source.name)})", style="dim")
        parts.append(head)
        eg = _grid()
        if net is not None and net.driver == "host":
            eg.add_row("    address", Text("the host's own interfaces", style="italic"))
        elif net is not None and net.driver == "null":
            eg.add_row("    address", Text("loopback only", style="italic"))
        else:
            eg.add_row("    IPv4", _v(e.ipv4_cidr or "— (assigned when running)", "cyan"))
            if e.ipv6:
                eg.add_row("    IPv6", _v(e.ipv6_cidr, "cyan"))
            eg.add_row("    gateway", _v(", ".join(x for x in (e.gateway, e.ipv6_gateway) if x) or "—"))
            eg.add_row("    MAC", _v(e.mac or "—"))
            if net is not None and not net.has_dns:
                eg.add_row("    names", Text("none resolve here (default bridge)", style="yellow"))
            else:
                names = [source.name] + [x for x in e.names if x != source.name]
                eg.add_row("    names", _v(", ".join(names)))
            if e.static_ipv4 or e.static_ipv6:
                eg.add_row("    static", _v(", ".join(x for x in (e.static_ipv4, e.static_ipv6) if x)))
        eg.add_row("    endpoint", _v(e.endpoint_id[:12] or "—", "dim"))
        parts.append(eg)

    parts.extend(describe_swarm_container(snap, c))  # a task: its service and node, its IP against the VIP

    sharers = snap.stack_sharers(c.id)
    if sharers:
        parts.append(_heading("Containers sharing its network stack"))
        parts.append(Text("  " + ", ".join(clean(s.name) for s in sharers)))

    parts.append(_heading("Ports"))
    if not c.ports:
        parts.append(Text("  none published or exposed" + ("" if c.running else " (ports show while running)"), style="dim"))
    pg = _grid()
    for p in c.published_ports:
        line = Text()
        line.append(clean(p.host_address), style="bold")
        line.append(f" → {clean(p.container_side)}")
        if p.all_interfaces:
            line.append("  ⚠ all interfaces: reachable beyond localhost", style="yellow")
        pg.add_row("  published", line)
    for p in c.exposed_ports:
        pg.add_row("  exposed", Text(f"{clean(p.container_side)}  (other containers on its networks only; not from the host)"))
    parts.append(pg)

    parts.append(_heading("Labels"))
    parts.append(_pairs_table(c.labels))
    return parts
