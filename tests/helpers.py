"""Helpers for driving the real app under Pilot."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from pathlib import Path

from netui.engine.source import EngineSource, ReplaySource
from netui.ui.app import NetuiApp

DATA = Path(__file__).parent / "data"
TOPOLOGY = DATA / "topology.json"


def replay_app(**kwargs) -> NetuiApp:
    """The real app on the recorded topology: stable ids and times for snapshots."""
    return NetuiApp(ReplaySource(TOPOLOGY), **kwargs)


def live_app(host: str | None = None, **kwargs) -> NetuiApp:
    """The real app on the real engine (DOCKER_HOST / context, or `host`)."""
    return NetuiApp(EngineSource(host), **kwargs)


async def select_network(pilot, nid: str) -> None:
    """Wait for a network in the table, then highlight it with the networks pane focused."""
    app = pilot.app
    await wait_for(pilot, lambda: nid in app.explorer.networks.keys, what="the network in the table")
    app.explorer.networks.select_key(nid)
    app.explorer.networks.focus()
    await pilot.pause(0.05)


async def wait_for(pilot, predicate: Callable[[], object], timeout: float = 5.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


async def loaded(pilot) -> None:
    """Wait until the app shows a topology and has nothing left to do."""
    await wait_for(pilot, lambda: pilot.app.snapshot is not None, what="a snapshot")
    # The doctor checks each snapshot in a worker: its count is on the status line.
    await wait_for(pilot, lambda: getattr(pilot.app, "findings_snapshot", None) is pilot.app.snapshot, what="the doctor's check")
    await pilot.pause(0.1)
    await pilot.wait_for_scheduled_animations()


def screen_text(app) -> str:
    """What the screen shows, as text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    parts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    return html.unescape("".join(parts)).replace("\xa0", " ")
