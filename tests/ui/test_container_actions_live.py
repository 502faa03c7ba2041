"""Container actions through the UI on a real engine: every action by its key, the races
(the container removed while its confirmation is open, paused while its logs follow),
and --read-only, which offers none of it."""

from __future__ import annotations

import pytest

from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.logs_screen import LogsScreen
from tests.helpers import live_app, loaded, screen_text, select_network, wait_for

pytestmark = pytest.mark.engine

TICKER = ("sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done")


def state(engine, cid: str) -> str:
    return engine.api.inspect_container(cid)["State"]["Status"]


async def on_container(pilot, nid: str, cid: str) -> None:
    app = pilot.app
    await select_network(pilot, nid)
    await wait_for(pilot, lambda: cid in app.explorer.containers.keys, what="the container in the pane")
    app.explorer.containers.focus()
    app.explorer.containers.select_key(cid)
    await pilot.pause(0.05)


async def seen_state(pilot, cid: str, wanted: str) -> None:
    await wait_for(pilot, lambda: (c := pilot.app.snapshot.container_by_id.get(cid)) is not None and c.state == wanted,
                   timeout=10, what=f"the container {wanted} in the snapshot")


async def confirm(pilot) -> None:
    """y, as a user would: when the snapshot the dialog opened on was mid-change (a restart's
    events still arriving: rm then needs -f), the dialog says what this does changed and
    takes a second y for the new command (ConfirmScreen.action_confirm)."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), what="the confirmation")
    kind = type(pilot.app.screen.current.choice.spec)
    await pilot.press("y")

    def closed_or_asks_again() -> bool:
        return not isinstance(pilot.app.screen, ConfirmScreen) or "What this does changed" in screen_text(pilot.app)

    await wait_for(pilot, closed_or_asks_again, timeout=20, what="the confirmation to close")
    if isinstance(pilot.app.screen, ConfirmScreen):
        assert type(pilot.app.screen.current.choice.spec) is kind
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ConfirmScreen), timeout=20, what="the confirmation to close")


async def test_every_container_action_by_its_key(engine, lab):
    nid = lab.network("acts")
    cid = lab.container("target", lab.image, networks=[lab.name("acts")])
    name = lab.name("target")
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await on_container(pilot, nid, cid)
        await pilot.press("p")
        await seen_state(pilot, cid, "paused")
        assert state(engine, cid) == "paused"
        await pilot.press("p")
        await seen_state(pilot, cid, "running")
        await pilot.press("o")
        await confirm(pilot)
        assert state(engine, cid) == "exited"
        await seen_state(pilot, cid, "exited")
        await pilot.press("o")
        await seen_state(pilot, cid, "running")
        started = engine.api.inspect_container(cid)["State"]["StartedAt"]
        await pilot.press("O")
        await confirm(pilot)
        assert state(engine, cid) == "running" and engine.api.inspect_container(cid)["State"]["StartedAt"] != started
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert lab.name("acts") in app.screen.current.body.plain and f"docker rm -f {name}" in screen_text(app)
        await confirm(pilot)
        assert not engine.api.containers(all=True, filters={"id": cid})
        await wait_for(pilot, lambda: cid not in app.explorer.containers.keys, what="the row to go")
        assert [(e.ok, e.command) for e in app.action_log.entries] == [
            (True, f"docker pause {name}"), (True, f"docker unpause {name}"), (True, f"docker stop {name}"),
            (True, f"docker start {name}"), (True, f"docker restart {name}"), (True, f"docker rm -f {name}")]


async def test_container_removed_while_its_confirmation_is_open(engine, lab):
    nid = lab.network("race")
    cid = lab.container("doomed", lab.image, networks=[lab.name("race")])
    app = live_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await on_container(pilot, nid, cid)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        engine.api.rename(cid, lab.name("doomed-renamed"))  # from another terminal: renamed, then removed
        await wait_for(pilot, lambda: "renamed from" in screen_text(app), timeout=10, what="the rename, followed")
        engine.api.remove_container(cid, force=True)
        await wait_for(pilot, lambda: "was removed while this dialog was open" in screen_text(app), timeout=10,
                       what="the dialog to follow")
        assert app.screen.current.choice is None
        text = screen_text(app)
        assert text.count("was removed while this dialog was open") == 1  # said once
        gone = app.screen.current.gone
        assert gone.startswith(f"container {lab.name('doomed-renamed')} was removed") and f"it was {lab.name('doomed')} when" in gone
        assert "again to confirm" not in text
        # Nothing left to confirm: the footer stops offering y (it redraws a frame later).
        await wait_for(pilot, lambda: " y Yes" not in screen_text(app), timeout=5, what="the footer without y")
        await pilot.press("y")  # nothing left to confirm
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmScreen) and app.action_log.entries == []
        await pilot.press("escape")
        # Stop confirmed just as it is removed (before the snapshot shows it): the re-check refuses.
        cid2 = lab.container("doomed2", lab.image, networks=[lab.name("race")])
        await on_container(pilot, nid, cid2)
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        engine.api.remove_container(cid2, force=True)
        await pilot.press("y")
        await wait_for(pilot, lambda: "Not done" in screen_text(app) or "no longer exists" in screen_text(app)
                       or "was removed while this dialog was open" in screen_text(app), timeout=10, what="a refusal")
        assert all(not e.ok for e in app.action_log.entries)


async def test_logs_follow_a_paused_then_removed_container(engine, lab):
    nid = lab.network("logs")
    cid = lab.container("ticker", lab.image, TICKER, networks=[lab.name("logs")])
    app = live_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await on_container(pilot, nid, cid)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.follower.received >= 5, timeout=10, what="lines")
        engine.api.pause(cid)
        await wait_for(pilot, lambda: "is paused" in screen_text(app), timeout=10, what="paused said")
        last = engine.api.logs(cid, tail=1).decode().strip()
        await wait_for(pilot, lambda: any(line.text == last for line in screen.follower.snapshot()), what="the last line before the freeze")
        frozen = screen.follower.received
        engine.api.unpause(cid)
        await wait_for(pilot, lambda: screen.follower.received > frozen + 3 and "following" in screen_text(app),
                       timeout=10, what="lines after unpause")
        assert screen.follower.status == "following"
        engine.api.remove_container(cid, force=True)
        await wait_for(pilot, lambda: "was removed" in screen_text(app), timeout=10, what="removal said")
        assert "tick" in screen_text(app)  # the lines stay
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert screen.follower.closed


async def test_read_only_offers_none_of_it(engine, lab):
    nid = lab.network("ro")
    cid = lab.container("kept", lab.image, networks=[lab.name("ro")])
    app = live_app(read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await on_container(pilot, nid, cid)
        for key in ("o", "O", "p", "d", "dollar_sign"):
            await pilot.press(key)
            await pilot.pause(0.05)
            assert app.screen is app.explorer, key
        assert state(engine, cid) == "running" and app.action_log.entries == []
        await pilot.press("l")  # reading the logs changes nothing: offered
        await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen))
