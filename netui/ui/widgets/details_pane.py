"""The details pane: everything about the highlighted network or container, scrollable."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from netui.engine import compose
from netui.engine.model import Container, Network, Snapshot
from netui.engine.swarm import GWBRIDGE, TASK_ID_LABEL, ExtraRow
from netui.ui.describe import Block, describe_container, describe_network, layout


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
        self._blocks: list[Block] = []
        self._drawn_width = 0

    def compose(self) -> ComposeResult:
        yield Static(id="details-body")

    def _set(self, subject: tuple[str, str] | None, title: str, describe: Callable[[], list[Block]], data: object) -> None:
        """Show what `describe` builds, unless the same data is on screen already."""
        if subject != self.subject:
            self.scroll_home(animate=False)  # a new subject starts at the top
        elif data == self._shown:
            return  # unchanged: keep the scroll position, skip the work
        self.subject = subject
        self._shown = data
        self.border_title = title
        self._blocks = describe()
        self._draw()

    def _draw(self) -> None:
        width = self.scrollable_content_region.width - 1 if self.is_mounted else 60
        self._drawn_width = width
        self.query_one("#details-body", Static).update(layout(self._blocks, width, self.app.console))

    def on_resize(self) -> None:
        width = self.scrollable_content_region.width - 1
        if self._blocks and width != self._drawn_width:
            self._draw()

    def show_network(self, snap: Snapshot, net: Network) -> None:
        swarm = snap.swarm if net.scope == "swarm" or net.name == GWBRIDGE else None
        data = (net, snap.members(net.id), snap.gateways_of(net), int(snap.taken_at) // 60, compose.reach_signature(snap), swarm)
        self._set(("network", net.id), "Network details", lambda: describe_network(snap, net), data)

    def show_container(self, snap: Snapshot, c: Container) -> None:
        owner = snap.stack_holder(c) if c.mode == "container" else None
        swarm = snap.swarm if snap.swarm is not None and (TASK_ID_LABEL in dict(c.labels) or c.id in snap.swarm.gateway_by_container) else None
        data = (c, owner, snap.networks_of(c), snap.stack_sharers(c.id), int(snap.taken_at) // 60,
                compose.reach_signature(snap) if c.compose_project else (), swarm)
        self._set(("container", c.id), "Container details", lambda: describe_container(snap, c), data)

    def show_extra(self, snap: Snapshot, net: Network, row: ExtraRow) -> None:
        """A row beside the containers: a task on another node, a network's own endpoint."""
        from netui.ui.describe_swarm import describe_extra

        title = "Task details" if row.kind.endswith("-task") else "Endpoint details"
        self._set(("extra", row.key), title, lambda: describe_extra(snap, net, row), (row, snap.swarm))

    def show_nothing(self, message: str) -> None:
        self._set(None, "Details", lambda: [Text(message, style="dim")], message)
