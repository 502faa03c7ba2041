"""The problems view and "why not?" on the real engine: a lab scenario like the demo's
(an isolated container, a port on all interfaces, one on an internal network), the fix
applied from the probe dialog, the probe run again, and the fix undone with x in the
explorer's containers pane."""

from __future__ import annotations

import pytest

from netui.engine.source import EngineSource
from netui.ui.app import NetuiApp
from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.probe_screen import ProbeScreen
from netui.ui.screens.problems_screen import ProblemsScreen
from tests.helpers import loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


async def test_why_not_fix_probe_again_and_undo_with_x(engine, lab):
    app_net = lab.network("app")
    lab.network("island")
    fe = lab.container("frontend", lab.image, networks=[lab.name("app")])
    loner = lab.container("loner", lab.image, networks=[lab.name("island")])
    app = NetuiApp(EngineSource())
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await select_network(pilot, app_net)
        await wait_for(pilot, lambda: fe in app.explorer.containers.keys)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(fe)
        await pilot.press("t")
        assert isinstance(app.screen, ProbeScreen)
        probe = app.screen
        await pilot.press(*lab.name("loner"), "enter")
        await wait_for(pilot, lambda: "Why not?" in screen_text(app), timeout=20, what="the why")
        text = screen_text(app)
        assert f"{lab.name('frontend')} and {lab.name('loner')} share no network" in text
        assert f"$ docker network connect {lab.name('app')} {lab.name('loner')}" in text
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is probe, timeout=10)
        await wait_for(pilot, lambda: "Verdict: reachable by name" in screen_text(app), timeout=30, what="the probe after the fix")
        assert f"docker network connect {lab.name('app')} {lab.name('loner')}" in app.action_log.text()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ProbeScreen))
        # x in the containers pane undoes it.
        await wait_for(pilot, lambda: loner in app.explorer.containers.keys, timeout=10)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(loner)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: loner not in app.explorer.containers.keys, timeout=10, what="loner off the network again")
        assert engine.api.inspect_container(loner)["NetworkSettings"]["Networks"].keys() == {lab.name("island")}


async def test_the_problems_view_on_the_engine_and_its_fix(engine, lab):
    lab.network("inner", internal=True)
    hidden = lab.container("hidden", lab.image, ["httpd", "-f", "-h", "/var/www", "-p", "80"], networks=[lab.name("inner")],
                           ports={"80/tcp": ("127.0.0.1", None)})
    lab.container("wide", lab.image, ports={"80/tcp": None})
    app = NetuiApp(EngineSource())
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        mine = lambda: [f for f in app.findings if any(s.name.startswith(lab.prefix) for s in f.subjects)]  # noqa: E731
        await wait_for(pilot, lambda: {f.check for f in mine()} >= {"internal-ports", "port-all-interfaces", "default-bridge"},
                       timeout=10, what="the doctor's findings about this test's containers")
        assert app.explorer.status.status.problems >= 1
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        screen = app.screen
        target = next(f for f in mine() if f.check == "internal-ports")
        ol = screen.query_one("#problems-list")
        ol.highlighted = [f.ident for f in screen.findings].index(target.ident)
        await wait_for(pilot, lambda: app.explorer.containers.current_key == hidden, what="the container selected behind")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert f"$ docker network connect bridge {lab.name('hidden')}" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen, timeout=10)
        await wait_for(pilot, lambda: not any(f.check == "internal-ports" for f in mine()), timeout=15, what="re-checked")
        listed = engine.api.containers(filters={"id": [hidden]})[0]
        assert any(p.get("PublicPort") for p in listed["Ports"])
