"""Compose projects in the UI on a real engine: `docker-compose up` of the test project is
grouped (the containers pane's Compose column, C's projects, the project: filter), its
service names are explained as DNS names, and two projects that cannot reach each other
are shown as such, with the fix."""

from __future__ import annotations

import pytest

from netui.ui.screens.projects_screen import ProjectsScreen
from tests.helpers import live_app, loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine


async def test_compose_up_is_grouped_in_the_ui(engine, lab, compose_lab):
    a = compose_lab.up("shop")
    b = compose_lab.up("blog")
    app = live_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await loaded(pilot)
        ex = app.explorer
        net_a = app.snapshot.network_by_name[f"{a}_default"]
        await select_network(pilot, net_a.id)
        await wait_for(pilot, lambda: len(ex.containers.keys) == 2, what="the project's two containers")
        column = [ex.containers.cells(k)[-1].plain for k in ex.containers.keys]
        assert sorted(column) == [f"{a} · db", f"{a} · web"]
        # The network's details explain the default network and the service names.
        await wait_for(pilot, lambda: "the default network of compose project" in screen_text(app), what="network details")
        text = screen_text(app)
        assert "service names resolve here" in text and "shares no network with" in text
        # C: the projects, the one highlighted explained; the other is unreachable, with the fix.
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectsScreen))
        assert app.screen.current == a
        text = screen_text(app)
        assert f"{a}_default" in text and f"✗ {b}" in text and "no network in common" in text
        assert "external: true" in text and "docker network create shared" in text
        # Enter: only this project in the explorer.
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is ex)
        assert ex.query_text.text == f"project:{a}"
        await wait_for(pilot, lambda: ex.networks.keys == [net_a.id], what="only the project's network")
        await wait_for(pilot, lambda: len(ex.containers.keys) == 2, what="the project's containers")
        assert {app.snapshot.container_by_id[k].compose_project for k in ex.containers.keys} == {a}


async def test_projects_screen_follows_live_changes(engine, lab, compose_lab):
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectsScreen))
        a = compose_lab.up("late")
        await wait_for(pilot, lambda: a in screen_text(app), timeout=15, what="the project brought up meanwhile")
        compose_lab.down(a)
        await wait_for(pilot, lambda: a not in screen_text(app), timeout=15, what="the project gone")
        await pilot.press("escape")
        await select_network(pilot, app.snapshot.network_by_name["bridge"].id)
