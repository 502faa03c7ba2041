"""The guided tour on the real engine: every step performed (Enter) and verified, from a
state without the tour's world, then cleaned up; read-only (explained, not performed, but
checked where the state is there); 80x24 (the panel hides nothing it highlights); a
container removed mid-tour (said, and Enter redoes it); a name that is not the tour's
(the tour stops and touches nothing).

The tour runs in its own world: the test's name prefix and the netui.test label, so it
works whether or not the demo is up on this shared engine, and touches nothing else.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from netui.engine.tour_steps import STEP_BY_KEY, STEPS, World, find_container, find_network, leftovers
from netui.ui.screens.tour_screen import TourScreen
from tests.conftest import TEST_LABEL
from tests.helpers import live_app, loaded, screen_text, wait_for

pytestmark = pytest.mark.engine

STEP_TIMEOUT = 60.0  # seconds for one step's writes and probes, on a busy shared engine


def world_of(lab, tmp_path: Path, label: str = TEST_LABEL) -> World:
    return World(prefix=lab.prefix, label=label, frontend_port=None, compose_dir=str(tmp_path))


async def open_tour(pilot, world: World) -> TourScreen:
    app = pilot.app
    app.tour_world = world
    await loaded(pilot)
    await pilot.press("T")
    await wait_for(pilot, lambda: isinstance(app.screen, TourScreen), what="the tour")
    tour = app.screen
    await wait_for(pilot, lambda: tour.world.compose_known, timeout=20, what="the compose lookup")
    return tour


async def go(pilot, tour: TourScreen, key: str) -> int:
    index = [s.key for s in STEPS].index(key)
    while tour.index < index:
        await pilot.press("right")
    while tour.index > index:
        await pilot.press("left")
    return index


def body(tour: TourScreen) -> str:
    """The panel's text: the status line, then the step's text."""
    return f'{tour.query_one("#tour-status").render()}\n{tour.query_one("#tour-body").render()}'



def highlighted(app, world: World, key: str) -> bool:
    """The step's network row and container row are under the explorer's cursors."""
    snap = app.snapshot
    net_short, ref = STEP_BY_KEY[key].highlight
    net = find_network(snap, world, net_short)
    c = find_container(snap, world, ref) if ref else None
    ex = app.explorer
    return net is not None and ex.networks.current_key == net.id and (c is None or ex.containers.current_key == c.id)


async def test_the_whole_tour_performed_and_verified_then_cleaned_up(engine, lab, tmp_path):
    world = world_of(lab, tmp_path)
    app = live_app()
    timings = []
    async with app.run_test(size=(160, 48)) as pilot:
        tour = await open_tour(pilot, world)
        compose = tour.world.compose is not None
        for i, step in enumerate(STEPS):
            assert tour.index == i
            t0 = time.monotonic()
            await pilot.press("enter")
            if step.cleanup:
                assert "Enter again (or y) removes" in body(tour)
                await pilot.press("y")
            if step.key == "compose" and not compose:
                assert "Skipped: compose is not installed" in body(tour)
            else:
                await wait_for(pilot, lambda i=i: tour.runs[i].phase in ("done", "failed"), timeout=STEP_TIMEOUT, what=f"step {step.key}")
                assert tour.runs[i].phase == "done", (step.key, body(tour))
                if step.checks:
                    assert tour.runs[i].outcomes and all(o.ok for o in tour.runs[i].outcomes)
                    assert "Verified on the engine ✓" in body(tour)
                if not step.cleanup:
                    await wait_for(pilot, lambda k=step.key: highlighted(app, world, k), what=f"step {step.key}'s rows highlighted")
            timings.append((step.key, time.monotonic() - t0))
            await pilot.press("right")
        # Every write went through Actions.perform: in the action log, as docker commands.
        log = [e.command for e in app.action_log.entries]
        assert f"docker network create --driver bridge --label {TEST_LABEL}=1 {lab.prefix}my_custom_network" in log
        assert f"docker network connect {lab.prefix}app_network {lab.prefix}gateway" in log
        assert any(c.startswith(f"docker run -d --name {lab.prefix}backend2 ") and "--network-alias api" in c for c in log)
        assert f"docker rm -f {lab.prefix}container1" in log and f"docker network rm {lab.prefix}app_network" in log
        assert all(e.ok for e in app.action_log.entries), [e for e in app.action_log.entries if not e.ok]
        await wait_for(pilot, lambda: not leftovers(app.snapshot, world), timeout=15, what="nothing of the tour left")
    assert not Path(world.compose_file("webapp")).exists()  # compose down took the file it wrote along
    # Nothing of it on the engine: by label and by name.
    left = [c["Names"] for c in engine.api.containers(all=True, filters={"name": [lab.prefix]})]
    left += [n["Name"] for n in engine.api.networks(filters={"name": [lab.prefix]})]
    assert left == []
    print("tour step timings: " + ", ".join(f"{k} {s:.1f}s" for k, s in timings))


async def test_read_only_explains_and_checks_without_performing(engine, lab, image, tmp_path):
    world = world_of(lab, tmp_path)
    net = lab.network("my_custom_network")
    for short in ("container1", "container2"):
        lab.container(short, image, networks=[lab.name("my_custom_network")])
    app = live_app(read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        tour = await open_tour(pilot, world)
        # Already there: said, and checked (probes run in read-only: they change nothing).
        await go(pilot, tour, "containers")
        await wait_for(pilot, lambda: "Already there. Verified in the topology ✓" in body(tour), what="step 3 already there")
        i = await go(pilot, tour, "by-name")
        await wait_for(pilot, lambda: tour.runs[i].phase in ("done", "failed"), timeout=STEP_TIMEOUT, what="the checks")
        assert tour.runs[i].phase == "done", body(tour)
        assert "Verified on the engine ✓" in body(tour)
        await wait_for(pilot, lambda: highlighted(app, world, "by-name"), what="the rows highlighted")
        # 80x24: the panel takes the bottom; the panes above it keep the highlighted rows in view.
        panel = tour.query_one("#tour-panel").region
        ex = app.explorer
        for table in (ex.networks, ex.containers):
            assert table.region.height > 0 and not table.region.overlaps(panel), (table.id, table.region, panel)
            top = int(table.scroll_offset.y)
            assert top <= table.cursor_row < top + table.scrollable_content_region.height - 1, table.id
        assert lab.name("container1") in screen_text(app)
        # Not there: explained, the commands shown, nothing performed.
        i = await go(pilot, tour, "default-bridge")
        text = body(tour)
        assert "Read-only (--read-only): netui changes nothing." in text
        assert f"docker run -d --name {lab.prefix}legacy --network bridge" in text.replace("\n", " ")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert tour.runs[i].phase == "new" and app.action_log.entries == []
        app.refresh_now()
        await pilot.pause(0.5)
        assert engine.api.containers(all=True, filters={"name": [lab.name("legacy")]}) == []
        assert net in {n["Id"] for n in engine.api.networks(filters={"name": [lab.prefix]})}


async def test_a_container_removed_mid_tour_is_said_and_redone(engine, lab, tmp_path):
    world = world_of(lab, tmp_path)
    app = live_app()
    async with app.run_test(size=(80, 24)) as pilot:
        tour = await open_tour(pilot, world)
        i = await go(pilot, tour, "containers")  # straight to step 3: it makes the network it needs first
        await pilot.press("enter")
        await wait_for(pilot, lambda: tour.runs[i].phase == "done", timeout=STEP_TIMEOUT, what="step 3 done")
        j = await go(pilot, tour, "by-name")
        await wait_for(pilot, lambda: tour.runs[j].phase == "done", timeout=STEP_TIMEOUT, what="step 4 verified")
        first = find_container(app.snapshot, world, "container2").id
        # Someone removes container2 in another shell.
        engine.api.remove_container(lab.name("container2"), force=True)
        await wait_for(pilot, lambda: "Changed outside the tour" in body(tour), timeout=15, what="the step saying so")
        assert f"{lab.name('container2')} is not there" in body(tour) and tour.runs[j].phase == "new"
        assert tour.runs[j].outcomes == []  # the old results no longer hold
        await pilot.press("enter")  # redo: container2 again, then checked again
        await wait_for(pilot, lambda: tour.runs[j].phase == "done", timeout=STEP_TIMEOUT, what="redone and verified")
        again = find_container(app.snapshot, world, "container2")
        assert again is not None and again.id != first
        assert "Verified on the engine ✓" in body(tour)
        # Stopped meanwhile: Enter starts it.
        engine.api.stop(lab.name("container1"), timeout=0)
        await wait_for(pilot, lambda: "is exited" in body(tour), timeout=15, what="container1 stopped, said")
        await pilot.press("enter")
        await wait_for(pilot, lambda: tour.runs[j].phase == "done", timeout=STEP_TIMEOUT, what="started and verified")
        assert f"docker start {lab.name('container1')}" in [e.command for e in app.action_log.entries]
        # Esc leaves; what the tour made stays, labelled (netui demo down, or here the lab, removes it).
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert not app.explorer.has_class("-touring")
    labels = [c["Labels"].get(TEST_LABEL) for c in engine.api.containers(all=True, filters={"name": [lab.prefix]})]
    assert labels == ["1", "1"]


async def test_a_name_that_is_not_the_tours_stops_it_and_nothing_is_touched(engine, lab, image, tmp_path):
    # The tour's world carries another label: what the lab made (netui.test) is not the tour's.
    world = world_of(lab, tmp_path, label="netui.tour-other")
    theirs = lab.network("my_custom_network")
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        tour = await open_tour(pilot, world)
        await go(pilot, tour, "containers")
        text = body(tour)
        assert text.count("Stopped: a network named") == 1 and "never touches it" in text
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert app.action_log.entries == []
    assert [n["Id"] for n in engine.api.networks(filters={"name": [lab.prefix]})] == [theirs]
    assert engine.api.containers(all=True, filters={"name": [lab.prefix]}) == []
