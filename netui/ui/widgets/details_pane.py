"""The details pane: everything about the highlighted network or container, scrollable."""

from __future__ import annotations

from typing import Callable

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from netui.engine.model import Container, Network, Snapshot
from netui.ui.describe import describe_container, describe_network


class DetailsPane(VerticalScroll, can_focus=True):
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.subject: tuple[str, str] | None = None  # ("network" | "container", id)
        self._shown: object = None

    def compose(self) -> ComposeResult:
        yield Static(id="details-body")

    def _set(self, subject: tuple[str, str] | None, title: str, describe: Callable[[], RenderableType], data: object) -> None:
        """Show what `describe` builds, unless the same data is on screen already."""
        if subject != self.subject:
            self.scroll_home(animate=False)  # a new subject starts at the top
        elif data == self._shown:
            return  # unchanged: keep the scroll position, skip the work
        self.subject = subject
        self._shown = data
        self.border_title = title
        self.query_one("#details-body", Static).update(describe())

    def show_network(self, snap: Snapshot, net: Network) -> None:
        data = (net, snap.members(net.id), snap.gateways_of(net), int(snap.taken_at) // 60)
        self._set(("network", net.id), "Network details", lambda: describe_network(snap, net), data)

    def show_container(self, snap: Snapshot, c: Container) -> None:
        owner = snap.resolve_container(c.stack_owner) if c.mode == "container" else None
        data = (c, owner, snap.networks_of(c), snap.stack_sharers(c.id), int(snap.taken_at) // 60)
        self._set(("container", c.id), "Container details", lambda: describe_container(snap, c), data)

    def show_nothing(self, message: str) -> None:
        self._set(None, "Details", lambda: Text(message, style="dim"), message)
