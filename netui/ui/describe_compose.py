"""The compose part of the details pane: whose network this is, which service names resolve
on it, who cannot reach whom (netui.engine.compose says it; this styles it)."""

from __future__ import annotations

from rich.text import Text

from netui.engine import compose
from netui.engine.model import Container, Network, Snapshot
from netui.text import clean


def _block(title: str, lines: list[str]) -> list:
    from netui.ui.describe import KV  # describe imports this module

    if not lines:
        return []
    kv = KV()
    for line in lines:
        warn = "cannot reach" in line or "shares no network" in line
        kv.add_row(Text("  •"), Text(clean(line), style="yellow" if warn else ""))  # wrapped lines hang under the text
    return [Text(f"\n{title}", style="bold underline"), kv]


def network_blocks(snap: Snapshot, net: Network) -> list:
    return _block("Compose", compose.explain_network(snap, net))


def container_blocks(snap: Snapshot, c: Container) -> list:
    if not c.compose_project:
        return []
    return _block("Compose", compose.explain_container(snap, c))  # project and service: the Compose row above
