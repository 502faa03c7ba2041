"""The probe screens through the UI, on a real engine."""

from __future__ import annotations

import pytest
from textual.widgets import Select

from netui.engine.source import EngineSource
from netui.ui.app import NetuiApp
from netui.ui.screens.matrix_screen import MatrixScreen
from netui.ui.screens.probe_history_screen import ProbeHistoryScreen
from netui.ui.screens.probe_screen import ProbeScreen
from tests.engine.test_probes import probe_labelled
from tests.helpers import loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


async def test_probe_matrix_and_port_through_the_ui(engine, lab, noping_image):
    nid = lab.network("front")
    iso = lab.network("island")
    lab.container("web", lab.image, ["httpd", "-f", "-h", "/var/www", "-p", "80"], networks=[lab.name("front")],
                        ports={"80/tcp": ("127.0.0.1", None)})
    cli = lab.container("cli", lab.image, networks=[lab.name("front")])
    lab.container("bare", noping_image, networks=[lab.name("front")])
    lab.container("hermit", lab.image, networks=[lab.name("island")])
    app = NetuiApp(EngineSource())
    async with app.run_test(size=(140, 44), notifications=True) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await wait_for(pilot, lambda: cli in app.explorer.containers.keys)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cli)
        # t: from cli to web, by name.
        await pilot.press("t")
        assert isinstance(app.screen, ProbeScreen)
        await pilot.press(*lab.name("web"), "enter")
        await wait_for(pilot, lambda: "Verdict: reachable by name" in screen_text(app), timeout=15, what="the verdict")
        text = screen_text(app)
        assert f"docker exec {lab.name('cli')} nslookup {lab.name('web')} 127.0.0.11" in text
        assert "port 80 open" in text
        # Then a container on another network: isolated, proved by IP.
        await pilot.press("ctrl+u", *lab.name("hermit"), "enter")
        await wait_for(pilot, lambda: "Verdict: isolated" in screen_text(app), timeout=15, what="isolated")
        # A bad target is refused before anything runs.
        await pilot.press("ctrl+u", *"bad host!", "enter")
        await wait_for(pilot, lambda: "not a valid host name" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ProbeScreen))

        # m: the matrix of the network, then with the island included.
        app.explorer.networks.focus()
        await pilot.press("m")
        assert isinstance(app.screen, MatrixScreen)
        await wait_for(pilot, lambda: "done: 6 / 6 pairs" in screen_text(app), timeout=20, what="the matrix")
        app.screen.query_one("#f-extra", Select).value = iso
        try:
            await wait_for(pilot, lambda: "done: 12 / 12 pairs" in screen_text(app), timeout=30, what="the matrix with the island")
        except AssertionError:
            # Seen twice, never reproduced alone: leave what was on screen in the log.
            print(screen_text(app), f"\nmatrix running: {app.screen.running is not None}, "
                  f"extra: {app.screen.query_one('#f-extra', Select).value!r}, workers: {list(app.workers)}")
            raise
        assert "6 isolated" in screen_text(app) and "6 ok" in screen_text(app)
        await pilot.press("escape")

        # t on the published port: from this machine to 127.0.0.1.
        app.explorer.ports.focus()
        await wait_for(pilot, lambda: len(app.explorer.ports.keys) == 1)
        await pilot.press("t")
        await wait_for(pilot, lambda: "HTTP/1.1 200 OK" in screen_text(app), timeout=10, what="the HTTP status line")

        # H: the history holds them all.
        await pilot.press("H")
        assert isinstance(app.screen, ProbeHistoryScreen)
        assert len(app.prober.history) >= 3
        await pilot.press("escape")
    # No probe container outlives the app (bare needed one for the matrix).
    assert probe_labelled(engine, lab) == []
