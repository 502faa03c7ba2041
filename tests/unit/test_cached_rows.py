"""The keyed tables' row cache (table_rows.RowCache): rows are rebuilt only when what they depend on
changes (no app, no engine)."""

from __future__ import annotations

from rich.text import Text

from netui.ui.table_rows import RowCache


def test_rows_are_reused_across_a_filter_and_rebuilt_when_their_inputs_change():
    cache, built = RowCache(), []

    def entries(idents):
        return ((f"k{i}", ident, lambda ident=ident: built.append(ident) or (Text(str(ident)),)) for i, ident in idents)

    everyone = list(enumerate(range(100)))
    rows = cache.rows(entries(everyone))
    assert len(built) == 100 and rows["k7"][0].plain == "7"
    built.clear()
    cache.rows(entries(everyone[:10]))  # a filter
    cache.rows(entries(everyone))  # lifted
    assert built == [], "rows the filter hid are not rebuilt"
    changed = [(i, ident + 1000 if i == 5 else ident) for i, ident in everyone]
    rows = cache.rows(entries(changed))
    assert built == [1005] and rows["k5"][0].plain == "1005"


def test_interned_values_are_the_same_object_while_equal():
    cache = RowCache()
    names = cache.interned("names", ("x", "y"))
    assert cache.interned("names", tuple(["x", "y"])) is names
    assert cache.interned("names", ("x", "z")) == ("x", "z")


def test_the_cache_stays_bounded():
    cache = RowCache()
    for n in range(50):
        cache.rows((f"k{i}", (n, i), lambda: (Text("x"),)) for i in range(100))
        assert len(cache) <= 2 * 100 + 1000 + 100
