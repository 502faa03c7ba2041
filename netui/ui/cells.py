"""Building table cells from engine strings: always `Text`, never markup."""

from __future__ import annotations

from rich.text import Text

from netui.text import clean

CELL_LIMIT = 48  # a table cell shows at most this many characters; the details pane shows all

STATE_STYLES = {
    "running": "green",
    "paused": "yellow",
    "restarting": "yellow",
    "created": "dim",
    "exited": "red",
    "dead": "red",
    "removing": "dim",
}


def cell(value: object, style: str = "", limit: int | None = CELL_LIMIT) -> Text:
    return Text(clean(value, limit), style=style, no_wrap=True, overflow="ellipsis")


def joined(values, style: str = "", limit: int | None = CELL_LIMIT) -> Text:
    return cell(", ".join(clean(v) for v in values if v), style, limit)


def state_cell(state: str) -> Text:
    return cell(state or "?", STATE_STYLES.get(state, ""))


def note(value: str) -> Text:
    """A cell that explains rather than reports (host stack, via, no DNS)."""
    return cell(value, "italic dim")
