"""The map as a picture: a layout painted into rows of rich Segments.

`picture(graph, width, ...)` lays the graph out and paints it; the result is
a `Picture` as wide and tall as the map (it may be wider than asked: then it
pans), with the rectangle of every node. `Picture.crop` gives one screen of it
(a frame), `Picture.lines` the whole of it as rich `Text` for a pipe or an
SVG. A selected node is drawn highlighted; probe results are drawn on their
path (source, shared networks, target, and the lines between) in the colour
of their verdict.

Engine strings arrive here already cleaned (`netui.text.clean`) and only ever
go into Segments and Text, never into markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from netui.map.graph import ContainerNode, MapGraph, PortNode, kind_of
from netui.map.layout import Label, Layout, Options, Spans
from netui.map.layout import layout as do_layout

THEME: dict[str, Style] = {
    "": Style(),
    "title": Style(bold=True),
    "legend": Style(dim=True),
    "scope": Style(bold=True, color="magenta"),
    "hint": Style(dim=True, italic=True),
    "count": Style(italic=True),
    "net.name": Style(bold=True),
    "net.info": Style(color="cyan"),
    "net.flag": Style(color="yellow"),
    "net.flag.warn": Style(color="yellow", bold=True),
    "net.border": Style(color="blue"),
    "net.border.default": Style(color="yellow"),
    "net.border.internal": Style(color="magenta"),
    "net.border.host": Style(color="red"),
    "net.border.none": Style(color="bright_black"),
    "ctr.running": Style(color="green"),
    "ctr.running.name": Style(bold=True),
    "ctr.stopped": Style(dim=True),
    "ctr.stopped.name": Style(dim=True, strike=False),
    "ctr.sharer": Style(color="green", italic=True),
    "ctr.sharer.name": Style(italic=True),
    "ctr.mode": Style(color="yellow", italic=True),
    "ip": Style(color="cyan"),
    "alias": Style(color="bright_black"),
    "link": Style(color="bright_black"),
    "port": Style(color="bright_black"),
    "port.addr": Style(bold=True),
    "port.exposed": Style(color="yellow", bold=True),
    "port.line": Style(color="yellow"),
    "host.edge": Style(color="red", bold=True),
    "selected": Style(reverse=True, bold=True),
    "path.ok": Style(color="green", bold=True),
    "path.warn": Style(color="yellow", bold=True),
    "path.fail": Style(color="red", bold=True),
    "path.isolated": Style(color="cyan", bold=True),
}

# Box-drawing glyphs by the directions a cell's lines go: N=1, E=2, S=4, W=8.
N, E, S, W = 1, 2, 4, 8
_LIGHT = " │─└││┌├─┘─┴┐┤┬┼"
_HEAVY = " ┃━┗┃┃┏┣━┛━┻┓┫┳╋"


def glyph(mask: int, heavy: bool = False) -> str:
    return (_HEAVY if heavy else _LIGHT)[mask & 15]


# -- probe results on the map --------------------------------------------------------------
VERDICT_STATUS = {
    # a probe's verdict (ProbeResult.verdict)
    "reachable by name": "ok",
    "reachable": "ok",
    "reachable by IP only": "warn",
    "isolated (no shared network)": "isolated",
    "reachable by IP (expected with host networking)": "warn",
    **{f"target paused: {v}": "warn" for v in ("reachable by name", "reachable", "reachable by IP only")},
    # a matrix cell's status (Cell.status)
    "ok": "ok",
    "by-ip": "warn",
    "isolated": "isolated",
    "paused": "warn",
}
MANY = 3  # past this many results (a matrix), the header sums them up instead of a line each


@dataclass(frozen=True)
class PathMark:
    """A tested path: from a container to a container (or one of its published ports)."""

    source: str  # node key
    target: str  # node key
    networks: tuple[str, ...]  # network keys the path goes through (none: isolated)
    verdict: str
    status: str  # ok | warn | fail | isolated

    @property
    def style(self) -> str:
        return f"path.{self.status}"


def probe_mark(g: MapGraph, source: str, target: str, verdict: str) -> PathMark | None:
    """A probe's result as a mark on the map, from container names (or a target IP/alias).

    None when the source is not on this map.
    """
    by_name = {c.container.name: c for c in g.containers}
    src = by_name.get(source)
    if src is None:
        return None
    dst = by_name.get(target.rsplit(":", 1)[0] if target.count(":") == 1 else target)
    if dst is None:
        for link in g.links:
            e = link.endpoint
            if target in (e.ipv4, e.ipv6) or target in e.names:
                dst = g.nodes.get(link.container_key)  # type: ignore[assignment]
                break
    if not isinstance(dst, ContainerNode):
        return None
    stack = {s: h for s, h in g.shares}
    a, b = stack.get(src.key, src.key), stack.get(dst.key, dst.key)
    shared = tuple(k for k in g.networks_of(a) if k in set(g.networks_of(b)))
    status = VERDICT_STATUS.get(verdict, "fail")
    if status == "isolated" or verdict.startswith("NOT isolated"):
        shared = ()
    return PathMark(src.key, dst.key, shared, verdict, status)


def mark_notes(marks: Iterable[PathMark], g: MapGraph) -> tuple[Spans, ...]:
    marks = list(marks)
    if len(marks) > MANY:
        counts: dict[str, int] = {}
        for m in marks:
            counts[m.status] = counts.get(m.status, 0) + 1
        summary: list[tuple[str, str]] = [(f"{len(marks)} paths tested:", "legend")]
        for status, word in (("ok", "reachable"), ("warn", "by IP only"), ("isolated", "isolated"), ("fail", "failing")):
            if counts.get(status):
                summary.append((f" {counts[status]} {word}", f"path.{status}"))
        return (tuple(summary),)
    out = []
    for m in marks:
        s, t = g.nodes.get(m.source), g.nodes.get(m.target)
        sn = s.name if isinstance(s, ContainerNode) else "?"
        tn = t.name if isinstance(t, (ContainerNode,)) else t.label if isinstance(t, PortNode) else "?"
        via = ", ".join(g.nodes[k].name for k in m.networks if k in g.nodes)  # type: ignore[union-attr]
        spans: list[tuple[str, str]] = [("probe ", "legend"), (sn, "title"), (" → ", "legend"), (tn, "title"), (": ", "legend"), (m.verdict, m.style)]
        if via:
            spans.append((f" via {via}", "legend"))
        out.append(tuple(spans))
    return tuple(out)


# -- the picture --------------------------------------------------------------------------
@dataclass
class Picture:
    width: int
    height: int
    rows: _Rows
    layout: Layout
    theme: dict[str, Style] = field(default_factory=lambda: THEME)

    @property
    def rects(self) -> dict[str, tuple[int, int, int]]:
        return self.layout.rects

    @property
    def order(self) -> list[str]:
        return self.layout.order

    def row(self, y: int, x: int = 0, width: int | None = None, highlight: tuple[int, int] | None = None) -> list[Segment]:
        """Row y from column x, `width` cells (padded), with cells [a, b) of `highlight` shown selected."""
        width = self.width - x if width is None else width
        segs = self.rows[y] if 0 <= y < self.height else [Segment(" " * self.width)]
        if highlight is not None:
            segs = _restyle(segs, highlight[0], highlight[1], self.theme["selected"])
        return _crop(segs, x, x + width)

    def crop(self, x: int, y: int, width: int, height: int, selected: str | None = None) -> list[list[Segment]]:
        """One frame: `height` rows of `width` cells from (x, y), the selected node highlighted."""
        hl_row, hl = -1, None
        if selected and selected in self.rects:
            sx, sy, sw = self.rects[selected]
            hl_row, hl = sy, (sx, sx + sw)
        return [self.row(y + i, x, width, hl if y + i == hl_row else None) for i in range(height)]

    def lines(self, selected: str | None = None) -> list[Text]:
        """The whole picture as Text lines (trailing spaces dropped)."""
        out = []
        for segs in self.crop(0, 0, self.width, self.height, selected):
            t = Text(no_wrap=True, overflow="ignore", end="\n")
            for seg in segs:
                t.append(seg.text, seg.style)
            t.rstrip()
            out.append(t)
        return out

    def plain(self) -> str:
        return "\n".join(t.plain for t in self.lines())


def _crop(segs: list[Segment], a: int, b: int) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for seg in segs:
        w = cell_len(seg.text)
        end = pos + w
        if end <= a:
            pos = end
            continue
        if pos >= b:
            break
        text = seg.text
        if pos < a or end > b:
            text = _slice_cells(text, max(a - pos, 0), min(b, end) - pos)
        out.append(Segment(text, seg.style))
        pos = end
    got = sum(cell_len(s.text) for s in out)
    if got < b - a:
        out.append(Segment(" " * (b - a - got)))
    return out


def _slice_cells(text: str, a: int, b: int) -> str:
    if text.isascii():
        return text[a:b]
    out, pos = [], 0
    for ch in text:
        w = cell_len(ch)
        if pos >= a and pos + w <= b:
            out.append(ch)
        elif pos < b and pos + w > a:
            out.append(" ")  # half of a wide character
        pos += w
    return "".join(out)


def _restyle(segs: list[Segment], a: int, b: int, style: Style) -> list[Segment]:
    out: list[Segment] = []
    pos = 0
    for seg in segs:
        w = cell_len(seg.text)
        end = pos + w
        if end <= a or pos >= b:
            out.append(seg)
        else:
            lo, hi = max(a, pos) - pos, min(b, end) - pos
            if lo:
                out.append(Segment(_slice_cells(seg.text, 0, lo), seg.style))
            out.append(Segment(_slice_cells(seg.text, lo, hi), (seg.style or Style()) + style))
            if hi < w:
                out.append(Segment(_slice_cells(seg.text, hi, w), seg.style))
        pos = end
    return out


def paint(lay: Layout, marks: Iterable[PathMark] = (), theme: dict[str, Style] | None = None) -> Picture:
    theme = theme or THEME
    w, h = max(lay.width, 1), max(lay.height, 1)
    chars = [[" "] * w for _ in range(h)]
    styles: list[list[str]] = [[""] * w for _ in range(h)]
    masks: dict[tuple[int, int], int] = {}  # only the cells lines go through
    heavy: set[tuple[int, int]] = set()
    over: dict[tuple[int, int], str] = {}  # cells a mark recolours
    strong = ("host.edge", "port.line")

    def seg(x1: int, y1: int, x2: int, y2: int, style: str, hv: bool = False) -> None:
        if y1 == y2:
            if not 0 <= y1 < h:
                return
            a, b = sorted((x1, x2))
            if a == b:
                return
            row_s = styles[y1]
            for x in range(max(a, 0), min(b, w - 1) + 1):
                m = (E if x < b else 0) | (W if x > a else 0)
                masks[(x, y1)] = masks.get((x, y1), 0) | m
                cur = row_s[x]
                if not cur or cur == "link" or style in strong:
                    row_s[x] = style
                if hv:
                    heavy.add((x, y1))
        else:
            if not 0 <= x1 < w:
                return
            a, b = sorted((y1, y2))
            for y in range(max(a, 0), min(b, h - 1) + 1):
                m = (S if y < b else 0) | (N if y > a else 0)
                masks[(x1, y)] = masks.get((x1, y), 0) | m
                cur = styles[y][x1]
                if not cur or cur == "link" or style in strong:
                    styles[y][x1] = style
                if hv:
                    heavy.add((x1, y))

    for b in lay.boxes:
        x2, y2 = b.x + b.w - 1, b.y + b.h - 1
        seg(b.x, b.y, x2, b.y, b.style)
        seg(b.x, y2, x2, y2, b.style)
        seg(b.x, b.y, b.x, y2, b.style)
        seg(x2, b.y, x2, y2, b.style)
    for s in lay.lines:
        seg(s.x1, s.y1, s.x2, s.y2, s.style, s.heavy)
    titles = [Label(b.x + 2, b.y, b.title, b.key) for b in lay.boxes if b.title]
    mark_list = list(marks)
    for m in mark_list:
        for nk in m.networks:
            for ck in (m.source, m.target):
                for i in lay.link_lines.get((nk, ck), ()):
                    s = lay.lines[i]
                    for y in range(min(s.y1, s.y2), max(s.y1, s.y2) + 1):
                        for x in range(min(s.x1, s.x2), max(s.x1, s.x2) + 1):
                            over[(x, y)] = m.style
    light, heavy_glyphs = _LIGHT, _HEAVY
    for (x, y), mask in masks.items():
        chars[y][x] = (heavy_glyphs if (x, y) in heavy else light)[mask]
    for lab in [*lay.labels, *titles]:
        x, y = lab.x, lab.y
        if not 0 <= y < h:
            continue
        row_c, row_s = chars[y], styles[y]
        for text, style in lab.spans:
            if text.isascii():
                n = min(len(text), w - x)
                if n > 0 and x >= 0:
                    row_c[x:x + n] = text[:n]
                    row_s[x:x + n] = [style] * n
                x += len(text)
                continue
            for ch in text:
                cw = cell_len(ch)
                if cw == 0:
                    continue
                if x + cw > w:
                    break
                if x >= 0:
                    row_c[x] = ch
                    row_s[x] = style
                    if cw == 2:
                        row_c[x + 1] = ""
                        row_s[x + 1] = style
                x += cw
    for m in mark_list:
        for key in (m.source, m.target, *m.networks):
            if key in lay.rects:
                x, y, rw = lay.rects[key]
                for i in range(rw):
                    over[(x + i, y)] = m.style
    for (x, y), style in over.items():
        if 0 <= x < w and 0 <= y < h:
            styles[y][x] = style
    return Picture(w, h, _Rows(chars, styles, theme), lay, theme)


class _Rows:
    """Rows of Segments made on first use (a frame needs only the rows on screen)."""

    def __init__(self, chars: list[list[str]], styles: list[list[str]], theme: dict[str, Style]) -> None:
        self.chars, self.styles, self.theme = chars, styles, theme
        self.made: dict[int, list[Segment]] = {}
        self.cache: dict[str, Style] = {}

    def __len__(self) -> int:
        return len(self.chars)

    def __getitem__(self, y: int) -> list[Segment]:
        segs = self.made.get(y)
        if segs is None:
            segs = self.made[y] = self._make(y)
        return segs

    def _make(self, y: int) -> list[Segment]:
        row_c, row_s = self.chars[y], self.styles[y]
        segs: list[Segment] = []
        x = 0
        for name, group in groupby(row_s):
            n = len(list(group))
            st = self.cache.get(name)
            if st is None:
                st = self.cache[name] = self.theme.get(name) or _compose(name, self.theme)
            segs.append(Segment("".join(row_c[x:x + n]), st))
            x += n
        return segs


def _compose(name: str, theme: dict[str, Style]) -> Style:
    return theme.get(name.rsplit(".", 1)[0], Style())


def picture(
    g: MapGraph,
    width: int,
    options: Options = Options(),
    marks: Iterable[PathMark] = (),
    theme: dict[str, Style] | None = None,
) -> Picture:
    """Lay out and paint the map for a given width."""
    marks = tuple(marks)
    lay = do_layout(g, width, options, notes=mark_notes(marks, g))
    return paint(lay, marks, theme)


def selectable(pic: Picture) -> list[str]:
    """Node keys in reading order, for moving between them."""
    return [k for k in pic.order if kind_of(k)]
