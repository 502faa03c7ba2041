"""`v`: the map view inside the app, on a fake source (the engine-driven update is in
test_explorer_live.py)."""

from __future__ import annotations

from dataclasses import replace

from netui.engine.model import Endpoint
from netui.ui.app import NetuiApp
from netui.ui.screens.map_screen import MapScreen
from netui.ui.screens.probe_screen import ProbeScreen
from tests.fakes import FakeSource
from tests.helpers import loaded, screen_text, wait_for


def by_name(app, name: str):
    return next(c for c in app.snapshot.containers if c.name == name)


async def test_map_opens_on_the_highlighted_node_and_shows_its_details():
    app = NetuiApp(FakeSource())
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        gateway = by_name(app, "gateway")
        app.explorer.networks.select_key(gateway.endpoints[0].network_id)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(gateway.id)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MapScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.details.subject == ("container", gateway.id), what="gateway's details")
        text = screen_text(app)
        for needle in ("app_network", "my_custom_network", "isolated_network", "no DNS", "⚠ 0.0.0.0:3000→3000/tcp", "● loner"):
            assert needle in text, needle
        # Moving selects another node: the details follow.
        await pilot.press("j")
        await wait_for(pilot, lambda: screen.details.subject != ("container", gateway.id))
        # Filter: the matches and what connects them.
        await pilot.press("slash", *"loner", "enter")
        await wait_for(pilot, lambda: "app_network" not in screen_text(app), what="the filtered map")
        assert "loner" in screen_text(app)
        await pilot.press("escape")  # clears the filter
        await wait_for(pilot, lambda: "app_network" in screen_text(app))
        await pilot.press("escape")  # back to the panes
        await wait_for(pilot, lambda: app.screen is app.explorer)


async def test_map_updates_in_place_and_draws_the_last_probe_until_a_change():
    source = FakeSource(probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        c1 = by_name(app, "container1")
        app.explorer.networks.select_key(c1.endpoints[0].network_id)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(c1.id)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ProbeScreen))
        await pilot.press(*"container2", "enter")
        await wait_for(pilot, lambda: "3/3 replies" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MapScreen))
        screen = app.screen
        assert [m.verdict for m in screen.topology.marks] == ["reachable"]  # the fake: ICMP answered, no DNS check
        selected = screen.topology.selected
        # Another shell connects loner to my_custom_network: drawn in place, selection kept, marks cleared.
        snap = app.snapshot
        loner = by_name(app, "loner")
        net = c1.endpoints[0]
        moved = replace(loner, endpoints=(*loner.endpoints, Endpoint(net.network_id, net.network_name, loner.id, "loner", ipv4="172.16.5.9")))
        source.set(replace(snap, containers=tuple(moved if c.id == loner.id else c for c in snap.containers)))
        await wait_for(pilot, lambda: "172.16.5.9" in screen_text(app), what="the new endpoint on the map")
        assert screen.topology.selected == selected
        assert not screen.topology.marks
