"""The compose part of the details pane: whose network this is, which service names resolve
on it, who cannot reach whom (netui.engine.compose says it; this styles it)."""

from __future__ import annotations

from rich.text import Text

from netui.engine import compose
from netui.engine.model import Container, Network, Snapshot
from netui.text import clean


def _block(title: str, lines: list[str]) -> list[Text]:
    if not lines:
        return []
    out = [Text(f"\n{title}", style="bold underline")]
    for line in lines:
        warn = "cannot reach" in line or "shares no network" in line
        out.append(Text("  • " + clean(line), style="yellow" if warn else ""))
    return out


def network_blocks(snap: Snapshot, net: Network) -> list[Text]:
    return _block("Compose", compose.explain_network(snap, net))


def container_blocks(snap: Snapshot, c: Container) -> list[Text]:
    if not c.compose_project:
        return []
    return _block("Compose", compose.explain_container(snap, c))  # project and service: the Compose row above
