"""What a keyed table holds, apart from drawing it: rows by key, their order, the
cursor, column widths and which rows flash. No Textual here: the widget
(netui.ui.widgets.keyed_table) draws it and feeds it; this is unit-tested alone.

`sync` applies the rows a pane should show now and reports what changed, so the
widget repaints only those lines; the cursor stays on the row (by key) it was on.
The clock is passed in (`now`), never read here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rich.text import Text

from netui.ui.table_lines import Column, ColumnWidths, same_cells

FLASH_SECONDS = 1.5


@dataclass(frozen=True)
class Synced:
    """What a `sync` changed."""

    changed: tuple[str, ...]  # keys whose cells are new or different
    layout: bool  # rows came, went or moved, or a column's width changed: repaint everything


class TableRows:
    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self.sort_index = 0
        self.sort_reverse = False
        self._next_revision = 0
        self.reset()

    def reset(self) -> None:
        self.base: dict[str, tuple[Text, ...]] = {}  # key -> cells, as given
        self.order: list[str] = []  # keys in display order
        self.index: dict[str, int] = {}  # key -> display position
        self.revision: dict[str, int] = {}  # key -> bumped when the row's cells change
        self.flash_until: dict[str, float] = {}
        self.cursor = 0
        self._sort_keys: dict[str, tuple] = {}  # key -> sort key of its cell in the sort column
        self._columns = ColumnWidths([Text(c.label).cell_len for c in self.columns])
        self.widths = self._columns.widths(self.sort_index)

    @property
    def current_key(self) -> str | None:
        return self.order[self.cursor] if self.order else None

    def is_flashing(self, key: str, now: float) -> bool:
        return self.flash_until.get(key, 0) > now

    def sync(self, rows: Mapping[str, Sequence[Text]], *, flash: bool, now: float) -> Synced:
        """Hold exactly `rows` (key -> cells). New and changed rows flash when `flash`."""
        before = self.current_key
        sort_col = self.columns[self.sort_index] if self.columns else None
        base, changed = self.base, []
        removed = [k for k in base if k not in rows]
        for key in removed:
            del base[key]
            self._sort_keys.pop(key, None)
            self.revision.pop(key, None)
            self.flash_until.pop(key, None)
            self._columns.remove(key)
        added = False
        order_changed = bool(removed)
        for key, cells in rows.items():
            cells = tuple(cells)
            old = base.get(key)
            if old is None:
                added = order_changed = True
            elif old is cells or (len(old) == len(cells) and all(map(same_cells, old, cells))):
                continue
            if flash:
                self.flash_until[key] = now + FLASH_SECONDS
            base[key] = cells
            changed.append(key)
            self._columns.add(key, cells)
            self._next_revision += 1
            self.revision[key] = self._next_revision
            if sort_col is not None:
                sort_key = sort_col.sort(cells[self.sort_index].plain)
                if self._sort_keys.get(key) != sort_key:
                    self._sort_keys[key] = sort_key
                    order_changed = True
        moved = self._apply_order(list(rows) if added else None) if order_changed else False
        widths_changed = self._set_widths()
        self._keep_cursor_on(before)
        return Synced(tuple(changed), moved or widths_changed or added or bool(removed))

    def sort_by(self, index: int, reverse: bool) -> None:
        """Sort on column `index` (wrapping around), descending when `reverse`."""
        if not self.columns:
            return
        self.sort_index, self.sort_reverse = index % len(self.columns), reverse
        col = self.columns[self.sort_index]
        self._sort_keys = {k: col.sort(cells[self.sort_index].plain) for k, cells in self.base.items()}
        before = self.current_key
        self._apply_order(None)
        self._keep_cursor_on(before)
        self._set_widths()

    def expire_flashes(self, now: float) -> tuple[list[str], float | None]:
        """Rows whose flash ended by `now`, and when the next one ends (None: none left)."""
        ended = [k for k, t in self.flash_until.items() if t <= now]
        for key in ended:
            del self.flash_until[key]
        return ended, min(self.flash_until.values()) if self.flash_until else None

    def _keep_cursor_on(self, key: str | None) -> None:
        if key is not None and key in self.index:
            self.cursor = self.index[key]
        self.cursor = min(self.cursor, max(0, len(self.order) - 1))

    def _set_widths(self) -> bool:
        """Each column as wide as its widest cell or its header; True when one changed."""
        widths = self._columns.widths(self.sort_index)
        changed, self.widths = widths != self.widths, widths
        return changed

    def _apply_order(self, incoming: list[str] | None) -> bool:
        """Sort the rows (stable: ties keep the incoming order). True when positions moved."""
        keys = incoming if incoming is not None else self.order
        keys = [k for k in keys if k in self.base]
        if self.columns:
            keys.sort(key=self._sort_keys.__getitem__, reverse=self.sort_reverse)
        if keys == self.order:
            return False
        self.order = keys
        self.index = {k: i for i, k in enumerate(keys)}
        return True


class RowCache:
    """Rows built once per version of what they show, and values interned so that row
    inputs holding them compare by identity."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[object, tuple[Text, ...]]] = {}
        self._interned: dict[str, object] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def rows(self, entries: Iterable[tuple[str, object, Callable[[], tuple[Text, ...]]]]) -> dict[str, tuple[Text, ...]]:
        """Rows from (key, what the row depends on, builder): a row whose inputs are
        unchanged (the model is immutable) is reused, not rebuilt. Rows a filter hid stay
        cached a while, so lifting the filter does not rebuild them all.

        The inputs are compared with the last ones of the same key, never hashed: the
        model's frozen dataclasses hash every field, every time (at 1000 rows that was
        most of an update's cost), while == on the same objects stops at identity."""
        cache = self._rows
        rows: dict[str, tuple[Text, ...]] = {}
        for key, ident, build in entries:
            hit = cache.get(key)
            if hit is not None and (hit[0] is ident or hit[0] == ident):
                cells = hit[1]
            else:
                cells = build()
                cache[key] = (ident, cells)
            rows[key] = cells
        if len(cache) > 2 * len(rows) + 1000:
            self._rows = {k: cache[k] for k in rows}  # bounded: what is shown now, and nothing older
        return rows

    def interned(self, name: str, value: object) -> object:
        """`value`, or the equal one given last time under `name`."""
        last = self._interned.get(name)
        if last is not None and last == value:
            return last
        self._interned[name] = value
        return value
