"""Where everything goes: networks as boxes stacked in lanes, bridges between them.

The layout is our own, made for this bipartite shape (see the commit that
chose it for the measurements against netext and grandalf):

- Networks joined by a container on both (a *bridge*) form a component; each
  component is one block, its networks stacked as boxes in an order that puts
  bridged networks next to each other. Blocks with nothing in common are
  apart: no line between two networks means they are isolated.
- A container on one network is a chip inside that network's box. A bridge is
  drawn once, between the boxes it joins, with a line up and a line down
  labelled with its IP (and aliases) on each. A bridge whose networks are not
  next to each other (or that joins three or more) also runs a trunk down the
  block's right side into each further box.
- A container in another's network stack (network_mode container:<x>) sits
  right after that container, marked ◦ … ⇢ x. host and none containers are in
  the engine's host and none boxes, which say what that means.
- Published ports are nodes at the host edge (a heavy line on the block's
  left), each with a line into its container; 0.0.0.0 / :: bindings are marked
  exposed.
- Level of detail: past `auto_collapse` endpoints every box shows a count
  instead of its members (published ones stay: exposure must stay visible);
  `expanded` / `collapsed` override that per network.
- Blocks are packed into columns (masonry) when the width allows two or more.

The result is a list of primitives (boxes, lines, text) on a canvas with a
rectangle per node, painted by `render`. Widths are terminal cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from rich.cells import cell_len

from netui.map.graph import ContainerNode, Link, MapGraph, NetworkNode, PortNode
from netui.text import clean

MIN_COLUMN = 76  # a column narrower than this is not worth a second column
GAP = 2  # columns between blocks side by side
AUTO_COLLAPSE = 120  # endpoints past which boxes show counts instead of members
MAX_CHIP = 48
MAX_PORT_LABEL = 30
LINK_LABEL = 28  # an IP and aliases on a bridge's line

Spans = tuple[tuple[str, str], ...]  # (text, style name)


@dataclass(frozen=True)
class Options:
    expanded: frozenset[str] = frozenset()  # network keys shown in full whatever the size
    collapsed: frozenset[str] = frozenset()  # network keys shown as a count whatever the size
    auto_collapse: int = AUTO_COLLAPSE
    legend: bool = True


@dataclass
class Box:
    key: str
    x: int
    y: int
    w: int
    h: int
    style: str
    title: Spans = ()


@dataclass
class Label:
    x: int
    y: int
    spans: Spans
    key: str = ""  # the node this text is (for highlighting), if any


@dataclass
class Segment:
    """A straight line between two cells (same row or same column), both ends included."""

    x1: int
    y1: int
    x2: int
    y2: int
    style: str = "link"
    heavy: bool = False


@dataclass
class Layout:
    width: int = 0
    height: int = 0
    boxes: list[Box] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    lines: list[Segment] = field(default_factory=list)
    rects: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # key -> (x, y, width), one row
    link_lines: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (net, ctr) -> indexes into lines
    collapsed: frozenset[str] = frozenset()  # networks shown as a count
    block_of: dict[str, int] = field(default_factory=dict)  # node key -> the block (component) it is drawn in
    order: list[str] = field(default_factory=list)  # node keys, top to bottom, left to right

    def shift(self, dx: int, dy: int) -> None:
        for b in self.boxes:
            b.x += dx
            b.y += dy
        for lab in self.labels:
            lab.x += dx
            lab.y += dy
        for s in self.lines:
            s.x1 += dx
            s.x2 += dx
            s.y1 += dy
            s.y2 += dy
        self.rects = {k: (x + dx, y + dy, w) for k, (x, y, w) in self.rects.items()}

    @property
    def x_end(self) -> int:
        """One past the rightmost cell anything occupies."""
        ends = [b.x + b.w for b in self.boxes] + [max(s.x1, s.x2) + 1 for s in self.lines]
        ends += [lab.x + spans_len(lab.spans) for lab in self.labels]
        return max(ends, default=0)

    def absorb(self, other: "Layout") -> None:
        base = len(self.lines)
        self.boxes += other.boxes
        self.labels += other.labels
        self.lines += other.lines
        self.rects.update(other.rects)
        for k, idx in other.link_lines.items():
            self.link_lines.setdefault(k, []).extend(i + base for i in idx)
        self.width = max(self.width, other.width)
        self.height = max(self.height, other.height)


def spans_len(spans: Spans) -> int:
    return sum(cell_len(t) for t, _ in spans)


def cut(spans: Spans, width: int) -> Spans:
    """Spans cut to `width` cells, with an ellipsis when something was cut."""
    if width <= 0:
        return ()
    if spans_len(spans) <= width:
        return spans
    out: list[tuple[str, str]] = []
    room = width - 1
    for text, style in spans:
        if room <= 0:
            break
        if cell_len(text) <= room:
            out.append((text, style))
            room -= cell_len(text)
            continue
        piece = ""
        for ch in text:
            if cell_len(piece + ch) > room:
                break
            piece += ch
        out.append((piece, style))
        room = 0
    out.append(("…", out[-1][1] if out else ""))
    return tuple(out)


# -- what a chip says ------------------------------------------------------------------
def chip_spans(c: ContainerNode, link: Link | None, with_label: bool = True) -> Spans:
    mark = "●" if c.running else "○"
    style = "ctr.running" if c.running else "ctr.stopped"
    spans: list[tuple[str, str]] = [(f"{mark} ", style), (c.name, style + ".name")]
    if c.mode == "host":
        spans.append((" host stack", "ctr.mode"))
    elif c.mode == "none":
        spans.append((" loopback only", "ctr.mode"))
    if not c.running:
        spans.append((f" {c.state}", "ctr.stopped"))
    if with_label and link is not None and c.mode == "network":
        ips = [clean(a) for a in (link.endpoint.ipv4, link.endpoint.ipv6) if a]
        if ips:
            spans.append((" " + " ".join(ips), "ip"))
        if link.aliases:
            spans.append((" (" + ", ".join(link.aliases) + ")", "alias"))
    return cut(tuple(spans), MAX_CHIP)


def sharer_spans(c: ContainerNode) -> Spans:
    style = "ctr.sharer" if c.running else "ctr.stopped"
    return cut((("◦ ", style), (c.name, style + ".name"), (f" ⇢ {c.holder_name}", "ctr.mode")), MAX_CHIP)


def port_spans(p: PortNode) -> Spans:
    if p.exposed:
        return cut((("⚠ ", "port.exposed"), (p.host_address, "port.exposed"), (f"→{p.container_side}", "port")), MAX_PORT_LABEL)
    return cut(((p.host_address, "port.addr"), (f"→{p.container_side}", "port")), MAX_PORT_LABEL)


@dataclass
class Unit:
    """A container chip and the chips of containers sharing its stack: placed together."""

    key: str
    parts: list[tuple[str, Spans]]  # (node key, spans)
    ports: list[PortNode]

    @cached_property
    def width(self) -> int:
        return sum(spans_len(s) for _, s in self.parts) + 2 * (len(self.parts) - 1)


def net_title(n: NetworkNode, collapsed: bool) -> Spans:
    out: list[tuple[str, str]] = [(" ", ""), (n.name, "net.name"), (" · ", "net.info")]
    info = [n.driver, *n.subnets]
    out.append((" · ".join(info), "net.info"))
    for f in n.flags:
        style = "net.flag.warn" if f in ("no DNS", "internal") else "net.flag"
        out.append((" · ", "net.info"))
        out.append((f, style))
    out.append((" ", ""))
    return tuple(out)


def box_style(n: NetworkNode) -> str:
    if n.kind in ("host", "none"):
        return f"net.border.{n.kind}"
    if n.kind == "default":
        return "net.border.default"
    if n.network.internal:
        return "net.border.internal"
    return "net.border"


# -- components ------------------------------------------------------------------------
def components(g: MapGraph) -> list[list[str]]:
    """Networks joined by bridges, each list ordered so that bridged networks sit together."""
    weight: dict[tuple[str, str], int] = {}
    adj: dict[str, set[str]] = {n.key: set() for n in g.networks}
    for b in g.bridges:
        nets = g.networks_of(b)
        for i, a in enumerate(nets):
            for c in nets[i + 1:]:
                if a == c:
                    continue
                weight[(a, c)] = weight.get((a, c), 0) + 1
                weight[(c, a)] = weight.get((c, a), 0) + 1
                adj[a].add(c)
                adj[c].add(a)
    rank = {n.key: i for i, n in enumerate(g.networks)}
    seen: set[str] = set()
    out: list[list[str]] = []
    for n in g.networks:
        if n.key in seen:
            continue
        comp, todo = set(), [n.key]
        while todo:
            k = todo.pop()
            if k in comp:
                continue
            comp.add(k)
            todo.extend(adj[k] - comp)
        seen |= comp
        # Greedy chain: next is the network most bridged to the last one placed, then to any placed.
        order = [min(comp, key=rank.__getitem__)]
        left = comp - {order[0]}
        to_placed = {k: weight.get((order[0], k), 0) for k in left}  # bridges from k to networks placed so far
        while left:
            last = order[-1]
            best = max(left, key=lambda k: (weight.get((last, k), 0), to_placed[k], -rank[k]))
            order.append(best)
            left.discard(best)
            for k in adj[best] & left:
                to_placed[k] += weight.get((best, k), 0)
        out.append(order)

    def group(order: list[str]) -> tuple:
        kinds = {g.nodes[k].kind for k in order}  # type: ignore[union-attr]
        return (0 if "user" in kinds else 1 if "default" in kinds else 2 if "host" in kinds else 3, rank[order[0]])

    out.sort(key=group)
    return out


# -- one block ------------------------------------------------------------------------
class BlockBuilder:
    def __init__(self, g: MapGraph, order: list[str], width: int, collapsed: set[str]) -> None:
        self.g = g
        self.order = order
        self.width = width
        self.collapsed = collapsed
        self.out = Layout()
        self.pos = {k: i for i, k in enumerate(order)}
        self._units: dict[tuple[str, bool], Unit] = {}
        self._widths: dict[str, int] = {}
        self.title_room: dict[int, int] = {}  # box index -> cells its title may take (bridges come in beside it)

    def _unit(self, ckey: str, link: Link | None, with_label: bool = True) -> Unit:
        got = self._units.get((ckey, with_label))
        if got is None:
            got = self._units[(ckey, with_label)] = self._make_unit(ckey, link, with_label)
        return got

    def _make_unit(self, ckey: str, link: Link | None, with_label: bool) -> Unit:
        c = self.g.nodes[ckey]
        assert isinstance(c, ContainerNode)
        parts = [(ckey, chip_spans(c, link, with_label))]
        for s in self.g.sharers_of.get(ckey, ()):
            sc = self.g.nodes.get(s)
            if isinstance(sc, ContainerNode):
                parts.append((s, sharer_spans(sc)))
        return Unit(ckey, parts, list(self.g.ports_of.get(ckey, ())))

    def _line(self, seg: Segment, link: tuple[str, str] | None = None) -> None:
        self.out.lines.append(seg)
        if link is not None:
            self.out.link_lines.setdefault(link, []).append(len(self.out.lines) - 1)

    def _place_unit(self, u: Unit, x: int, y: int, room: int | None = None) -> int:
        """Place a unit's chips from (x, y); chips that would pass `room` cells go on the next rows,
        indented. Returns the number of rows used."""
        x0, row = x, y
        for n, (key, spans) in enumerate(u.parts):
            w = spans_len(spans)
            if room is not None and n and x + w > x0 + room:
                row += 1
                x = x0 + 2
            if room is not None:
                spans = cut(spans, x0 + room - x)
                w = spans_len(spans)
            self.out.labels.append(Label(x, row, spans, key))
            self.out.rects[key] = (x, row, w)
            x += w + 2
        return row - y + 1

    def _ports(self, u: Unit, y: int, x_to: int, join_x: int) -> None:
        """Port nodes at the host edge on rows y, y+1, ...: the first one's line runs on row y to
        column x_to, the others' to column join_x and up into it."""
        for i, p in enumerate(u.ports):
            row = y + i
            spans = port_spans(p)
            self.out.labels.append(Label(2, row, spans, p.key))
            self.out.rects[p.key] = (2, row, spans_len(spans))
            start = 2 + spans_len(spans) + 1
            self.host_rows.append(row)
            if i == 0:
                self._line(Segment(start, row, x_to, row, "port.line"))
            else:
                self._line(Segment(start, row, join_x, row, "port.line"))
                self._line(Segment(join_x, row, join_x, y, "port.line"))

    def build(self) -> Layout:
        g = self.g
        self.host_rows: list[int] = []
        members: dict[str, list[str]] = {k: [] for k in self.order}
        bridges: list[str] = []
        for c in g.containers:
            nets = [k for k in g.networks_of(c.key) if k in self.pos]
            if len(nets) >= 2:
                bridges.append(c.key)
            elif len(nets) == 1:
                members[nets[0]].append(c.key)
        link_of = {(l.network_key, l.container_key): l for l in g.links}
        has_ports = any(g.ports_of.get(k) for k in [*bridges, *(m for v in members.values() for m in v)])
        port_w = 0
        if has_ports:
            widest = max(spans_len(port_spans(p)) for k in [*bridges, *(m for v in members.values() for m in v)] for p in g.ports_of.get(k, ()))
            port_w = 2 + widest + 3
        # Bridges by the band they sit in (below their first network), long ones get a trunk.
        band: dict[int, list[tuple[str, list[int]]]] = {}
        long_count = 0  # bridges that need a trunk
        for b in bridges:
            idx = sorted(self.pos[k] for k in g.networks_of(b) if k in self.pos)
            band.setdefault(idx[0], []).append((b, idx))
            if not (len(idx) == 2 and idx[1] == idx[0] + 1):
                long_count += 1
        trunk_w = 2 * long_count + 1 if long_count else 0
        bx = port_w
        bw = max(self.width - port_w - trunk_w, 24)
        inner = bw - 4
        right = bx + bw - 1
        # Bands may be wider than the boxes (the map then pans): trunks run right of everything.
        widest_band = max((sum(self._band_width(b) + 2 for b, _ in items) for items in band.values()), default=0)
        widest_band += max((cell_len(n.name) + 4 for n in (g.nodes[k] for k in self.order) if isinstance(n, NetworkNode)), default=0)
        trunk_x0 = max(right, bx + 2 + widest_band) + 2
        attach: dict[int, list[tuple[int, str, Spans]]] = {}  # box index -> [(trunk x, bridge key, label)]
        self.trunks: list[tuple[int, int, str]] = []  # (x, start row, bridge key)
        self.trunk_rows: dict[str, list[int]] = {}
        y = 0
        box_rows: dict[int, tuple[int, int]] = {}
        pending_down: list[tuple[int, int, str]] = []  # (x, from row, bridge key) into the next box's top
        for i, nkey in enumerate(self.order):
            n = g.nodes[nkey]
            assert isinstance(n, NetworkNode)
            collapsed = nkey in self.collapsed
            top = y
            self.out.order.append(nkey)
            body_y = top + 1
            # The title sits on the top border; when bridges coming in from above leave it
            # too little room, the border keeps the name and the first row says the rest.
            room = min(bw - 4, self.title_room.get(i, bw))
            title = net_title(n, collapsed)
            if spans_len(title) > room:
                details = net_title(n, collapsed)[3:]
                title = ((" ", ""), (n.name, "net.name"), (" ", ""))
                self.out.labels.append(Label(bx + 2, body_y, cut(details, inner), ""))
                body_y += 1
            title = cut(title, room)
            mine = members[nkey]
            if collapsed:  # only the published ones: exposure stays visible
                mine = [m for m in mine if g.ports_of.get(m)]
            shown = [self._unit(m, link_of.get((nkey, m))) for m in mine]
            units_count = len(members[nkey])
            hidden = units_count - len(shown)
            row = body_y
            # Published first, one per row, lined up with their ports at the host edge.
            for u in [u for u in shown if u.ports]:
                used = self._place_unit(u, bx + 2, row, inner)
                self._ports(u, row, bx + 1, bx - 1)
                self.out.order += [k for k, _ in u.parts] + [p.key for p in u.ports]
                row += max(used, len(u.ports))
            x = bx + 2
            flow = [u for u in shown if not u.ports]
            if flow:
                for u in flow:
                    if x > bx + 2 and x + u.width > bx + 2 + inner:
                        row += 1
                        x = bx + 2
                    if u.width > inner:
                        used = self._place_unit(u, x, row, inner)
                        row += used
                        x = bx + 2
                    else:
                        self._place_unit(u, x, row)
                        x += u.width + 3
                    self.out.order += [k for k, _ in u.parts]
                if x > bx + 2:
                    row += 1
            # Counts: what this box does not show.
            note: list[tuple[str, str]] = []
            total_hidden = hidden + n.hidden
            if collapsed:
                on = n.members
                note.append((f"{on} container{'s' if on != 1 else ''}", "count"))
                if n.stopped:
                    note.append((f" · {n.stopped} stopped", "count"))
                note.append(("  ⏎ expands", "hint"))
            elif total_hidden:
                note.append((f"+{total_hidden} more not shown", "count"))
            elif not units_count:
                nb = sum(1 for b in bridges if nkey in g.networks_of(b))
                if nb:
                    note.append((f"{nb} container{'s' if nb != 1 else ''}, all on other networks too (the lines)", "hint"))
                else:
                    note.append(("no containers", "count"))
            if note:
                self.out.labels.append(Label(bx + 2, row, cut(tuple(note), inner), ""))
                row += 1
            # Rows where trunks come in from the right.
            for tx, bkey, spans in attach.get(i, ()):
                spans = cut(spans, inner)
                self.out.labels.append(Label(right - 1 - spans_len(spans), row, spans, ""))
                self._line(Segment(right, row, tx, row, "link"), (nkey, bkey))
                self.trunk_rows.setdefault(bkey, []).append(row)
                row += 1
            row = max(row, body_y + 1)
            bottom = row
            self.out.boxes.append(Box(nkey, bx, top, bw, bottom - top + 1, box_style(n), title))
            self.out.rects[nkey] = (bx + 2, top, spans_len(title))
            box_rows[i] = (top, bottom)
            for (x_, from_row, bkey) in pending_down:
                self._line(Segment(x_, from_row, x_, top, "link"), (nkey, bkey))
            pending_down = []
            y = bottom + 1
            # The band below this box: bridges whose first network is this one.
            if band.get(i):
                y = self._band(i, band[i], y, box_rows[i][1], link_of, bx, bw, trunk_x0, pending_down, attach)
        # Trunks: down from their bridge's row to their last attachment.
        for tx, start, bkey in self.trunks:
            rows = self.trunk_rows.get(bkey, [])
            if rows:
                self._line(Segment(tx, start, tx, max(rows), "link"))
        # The host edge: a heavy line down the left of a block that publishes ports.
        height = y
        if has_ports:
            self._line(Segment(0, 0, 0, height - 1, "host.edge", heavy=True))
            for r in self.host_rows:
                self._line(Segment(0, r, 1, r, "port.line"))
            self.out.labels.append(Label(1, -1, (("host", "host.edge"),), ""))
        self.out.width = max(trunk_x0 - 1 + 2 * len(self.trunks), bx + bw)
        self.out.height = height
        return self.out

    def _band(self, i: int, items: list[tuple[str, list[int]]], y: int, box_bottom: int, link_of: dict,
              bx: int, bw: int, trunk_x0: int, pending_down: list, attach: dict) -> int:
        """Bridges below box i, side by side on one row; returns the first row after the band.

        Every bridge has a line up into box i and, when it is on the next network
        too, a line down into box i+1, each labelled with its IP there. Lines that
        leave a chip sideways (port lines from the host edge, trunks to further
        networks) run on rows of their own between the chip row and the lower
        labels, so that they only ever cross other lines, never a chip.
        """
        g = self.g
        ported = [it for it in items if g.ports_of.get(it[0])]
        longs = [it for it in items if it not in ported and any(j != i + 1 for j in it[1][1:])]
        plain = [it for it in items if it not in ported and it not in longs]
        row_items = ported + plain + longs
        free = 0  # rows between the chip row and the lower labels, for sideways lines
        side: dict[str, tuple[list[int], int | None]] = {}  # bridge -> (port rows, trunk row) as offsets
        for n, (bkey, idx) in enumerate(row_items):
            nports = len(g.ports_of.get(bkey, ()))
            port_rows = []
            for k in range(nports):
                if n == 0 and k == 0:
                    port_rows.append(0)  # the first bridge's first port comes straight in on the chip row
                else:
                    free += 1
                    port_rows.append(free)
            trunk = None
            if any(j != i + 1 for j in idx[1:]):
                if n == len(row_items) - 1:
                    trunk = 0  # the last bridge's trunk leaves straight out on the chip row
                else:
                    free += 1
                    trunk = free
            side[bkey] = (port_rows, trunk)
        r0, r1 = y, y + 1
        rlast = r1 + free + 1
        x = bx + 2
        if any(i + 1 in idx[1:] for _, idx in row_items) and i + 1 < len(self.order):
            # Lines down into the next box must not run into its title on the top border:
            # the band starts right of the title, or the title is cut (never its name).
            nxt = g.nodes[self.order[i + 1]]
            assert isinstance(nxt, NetworkNode)
            title_w = spans_len(net_title(nxt, False))
            band_w = sum(self._band_width(b) + 2 for b, _ in row_items)
            room = title_w if title_w <= bw - 4 - band_w else cell_len(nxt.name) + 2
            x = bx + 2 + room + 1
            self.title_room[i + 1] = room
        for bkey, idx in row_items:
            c = g.nodes[bkey]
            assert isinstance(c, ContainerNode)
            up = self.order[idx[0]]
            u = self._unit(bkey, None, with_label=False)
            upper = link_of.get((up, bkey))
            if upper is not None:
                self.out.labels.append(Label(x + 2, r0, cut(((upper.label, "ip"),), LINK_LABEL), ""))
            self._line(Segment(x, box_bottom, x, r1, "link"), (up, bkey))
            self._place_unit(u, x, r1)
            self.out.order += [k for k, _ in u.parts]
            port_rows, trunk = side[bkey]
            for p, off in zip(u.ports, port_rows):
                row = r1 + off
                spans = port_spans(p)
                self.out.labels.append(Label(2, row, spans, p.key))
                self.out.rects[p.key] = (2, row, spans_len(spans))
                self.out.order.append(p.key)
                self.host_rows.append(row)
                self._line(Segment(2 + spans_len(spans) + 1, row, x - 1, row, "port.line"))
                if off:
                    self._line(Segment(x - 1, row, x - 1, r1, "port.line"))
                    self._line(Segment(x - 1, r1, x, r1, "port.line"))  # and into the chip
            if i + 1 in idx[1:]:
                down = self.order[i + 1]
                lower = link_of.get((down, bkey))
                if lower is not None:
                    self.out.labels.append(Label(x + 2, rlast, cut(((lower.label, "ip"),), LINK_LABEL), ""))
                self._line(Segment(x, r1, x, rlast, "link"), (down, bkey))
                pending_down.append((x, rlast, bkey))
            further = [j for j in idx[1:] if j != i + 1]
            if further:
                tx = trunk_x0 + 2 * len(self.trunks)
                end = x + u.width + 1
                row = r1 + (trunk or 0)
                self._line(Segment(end, r1, end, row, "link"))
                self._line(Segment(end, row, tx, row, "link"))
                self.trunks.append((tx, row, bkey))
                for j in further:
                    lk = link_of.get((self.order[j], bkey))
                    spans = (("◂ ", "link"), (c.name, "ctr.running.name" if c.running else "ctr.stopped.name"),
                             (" " + (lk.label if lk else ""), "ip"))
                    attach.setdefault(j, []).append((tx, bkey, spans))
            x += self._band_width(bkey) + 2
        return rlast + 1

    def _band_width(self, bkey: str) -> int:
        w = self._widths.get(bkey)
        if w is None:
            w = self._unit(bkey, None, with_label=False).width + 1
            for link in self.g.links_of_container.get(bkey, ()):
                w = max(w, 2 + min(cell_len(link.label), LINK_LABEL))
            self._widths[bkey] = w
        return w

    def widest_band(self) -> int:
        """How wide the widest band of bridges is (all of a band's bridges sit on one row)."""
        g = self.g
        bands: dict[str, int] = {}
        for b in g.bridges:
            nets = [k for k in g.networks_of(b) if k in self.pos]
            if len(nets) >= 2:
                first = min(nets, key=self.pos.__getitem__)
                bands[first] = bands.get(first, 0) + self._band_width(b) + 2
        return max(bands.values(), default=0)


def unattached(g: MapGraph) -> list[str]:
    """Containers on no network of this graph and in no kept container's stack."""
    linked = {l.container_key for l in g.links}
    out = []
    for c in g.containers:
        if c.key in linked:
            continue
        if c.mode == "container" and c.holder in linked:
            continue  # drawn beside the container whose stack it shares
        out.append(c.key)
    return out


def layout(g: MapGraph, width: int, options: Options = Options(), notes: tuple[Spans, ...] = ()) -> Layout:
    width = max(width, 40)
    total_links = len(g.links)
    auto = total_links > options.auto_collapse
    collapsed = {n.key for n in g.networks if (auto and n.key not in options.expanded) or n.key in options.collapsed}
    comps = components(g)
    ncols = max(1, min(len(comps), (width + GAP) // (MIN_COLUMN + GAP)))
    colw = (width - GAP * (ncols - 1)) // ncols
    blocks: list[Layout] = []
    for order in comps:
        builder = BlockBuilder(g, order, colw, collapsed)
        if ncols > 1 and builder.widest_band() + 40 > colw:
            # Too wide for a column (a wide band of bridges): it gets the whole width.
            builder = BlockBuilder(g, order, width, collapsed)
        blocks.append(builder.build())
    orphans = unattached(g)
    if orphans:
        blocks.append(_orphans_block(g, orphans, colw))
    out = Layout()
    out.collapsed = frozenset(collapsed)
    top = 0
    if options.legend:
        top = _header(g, out, width, notes)
    # Masonry: each block goes to the shortest column; a block wider than a column
    # goes below everything so far, across all of them.
    heights = [top] * ncols
    for i, b in enumerate(blocks):
        out.block_of.update(dict.fromkeys(b.rects, i))
        above = 1 if any(lab.y < 0 for lab in b.labels) else 0  # a host-edge label sits above its block
        if b.x_end > colw and ncols > 1:
            y = max(heights) + above
            b.shift(0, y)
            heights = [y + b.height + 1] * ncols
        else:
            col = min(range(ncols), key=lambda c: (heights[c], c))
            b.shift(col * (colw + GAP), heights[col] + above)
            heights[col] += b.height + above + 1
        out.absorb(b)
        out.order += b.order
    out.height = max(heights) - 1 if blocks else top
    out.width = max(width, max((b.x_end for b in blocks), default=0))
    # Navigation order: top to bottom, then left to right (reading order of what is on screen).
    out.order = sorted(dict.fromkeys(k for k in out.order if k in out.rects), key=lambda k: (out.rects[k][1], out.rects[k][0]))
    return out


def _orphans_block(g: MapGraph, keys: list[str], width: int) -> Layout:
    out = Layout()
    title = ((" not on any network ", "net.name"),)
    x, row = 2, 1
    inner = width - 4
    for k in keys:
        c = g.nodes[k]
        assert isinstance(c, ContainerNode)
        parts = [(k, sharer_spans(c) if c.mode == "container" else chip_spans(c, None))]
        parts += [(p.key, port_spans(p)) for p in g.ports_of.get(k, ())]  # bound, yet on no network
        w = sum(spans_len(sp) for _, sp in parts) + 2 * (len(parts) - 1)
        if x > 2 and x + w > 2 + inner:
            row += 1
            x = 2
        for key, spans in parts:
            spans = cut(spans, max(2 + inner - x, 1))
            out.labels.append(Label(x, row, spans, key))
            out.rects[key] = (x, row, spans_len(spans))
            out.order.append(key)
            x += spans_len(spans) + 2
        x += 1
    out.boxes.append(Box("", 0, 0, width, row + 2, "net.border.none", title))
    out.width, out.height = width, row + 2
    return out


def _header(g: MapGraph, out: Layout, width: int, notes: tuple[Spans, ...] = ()) -> int:
    nets, ctrs = len(g.networks), len(g.containers)
    exposed = sum(1 for p in g.ports if p.exposed)
    head: list[tuple[str, str]] = []
    if g.title:
        head += [(g.title, "title"), ("  ", "")]
    head.append((f"{nets} network{'s' if nets != 1 else ''} · {ctrs} container{'s' if ctrs != 1 else ''}", "legend"))
    if g.ports:
        head.append((f" · {len(g.ports)} published port{'s' if len(g.ports) != 1 else ''}", "legend"))
    if exposed:
        head.append((f" ({exposed} on all interfaces)", "port.exposed"))
    if g.scope:
        head += [("  ", ""), (g.scope, "scope")]
    legend: list[tuple[str, str]] = [
        ("● running ", "ctr.running"), ("○ stopped ", "ctr.stopped"), ("◦ shares a stack ", "ctr.sharer"),
        ("┃ host edge ", "host.edge"), ("⚠ published on all interfaces", "port.exposed"),
        (" · no line between two networks: isolated", "legend"),
    ]
    y = 0
    for spans in (tuple(head), tuple(legend), *notes):
        for line in _wrap(spans, width):
            out.labels.append(Label(0, y, line, ""))
            y += 1
    return y + 1


def _wrap(spans: Spans, width: int) -> list[Spans]:
    """Spans broken between spans (and within one that is wider than a line)."""
    lines: list[list[tuple[str, str]]] = [[]]
    used = 0
    for text, style in spans:
        w = cell_len(text)
        if used and used + w > width:
            lines.append([])
            used = 0
            text = text.lstrip()
            w = cell_len(text)
        if w > width:
            lines[-1].extend(cut(((text, style),), width))
            used = width
            continue
        lines[-1].append((text, style))
        used += w
    return [tuple(line) for line in lines if line]
