"""KeyedTable.cached_rows: rows are rebuilt only when what they depend on changes (no app, no engine)."""

from __future__ import annotations

from rich.text import Text

from netui.ui.widgets.keyed_table import Column, KeyedTable


class Table(KeyedTable):
    COLUMNS = (Column("name", "Name"),)


def test_rows_are_reused_across_a_filter_and_rebuilt_when_their_inputs_change():
    table, built = Table(), []

    def entries(idents):
        return ((f"k{i}", ident, lambda ident=ident: built.append(ident) or (Text(str(ident)),)) for i, ident in idents)

    everyone = list(enumerate(range(100)))
    rows = table.cached_rows(entries(everyone))
    assert len(built) == 100 and rows["k7"][0].plain == "7"
    built.clear()
    table.cached_rows(entries(everyone[:10]))  # a filter
    table.cached_rows(entries(everyone))  # lifted
    assert built == [], "rows the filter hid are not rebuilt"
    changed = [(i, ident + 1000 if i == 5 else ident) for i, ident in everyone]
    rows = table.cached_rows(entries(changed))
    assert built == [1005] and rows["k5"][0].plain == "1005"


def test_the_cache_stays_bounded():
    table = Table()
    for n in range(50):
        table.cached_rows((f"k{i}", (n, i), lambda: (Text("x"),)) for i in range(100))
        assert len(table._row_cache) <= 2 * 100 + 1000 + 100
