"""The matrix screen lists what the engine tests, with notes: a paused member, a
container sharing another's stack, a stopped one left out (real engine)."""

from __future__ import annotations

import pytest

from netui.engine.source import EngineSource
from netui.ui.app import NetuiApp
from netui.ui.screens.matrix_screen import MatrixScreen
from tests.helpers import loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


async def test_matrix_screen_notes_paused_shared_and_stopped_members(engine, lab):
    nid = lab.network("notes")
    a = lab.container("a", lab.image, networks=[lab.name("notes")])
    lab.container("b", lab.image, networks=[lab.name("notes")])
    frozen = lab.container("frozen", lab.image, networks=[lab.name("notes")])
    lab.container("side", lab.image, network_mode=f"container:{a}")
    lab.container("gone", lab.image, networks=[lab.name("notes")], start=False)
    engine.api.pause(frozen)
    app = NetuiApp(EngineSource())
    try:
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            await select_network(pilot, nid)
            await pilot.press("m")
            assert isinstance(app.screen, MatrixScreen)
            # From a and b to the two others each: nothing runs in the paused one.
            await wait_for(pilot, lambda: "done: 4 / 4 pairs" in screen_text(app), timeout=30, what="the matrix")
            text = screen_text(app)
            assert f"{lab.name('frozen')}: paused" in text and "unpause it" in text
            assert f"{lab.name('side')} shares its network stack" in text
            assert "not in the table:" in text and f"{lab.name('gone')} (created" in text
            assert "2 ok" in text and "2 paused" in text
            table = app.screen.query_one("#matrix-table")
            assert len(table.rows) == 3  # a, b, frozen: the sharer is a's endpoint, not a row
            await pilot.press("escape")
    finally:
        engine.api.unpause(frozen)
