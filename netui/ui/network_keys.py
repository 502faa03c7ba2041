"""The explorer's network keys: n create, c connect, x disconnect, d remove, P prune, R run.

A mixin of ExplorerScreen. Each opens its form or confirmation (netui.ui.dialogs
builds what a confirmation lists, again on every update while it is open); whether a
write may run at all is the app's call (app.check_action, --read-only).
"""

from __future__ import annotations

from netui.ui.explorer_base import ExplorerBase
from netui.ui.toast import toast


class NetworkKeysMixin(ExplorerBase):
    """Mixed into ExplorerScreen: `self` is the screen."""

    def action_create_network(self) -> None:
        from netui.ui.screens.create_network_screen import CreateNetworkScreen

        if self.snapshot is not None:
            self.app.push_screen(CreateNetworkScreen(self.snapshot, self.snapshot.engine), self._after_create)

    def _after_create(self, result: object) -> None:
        name = getattr(result, "created_network", "")
        if name:
            self.select_network_named(name)

    def action_connect_container(self) -> None:
        from netui.ui.screens.connect_screen import ConnectScreen

        net = self.current_network()
        if net is None or self.snapshot is None:
            return
        if net.driver in ("host", "null"):
            toast(self, f"Containers cannot be connected to the {net.name} network: run them with --network {net.name}", severity="error")
            return
        self.app.push_screen(ConnectScreen(self.snapshot, net))

    def action_disconnect_container(self) -> None:
        from netui.ui import dialogs
        from netui.ui.screens.confirm_screen import ConfirmScreen

        net = self.current_network()
        c = self.snapshot.container_by_id.get(self.containers.current_key or "") if self.snapshot and net else None
        if net is None or c is None or self.snapshot is None:
            if net is not None:
                toast(self, "Highlight a container in the containers pane first", severity="warning")
            return
        build = dialogs.disconnect(self.snapshot, net.id, c.id)
        first = build(self.snapshot)
        if first.gone:
            toast(self, first.gone, title="Cannot disconnect", severity="error")
            return
        self.app.push_screen(ConfirmScreen(build, self.snapshot))

    def action_remove_network(self) -> None:
        from netui.ui import dialogs
        from netui.ui.screens.confirm_screen import ConfirmScreen

        net = self.current_network()
        if net is None or self.snapshot is None:
            return
        build = dialogs.remove_network(self.snapshot, net.id)
        if isinstance(build, str):
            toast(self, build, title="Protected network", severity="error", timeout=8)
            return
        self.app.push_screen(ConfirmScreen(build, self.snapshot))

    def action_prune_networks(self) -> None:
        from netui.ui import dialogs
        from netui.ui.screens.confirm_screen import ConfirmScreen

        if self.snapshot is None:
            return
        build = dialogs.prune(self.snapshot, self.query_text)
        if isinstance(build, str):
            toast(self, build)
            return
        self.app.push_screen(ConfirmScreen(build, self.snapshot))

    def action_run_container(self) -> None:
        from netui.ui.screens.run_container_screen import RunContainerScreen

        net = self.current_network()
        if net is not None and self.snapshot is not None:
            self.app.push_screen(RunContainerScreen(self.snapshot, net, self.app.probe_image_name))  # type: ignore[attr-defined]

