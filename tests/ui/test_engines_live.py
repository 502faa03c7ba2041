"""Two engines in one netui: each read by its own workers; one stopped mid-session
keeps the other live; `e` switches between them."""

from __future__ import annotations

from netui.engine.source import EngineSource
from netui.ui.app import NetuiApp
from netui.ui.screens.engine_screen import EngineScreen
from tests.engine.test_engines import Engine2
from tests.helpers import screen_text, wait_for


async def test_one_engine_stopping_never_stalls_the_other(engine, lab, private_dockerd):
    url, _start, stop = private_dockerd
    other = Engine2(url)
    try:
        nid_b = other.network("on-b")
        app = NetuiApp([EngineSource(), EngineSource(url)])
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: all(c.state == "live" for c in app.connections), timeout=15, what="both live")
            assert "2 engines (e)" in screen_text(app)
            # e: the list, then the second engine's topology.
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, EngineScreen))
            await pilot.press("down", "enter")
            await wait_for(pilot, lambda: app.connection is app.connections[1] and nid_b in app.explorer.networks.keys,
                           what="the second engine shown")
            await pilot.press("e")
            await wait_for(pilot, lambda: isinstance(app.screen, EngineScreen))
            await pilot.press("up", "enter")
            await wait_for(pilot, lambda: app.connection is app.connections[0] and nid_b not in app.explorer.networks.keys)
            # The second engine goes away: the first stays live and keeps following changes.
            stop()
            await wait_for(pilot, lambda: app.connections[1].state in ("disconnected", "reconnecting"), timeout=10,
                           what="the second engine seen gone")
            assert app.state == "live"
            late = lab.network("while-b-is-down")
            await wait_for(pilot, lambda: late in app.explorer.networks.keys, timeout=5, what="a change on the first engine")
            assert "✖" in screen_text(app).splitlines()[0] or "◌" in screen_text(app).splitlines()[0]
    finally:
        other.engine.close()  # what it made goes with the private engine's data root (the fixture)
