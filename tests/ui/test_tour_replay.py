"""The tour's keys on the recorded topology (no engine): `netui tour` opens it at once,
←/→ stop at the ends, Esc leaves and T comes back to the same step, v puts the map in
place of the panes, and a replay explains without performing anything."""

from __future__ import annotations

from netui.engine.source import ReplaySource
from netui.engine.tour_steps import STEPS, World
from netui.map.graph import container_key
from netui.ui.app import NetuiApp
from netui.ui.screens.tour_screen import TourScreen
from netui.ui.widgets.topology_map import TopologyMap
from tests.helpers import TOPOLOGY, loaded, wait_for


async def test_tour_keys_on_a_replay():
    app = NetuiApp(ReplaySource(TOPOLOGY), tour=World(compose=("docker-compose",), compose_known=True))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, TourScreen), what="the tour, opened at once")
        tour = app.screen
        assert tour.index == 0 and app.explorer.has_class("-touring")
        await pilot.press("left")
        assert tour.index == 0
        for _ in range(len(STEPS) + 2):
            await pilot.press("right")
        assert tour.index == len(STEPS) - 1
        await pilot.press("home")
        assert tour.index == 0
        await pilot.press("right", "right")  # step 3: container1 and container2, recorded
        await wait_for(pilot, lambda: app.explorer.containers.current_key == app.snapshot.container_by_name["container1"].id)
        assert app.explorer.networks.current_key == app.snapshot.network_by_name["my_custom_network"].id
        # v: the map in place of the panes, container1 selected; v again: the panes.
        await pilot.press("v")
        topology = tour.query_one("#tour-map", TopologyMap)
        key = container_key(app.snapshot.container_by_name["container1"].id)
        await wait_for(pilot, lambda: tour.has_class("-map") and topology.selected == key, what="container1 on the map")
        await pilot.press("v")
        assert not tour.has_class("-map")
        # A replay performs nothing: Enter on a step that is not there says so.
        await pilot.press("right", "right")  # step 5: legacy2 is not in the recording
        assert not tour.runs[4].performed
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert tour.runs[4].phase == "new" and app.action_log.entries == []
        # Esc leaves; T comes back to the same step.
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert not app.explorer.has_class("-touring")
        await pilot.press("T")
        await wait_for(pilot, lambda: isinstance(app.screen, TourScreen))
        assert app.screen.index == 4
