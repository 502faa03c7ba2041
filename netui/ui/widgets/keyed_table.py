"""A table whose rows are keyed and updated in place, drawn line by line.

`sync` takes the rows a pane should show now and applies only the difference:
rows are added, removed or replaced, the cursor stays on the row (by key) the
user left it on, and changed and new rows are briefly highlighted. Columns sort
on `s` (next column), `S` (reverse) or a click on the header.

Built on Textual's Line API (a ScrollView that draws one line at a time) rather
than on DataTable, which clears its whole render cache on any cell update: at
1000 containers every event re-rendered every visible cell. Here each row's line
is cached under what it looks like (its cells, the column widths, cursor, hover,
flash, the styles in force), so an update draws only the rows that changed, and
a cursor move draws two lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from netui.ui.table_lines import PADDING, Column, column_at, ip_sort, line, number_sort, row_style, text_sort
from netui.ui.table_rows import FLASH_SECONDS, RowCache, TableRows

__all__ = ["FLASH_SECONDS", "NAVIGATION_ACTIONS", "Column", "KeyedTable", "ip_sort", "number_sort", "text_sort"]
# The keys every table has, listed once on the help screen (not per pane).
NAVIGATION_ACTIONS = frozenset({"select_row", "cursor_up", "cursor_down", "page_up", "page_down", "first_row", "last_row", "scroll_left", "scroll_right"})


class KeyedTable(ScrollView, can_focus=True):
    COLUMNS: ClassVar[Sequence[Column]] = ()
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "keyed-table--header",
        "keyed-table--header-hover",
        "keyed-table--cursor",
        "keyed-table--hover",
        "keyed-table--flash",
    }

    # The look of Textual's DataTable (header, block cursor, hover), so the panes look as before.
    DEFAULT_CSS = """
    KeyedTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .keyed-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .keyed-table--header {
                background-tint: $foreground 5%;
            }
        }
        & > .keyed-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .keyed-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .keyed-table--header-hover {
            background: $accent 30%;
        }
        & > .keyed-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .keyed-table--hover {
            background: $block-hover-background;
        }
        & > .keyed-table--flash {
            background: $success 35%;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_row", "Select", show=False),  # panes bind Enter to what a row opens
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,g,ctrl+home", "first_row", "Top", show=False),
        Binding("end,G,ctrl+end", "last_row", "Bottom", show=False),
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
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

    @dataclass
    class Selected(Message):
        """Enter (or a click) on the row under the cursor, `key`, in a pane that gives Enter no other meaning."""

        table: KeyedTable
        key: str

        @property
        def control(self) -> KeyedTable:
            return self.table

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._rows = TableRows(self.COLUMNS)  # what the table holds; this widget draws it
        self._cache = RowCache()
        self._flash_timer: Timer | None = None
        self._hover: tuple[int, int] | None = None  # (row, column) under the mouse; row -1 is the header
        self._lines: LRUCache[Hashable, Strip] = LRUCache(1024)
        self._pass_look: tuple[Style, ...] | None = None
        self._announced: str | None | bool = False  # False: nothing announced yet
        self._synced_once = False
        self._scope: object = None
        self._titles: dict[str, tuple[object, object]] = {}
        self._update_virtual_size()

    # -- what is shown ----------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows.order)

    @property
    def cursor_row(self) -> int:
        return self._rows.cursor

    @property
    def current_key(self) -> str | None:
        return self._rows.current_key

    @property
    def keys(self) -> list[str]:
        """Row keys in display order."""
        return list(self._rows.order)

    @property
    def column_widths(self) -> tuple[int, ...]:
        return self._rows.widths

    @property
    def sort_index(self) -> int:
        return self._rows.sort_index

    @property
    def sort_reverse(self) -> bool:
        return self._rows.sort_reverse

    def cells(self, key: str) -> tuple[Text, ...]:
        return self._rows.base[key]

    def is_flashing(self, key: str) -> bool:
        return self._rows.is_flashing(key, time.monotonic())

    def cached_rows(self, entries: Iterable[tuple[str, object, Callable[[], tuple[Text, ...]]]]) -> dict[str, tuple[Text, ...]]:
        """Rows from (key, what the row depends on, builder), each built again only when
        what it depends on changed (table_rows.RowCache)."""
        return self._cache.rows(entries)

    def interned(self, name: str, value: object) -> object:
        """`value`, or the equal one given last time under `name`: row inputs holding it
        then compare by identity."""
        return self._cache.interned(name, value)

    def set_titles(self, title: object, subtitle: object = None) -> None:
        """Set the border title (and subtitle, unless None). Setting either repaints
        the whole pane, so a value equal to the one shown is not set again."""
        for name, value in (("border_title", title), ("border_subtitle", subtitle)):
            if value is None:
                continue
            shown = getattr(self, f"_{name}", None)
            last = self._titles.get(name)
            if last is not None and last[1] is shown and type(last[0]) is type(value) and last[0] == value:
                continue
            setattr(self, name, value)
            self._titles[name] = (value, getattr(self, f"_{name}", None))

    def set_scope(self, scope: object) -> None:
        """What the table lists (e.g. one network's containers). A new scope starts
        fresh: its rows are not news, so they do not flash, and the cursor goes to the top."""
        if scope != self._scope:
            self._scope = scope
            self._rows.reset()
            self._synced_once = False
            self._update_virtual_size()
            self.scroll_to(0, 0, animate=False, force=True)
            self.refresh()

    def sync(self, rows: Mapping[str, Sequence[Text]], *, flash: bool = True) -> None:
        """Show exactly `rows` (key -> cells), changing only what differs."""
        model = self._rows
        before = model.current_key
        synced = model.sync(rows, flash=flash and self._synced_once, now=time.monotonic())
        self._update_virtual_size()
        if synced.layout:
            self.refresh()
        else:
            for key in synced.changed:
                self._refresh_row(model.index[key])
        if model.current_key != before:
            self._refresh_row(model.cursor)
        self._reveal_cursor()
        self._synced_once = True
        if model.flash_until and self._flash_timer is None:
            self._flash_timer = self.set_timer(FLASH_SECONDS + 0.05, self._expire_flashes)
        self._announce()

    def _update_virtual_size(self) -> None:
        widths = self._rows.widths
        size = Size(sum(widths) + 2 * PADDING * len(widths), len(self._rows.order) + 1)
        if size == self.virtual_size:
            return
        height = self.styles.height
        scroll_update = getattr(self, "_scroll_update", None)  # Textual's own (8.x); without it, the reactive's way
        if height is None or height.is_auto or not self.is_mounted or scroll_update is None:
            self.virtual_size = size  # the table's own size follows its rows: a layout of the screen
            return
        # A table whose height the layout gives (the explorer's panes): rows coming or going
        # change only what scrolls. Setting virtual_size as a reactive would lay the whole
        # screen out again (10-40 ms at 1000 containers) and draw the new row a frame later;
        # here only the scrollbars are updated (a scrollbar appearing still lays out).
        self.set_reactive(KeyedTable.virtual_size, size)
        scroll_update(size)
        self.refresh()

    def _expire_flashes(self) -> None:
        self._flash_timer = None
        now = time.monotonic()
        ended, next_end = self._rows.expire_flashes(now)
        for key in ended:
            if key in self._rows.index:
                self._refresh_row(self._rows.index[key])
        if next_end is not None:
            self._flash_timer = self.set_timer(max(next_end - now, 0.05), self._expire_flashes)

    # -- drawing ------------------------------------------------------------------
    def _refresh_row(self, index: int) -> None:
        """Repaint one row, if it is in view."""
        top = int(self.scroll_offset.y)
        if top <= index < top + self.size.height:
            self.refresh_line(index + 1)  # line 0 is the header

    def _look(self) -> tuple[Style, Style, Style, Style, Style, Style]:
        get = self.get_component_rich_style
        return (
            self.rich_style,
            get("keyed-table--header"),
            get("keyed-table--header-hover"),
            get("keyed-table--cursor"),
            get("keyed-table--hover"),
            get("keyed-table--flash"),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        # The styles in force, looked up once per pass: they are part of every line's cache key.
        self._pass_look = self._look()
        try:
            return super().render_lines(crop)
        finally:
            self._pass_look = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        look = self._pass_look or self._look()
        if y == 0:
            strip = self._header_line(width, look)
            fill = look[1]
        else:
            index = y - 1 + scroll_y
            if not 0 <= index < len(self._rows.order):
                return Strip.blank(width, look[0])
            strip, fill = self._row_line(index, width, look)
        return strip.crop_extend(scroll_x, scroll_x + width, fill)

    def _header_line(self, width: int, look: tuple[Style, ...]) -> Strip:
        hover = self._hover[1] if self._hover is not None and self._hover[0] == -1 else None
        cache_key = ("\x00header", self._rows.widths, self.sort_index, self.sort_reverse, hover, width, look)
        strip = self._lines.get(cache_key)
        if strip is None:
            labels = [Text(col.label) for col in self.COLUMNS]
            labels[self.sort_index].append(" ▼" if self.sort_reverse else " ▲", style="bold")
            style = look[0] + look[1]
            styles = [style + look[2] if i == hover else style for i in range(len(labels))]
            strip = self._lines[cache_key] = line(labels, self._rows.widths, width, style, None, self.app.console, styles)
        return strip

    def _row_line(self, index: int, width: int, look: tuple[Style, ...]) -> tuple[Strip, Style]:
        key = self._rows.order[index]
        cursor = index == self._rows.cursor
        hover = self._hover is not None and self._hover[0] == index and not cursor
        flashing = self.is_flashing(key)
        style, post = row_style(look, cursor=cursor, hover=hover, flashing=flashing)
        cache_key = (key, self._rows.revision.get(key), self._rows.widths, width, cursor, hover, flashing, look)
        strip = self._lines.get(cache_key)
        if strip is None:
            strip = self._lines[cache_key] = line(self._rows.base[key], self._rows.widths, width, style, post, self.app.console)
        return strip, style

    # -- cursor -------------------------------------------------------------------
    def _announce(self) -> None:
        key = self.current_key
        if key != self._announced:
            self._announced = key
            self.post_message(self.CurrentChanged(self, key))

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        """Put the cursor on the row at `row` (clamped), scrolled into view."""
        row = max(0, min(row, len(self._rows.order) - 1))
        if row != self._rows.cursor:
            old, self._rows.cursor = self._rows.cursor, row
            self._refresh_row(old)
            self._refresh_row(row)
        if scroll:
            self._reveal_cursor()
        self._announce()

    def _reveal_cursor(self) -> None:
        body = self.scrollable_content_region.height - 1  # below the header
        if body <= 0 or not self._rows.order:
            return
        top = int(self.scroll_offset.y)
        if self._rows.cursor < top:
            self.scroll_to(y=self._rows.cursor, animate=False, force=True)
        elif self._rows.cursor >= top + body:
            self.scroll_to(y=self._rows.cursor - body + 1, animate=False, force=True)

    def select_key(self, key: str) -> bool:
        if key not in self._rows.index:
            return False
        self.move_cursor(row=self._rows.index[key])
        return True

    def _refresh_header(self) -> None:
        self.refresh(Region(0, 0, max(self.virtual_size.width, self.size.width), 1))

    def _set_hover(self, spot: tuple[int, int] | None) -> None:
        if spot == self._hover:
            return
        for old_new in (self._hover, spot):
            if old_new is not None:
                if old_new[0] == -1:
                    self._refresh_header()
                else:
                    self._refresh_row(old_new[0])
        self._hover = spot

    def _key_to(self, row: int, scroll_by: int = 0) -> None:
        """A key moves the cursor: the mouse's hover highlight steps aside, as in DataTable."""
        self._set_hover(None)
        if scroll_by:
            self.scroll_to(y=max(0, self.scroll_offset.y + scroll_by), animate=False, force=True)
        self.move_cursor(row=row)

    def action_cursor_up(self) -> None:
        self._key_to(self._rows.cursor - 1)

    def action_cursor_down(self) -> None:
        self._key_to(self._rows.cursor + 1)

    def action_first_row(self) -> None:
        self._key_to(0)

    def action_last_row(self) -> None:
        self._key_to(len(self._rows.order) - 1)

    def action_page_down(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self._key_to(self._rows.cursor + page, page)

    def action_page_up(self) -> None:
        page = max(1, self.scrollable_content_region.height - 1)
        self._key_to(self._rows.cursor - page, -page)

    def on_resize(self, event: events.Resize) -> None:
        self._reveal_cursor()

    # -- mouse ----------------------------------------------------------------------
    def _at(self, event: events.MouseEvent) -> tuple[int, int] | None:
        """(row, column) under the mouse; row -1 is the header; None: outside the cells."""
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        column = column_at(self._rows.widths, offset.x + int(self.scroll_offset.x))
        if offset.y == 0:
            return (-1, column) if column is not None else None
        row = offset.y - 1 + int(self.scroll_offset.y)
        if row >= len(self._rows.order):
            return None
        return (row, column if column is not None else -1)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        at = self._at(event)
        if at is not None and at[0] >= 0:
            at = (at[0], -1)  # a row lights up whole; the header, by column
        self._set_hover(at)

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        at = self._at(event)
        if at is None:
            return
        event.stop()
        row, column = at
        if row == -1:
            if column is not None:
                self.sort_by(column, not self.sort_reverse if column == self.sort_index else False)
        elif row == self._rows.cursor:
            self.action_select_row()
        else:
            self.move_cursor(row=row)

    def action_select_row(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    # -- sorting ------------------------------------------------------------------
    def sort_by(self, index: int, reverse: bool) -> None:
        if not self.COLUMNS:
            return
        self._rows.sort_by(index, reverse)
        self._update_virtual_size()
        self.refresh()
        self._reveal_cursor()
        self._announce()

    def action_sort_next(self) -> None:
        self.sort_by(self.sort_index + 1, False)

    def action_sort_reverse(self) -> None:
        self.sort_by(self.sort_index, not self.sort_reverse)

