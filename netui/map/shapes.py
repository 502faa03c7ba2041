"""The map's primitives: options, boxes, labels, line segments and the layout they
make up, and span helpers (a span is text with a style name)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.cells import cell_len

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

    def absorb(self, other: Layout) -> None:
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
