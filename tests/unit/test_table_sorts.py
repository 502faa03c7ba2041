"""The tables' sort orders: pure, no app, no engine."""

from __future__ import annotations

from netui.ui.widgets.keyed_table import ip_sort, number_sort, text_sort


def test_addresses_sort_by_number_v4_before_v6_then_the_rest():
    values = ["10.0.0.10/24", "fd00::1/64", "", "10.0.0.9/24", "shares web's stack", "2.0.0.1, 10.0.0.1", "[::]:3000", "127.0.0.1:8080"]
    assert sorted(values, key=ip_sort) == [
        "2.0.0.1, 10.0.0.1", "10.0.0.9/24", "10.0.0.10/24", "127.0.0.1:8080", "[::]:3000", "fd00::1/64", "", "shares web's stack",
    ]


def test_numbers_sort_as_numbers_and_text_ignores_case_blanks_last():
    assert sorted(["12", "9", "", "100"], key=number_sort) == ["9", "12", "100", ""]
    assert sorted(["b", "", "A", "a"], key=text_sort) == ["A", "a", "b", ""]
