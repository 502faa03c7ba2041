"""The help screen (`?`): every key binding, read from the widgets themselves."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from netui.ui.widgets.keyed_table import NAVIGATION_ACTIONS, KeyedTable

# The cursor keys every table has, worth listing once.
TABLE_BUILTINS = [("↑ ↓  j k", "move the cursor"), ("PgUp PgDn", "page"), ("g G  Home End", "top / bottom")]


def key_label(app: App, binding: Binding) -> str:
    """The keys of a binding as the footer shows them (Textual's own display names)."""
    return " ".join(app.get_key_display(Binding(k.strip(), binding.action)) for k in binding.key.split(","))


def binding_rows(app: App, bindings: Iterable[BindingType], hide: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding; the tooltip is the longer text when there is one.
    Bindings whose action is in `hide` (e.g. writes, when read-only) are left out."""
    rows = []
    for b in bindings:
        binding = b if isinstance(b, Binding) else Binding(*b)
        action = binding.action.split(".", 1)[-1]
        if action in hide:
            continue
        if binding.key in ("j", "k", "g", "G") or action in NAVIGATION_ACTIONS:
            continue  # listed with the table builtins
        rows.append((key_label(app, binding), binding.tooltip or binding.description or "?"))
    return rows


def own_bindings(cls: type) -> list[BindingType]:
    """The bindings netui's classes declare (not Textual's internals), most specific first."""
    out: list[BindingType] = []
    for klass in cls.__mro__:
        if klass.__module__.startswith("netui."):
            out.extend(klass.__dict__.get("BINDINGS", []))
    return out


def help_sections(app: App, everywhere: list[BindingType], panes: list[tuple[str, type]],
                  hide: frozenset[str] = frozenset()) -> list[tuple[str, list[tuple[str, str]]]]:
    sections = [("Everywhere", binding_rows(app, everywhere, hide) + [("^p", "command palette: every action by name")])]
    for title, cls in panes:
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for row in binding_rows(app, own_bindings(cls), hide):
            if row[0] not in seen:
                seen.add(row[0])
                rows.append(row)
        if issubclass(cls, KeyedTable):
            rows = TABLE_BUILTINS + rows
        elif issubclass(cls, ScrollableContainer):
            rows = [("↑ ↓  j k  PgUp PgDn", "scroll"), ("g G  Home End", "top / bottom"), ("esc", "back to the table")] + rows
        sections.append((title, rows))
    sections.append(("Mouse", [("click", "select a row or pane; click a column header to sort"), ("wheel", "scroll")]))
    return sections


def explorer_help(app: App, hide: frozenset[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The help of the explorer: the app's and the explorer screen's keys, then each pane's."""
    from netui.ui.screens.explorer_screen import ExplorerScreen
    from netui.ui.widgets.containers_table import ContainersTable
    from netui.ui.widgets.details_pane import DetailsPane
    from netui.ui.widgets.filter_bar import FilterBar
    from netui.ui.widgets.networks_table import NetworksTable
    from netui.ui.widgets.ports_table import PortsTable

    panes: list[tuple[str, type]] = [("Networks", NetworksTable), ("Containers", ContainersTable), ("Ports", PortsTable),
             ("Details", DetailsPane), ("Filter", FilterBar)]
    return help_sections(app, [*app.BINDINGS, *ExplorerScreen.BINDINGS], panes, hide)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help"),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "netui · keys"
            body.border_subtitle = "Esc / q / ? to close"
            yield Static(self._help_table())
        yield Footer()

    def _help_table(self) -> Table:
        t = Table.grid(padding=(0, 2))
        t.add_column(style="bold", no_wrap=True, min_width=14)
        t.add_column()
        for title, rows in self.sections:
            t.add_row(Text(""), Text(""))
            t.add_row(Text(title, style="bold underline"), Text(""))
            for keys, desc in rows:
                t.add_row(Text(keys, style="bold"), Text(desc))
        return t

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up()
