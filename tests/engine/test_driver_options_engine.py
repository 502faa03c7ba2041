"""The engine's refusals of driver options, in plain words with its own kept (issue 9 item 13)."""

from __future__ import annotations

import pytest

from netui.engine.actions import Actions
from netui.engine.client import EngineError
from netui.engine.hostnet import read_host_networking
from netui.engine.specs import NetworkSpec, blocking
from netui.engine.validation import validate_network
from netui.ui.screens.create_network_screen import CreateNetworkScreen
from tests.engine.subnets import snapshot
from tests.helpers import live_app, loaded, screen_text, wait_for

pytestmark = pytest.mark.engine


def test_engine_refusals_of_bridge_options_come_in_plain_words(engine, lab):
    a = Actions(engine)
    cases = [
        ("com.docker.network.bridge.name=netuitest-toolongbr", "the bridge name is too long", "numerical result out of range"),
        ("com.docker.network.driver.mtu=abc", "the MTU must be a whole number of bytes", 'strconv.Atoi: parsing "abc"'),
        ("com.docker.network.bridge.enable_icc=maybe", "enable_icc is true or false, not 'maybe'", "strconv.ParseBool"),
    ]
    snap = snapshot(engine)
    for i, (options, plain, original) in enumerate(cases):
        spec = NetworkSpec(name=lab.name(f"opt{i}"), options=options, labels="netui.test=1")
        assert blocking(validate_network(spec, snap, engine.info)), f"{options} is caught before it is sent"
        with pytest.raises(EngineError) as info:
            a.create_network(spec)  # sent anyway, as if validation had been skipped
        assert str(info.value).startswith(plain), str(info.value)
        assert "(the engine said: " in str(info.value) and original in str(info.value)
        assert not a.log.entries[-1].ok and a.log.entries[-1].result == str(info.value)
    assert not any(n["Name"].startswith(lab.prefix) for n in engine.api.networks())


async def test_the_create_form_shows_warnings_and_still_submits(engine, lab):
    """Warnings (item 12's host LAN, an unknown option) are shown in the form and do not block it."""
    host = read_host_networking(engine.info)
    lan = next(r for r in host.routes if r.address and r.network.version == 4 and not r.network.is_loopback
               and r.network.prefixlen < 32 and not r.device.startswith(("docker", "br-")))
    name = lab.name("warned")
    app = live_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, CreateNetworkScreen)
        await wait_for(pilot, lambda: screen.host is not None and screen.host.known, what="the host's routes")
        screen.query_one("#f-name").value = name
        screen.query_one("#f-subnet").value = str(lan.network)
        await wait_for(pilot, lambda: f"⚠ {lan.network} overlaps this host's network" in screen_text(app), what="the LAN warning")
        # Not sent: that would shadow this machine's LAN. A harmless warning goes through instead.
        screen.query_one("#f-subnet").value = ""
        screen.query_one("#f-labels").value = "netui.test=1"
        screen.query_one("#f-options").value = "com.docker.network.bridge.enable_ic=true"
        await wait_for(pilot, lambda: "⚠ com.docker.network.bridge.enable_ic is not a bridge option" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, CreateNetworkScreen), timeout=15, what="the network created")
    assert engine.api.inspect_network(name)["Options"] == {"com.docker.network.bridge.enable_ic": "true"}
