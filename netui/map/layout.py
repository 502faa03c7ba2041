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

from rich.cells import cell_len

from netui.map.block import BlockBuilder, chip_spans, components, port_spans, sharer_spans
from netui.map.graph import ContainerNode, MapGraph
from netui.map.shapes import (  # noqa: F401 (re-exported: the map's public layout types)
    AUTO_COLLAPSE,
    GAP,
    MIN_COLUMN,
    Box,
    Label,
    Layout,
    Options,
    Segment,
    Spans,
    cut,
    spans_len,
)


def unattached(g: MapGraph) -> list[str]:
    """Containers on no network of this graph and in no kept container's stack."""
    linked = {lk.container_key for lk in g.links}
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
