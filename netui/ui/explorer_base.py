"""What the explorer's key mixins (netui.ui.network_keys, netui.ui.probe_keys) use of
ExplorerScreen, for the type checker: at run time their base is `object` and `self` is
the screen itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from netui.engine.model import Container, Network, Port, Snapshot
    from netui.engine.query import Query
    from netui.engine.swarm import ExtraRow
    from netui.ui.widgets.containers_table import ContainersTable
    from netui.ui.widgets.networks_table import NetworksTable
    from netui.ui.widgets.ports_table import PortsTable

    class ExplorerBase(Screen[None]):
        snapshot: Snapshot | None
        query_text: Query
        selected_network: str | None
        _pending_container: tuple[str, str, str, float, str | None] | None
        networks: NetworksTable
        containers: ContainersTable
        ports: PortsTable

        def current_network(self, quiet: bool = False) -> Network | None: ...
        def current_port(self) -> tuple[Container, Port] | None: ...
        def highlighted_extra(self) -> ExtraRow | None: ...
        def select_network_named(self, name: str) -> None: ...
        def _show_network(self, network_id: str | None, flash: bool = True) -> None: ...
        def action_focus_pane(self, name: str) -> None: ...
else:
    ExplorerBase = object
