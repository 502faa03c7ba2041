"""The keyed tables' pure parts: column widths, hit-testing, a row drawn as one line (no app, no engine)."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text

from netui.ui.table_lines import ColumnWidths, column_at, line, row_style


def test_columns_grow_and_shrink_with_their_widest_cell_and_make_room_for_the_arrow():
    cols = ColumnWidths([4, 2])  # "Name", "IP"
    assert cols.widths(0) == (6, 2)  # "Name ▲"
    cols.add("a", [Text("a" * 10), Text("10.0.0.1")])
    cols.add("b", [Text("bb"), Text("10.0.0.10")])
    assert cols.widths(0) == (10, 9) and cols.widths(1) == (10, 9)
    cols.add("a", [Text("a"), Text("1.1.1.1")])  # changed in place
    assert cols.widths(0) == (6, 9)
    cols.remove("b")
    assert cols.widths(1) == (4, 7)
    cols.remove("b")  # twice: nothing left to take away
    assert cols.widths(1) == (4, 7)


def test_column_at_counts_the_padding():
    assert [column_at([3, 5], x) for x in (0, 4, 5, 11, 12)] == [0, 0, 1, 1, None]


def test_a_line_pads_cells_truncates_with_an_ellipsis_and_fills_the_width():
    console = Console(width=80)
    base = Style(bgcolor="black")
    strip = line([Text("abcdefgh", style="bold"), Text("x")], [5, 3], 20, base, None, console)
    assert strip.text == " abcd…  x   " + " " * 8 and strip.cell_length == 20
    assert all(seg.style.bgcolor == base.bgcolor for seg in strip)
    bold = [seg for seg in strip if "abcd" in seg.text]
    assert bold and bold[0].style.bold


def test_the_cursor_row_takes_the_cursor_colours_and_still_shows_a_flash():
    base, header, hh = Style(bgcolor="black"), Style(), Style()
    cursor, hover, flash = Style(bgcolor="blue", color="white"), Style(bgcolor="grey11"), Style(bgcolor="green")
    look = (base, header, hh, cursor, hover, flash)
    style, post = row_style(look, cursor=False, hover=False, flashing=True)
    assert style.bgcolor == flash.bgcolor and post is None
    style, post = row_style(look, cursor=True, hover=False, flashing=False)
    assert style.bgcolor == cursor.bgcolor and post == Style(color="white")
    style, _ = row_style(look, cursor=True, hover=False, flashing=True)
    assert style.bgcolor not in (cursor.bgcolor, flash.bgcolor)  # a blend of both
