"""The networks pane: one row per network."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.binding import Binding

from netui.engine.model import Network, Snapshot
from netui.ui.cells import cell, joined
from netui.ui.widgets.keyed_table import Column, KeyedTable, ip_sort, number_sort


class NetworksTable(KeyedTable):
    COLUMNS = (
        Column("name", "Network"),
        Column("driver", "Driver"),
        Column("scope", "Scope"),
        Column("subnet", "Subnet", ip_sort),
        Column("gateway", "Gateway", ip_sort),
        Column("containers", "Ctrs", number_sort),
        Column("flags", "Flags"),
        Column("project", "Compose"),
    )

    BINDINGS = [
        Binding("enter", "drill", "Containers", tooltip="go to this network's containers"),
        Binding("c", "screen.connect_container", "Connect", tooltip="connect a container to this network"),
        Binding("d", "screen.remove_network", "Remove", tooltip="remove this network (asks first; protects the builtins)"),
        Binding("R", "screen.run_container", "Run here", show=False, tooltip="run a new container on this network"),
        Binding("m", "screen.matrix", "Matrix", tooltip="connectivity matrix: every pair of its containers, by name"),
    ]

    def action_drill(self) -> None:
        self.screen.action_focus_pane("containers")  # type: ignore[attr-defined]

    @staticmethod
    def row(snap: Snapshot, n: Network) -> tuple[Text, ...]:
        name = cell(n.name, "bold" if not n.builtin else "")
        flags = list(n.flags)
        if n.builtin:
            flags.insert(0, "builtin")
        if n.is_default_bridge:
            flags.append("no DNS")
        flags += list(_swarm_flags(snap, n))
        flag_text = Text(no_wrap=True, overflow="ellipsis")
        for i, f in enumerate(flags):
            if i:
                flag_text.append(" ")
            flag_text.append(f, style="yellow" if f in ("internal", "no DNS") else "cyan" if f == "builtin" else "")
        return (
            name,
            cell(n.driver),
            cell(n.scope),
            joined(n.subnets),
            joined(snap.gateways_of(n)),
            cell(str(snap.container_count(n.id)), "bold" if snap.container_count(n.id) else "dim"),
            flag_text,
            cell(n.compose_project, "magenta"),
        )

    def show(self, snap: Snapshot, networks: tuple[Network, ...], flash: bool = True) -> None:
        self.sync(self.cached_rows(
            (n.id, (n, snap.gateways_of(n), snap.container_count(n.id), _swarm_flags(snap, n)), partial(self.row, snap, n))
            for n in networks
        ), flash=flash)
        count = len(networks)
        total = len(snap.networks)
        self.set_titles(f"Networks ({count})" if count == total else f"Networks ({count} of {total})",
                        "Ctrs: containers using it, sharers of a member's stack included")


def _swarm_flags(snap: Snapshot, n: Network) -> tuple[str, ...]:
    """A swarm network: how many services use it, and how many of their tasks run elsewhere."""
    if snap.swarm is None or n.scope != "swarm":
        return ()
    services = snap.swarm.services_on(n.id)
    if not services:
        return ()
    remote = sum(1 for s in services for t in s.tasks if not t.local)
    out = [f"{len(services)} svc"]
    if remote:
        out.append(f"+{remote} elsewhere")
    return tuple(out)
