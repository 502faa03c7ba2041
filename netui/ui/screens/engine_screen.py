"""`e`: the engines netui watches, how each one is, and a switch to another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from netui.text import clean
from netui.ui.widgets.status_bar import STATES

if TYPE_CHECKING:
    from netui.ui.connection import Connection


class EngineScreen(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape,q,e", "close", "Close", tooltip="back, on the same engine"),
    ]

    def __init__(self, connections: list[Connection], active: int) -> None:
        super().__init__()
        self.connections = connections
        self.active = active

    def compose(self) -> ComposeResult:
        with Vertical(id="log-box", classes="engines"):
            yield Static(Text("Engines: Enter shows one (its topology, actions and probes)", style="bold"))
            yield OptionList(*[Option(self._label(c), id=str(c.index)) for c in self.connections], id="engine-list")
            yield Static(Text("Each engine is read by its own workers: one that is slow or gone does not hold up the others.",
                              style="dim"))
        yield Footer()

    def _label(self, c: Connection) -> Text:
        mark, style = STATES.get(c.state, (c.state, ""))
        t = Text()
        t.append("▶ " if c.index == self.active else "  ", style="bold")
        t.append(f"{mark:<16}", style=style)
        t.append(clean(c.label, 70), style="bold" if c.index == self.active else "")
        snap = c.snapshot
        if snap is not None:
            t.append(f"  {len(snap.networks)} networks, {len(snap.containers)} containers", style="dim")
            if snap.swarm is not None:
                t.append(f"  swarm {clean(snap.swarm.node_label)}", style="magenta")
        if c.detail:
            t.append(f"\n      {clean(c.detail, 100)}", style="red" if c.state == "disconnected" else "dim")
        if c.read_only:
            t.append("  read-only", style="cyan")
        return t

    def on_mount(self) -> None:
        ol = self.query_one("#engine-list", OptionList)
        ol.highlighted = self.active
        ol.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_close(self) -> None:
        self.dismiss(None)
