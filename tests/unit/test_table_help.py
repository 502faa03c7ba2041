"""How the tables' keys are listed on the help screen: pure, no app, no engine."""

from __future__ import annotations

from textual.app import App

from netui.ui.screens.help_screen import TABLE_BUILTINS, help_sections
from netui.ui.widgets.containers_table import ContainersTable
from netui.ui.widgets.keyed_table import NAVIGATION_ACTIONS, KeyedTable
from netui.ui.widgets.networks_table import NetworksTable
from netui.ui.widgets.ports_table import PortsTable


def test_every_table_lists_the_cursor_keys_once_and_its_own_keys():
    panes = [("Networks", NetworksTable), ("Containers", ContainersTable), ("Ports", PortsTable)]
    sections = dict(help_sections(App(), [], panes))  # the app only formats keys as the footer does
    for title, _ in panes:
        rows = sections[title]
        assert rows[: len(TABLE_BUILTINS)] == TABLE_BUILTINS
        own = [keys for keys, _ in rows[len(TABLE_BUILTINS):]]
        assert "s" in own and "S" in own
        assert not any(k in own for k in ("↑", "↓", "PgUp", "PgDn", "Home", "End", "←", "→")), own
        assert len(own) == len(set(own))
    assert ("⏎", "go to this network's containers") in sections["Networks"]
    assert not any(keys == "⏎" for keys, _ in sections["Ports"]), "Enter means nothing on the ports pane"


def test_navigation_actions_exist():
    for action in NAVIGATION_ACTIONS:
        assert callable(getattr(KeyedTable, f"action_{action}", None)), action
