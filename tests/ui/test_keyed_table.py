"""KeyedTable on its own (no engine): keyed in-place updates, sort, cursor, flash, mouse,
and the point of drawing line by line: an update repaints only the rows that changed."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult

from netui.ui.cells import cell
from netui.ui.widgets.keyed_table import FLASH_SECONDS, Column, KeyedTable, ip_sort, number_sort
from tests.helpers import screen_text, wait_for


class Table(KeyedTable):
    COLUMNS = (Column("name", "Name"), Column("ip", "Address", ip_sort), Column("n", "N", number_sort))


class Harness(App[None]):
    def __init__(self, rows: int = 0) -> None:
        super().__init__()
        self.rows = rows
        self.changes: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Table(id="t")

    def on_mount(self) -> None:
        if self.rows:
            self.query_one(Table).sync(rows(self.rows), flash=False)

    def on_keyed_table_current_changed(self, msg: KeyedTable.CurrentChanged) -> None:
        self.changes.append(msg.key)


def row(i: int, n: int = 0) -> tuple[Text, ...]:
    return (cell(f"name-{i:03d}", "bold"), cell(f"10.0.{i // 200}.{i % 200}"), cell(str(n)))


def rows(count: int, **changed: int) -> dict[str, tuple[Text, ...]]:
    return {f"k{i}": row(i, changed.get(f"k{i}", 0)) for i in range(count)}


class Painted:
    """Which rows the table builds (a line not in its cache) and which lines it draws."""

    def __init__(self, table: KeyedTable) -> None:
        self.table = table
        self.built: list[str] = []
        self.drawn: list[int] = []
        build, draw = table._row_line, table.render_line

        def row_line(index, width, look):
            before = len(table._lines)
            out = build(index, width, look)
            if len(table._lines) != before:
                self.built.append(table.keys[index])
            return out

        def render_line(y):
            self.drawn.append(y)
            return draw(y)

        table._row_line = row_line  # type: ignore[method-assign]
        table.render_line = render_line  # type: ignore[method-assign]

    def reset(self) -> None:
        self.built.clear()
        self.drawn.clear()


async def test_sync_adds_updates_removes_in_place_and_sorts():
    app = Harness()
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        t.sync({"b": row(2), "a": row(1), "c": row(3)})
        assert t.keys == ["a", "b", "c"]  # by the first column
        assert t.row_count == 3 and t.current_key == "a"
        t.sync({"a": row(1), "c": row(3, 7)})
        assert t.keys == ["a", "c"] and t.cells("c")[2].plain == "7"
        t.sync({"a": row(1), "c": row(3, 7), "b2": (cell("name-002"), cell("10.0.0.9"), cell("1"))})
        assert t.keys == ["a", "b2", "c"]
        await pilot.pause()
        text = screen_text(app)
        assert "Name ▲" in text and "name-002" in text and "10.0.0.9" in text


async def test_a_change_repaints_only_its_row():
    app = Harness(rows=1000)
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        await pilot.pause()
        painted = Painted(t)
        t.sync(rows(1000, k5=9))
        await pilot.pause()
        assert painted.built == ["k5"]
        assert painted.drawn == [t.keys.index("k5") + 1]  # one line: the header is line 0
        assert t.is_flashing("k5") and not t.is_flashing("k4")
        # Let the flash end (its repaint of k5 is not what is measured next; on a busy
        # machine it could fall inside the next measure).
        while t.is_flashing("k5"):
            await pilot.pause(0.1)
        await pilot.pause(0.2)

        painted.reset()
        t.focus()
        await pilot.pause()
        painted.reset()
        await pilot.press("j")
        await pilot.pause()
        assert t.current_key == "k1"
        assert sorted(painted.built) == ["k0", "k1"] and sorted(painted.drawn) == [1, 2]

        painted.reset()
        t.sync(rows(1000, k5=9))  # nothing changed
        t.set_titles("Title", "sub")
        t.set_titles("Title", "sub")
        await pilot.pause()
        painted.reset()
        t.set_titles("Title", "sub")  # the same title again: no repaint
        t.sync(rows(1000, k5=9))
        await pilot.pause()
        assert painted.drawn == [] and painted.built == []


async def test_flash_marks_news_and_expires():
    app = Harness()
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        t.sync(rows(3))
        assert not any(t.is_flashing(k) for k in t.keys), "the first rows are not news"
        t.sync(rows(4, k1=5))
        assert t.is_flashing("k1") and t.is_flashing("k3") and not t.is_flashing("k0")
        await pilot.pause()
        flash_bg = t.get_component_rich_style("keyed-table--flash").bgcolor
        line = t.render_line(t.keys.index("k3") + 1)
        assert {s.style.bgcolor for s in line if s.text.strip()} == {flash_bg}
        t.sync(rows(4, k1=6), flash=False)
        await wait_for(pilot, lambda: not t.is_flashing("k3"), timeout=FLASH_SECONDS + 2, what="the flash to end")
        await pilot.pause(0.1)
        line = t.render_line(t.keys.index("k3") + 1)
        assert flash_bg not in {s.style.bgcolor for s in line}, "an expired flash is repainted away"

        t.set_scope("other")
        t.sync(rows(2))
        assert not t.is_flashing("k0") and t.keys == ["k0", "k1"], "a new scope starts fresh"


async def test_cursor_stays_on_its_key_through_updates_and_sorts():
    app = Harness(rows=50)
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        await pilot.pause()
        assert t.select_key("k30")
        t.sync({"k00": (cell("aaa"), cell("1.1.1.1"), cell("0")), **rows(50)})  # a row above the cursor
        assert t.current_key == "k30" and t.cursor_row == 31
        t.sort_by(1, True)
        assert t.current_key == "k30" and t.keys[0] == "k49"
        await pilot.pause()
        assert "Address ▼" in screen_text(app) and "Name ▲" not in screen_text(app)
        t.sync({k: v for k, v in rows(50).items() if k != "k30"})  # the cursor's row goes
        assert t.current_key is not None and t.current_key != "k30"
        assert not t.select_key("k30")
        await pilot.pause()
        assert app.changes[-1] == t.current_key
        t.set_scope("elsewhere")
        t.sync(rows(5))
        assert t.cursor_row == 0 and t.scroll_offset.y == 0


async def test_keys_move_the_cursor_and_keep_it_in_view():
    app = Harness(rows=200)
    async with app.run_test(size=(60, 12)) as pilot:
        t = app.query_one(Table)
        t.focus()
        await pilot.pause()
        body = t.scrollable_content_region.height - 1

        def in_view() -> bool:
            top = t.scroll_offset.y
            return top <= t.cursor_row < top + body

        await pilot.press("j", "j", "down")
        assert t.cursor_row == 3
        await pilot.press("k", "up")
        assert t.cursor_row == 1
        await pilot.press("G")
        assert t.cursor_row == 199 and in_view()
        await pilot.press("g")
        assert t.cursor_row == 0 and t.scroll_offset.y == 0
        await pilot.press("end")
        assert t.cursor_row == 199 and in_view()
        await pilot.press("home")
        assert t.cursor_row == 0
        await pilot.press("pagedown")
        assert t.cursor_row == body and in_view()
        await pilot.press("pagedown", "pageup")
        assert t.cursor_row == body and in_view()
        for _ in range(body + 3):
            await pilot.press("j")
        assert in_view()
        await pilot.pause()
        assert app.changes[-1] == t.current_key
        assert all(a != b for a, b in zip(app.changes, app.changes[1:])), "one message per change of row"


async def test_mouse_selects_rows_and_sorts_by_header():
    app = Harness(rows=20)
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        await pilot.pause()
        await pilot.click(Table, offset=(3, 4))  # the 4th row (line 0 is the header)
        assert t.current_key == "k3"
        await pilot.hover(Table, offset=(3, 6))
        await pilot.pause()
        hover_bg = t.get_component_rich_style("keyed-table--hover").bgcolor
        assert hover_bg in {s.style.bgcolor for s in t.render_line(6)}
        x = t.column_widths[0] + 2 + 1  # inside the second column's header
        await pilot.click(Table, offset=(x, 0))
        assert (t.sort_index, t.sort_reverse) == (1, False) and t.current_key == "k3"
        await pilot.click(Table, offset=(x, 0))
        assert (t.sort_index, t.sort_reverse) == (1, True) and t.keys[0] == "k19"
        await pilot.pause()
        assert "Address ▼" in screen_text(app)


async def test_columns_fit_their_content_and_long_cells_end_in_an_ellipsis():
    app = Harness()
    async with app.run_test(size=(200, 20)) as pilot:
        t = app.query_one(Table)
        long = "x" * 80
        t.sync({"a": (cell(long), cell("1.2.3.4"), cell("1")), "b": row(1)})
        await pilot.pause()
        text = screen_text(app)
        assert long not in text and "x" * 47 + "…" in text  # cells.CELL_LIMIT
        wide = t.column_widths[0]
        t.sync({"b": row(1)})
        assert t.column_widths[0] < wide == 48, "the column shrinks when its widest cell goes"
        assert t.column_widths[2] == 1 and t.column_widths[1] == len("10.0.0.1")


async def test_looks_follow_focus_and_theme():
    app = Harness(rows=5)
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        await pilot.pause()
        t.focus()
        await pilot.pause()
        focused = t.render_line(1)
        app.set_focus(None)
        await pilot.pause()
        blurred = t.render_line(1)
        assert focused != blurred, "the cursor row shows focus"
        assert list(blurred)[0].style.bgcolor == t.get_component_rich_style("keyed-table--cursor").bgcolor
        dark_bg = list(t.render_line(3))[-1].style.bgcolor
        app.theme = "textual-light"
        await pilot.pause()
        light_bg = list(t.render_line(3))[-1].style.bgcolor
        assert light_bg != dark_bg and light_bg == t.rich_style.bgcolor, "no line survives a theme change"


async def test_cached_rows_rebuild_only_what_changed_and_never_hash_the_inputs():
    class Unhashable:  # like a model object whose hash would cost: cached_rows must not ask for it
        __hash__ = None  # type: ignore[assignment]

        def __init__(self, v: int) -> None:
            self.v = v

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Unhashable) and other.v == self.v

    app = Harness()
    async with app.run_test():
        table = app.query_one(Table)
        built: list[str] = []

        def entries(values: dict[str, int], objs: dict[str, Unhashable] | None = None):
            for k, v in values.items():
                dep = objs[k] if objs else Unhashable(v)
                yield k, (dep, "same"), lambda k=k, v=v: (built.append(k), row(v))[1]

        first = table.cached_rows(entries({"a": 1, "b": 2, "c": 3}))
        assert built == ["a", "b", "c"]
        built.clear()
        # Equal inputs (new objects): nothing rebuilt, the very same cells reused.
        again = table.cached_rows(entries({"a": 1, "b": 2, "c": 3}))
        assert built == [] and all(again[k] is first[k] for k in first)
        # One input changed: that row only.
        table.cached_rows(entries({"a": 1, "b": 5, "c": 3}))
        assert built == ["b"]
        # Interned values are the same object while equal, a new one once they differ.
        names = table.interned("names", tuple(["x", "y"]))
        assert table.interned("names", tuple(["x", "y"])) is names
        assert table.interned("names", ("x", "z")) == ("x", "z")


class FixedHarness(Harness):
    """The table as in the explorer: its height given by the layout (1fr), not by its rows."""

    CSS = "Table { height: 1fr; }"


async def test_rows_coming_and_going_in_a_fixed_height_table_scroll_without_a_screen_layout():
    app = FixedHarness(rows=5)
    async with app.run_test(size=(60, 20)) as pilot:
        t = app.query_one(Table)
        await pilot.pause()
        layouts = []
        screen_layout = app.screen._refresh_layout

        def counted(*args, **kwargs):
            layouts.append(1)
            return screen_layout(*args, **kwargs)

        app.screen._refresh_layout = counted
        t.sync(rows(6))
        await pilot.pause()
        assert "name-005" in screen_text(app) and layouts == [], "a new row is drawn without laying the screen out"
        assert not t.show_vertical_scrollbar
        t.sync(rows(60))
        await pilot.pause()
        assert t.show_vertical_scrollbar and t.virtual_size.height == 61, "more rows than lines: a scrollbar"
        t.focus()
        await pilot.press("G")
        await pilot.pause()
        assert t.current_key == "k59" and "name-059" in screen_text(app), "the last row scrolls into view"
        t.sync(rows(3))
        await pilot.pause()
        assert not t.show_vertical_scrollbar and t.scroll_y == 0 and "name-002" in screen_text(app)
        assert t.current_key == "k2", "the cursor stays in range"
