"""The guided tour (T), at 80x24 and 160x48, on the recorded topology (which holds the demo
world): its panel beside the panes (wide) or below them (narrow), the step's rows
highlighted and in view; and with the map in place of the panes. A replay is read-only:
the tour explains and shows the commands, and the facts come from the recording."""

from __future__ import annotations

import pytest

from netui.engine.tour_steps import World
from tests.helpers import loaded, replay_app, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


def tour_app():
    app = replay_app()
    # The compose lookup is this machine's: fixed, so the pictures do not depend on it.
    app.tour_world = World(compose=("docker-compose",), compose_known=True)
    return app


async def open_tour(pilot) -> None:
    await loaded(pilot)
    await pilot.press("T")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "TourScreen")
    await pilot.pause(0.2)


@pytest.mark.parametrize("size", SIZES)
def test_tour_step(snap_compare, size):
    """Step 7: connecting gateway to a second network, its rows highlighted."""
    assert snap_compare(tour_app(), press=["right"] * 6, terminal_size=size, run_before=open_tour)


@pytest.mark.parametrize("size", SIZES)
def test_tour_on_the_map(snap_compare, size):
    """Step 4 with the map (v): container1 selected."""
    assert snap_compare(tour_app(), press=["right"] * 3 + ["v"], terminal_size=size, run_before=open_tour)
