"""`R` reports what a new container did, not just that it was started (issue 9 item 11). Real engine."""

from __future__ import annotations

import time

import pytest

from netui.engine.actions import Actions
from netui.engine.specs import RunSpec
from netui.ui.screens.form_screen import FormScreen
from tests.helpers import live_app, loaded, select_network, wait_for

pytestmark = pytest.mark.engine


def test_an_empty_command_that_exits_at_once_is_reported_as_exited(engine, lab):
    nid = lab.network("runs")
    a = Actions(engine)
    out = a.run_container_outcome(RunSpec(lab.name("runs"), name=lab.name("quick"), command="", network_id=nid))
    assert out.exited and out.exit_code == 0
    assert out.text.startswith(f"{lab.name('quick')} started but exited at once with code 0; it printed nothing")
    assert "sleep 86400" in out.text
    assert engine.api.inspect_container(lab.name("quick"))["State"]["Status"] == "exited"
    entry = a.log.entries[-1]
    assert entry.ok and entry.result == out.text  # the log says it too
    assert "started but exited" in a.run_container(RunSpec(lab.name("runs"), name=lab.name("quick2"), command="", network_id=nid))


def test_a_failing_command_reports_its_code_and_last_output(engine, lab):
    nid = lab.network("runs")
    a = Actions(engine)
    out = a.run_container_outcome(
        RunSpec(lab.name("runs"), name=lab.name("fails"), network_id=nid,
                command="sh -c 'for i in 1 2 3 4 5 6; do echo line$i; done; exit 3'"))
    assert out.exited and out.exit_code == 3
    assert out.log_tail == ("line2", "line3", "line4", "line5", "line6")  # the last five lines
    assert "exited at once with code 3; last output: line2 ⏎ line3" in out.text
    assert "sleep 86400" not in out.text
    # What it wrote to stderr counts too (its order against stdout is the engine's to keep).
    err = a.run_container_outcome(RunSpec(lab.name("runs"), name=lab.name("errs"), network_id=nid,
                                          command="sh -c 'echo oops >&2; exit 2'"))
    assert err.exit_code == 2 and err.log_tail == ("oops",)


def test_a_container_that_keeps_running_is_reported_started_within_about_a_second(engine, lab):
    nid = lab.network("runs")
    t0 = time.monotonic()
    out = Actions(engine).run_container_outcome(RunSpec(lab.name("runs"), name=lab.name("stays"), command="sleep 300", network_id=nid))
    took = time.monotonic() - t0
    assert out.running and out.text == f"started {lab.name('stays')} on {lab.name('runs')}"
    assert took < 6, took  # the watch is bounded (about 1 s), however loaded the machine
    assert engine.api.inspect_container(lab.name("stays"))["State"]["Running"]
    # Nothing waits when the watch is switched off.
    fast = Actions(engine).run_container_outcome(RunSpec(lab.name("runs"), name=lab.name("nowait"), command="", network_id=nid), watch=0)
    assert fast.container_id


async def test_the_run_form_reports_the_exit_through_the_app(engine, lab):
    nid = lab.network("runform")
    app = live_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("R")
        screen = app.screen
        assert isinstance(screen, FormScreen)
        screen.query_one("#f-name").value = lab.name("empty")
        screen.query_one("#f-command").value = ""
        await pilot.pause(0.05)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen), timeout=15, what="the form to close")
        await wait_for(pilot, lambda: app.action_log.entries, what="the log entry")
        result = app.action_log.entries[-1].result
        assert "started but exited at once with code 0" in result, result
        # The user is told (the log entry is written in the worker, the toast a moment later).
        await wait_for(pilot, lambda: any("exited at once" in str(n.message) for n in app._notifications), what="the toast")
