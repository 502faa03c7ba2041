"""The explorer's container actions: stop, start, restart, pause, unpause, remove, logs, shell.

A mixin of ExplorerScreen (its keys are bound in the containers pane, its commands in
the palette). Stop, restart and remove ask first (netui.ui.container_dialogs); start,
pause and unpause lose nothing and run at once, their `docker` command shown in the
toast and kept in the action log. Writes go through `app.actions.perform(spec)` in a
worker; --read-only never offers them (app.check_action, WRITE_ACTIONS).
"""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING, cast

from textual import work
from textual.dom import DOMNode

from netui.engine.container_specs import (
    ContainerSpec,
    PauseSpec,
    RemoveContainerSpec,
    RestartSpec,
    StartSpec,
    StopSpec,
    UnpauseSpec,
    spec_for,
    toggle_pause,
    toggle_running,
)
from netui.engine.model import Container
from netui.engine.specs import command_text
from netui.ui.toast import toast

if TYPE_CHECKING:
    from netui.engine.shell import ShellPlan


class ContainerActionsMixin:
    """Mixed into ExplorerScreen: `self` is the screen (snapshot, containers, app)."""

    @property
    def screen_node(self) -> DOMNode:
        return cast(DOMNode, self)

    # -- which container -------------------------------------------------------------------
    def action_target(self, quiet: bool = False) -> Container | None:
        """The container an action applies to: the one the details follow (containers or
        ports pane), else the containers pane's highlighted row."""
        snap = self.snapshot  # type: ignore[attr-defined]
        c = self.highlighted_container()  # type: ignore[attr-defined]
        if c is None and snap is not None:
            c = snap.container_by_id.get(self.containers.current_key or "")  # type: ignore[attr-defined]
        if c is None and not quiet:
            toast(self.screen_node, "Highlight a container in the containers pane first", severity="warning")
        return c

    # -- writes ---------------------------------------------------------------------------------
    def container_action(self, kind: type[ContainerSpec], c: Container | None = None) -> None:
        """Do `kind` on the container (the highlighted one by default): ask first for stop,
        restart and remove; at once for the others. Why it cannot be done is a toast."""
        from netui.ui import container_dialogs
        from netui.ui.screens.confirm_screen import ConfirmScreen

        snap = self.snapshot  # type: ignore[attr-defined]
        c = c or self.action_target()
        if c is None or snap is None:
            return
        spec = spec_for(kind, c, snap)
        why = spec.problem(c)
        if why:
            toast(self.screen_node, why, title=f"docker {kind.VERB}", severity="warning")
            return
        if kind in container_dialogs.CONFIRMED:
            self.app.push_screen(ConfirmScreen(container_dialogs.container_action(snap, kind, c.id), snap))  # type: ignore[attr-defined]
        else:
            self._perform_now(spec)

    @work(thread=True, group="container-action", exit_on_error=False, description="container action")
    def _perform_now(self, spec: ContainerSpec) -> None:
        from netui.engine.client import explain

        app = self.app  # type: ignore[attr-defined]
        cmd = command_text(spec.argv())
        try:
            if app.actions is None:
                raise PermissionError("netui is read-only: nothing may change the engine")
            result = app.actions.perform(spec)
        except Exception as exc:
            message = str(exc) if isinstance(exc, PermissionError) else str(explain(exc, ""))
            app.call_from_thread(toast, self, f"$ {cmd}\n{message}", title="Not done", severity="error", timeout=8)
            return
        app.call_from_thread(toast, self, f"$ {cmd}\n{result}", title="Done", timeout=4)

    def action_stop_container(self) -> None:
        self.container_action(StopSpec)

    def action_start_container(self) -> None:
        self.container_action(StartSpec)

    def action_restart_container(self) -> None:
        self.container_action(RestartSpec)

    def action_pause_container(self) -> None:
        self.container_action(PauseSpec)

    def action_unpause_container(self) -> None:
        self.container_action(UnpauseSpec)

    def action_remove_container(self) -> None:
        self.container_action(RemoveContainerSpec)

    def action_toggle_running(self) -> None:
        c = self.action_target()
        if c is not None:
            self.container_action(toggle_running(c), c)

    def action_toggle_pause(self) -> None:
        c = self.action_target()
        if c is not None:
            self.container_action(toggle_pause(c), c)

    # -- the menu ----------------------------------------------------------------------------------
    def action_container_actions(self) -> None:
        from netui.ui.screens.container_menu_screen import ContainerMenuScreen

        c = self.action_target()
        if c is None or self.snapshot is None:  # type: ignore[attr-defined]
            return
        allowed = {a for a in ContainerMenuScreen.ACTIONS if self.app.check_action(a, ())}  # type: ignore[attr-defined]
        self.app.push_screen(ContainerMenuScreen(self.snapshot, c, allowed), self._menu_chosen)  # type: ignore[attr-defined]

    def _menu_chosen(self, action: str | None) -> None:
        if action and self.app.check_action(action, ()):  # type: ignore[attr-defined]
            getattr(self, f"action_{action}")()

    # -- logs ------------------------------------------------------------------------------------------
    def action_container_logs(self) -> None:
        from netui.engine.logs import LogFollower
        from netui.ui.screens.logs_screen import LogsScreen

        c = self.action_target()
        engine = self.app.source.engine  # type: ignore[attr-defined]
        if c is None or self.snapshot is None:  # type: ignore[attr-defined]
            return
        if engine is None:
            toast(self.screen_node, "Logs need a live engine", severity="warning")
            return
        self.app.push_screen(LogsScreen(self.snapshot, c, LogFollower(engine, c.id, c.name)))  # type: ignore[attr-defined]

    # -- shell -------------------------------------------------------------------------------------------
    def action_container_shell(self) -> None:
        from netui.engine.shell import not_possible

        c = self.action_target()
        if c is None:
            return
        if self.app.source.engine is None:  # type: ignore[attr-defined]
            toast(self.screen_node, "A shell needs a live engine", severity="warning")
            return
        why = not_possible(c)
        if why:
            toast(self.screen_node, why, title="No shell", severity="warning")
            return
        toast(self.screen_node, f"Opening a shell in {c.name}…", timeout=2)
        self._plan_shell(c)

    @work(thread=True, exclusive=True, group="shell", exit_on_error=False, description="prepare a shell")
    def _plan_shell(self, c: Container) -> None:
        from netui.engine.client import explain
        from netui.engine.shell import plan_shell

        app = self.app  # type: ignore[attr-defined]
        try:
            plan = plan_shell(app.source.engine, c, app.probe_image_name)
        except Exception as exc:
            app.call_from_thread(toast, self, str(explain(exc, "")), title="No shell", severity="error", timeout=8)
            return
        app.call_from_thread(self.run_shell, plan)

    def run_shell(self, plan: ShellPlan) -> int | None:
        """Run the shell with the app suspended (the terminal is the shell's), then come back.
        Returns its exit status, or None when the app cannot be suspended here."""
        from textual.app import SuspendNotSupported

        app = self.app  # type: ignore[attr-defined]
        app.action_log.add(plan.command, True, "shell opened" + (" (the probe image's, beside it)" if plan.fallback else ""))
        try:
            with app.suspend():
                print(f"\x1b[H\x1b[2Jnetui: $ {plan.command}\nnetui: {plan.note}\n", flush=True)
                try:
                    code = subprocess.run(list(plan.argv), check=False).returncode
                except OSError as exc:
                    print(f"netui: cannot run docker: {exc}", flush=True)
                    code = 127
        except SuspendNotSupported:
            toast(self.screen_node, f"This terminal cannot hand over to a shell: run it yourself:\n$ {plan.command}",
                  title="No shell", severity="warning", timeout=10)
            return None
        app.refresh_now()  # what the shell did to the engine shows at once
        toast(self.screen_node, f"Back from the shell in {plan.container} (exit status {code})", timeout=4)
        return code


class ComposeKeysMixin:
    """Mixed into ExplorerScreen: `C`, the compose projects; Enter there filters to one."""

    @property
    def screen_node(self) -> DOMNode:
        return cast(DOMNode, self)

    def action_compose_projects(self) -> None:
        from netui.ui.screens.projects_screen import ProjectsScreen

        snap = self.snapshot  # type: ignore[attr-defined]
        if snap is None:
            toast(self.screen_node, "Nothing to show yet: the engine has not answered", severity="warning")
            return
        c = self.action_target(quiet=True)  # type: ignore[attr-defined]
        net = snap.network_by_id.get(self.selected_network or "")  # type: ignore[attr-defined]
        select = (c.compose_project if c is not None else "") or (net.compose_project if net is not None else "")
        self.app.push_screen(ProjectsScreen(snap, select), self._project_chosen)  # type: ignore[attr-defined]

    def _project_chosen(self, name: str | None) -> None:
        if name:
            self.filter_project(name)

    def filter_project(self, name: str) -> None:
        """Show only this compose project: its networks, and its containers wherever they are."""
        self.set_filter(f"project:{name}")  # type: ignore[attr-defined]
