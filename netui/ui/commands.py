"""The command palette (Ctrl+P): every explorer action by name.

Each command runs the explorer screen's action, through `check_action` like a key
would: in --read-only no write is listed, in a replay no probe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

from netui.ui.widgets.containers_table import ContainersTable
from netui.ui.widgets.keyed_table import KeyedTable
from netui.ui.widgets.networks_table import NetworksTable
from netui.ui.widgets.ports_table import PortsTable

if TYPE_CHECKING:
    from netui.ui.app import NetuiApp

# (title, help, the explorer's action, its key)
EXPLORER_COMMANDS = (
    ("Refresh now", "Read the whole topology from the engine again", "refresh", "r"),
    ("Filter", "Filter by name, subnet, IP, MAC, alias or label", "filter", "/"),
    ("Toggle all published ports", "Ports of this network or of every container", "toggle_all_ports", "a in the ports pane"),
    ("Action log", "What netui changed, as docker commands", "show_log", "L"),
    ("Problems", "What is wrong with this setup, why, and the fix (netui doctor)", "problems", "!"),
    ("Test connectivity from this container", "DNS, ping and TCP to a target", "probe_container", "t in the containers pane"),
    ("Check the published port from the host", "TCP connect and HTTP status from this machine", "probe_port", "t in the ports pane"),
    ("Connectivity matrix of this network", "Every pair of its containers, by name", "matrix", "m"),
    ("Probe history", "Every probe of this session, with raw output", "probe_history", "H"),
    ("Create network", "A new network, validated before it is sent", "create_network", "n"),
    ("Connect a container", "Connect a container to the highlighted network", "connect_container", "c"),
    ("Disconnect container", "Disconnect the highlighted container from this network", "disconnect_container", "x"),
    ("Remove network", "Remove the highlighted network, asking first", "remove_network", "d"),
    ("Prune unused networks", "Remove user networks no container uses, asking first", "prune_networks", "P"),
    ("Run a container here", "Start a container on the highlighted network", "run_container", "R"),
    ("Topology map", "Who reaches whom, through which network, what is exposed", "map", "v"),
    ("Engines", "The engines netui watches: switch to another", "switch_engine", "e"),
    ("Container actions", "Every action on the highlighted container, with its docker command", "container_actions", "a in the containers pane"),
    ("Container logs", "The last lines, then live: docker logs --follow", "container_logs", "l in the containers pane"),
    ("Shell in the container", "docker exec -it … sh, netui suspended until you exit", "container_shell", "$ in the containers pane"),
    ("Stop container", "docker stop, asking first", "stop_container", "o in the containers pane"),
    ("Start container", "docker start", "start_container", "o in the containers pane"),
    ("Restart container", "docker restart, asking first", "restart_container", "O in the containers pane"),
    ("Pause container", "docker pause: freeze its processes", "pause_container", "p in the containers pane"),
    ("Unpause container", "docker unpause", "unpause_container", "p in the containers pane"),
    ("Remove container", "docker rm, asking first and listing what it is attached to", "remove_container", "d in the containers pane"),
    ("Compose projects", "Services, their names on each network, projects that cannot reach each other", "compose_projects", "C"),
    ("Guided tour", "Docker networking step by step on the demo world: explained, performed, verified", "tour", "T"),
)
PANES = ("networks", "containers", "ports", "details")


def system_commands(app: NetuiApp, screen: Screen) -> Iterable[SystemCommand]:
    yield SystemCommand("Toggle light / dark theme", "Switch between textual-light and textual-dark", app.action_toggle_dark)
    explorer = app.explorer
    if screen is not explorer:
        return  # the panes' commands act on the panes: not from the map or a dialog over them
    yield SystemCommand("Clear filter", "Show everything again (Esc)", lambda: explorer.set_filter(""))
    yield SystemCommand("Show keys", "Every key binding (?)", app.action_help)
    for title, text, action, key in EXPLORER_COMMANDS:
        if app.check_action(action, ()):
            yield SystemCommand(title, f"{text} ({key})", getattr(explorer, f"action_{action}"))
    if app.snapshot is not None:
        from netui.engine.compose import projects

        for project in projects(app.snapshot):
            yield SystemCommand(f"Filter to compose project {project.name}",
                                f"Its networks, and its containers wherever they are (/ project:{project.name})",
                                lambda n=project.name: explorer.filter_project(n))
    for name in PANES:
        yield SystemCommand(f"Go to {name}", f"Focus the {name} pane", lambda n=name: explorer.action_focus_pane(n))
    for title, table in (("networks", NetworksTable), ("containers", ContainersTable), ("ports", PortsTable)):
        for i, col in enumerate(table.COLUMNS):
            yield SystemCommand(
                f"Sort {title} by {col.label.lower()}", f"Order the {title} pane by this column (s cycles)",
                lambda t=title, i=i: explorer.query_one(f"#{t}", KeyedTable).sort_by(i, False),
            )
