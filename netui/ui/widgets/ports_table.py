"""The ports pane: published ports of the highlighted network's containers, or of all."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from netui.engine.model import Container, Port, Snapshot
from netui.text import clean
from netui.ui.cells import cell
from netui.ui.widgets.keyed_table import Column, KeyedTable, ip_sort, number_sort


def port_key(c: Container, p: Port) -> str:
    return f"{c.id}|{p.host_ip}|{p.host_port}|{p.container_port}|{p.protocol}"


class PortsTable(KeyedTable):
    COLUMNS = (
        Column("host", "Host address", ip_sort),
        Column("target", "→ Container port", number_sort),
        Column("container", "Container"),
        Column("note", "Note"),
    )

    BINDINGS = [
        Binding("a", "toggle_all", "All ports", tooltip="toggle: this network's published ports / every published port"),
        Binding("t", "app.probe_port", "Test", tooltip="connect to this published port from this machine (HTTP status too)"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.show_all = False

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.app.refresh_view(flash=False)  # type: ignore[attr-defined]

    @staticmethod
    def row(snap: Snapshot, c: Container, p: Port) -> tuple[Text, ...]:
        notes = Text(no_wrap=True)
        if (p.host_port, p.protocol) in snap.host_port_clashes:
            notes.append("⚠ another binding uses this host port ", style="bold red")
        if p.all_interfaces:
            notes.append("⚠ all interfaces: reachable beyond localhost", style="yellow")
        else:
            notes.append("this address only", style="dim")
        return (cell(p.host_address, "bold"), cell(p.container_side), cell(c.name), notes)

    def show(self, snap: Snapshot, containers: tuple[Container, ...], network_name: str | None, flash: bool = True) -> None:
        self.set_scope("all" if self.show_all else network_name)
        source = snap.containers if self.show_all else containers
        rows = self.cached_rows(
            (port_key(c, p), (c.name, p, (p.host_port, p.protocol) in snap.host_port_clashes), lambda c=c, p=p: self.row(snap, c, p))
            for c in source for p in c.published_ports
        )
        self.sync(rows, flash=flash)
        scope = "all containers" if self.show_all or network_name is None else clean(network_name, 60)
        self.set_titles(
            Text.assemble("Published ports · ", (scope, "bold"), f" ({len(rows)})"),
            "a: this network only" if self.show_all else "a: all ports",
        )
