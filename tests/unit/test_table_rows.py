"""The keyed table's rows apart from drawing them (netui.ui.table_rows): no Textual, no app."""

from __future__ import annotations

from rich.text import Text

from netui.ui.table_lines import Column, ip_sort, text_sort
from netui.ui.table_rows import FLASH_SECONDS, TableRows

COLUMNS = (Column("name", "Name", text_sort), Column("ip", "Address", ip_sort))


def row(name: str, ip: str) -> tuple[Text, ...]:
    return (Text(name), Text(ip))


def test_sync_reports_only_what_changed_and_when_the_layout_moves():
    t = TableRows(COLUMNS)
    first = t.sync({"a": row("a", "10.0.0.1"), "b": row("b", "10.0.0.2")}, flash=False, now=0)
    assert first.layout and set(first.changed) == {"a", "b"} and t.order == ["a", "b"]
    same = t.sync({"a": row("a", "10.0.0.1"), "b": row("b", "10.0.0.2")}, flash=False, now=0)
    assert same.changed == () and not same.layout, "equal cells are no change"
    one = t.sync({"a": row("a", "10.0.0.9"), "b": row("b", "10.0.0.2")}, flash=False, now=0)
    assert one.changed == ("a",) and not one.layout, "a changed cell of the same width repaints one row"
    wider = t.sync({"a": row("a-much-longer-name", "10.0.0.9"), "b": row("b", "10.0.0.2")}, flash=False, now=0)
    assert wider.layout and t.widths[0] == len("a-much-longer-name")
    gone = t.sync({"b": row("b", "10.0.0.2")}, flash=False, now=0)
    assert gone.layout and t.order == ["b"] and "a" not in t.revision
    assert t.widths[0] == len("Name") + 2, "the column shrinks back to its header (and the sort arrow)"


def test_the_cursor_stays_on_its_row_by_key_as_rows_come_and_go():
    t = TableRows(COLUMNS)
    t.sync({k: row(k, "10.0.0.1") for k in "bdf"}, flash=False, now=0)
    t.cursor = t.index["d"]
    t.sync({k: row(k, "10.0.0.1") for k in "abcdef"}, flash=False, now=0)
    assert t.current_key == "d" and t.order == list("abcdef")
    t.sync({k: row(k, "10.0.0.1") for k in "ab"}, flash=False, now=0)
    assert t.cursor == 1, "its row gone, the cursor stays in range"
    t.sync({}, flash=False, now=0)
    assert t.cursor == 0 and t.current_key is None


def test_rows_flash_until_their_time_and_not_when_told_not_to():
    t = TableRows(COLUMNS)
    t.sync({"a": row("a", "1")}, flash=False, now=10)
    assert not t.is_flashing("a", 10)
    t.sync({"a": row("a", "2"), "b": row("b", "3")}, flash=True, now=20)
    assert t.is_flashing("a", 20) and t.is_flashing("b", 20 + FLASH_SECONDS - 0.01)
    t.sync({"a": row("a", "2"), "b": row("b", "4")}, flash=True, now=21)
    ended, next_end = t.expire_flashes(20 + FLASH_SECONDS)
    assert ended == ["a"] and next_end == 21 + FLASH_SECONDS
    assert t.expire_flashes(30) == (["b"], None)


def test_sorting_is_stable_numeric_for_addresses_and_keeps_the_cursor():
    t = TableRows(COLUMNS)
    t.sync({"x": row("x", "10.0.0.10"), "y": row("y", "10.0.0.9"), "z": row("z", "10.0.0.9")}, flash=False, now=0)
    t.cursor = t.index["x"]
    t.sort_by(1, False)
    assert t.order == ["y", "z", "x"] and t.current_key == "x", "10.0.0.9 before 10.0.0.10; ties keep their order"
    t.sort_by(1, True)
    assert t.order[0] == "x" and t.current_key == "x"
    t.sort_by(2, False)
    assert t.sort_index == 0, "the column index wraps around"
    t.sync({"x": row("x", "10.0.0.10"), "y": row("y", "10.0.0.9"), "z": row("z", "10.0.0.9"), "a": row("a", "1")},
           flash=False, now=0)
    assert t.order == ["a", "x", "y", "z"]


def test_reset_starts_fresh_but_keeps_the_sort():
    t = TableRows(COLUMNS)
    t.sort_by(1, True)
    t.sync({"a": row("a", "1")}, flash=True, now=0)
    t.reset()
    assert t.order == [] and t.flash_until == {} and (t.sort_index, t.sort_reverse) == (1, True)

