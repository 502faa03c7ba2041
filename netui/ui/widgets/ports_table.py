"""The ports pane: published ports of the highlighted network's containers, or of all."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message

from netui.engine.client import explain
from netui.engine.model import Container, Port, Snapshot
from netui.text import clean
from netui.ui.cells import cell
from netui.ui.toast import toast
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
        Binding("t", "screen.probe_port", "Test", tooltip="connect to this published port from this machine (HTTP status too)"),
    ]

    @dataclass
    class ScopeToggled(Message):
        """The pane now shows every published port, or this network's only."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.show_all = False

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.post_message(self.ScopeToggled())

    def check(self, prober, snap: Snapshot, c: Container, port: Port) -> None:
        """`t`: connect to a published port from this machine; the answer comes as a toast."""
        if port.protocol != "tcp":
            toast(self, f"{port.protocol} ports cannot be checked with a TCP connect", severity="warning")
            return
        toast(self, f"Connecting to {port.host_address} from this machine…", timeout=2)
        self._check(prober, snap, c, port)

    @work(thread=True, group="port-check", exit_on_error=False, description="check a published port")
    def _check(self, prober, snap: Snapshot, c: Container, port: Port) -> None:
        try:
            r = prober.host_port(snap, c, port)
        except Exception as exc:
            self.app.call_from_thread(toast, self, str(explain(exc, "")), title="Port check failed", severity="error")
            return
        check = r.checks[0]
        severity = "information" if check.status == "ok" else "error"
        self.app.call_from_thread(toast, self, f"{check.summary}\n$ {check.command}", title="Host → published port",
                                  severity=severity, timeout=8)

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
            (port_key(c, p), (c.name, p, (p.host_port, p.protocol) in snap.host_port_clashes), partial(self.row, snap, c, p))
            for c in source for p in c.published_ports
        )
        self.sync(rows, flash=flash)
        scope = "all containers" if self.show_all or network_name is None else clean(network_name, 60)
        self.set_titles(
            Text.assemble("Published ports · ", (scope, "bold"), f" ({len(rows)})"),
            "a: this network only" if self.show_all else "a: all ports",
        )
