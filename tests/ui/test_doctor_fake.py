"""The problems view (!) and "why not?" on a fake source: the count on the status line,
each finding selecting its subjects in the panes (and marking them on the map), fixes
applied through a confirmation (and not offered in --read-only), the probe dialog's fix,
re-run and undo, and the matrix's. What talks to an engine is in test_doctor_live.py."""

from __future__ import annotations

import time

from textual.coordinate import Coordinate
from textual.widgets import DataTable, Select

from netui.engine.matrix_plan import Cell, MatrixResult
from netui.engine.model import ContainerConfig
from netui.engine.probe_plan import Check, ProbeResult
from netui.engine.specs import ConnectSpec, DisconnectSpec
from netui.map.graph import container_key
from netui.ui.app import NetuiApp
from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.map_screen import MapScreen
from netui.ui.screens.matrix_screen import MatrixScreen
from netui.ui.screens.probe_screen import ProbeScreen
from netui.ui.screens.problems_screen import ProblemsScreen
from tests.fakes import FakeSource
from tests.helpers import loaded, screen_text, wait_for
from tests.unit.doctorkit import BRIDGE, ctr, net, published, snap

APP = net("app_network", "10.20.0.0/24")
ISO = net("isolated_network", "10.21.0.0/24")
INNER = net("inner", "10.22.0.0/24", internal=True)


def world(*, hidden_on_bridge: bool = False, loner_on_app: bool = False):
    hidden = ctr("hidden", (INNER, "10.22.0.2"), *([(BRIDGE, "172.17.0.9")] if hidden_on_bridge else []),
                 config=ContainerConfig(port_bindings=(("80/tcp", "127.0.0.1", 8080),)))
    return snap([APP, ISO, INNER], [
        ctr("frontend", (APP, "10.20.0.2"), ports=[published(3000)]),
        ctr("backend", (APP, "10.20.0.3")),
        ctr("loner", (ISO, "10.21.0.2"), *([(APP, "10.20.0.9")] if loner_on_app else [])),
        ctr("legacy", (BRIDGE, "172.17.0.2")),
        hidden,
    ])


def titles(app) -> list[str]:
    return [f.title for f in app.findings]


async def test_the_status_line_counts_and_the_problems_view_follows_the_cursor():
    app = NetuiApp(FakeSource(world()))
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        assert titles(app) == ["hidden publishes ports but is only on internal networks", "frontend publishes 3000 on all interfaces",
                               "legacy is on the default bridge network"]
        status = app.explorer.status
        assert (status.status.problems, status.status.warnings) == (1, 1)
        assert "✖ 1 problem ⚠ 1 warning (!)" in status.render_status(status.status).plain
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, ProblemsScreen)
        ex, snapshot = app.explorer, app.snapshot
        # The first (worst) finding: its network and container are selected in the panes behind.
        await wait_for(pilot, lambda: ex.selected_network == INNER.id and ex.containers.current_key == snapshot.container_by_name["hidden"].id)
        text = screen_text(app)
        assert "An internal network (--internal) has no gateway out of it" in text
        assert "$ docker network connect bridge hidden" in text and "f applies it" in text
        await pilot.press("down")
        await wait_for(pilot, lambda: ex.selected_network == APP.id and ex.containers.current_key == snapshot.container_by_name["frontend"].id)
        assert "Shown, not offered" in screen_text(app)
        # Enter: go to it (the containers pane, the container selected).
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, ProblemsScreen))
        await wait_for(pilot, lambda: app.focused is ex.containers)
        assert ex.containers.current_key == snapshot.container_by_name["frontend"].id


async def test_a_fix_is_applied_after_a_confirmation_and_the_finding_goes():
    source = FakeSource(world())
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("exclamation_mark")
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "$ docker network connect bridge hidden" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        [spec] = source.fake_actions.performed
        assert isinstance(spec, ConnectSpec) and (spec.network, spec.container) == ("bridge", "hidden")
        assert "checking again" in screen_text(app)
        source.set(world(hidden_on_bridge=True))  # what the engine then says
        await wait_for(pilot, lambda: "hidden publishes ports but is only on internal networks" not in titles(app))
        await wait_for(pilot, lambda: "checking again" not in screen_text(app) and "0 problems" in screen_text(app))
        assert "frontend publishes 3000 on all interfaces" in screen_text(app)


async def test_read_only_shows_the_fix_and_does_not_offer_it():
    source = FakeSource(world())
    app = NetuiApp(source, read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: "Read-only: the fix is shown, not offered." in screen_text(app))
        assert "$ docker network connect bridge hidden" in screen_text(app)
        assert "Apply fix" not in screen_text(app).splitlines()[-1]
        await pilot.press("f")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ProblemsScreen)


async def test_on_the_map_the_subjects_are_marked():
    app = NetuiApp(FakeSource(world()))
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, MapScreen))
        themap = app.screen
        await pilot.press("exclamation_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemsScreen))
        hidden = app.snapshot.container_by_name["hidden"].id
        await wait_for(pilot, lambda: container_key(hidden) in themap.topology.marked)
        await pilot.press("down")
        frontend = app.snapshot.container_by_name["frontend"].id
        await wait_for(pilot, lambda: container_key(frontend) in themap.topology.marked and container_key(hidden) not in themap.topology.marked)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is themap)
        assert themap.topology.selected == container_key(frontend)


def _isolating_prober(app):
    """Probes that answer as the topology says: by name on a shared network, else isolated."""
    prober = app.prober

    def probe(snap, source, target, *, checks=(), cancel=None, on_check=None, count=3):
        t = snap.container_by_name[target]
        shared = {n.id for n in snap.networks_of(source)} & {n.id for n in snap.networks_of(t)}
        if shared:
            out = (Check("dns", "ok", f"{target} → 10.20.0.9", "Name: x\nAddress: 10.20.0.9"), Check("icmp", "ok", "3/3 replies"))
        else:
            out = (Check("dns", "skipped", "share no network"), Check("icmp", "ok", "no reply: isolated, as expected (3 sent)"))
        for c in out:
            if on_check is not None:
                on_check(c)
        r = ProbeResult(time.time(), source.name, target, out, isolated=not shared)
        prober.history.append(r)
        return r

    prober.probe = probe


async def test_the_probe_says_why_not_applies_the_fix_probes_again_and_undoes_it():
    source = FakeSource(world(), probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        _isolating_prober(app)
        ex = app.explorer
        ex.networks.select_key(APP.id)
        await pilot.pause(0.05)
        ex.containers.focus()
        ex.containers.select_key(app.snapshot.container_by_name["frontend"].id)
        await pilot.press("t")
        assert isinstance(app.screen, ProbeScreen)
        probe = app.screen
        await pilot.press(*"loner", "enter")
        await wait_for(pilot, lambda: "Why not?" in screen_text(app))
        text = screen_text(app)
        assert "frontend and loner share no network" in text and "$ docker network connect app_network loner" in text
        assert "Ctrl+F: apply the fix" in text
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is probe)
        [spec] = source.fake_actions.performed
        assert isinstance(spec, ConnectSpec) and (spec.network, spec.container) == ("app_network", "loner")
        source.set(world(loner_on_app=True))
        await wait_for(pilot, lambda: "Verdict: reachable by name" in screen_text(app), what="the probe again, after the fix")
        assert "Ctrl+Z: undo the fix (docker network disconnect app_network loner)" in screen_text(app)
        await pilot.press("ctrl+z")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "$ docker network disconnect app_network loner" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is probe)
        assert isinstance(source.fake_actions.performed[-1], DisconnectSpec)
        source.set(world())
        await wait_for(pilot, lambda: "Verdict: isolated" in screen_text(app), what="the probe again, after the undo")
        assert [r.target for r in app.prober.history] == ["loner", "loner", "loner"]


async def test_read_only_probe_shows_the_fix_and_does_not_offer_it():
    app = NetuiApp(FakeSource(world(), probes=True), read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        _isolating_prober(app)
        app.explorer.networks.select_key(APP.id)
        await pilot.pause(0.05)
        app.explorer.containers.focus()
        app.explorer.containers.select_key(app.snapshot.container_by_name["frontend"].id)
        await pilot.press("t", *"loner", "enter")
        await wait_for(pilot, lambda: "read-only: the fix is shown, not offered" in screen_text(app))
        await pilot.press("ctrl+f")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ProbeScreen)


async def test_a_matrix_cell_says_why_not_and_offers_the_fix():
    source = FakeSource(world(), probes=True)
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        fe, lo = app.snapshot.container_by_name["frontend"], app.snapshot.container_by_name["loner"]

        def matrix(snap, network, *, extra=None, cancel=None, on_cell=None, workers=8):
            cells = {(fe.id, lo.id): Cell(fe.id, lo.id, "isolated", "isolated"), (lo.id, fe.id): Cell(lo.id, fe.id, "isolated", "isolated")}
            for i, c in enumerate(cells.values()):
                if on_cell is not None:
                    on_cell(c, i + 1, 2)
            return MatrixResult(network.name, (fe, lo), cells, 0.01)

        app.prober.matrix = matrix
        app.explorer.networks.select_key(APP.id)
        app.explorer.networks.focus()
        await pilot.pause(0.05)
        await pilot.press("m")
        assert isinstance(app.screen, MatrixScreen)
        app.screen.query_one("#f-extra", Select).value = ISO.id  # loner's network too
        table = app.screen.query_one("#matrix-table", DataTable)
        # (the run with loner's network in it: its column, then its result)
        await wait_for(pilot, lambda: lo.id in [c.value for c in table.columns] and "done: 2 / " in screen_text(app))
        table.focus()
        table.cursor_coordinate = Coordinate(table.get_row_index(fe.id), table.get_column_index(lo.id))
        await wait_for(pilot, lambda: "Why not?" in screen_text(app))
        assert "share no network" in screen_text(app)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, MatrixScreen))
        assert isinstance(source.fake_actions.performed[0], ConnectSpec)


async def test_a_check_that_fails_does_not_stop_the_next_snapshots_from_being_checked(monkeypatch):
    import netui.ui.doctor_runner as runner

    real = runner.diagnose
    failures = []

    def failing_once(ctx):
        if not failures:
            failures.append(1)
            raise RuntimeError("a bug in a check")
        return real(ctx)

    monkeypatch.setattr(runner, "diagnose", failing_once)
    source = FakeSource(world())
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, lambda: app.snapshot is not None and failures, what="the first check, failing")
        source.set(world(loner_on_app=True))
        await wait_for(pilot, lambda: app.findings_snapshot is app.snapshot and app.snapshot.container_by_name["loner"].endpoints[1:],
                       what="the next snapshot, checked")
        assert "hidden publishes ports but is only on internal networks" in titles(app)
