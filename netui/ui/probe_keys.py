"""The explorer's probe keys: t probe from a container (or a published port), m the
matrix, H the probe history, L the action log.

A mixin of ExplorerScreen. A probe needs a running container on this engine: a swarm
task on another node is reached through that node's engine, switched to when netui
watches it. Probes run in the screens that show them (ProbeScreen, MatrixScreen,
the ports pane's own worker).
"""

from __future__ import annotations

import time

from netui.engine.model import Container, Snapshot
from netui.engine.swarm import TASK_ID_LABEL, ExtraRow
from netui.ui.explorer_base import ExplorerBase
from netui.ui.toast import toast

PENDING_FOR = 10.0  # seconds a switch of engine waits for the container it was for to be listed


class ProbeKeysMixin(ExplorerBase):
    """Mixed into ExplorerScreen: `self` is the screen."""

    def _can_probe(self) -> bool:
        why = self.app.probe_unavailable()  # type: ignore[attr-defined]
        if why:
            toast(self, why, severity="warning")
        return not why and self.snapshot is not None

    def action_probe_container(self) -> None:
        from netui.ui.screens.probe_screen import ProbeScreen

        if not self._can_probe() or self.snapshot is None:
            return
        key = self.containers.current_key or ""
        c = self.snapshot.container_by_id.get(key[3:] if key.startswith("gw:") else key)
        if c is None:
            extra = self.highlighted_extra()
            if extra is not None and extra.kind.startswith("remote"):
                self._probe_on_its_node(extra)
                return
            if extra is not None and extra.kind == "local-task":
                toast(self, f"{extra.name} has no container on this node yet ({extra.state or '?'}): wait for it to run",
                      severity="warning")
                return
            toast(self, "Highlight a container in the containers pane first", severity="warning")
            return
        if c.state == "paused":
            toast(self, f"{c.name} is paused: unpause it to probe from it (docker unpause {c.name})", severity="warning")
            return
        if not c.running and c.mode != "none":
            toast(self, f"{c.name} is {c.state or 'not running'}: start it to probe from it", severity="warning")
            return
        self.app.push_screen(ProbeScreen(self.snapshot, c))

    def _probe_on_its_node(self, row: ExtraRow) -> None:
        """A task on another node: its container is reached only through that node's engine.
        When netui watches that engine too, switch to it with the container highlighted."""
        app = self.app
        addr = row.task.node_addr if row.task is not None else ""
        net_id = self.selected_network or ""
        for conn in app.connections:  # type: ignore[attr-defined]
            sw = conn.snapshot.swarm if conn.snapshot is not None else None
            if conn is app.connection or sw is None or not addr or sw.node_addr != addr:  # type: ignore[attr-defined]
                continue
            app.switch_to(conn.index)  # type: ignore[attr-defined]
            snap = conn.snapshot
            task_id = row.task.task_id if row.task is not None else ""
            found = _task_container(snap, row.container_id, task_id) is not None
            # Once the network and the container are listed there (that node may not have read
            # them yet) and shown (the table announces it), highlight the container.
            self._pending_container = (net_id, row.container_id, task_id, time.monotonic() + PENDING_FOR,
                                       self.networks.current_key)
            self._select_pending_container()
            toast(self, f"Switched to {row.node}, where {row.name} runs: " + ("t probes from it" if found else
                        "its container is highlighted once this node lists it; t then probes from it"), timeout=6)
            return
        toast(self, f"{row.name} runs on {row.node}{f' ({addr})' if addr else ''}: a probe runs inside its container, which only "
                    f"that node's engine reaches. Watch it too (netui --host <this engine> --host <{row.node}'s engine>), "
                    "then e switches to it", severity="warning", timeout=10)

    def action_probe_port(self) -> None:
        if not self._can_probe() or self.snapshot is None:
            return
        found = self.current_port()
        if found is None:
            toast(self, "Highlight a published port first", severity="warning")
            return
        self.ports.check(self.app.prober, self.snapshot, *found)  # type: ignore[attr-defined]

    def action_matrix(self) -> None:
        from netui.ui.screens.matrix_screen import MatrixScreen

        net = self.current_network() if self._can_probe() else None
        if net is not None and self.snapshot is not None:
            self.app.push_screen(MatrixScreen(self.snapshot, net))

    def action_probe_history(self) -> None:
        from netui.ui.screens.probe_history_screen import ProbeHistoryScreen

        prober = self.app.prober  # type: ignore[attr-defined]
        self.app.push_screen(ProbeHistoryScreen(prober.history if prober else []))

    def action_show_log(self) -> None:
        from netui.ui.screens.action_log_screen import ActionLogScreen

        self.app.push_screen(ActionLogScreen(self.app.action_log))  # type: ignore[attr-defined]

    def _select_pending_container(self) -> None:
        """Highlight the container a switch of engine was for, once it is on screen."""
        pending, snap = self._pending_container, self.snapshot
        if pending is None or snap is None:
            return
        net_id, cid, task_id, until, left_at = pending
        if time.monotonic() > until or self.networks.current_key not in (None, net_id, left_at):
            self._pending_container = None  # too late, or the user went elsewhere
            return
        if self.networks.current_key != net_id and net_id in snap.network_by_id:
            self._pending_container = (net_id, cid, task_id, until, net_id)
            self.networks.select_key(net_id)
            self._show_network(net_id, flash=False)
        c = _task_container(snap, cid, task_id)
        if c is not None and net_id == self.selected_network == self.networks.current_key and self.containers.select_key(c.id):
            self._pending_container = None
            self.action_focus_pane("containers")


def _task_container(snap: Snapshot, container_id: str, task_id: str) -> Container | None:
    """A task's container on this engine: by id, or by its task label (a manager learns the
    container's id only once the node running it has reported it)."""
    c = snap.container_by_id.get(container_id) if container_id else None
    if c is None and task_id:
        c = next((x for x in snap.containers if x.label(TASK_ID_LABEL) == task_id), None)
    return c
