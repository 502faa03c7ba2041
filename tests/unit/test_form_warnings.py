"""Warnings in the forms (issue 9 items 12 and 14): shown in yellow with ⚠, never blocking a submit;
a static address field is off where Docker takes none. On the recorded topology, no engine."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Button, Input, Static

from netui.engine.model import EngineInfo
from netui.ui.screens.connect_screen import ConnectScreen
from netui.ui.screens.create_network_screen import CreateNetworkScreen
from tests.helpers import loaded, replay_app, screen_text, wait_for

# An engine elsewhere: the form reads no routes of this machine.
REMOTE = EngineInfo(host="tcp://192.0.2.9:2376", name="elsewhere", network_drivers=("bridge", "macvlan"))


async def open_create(pilot) -> CreateNetworkScreen:
    screen = CreateNetworkScreen(pilot.app.snapshot, REMOTE)
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.host is not None, what="the host networking read")
    assert not screen.host.known
    return screen


async def test_a_warning_is_yellow_and_the_form_still_submits():
    app = replay_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        screen = await open_create(pilot)
        screen.query_one("#f-name", Input).value = "n9"
        screen.query_one("#f-subnet", Input).value = "8.8.8.0/24"
        await pilot.pause(0.05)
        line = screen.query_one("#err-subnet", Static)
        assert line.display
        shown = line.content
        assert isinstance(shown, Text) and shown.plain.startswith("⚠ 8.8.8.0/24 holds public addresses")
        assert "red" not in str(shown.spans[0].style) and "yellow" in str(shown.spans[0].style)
        await pilot.press("ctrl+s")
        # Sent: the replay has no engine, so the app answers it read-only; a blocked form would not have asked.
        await wait_for(pilot, lambda: "The engine refused: netui is read-only" in screen_text(app), what="the submit to go out")
        assert "to fix first" not in screen_text(app)
        assert not screen.query_one("#submit", Button).disabled


async def test_an_error_still_blocks_and_shows_beside_a_warning():
    app = replay_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        screen = await open_create(pilot)
        screen.query_one("#f-name", Input).value = "n9"
        screen.query_one("#f-subnet", Input).value = "127.9.0.0/24"
        screen.query_one("#f-options", Input).value = "com.docker.network.bridge.enable_ic=true"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "to fix first" in screen_text(app), what="the blocked submit")
        assert screen.query_one("#submit", Button).disabled
        assert screen.query_one("#err-subnet", Static).content.plain.startswith("✖ 127.9.0.0/24 is inside 127.0.0.0/8")
        assert screen.query_one("#err-options", Static).content.plain.startswith("⚠ com.docker.network.bridge.enable_ic")
        assert "The engine refused" not in screen_text(app)


async def test_the_default_bridge_offers_no_static_address_and_says_why():
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        bridge = next(n for n in app.snapshot.networks if n.is_default_bridge)
        screen = ConnectScreen(app.snapshot, bridge)
        await app.push_screen(screen)
        await pilot.pause(0.05)
        assert screen.query_one("#f-ipv4", Input).disabled and screen.query_one("#f-ipv6", Input).disabled
        assert "the default bridge takes no static address" in screen_text(app)
