"""The status line: engine, connection state, last update, counts."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from rich.text import Text
from textual.widget import Widget

from netui.text import clean

STATES = {
    "connecting": ("◌ connecting", "yellow"),
    "live": ("● live", "green"),
    "reconnecting": ("◌ reconnecting", "yellow"),
    "disconnected": ("✖ disconnected", "bold red"),
    "replay": ("▣ replay", "cyan"),
}


@dataclass(frozen=True)
class Status:
    state: str = "connecting"
    engine: str = ""
    updated: float = 0.0
    stale: bool = False
    detail: str = ""
    networks: int = 0
    containers: int = 0
    filter: str = ""
    read_only: bool = False
    others: tuple[tuple[str, str], ...] = ()  # the other engines watched: (label, state)
    problems: int = 0  # the doctor's findings (! lists them)
    warnings: int = 0


class StatusBar(Widget):
    """One line, fixed size: a change repaints it without a layout pass (a Static's
    update would re-lay-out the whole screen on every snapshot)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status()
        self._text = self.render_status(self.status)

    def render(self) -> Text:
        return self._text

    def show(self, status: Status) -> None:
        """Show this status as it is (e.g. another screen's, to start from)."""
        self.status = status
        self._text = self.render_status(status)
        self.refresh()

    def set(self, **changes) -> None:
        new = replace(self.status, **changes)
        if new != self.status:
            self.status = new
            self._text = self.render_status(new)
            self.refresh()

    @staticmethod
    def render_status(s: Status) -> Text:
        label, style = STATES.get(s.state, (s.state, ""))
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(f" {label}", style=style)
        if s.updated:
            t.append(" " + time.strftime("%H:%M:%S", time.localtime(s.updated)), style="dim")
        if s.stale:
            t.append("  STALE: last topology seen", style="bold red")
        if s.detail:
            t.append("  " + clean(s.detail), style="red" if s.state == "disconnected" else "dim")
        t.append(f"  {s.networks} networks, {s.containers} containers", style="")
        if s.problems or s.warnings:
            t.append("  ")
            if s.problems:
                t.append(f"✖ {s.problems} problem{'s' if s.problems != 1 else ''}", style="bold red")
            if s.problems and s.warnings:
                t.append(" ")
            if s.warnings:
                t.append(f"⚠ {s.warnings} warning{'s' if s.warnings != 1 else ''}", style="bold yellow")
            t.append(" (!)", style="dim")
        if s.filter:
            t.append("  filter: ", style="dim")
            t.append(clean(s.filter, 40), style="bold yellow")
        if s.read_only:
            t.append("  READ-ONLY", style="bold cyan")
        if s.others:
            t.append(f"  ·  {len(s.others) + 1} engines (e): ", style="dim")
            for i, (label, state) in enumerate(s.others):
                mark, mark_style = STATES.get(state, (state, ""))
                t.append(", " if i else "", style="dim")
                t.append(clean(label.split(" · ")[0], 40), style="dim")
                t.append(" " + mark.split(" ")[0], style=mark_style)
            t.append("  this one:", style="dim")
        if s.engine:
            t.append("  ·  " + clean(s.engine), style="dim")
        return t
