"""A DataTable whose rows are keyed and updated in place.

`sync` takes the rows a pane should show now and applies only the difference:
rows are added, removed or have the changed cells updated, so nothing flickers,
and the cursor stays on the row (by key) the user left it on. Changed and new
rows are briefly highlighted. Columns sort on `s` (next column), `S` (reverse)
or a click on the header.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

FLASH_SECONDS = 1.5


def text_sort(plain: str) -> tuple:
    return (plain == "", plain.casefold())


def number_sort(plain: str) -> tuple:
    digits = "".join(ch for ch in plain if ch.isdigit())
    return (0, int(digits)) if digits else (1, 0)


def ip_sort(plain: str) -> tuple:
    """Addresses in numeric order (10.0.0.9 before 10.0.0.10); the rest after."""
    first = plain.split(",")[0].strip().split("/")[0].strip("[]")
    head = first.rsplit(":", 1)[0] if first.count(":") == 1 else first  # host:port
    try:
        ip = ipaddress.ip_address(head.strip("[]"))
        return (0, ip.version, int(ip), plain)
    except ValueError:
        return (1, 0, 0, plain.casefold())


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    sort: Callable[[str], tuple] = text_sort


class KeyedTable(DataTable):
    COLUMNS: ClassVar[Sequence[Column]] = ()
    COMPONENT_CLASSES = {"keyed-table--flash"}

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
        Binding("s", "sort_next", "Sort", tooltip="sort by the next column (the header shows ▲ / ▼)"),
        Binding("S", "sort_reverse", "Reverse sort", show=False, tooltip="reverse the sort order"),
    ]

    @dataclass
    class CurrentChanged(Message):
        """The row under the cursor is now `key` (None: the table is empty)."""

        table: KeyedTable
        key: str | None

        @property
        def control(self) -> KeyedTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        self._base: dict[str, tuple[Text, ...]] = {}
        self._flash_until: dict[str, float] = {}
        self._announced: str | None | bool = False  # False: nothing announced yet
        self._synced_once = False
        self._scope: object = None
        self._row_cache: dict[Hashable, tuple[Text, ...]] = {}
        self.sort_index = 0
        self.sort_reverse = False

    def on_mount(self) -> None:
        for col in self.COLUMNS:
            self.add_column(self._header(col), key=col.key)

    async def _on_idle(self, event) -> None:
        # DataTable measures new and updated cells at idle time, but its render
        # cache is keyed by an update counter, not by column widths: a frame drawn
        # between add_row and idle would stay cut to the header's width. Drop the
        # cached renders whenever widths were just recomputed.
        remeasure = self._require_update_dimensions or bool(self._updated_cells)
        widths = [c.content_width for c in self.columns.values()]
        await super()._on_idle(event)
        if remeasure and widths != [c.content_width for c in self.columns.values()]:
            self.notify_style_update()
            self.refresh()

    # -- what is shown ----------------------------------------------------------
    @property
    def current_key(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        return [row.key.value for row in self.ordered_rows]  # type: ignore[misc]

    def cells(self, key: str) -> tuple[Text, ...]:
        return self._base[key]

    def is_flashing(self, key: str) -> bool:
        return self._flash_until.get(key, 0) > time.monotonic()

    def cached_rows(self, entries: Iterable[tuple[str, Hashable, Callable[[], tuple[Text, ...]]]]) -> dict[str, tuple[Text, ...]]:
        """Rows from (key, what the row depends on, builder): a row whose inputs are
        unchanged (the model is immutable) is reused, not rebuilt."""
        fresh: dict[Hashable, tuple[Text, ...]] = {}
        rows: dict[str, tuple[Text, ...]] = {}
        for key, ident, build in entries:
            cells = self._row_cache.get(ident)
            if cells is None:
                cells = build()
            fresh[ident] = cells
            rows[key] = cells
        self._row_cache = fresh
        return rows

    def set_scope(self, scope: object) -> None:
        """What the table lists (e.g. one network's containers). A new scope starts
        fresh: its rows are not news, so they do not flash, and the cursor goes to the top."""
        if scope != self._scope:
            self._scope = scope
            self.clear()
            self._base.clear()
            self._flash_until.clear()
            self._synced_once = False

    def sync(self, rows: Mapping[str, Sequence[Text]], *, flash: bool = True) -> None:
        """Show exactly `rows` (key -> cells), changing only what differs."""
        before = self.current_key
        flash = flash and self._synced_once
        now = time.monotonic()
        col_keys = [c.key for c in self.COLUMNS]
        with self.app.batch_update():
            for key in [k for k in self._base if k not in rows]:
                self.remove_row(key)
                del self._base[key]
                self._flash_until.pop(key, None)
            order_changed = False
            for key, cells in rows.items():
                cells = tuple(cells)
                old = self._base.get(key)
                if old is None:
                    if flash:
                        self._flash_until[key] = now + FLASH_SECONDS
                    self.add_row(*self._shown(key, cells), key=key)
                    order_changed = True
                elif old is not cells and old != cells:
                    if flash:
                        self._flash_until[key] = now + FLASH_SECONDS
                    shown = self._shown(key, cells)
                    for i, col in enumerate(col_keys):
                        if old[i] != cells[i] or flash:
                            self.update_cell(key, col, shown[i], update_width=True)
                            if i == self.sort_index:
                                order_changed = True
                self._base[key] = cells
            if order_changed:
                self._apply_sort()
            if before is not None and before in self._base:
                index = self.get_row_index(before)
                if index != self.cursor_row:
                    self.move_cursor(row=index, scroll=False)
        self._synced_once = True
        if self._flash_until:
            self.set_timer(FLASH_SECONDS + 0.05, self._expire_flashes)
        self._announce()

    def _shown(self, key: str, cells: tuple[Text, ...]) -> tuple[Text, ...]:
        if not self.is_flashing(key):
            return cells
        style = self.get_component_rich_style("keyed-table--flash", partial=True)
        out = []
        for c in cells:
            c = c.copy()
            c.stylize(style)
            out.append(c)
        return tuple(out)

    def _expire_flashes(self) -> None:
        now = time.monotonic()
        done = [k for k, t in self._flash_until.items() if t <= now]
        for key in done:
            del self._flash_until[key]
            if key in self._base:
                for col, cell in zip(self.COLUMNS, self._base[key]):
                    self.update_cell(key, col.key, cell)
        if self._flash_until:
            self.set_timer(max(min(self._flash_until.values()) - now, 0.05), self._expire_flashes)

    # -- cursor -------------------------------------------------------------------
    def _announce(self) -> None:
        key = self.current_key
        if key != self._announced:
            self._announced = key
            self.post_message(self.CurrentChanged(self, key))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._announce()

    def select_key(self, key: str) -> bool:
        if key not in self._base:
            return False
        self.move_cursor(row=self.get_row_index(key))
        self._announce()
        return True

    # -- sorting ------------------------------------------------------------------
    def _header(self, col: Column) -> Text:
        label = Text(col.label)
        if self.COLUMNS and col.key == self.COLUMNS[self.sort_index].key:
            label.append(" ▼" if self.sort_reverse else " ▲", style="bold")
        return label

    def _apply_sort(self) -> None:
        col = self.COLUMNS[self.sort_index]
        self.sort(col.key, key=lambda cell: col.sort(cell.plain if isinstance(cell, Text) else str(cell)), reverse=self.sort_reverse)

    def sort_by(self, index: int, reverse: bool) -> None:
        before = self.current_key
        self.sort_index, self.sort_reverse = index % len(self.COLUMNS), reverse
        for col in self.COLUMNS:
            self.columns[col.key].label = self._header(col)  # type: ignore[index]
        self._apply_sort()
        self._require_update_dimensions = True
        self.refresh()
        if before is not None:
            self.move_cursor(row=self.get_row_index(before))
        self._announce()

    def action_sort_next(self) -> None:
        self.sort_by(self.sort_index + 1, False)

    def action_sort_reverse(self) -> None:
        self.sort_by(self.sort_index, not self.sort_reverse)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        index = [c.key for c in self.COLUMNS].index(event.column_key.value)
        self.sort_by(index, not self.sort_reverse if index == self.sort_index else False)
