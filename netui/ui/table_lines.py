"""The keyed tables' pure parts: columns and their sort orders, and a row drawn as one line."""

from __future__ import annotations

import ipaddress
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.strip import Strip

PADDING = 1  # blank cells on each side of a column


def text_sort(plain: str) -> tuple:
    return (plain == "", plain.casefold())


def number_sort(plain: str) -> tuple:
    digits = "".join(ch for ch in plain if ch.isdigit())
    return (0, int(digits)) if digits else (1, 0)


def ip_sort(plain: str) -> tuple:
    """Addresses in numeric order (10.0.0.9 before 10.0.0.10); the rest after."""
    first = plain.split(",")[0].strip().split("/")[0]
    if first.startswith("[") and "]" in first:
        head = first[1 : first.index("]")]  # [v6]:port
    else:
        head = first.rsplit(":", 1)[0] if first.count(":") == 1 else first  # v4:port
    try:
        ip = ipaddress.ip_address(head)
        return (0, ip.version, int(ip), plain)
    except ValueError:
        return (1, 0, 0, plain.casefold())


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: Callable[[str], tuple] = text_sort


def same_cells(a: Text, b: Text) -> bool:
    """Cells look the same (Text's own == ignores the base style)."""
    return a is b or (a.plain == b.plain and a.style == b.style and a.spans == b.spans)


def cell_width(cell: Text) -> int:
    """Cells are one line: a cell with a line break shows its first line."""
    return cell.cell_len if "\n" not in cell.plain else Text(cell.plain.split("\n", 1)[0]).cell_len


class ColumnWidths:
    """Each column as wide as its widest cell or its header (with room for the sort arrow
    on the sorted one), kept up to date as rows come, change and go."""

    def __init__(self, labels: Sequence[int]) -> None:
        self.labels = list(labels)
        self.counts: list[Counter[int]] = [Counter() for _ in labels]  # column -> cell width -> rows
        self.rows: dict[str, tuple[int, ...]] = {}

    def add(self, key: str, cells: Sequence[Text]) -> None:
        """A row's cells, new or changed."""
        new = tuple(cell_width(c) for c in cells[: len(self.labels)])
        if self.rows.get(key) != new:
            self.remove(key)
            for counts, w in zip(self.counts, new):
                counts[w] += 1
            self.rows[key] = new

    def remove(self, key: str) -> None:
        for counts, w in zip(self.counts, self.rows.pop(key, ())):
            counts[w] -= 1
            if not counts[w]:
                del counts[w]

    def widths(self, sort_index: int) -> tuple[int, ...]:
        return tuple(
            max(label + (2 if i == sort_index else 0), max(counts, default=0))  # 2: " ▲"
            for i, (label, counts) in enumerate(zip(self.labels, self.counts))
        )


def column_at(widths: Sequence[int], x: int) -> int | None:
    """The column at `x` cells from the table's left edge (None: right of the last)."""
    edge = 0
    for i, w in enumerate(widths):
        edge += w + 2 * PADDING
        if x < edge:
            return i
    return None


def row_style(look: Sequence[Style], *, cursor: bool, hover: bool, flashing: bool) -> tuple[Style, Style | None]:
    """A row's style, and the style laid over its cells' own (the cursor's text colour wins,
    as in DataTable). `look`: base, header, header hover, cursor, hover, flash."""
    base, cursor_style, hover_style, flash_style = look[0], look[3], look[4], look[5]
    style = base
    if flashing:
        style += Style(bgcolor=flash_style.bgcolor)
    if hover:
        style += Style(bgcolor=hover_style.bgcolor)
    if not cursor:
        return style, None
    style += cursor_style
    if flashing and cursor_style.bgcolor is not None and flash_style.bgcolor is not None:
        # A changed row under the cursor still shows it changed.
        mixed = Color.from_rich_color(cursor_style.bgcolor).blend(Color.from_rich_color(flash_style.bgcolor), 0.4)
        style += Style(bgcolor=mixed.rich_color)
    return style, Style(color=cursor_style.color) if cursor_style.color is not None else None


def line(
    cells: Sequence[Text], widths: Sequence[int], width: int, style: Style, post: Style | None, console: Console,
    styles: Sequence[Style] | None = None,
) -> Strip:
    """Cells padded to their columns, then `style` to `width`; `styles`: one per cell instead of `style`."""
    segments: list[Segment] = []
    for i, (cell, w) in enumerate(zip(cells, widths)):
        segments += _cell(cell, w, styles[i] if styles else style, post, console)
    return Strip(segments).extend_cell_length(width, style).simplify()


def _cell(cell: Text, width: int, style: Style, post: Style | None, console: Console) -> list[Segment]:
    """One cell, padded to its column (an ellipsis where it does not fit)."""
    if cell.cell_len > width or "\n" in cell.plain:
        cell = cell.copy()
        cell.plain = cell.plain.split("\n", 1)[0]
        cell.truncate(width, overflow="ellipsis")
    pad = Segment(" " * PADDING, style)
    out = [pad]
    if not cell.spans:  # Text.render leaves the base style to its caller then
        base = style + console.get_style(cell.style, default=Style.null()) if cell.style else style
        out.append(Segment(cell.plain, base + post if post else base))
    else:
        out += Segment.apply_style(cell.render(console, end=""), style, post)
    gap = width - cell.cell_len
    out.append(Segment(" " * (gap + PADDING), style) if gap else pad)
    return out
