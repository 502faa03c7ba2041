"""Container actions in the explorer on a fake source (no engine): keys, the menu, the
confirmations and how they follow live changes, the palette, --read-only, the logs view
with a fake follower. Performing on a real engine: test_container_actions_live.py."""

from __future__ import annotations

import threading
from dataclasses import replace

from netui.engine.container_specs import PauseSpec, RemoveContainerSpec, StartSpec, StopSpec, UnpauseSpec
from netui.engine.logs import LogLine
from netui.ui.app import NetuiApp
from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.container_menu_screen import ContainerMenuScreen
from netui.ui.screens.logs_screen import LogsScreen
from tests.fakes import FakeSource
from tests.helpers import loaded, replay_app, screen_text, wait_for


def cid_of(app, name: str) -> str:
    return next(c.id for c in app.snapshot.containers if c.name == name)


async def on_container(pilot, network: str, container: str) -> None:
    app = pilot.app
    await loaded(pilot)
    ex = app.explorer
    assert ex.networks.select_key(next(n.id for n in app.snapshot.networks if n.name == network))
    ex.networks.focus()
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.focused is ex.containers and cid_of(app, container) in ex.containers.keys)
    ex.containers.select_key(cid_of(app, container))
    await pilot.pause(0.05)


def toasts(app) -> str:
    return "\n".join(n.message for n in app._notifications)


def with_state(snap, name: str, state: str):
    return replace(snap, containers=tuple(replace(c, state=state) if c.name == name else c for c in snap.containers))


def without(snap, name: str):
    return replace(snap, containers=tuple(c for c in snap.containers if c.name != name))


async def test_pause_and_unpause_at_once_stop_asks_first():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await on_container(pilot, "my_custom_network", "container1")
        done = source.fake_actions.performed
        await pilot.press("p")
        await wait_for(pilot, lambda: done == [PauseSpec("container1", cid_of(app, "container1"))], what="pause sent")
        await wait_for(pilot, lambda: "$ docker pause container1" in toasts(app), what="the command in the toast")
        source.set(with_state(source.snapshot, "container1", "paused"))
        await wait_for(pilot, lambda: app.snapshot.container_by_name["container1"].state == "paused")
        await pilot.press("p")
        await wait_for(pilot, lambda: done[-1] == UnpauseSpec("container1", cid_of(app, "container1")), what="unpause sent")
        source.set(with_state(source.snapshot, "container1", "running"))
        await wait_for(pilot, lambda: app.snapshot.container_by_name["container1"].state == "running")
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the stop confirmation")
        text = screen_text(app)
        assert "docker stop container1" in text and "my_custom_network" in text
        await pilot.press("y")
        await wait_for(pilot, lambda: done[-1] == StopSpec("container1", cid_of(app, "container1")), what="stop sent")
        source.set(with_state(source.snapshot, "container1", "exited"))
        await wait_for(pilot, lambda: app.snapshot.container_by_name["container1"].state == "exited")
        await pilot.press("o")  # stopped: o starts it, at once
        await wait_for(pilot, lambda: done[-1] == StartSpec("container1", cid_of(app, "container1")), what="start sent")
        await pilot.press("p")  # not running: cannot be paused, says why, sends nothing
        await wait_for(pilot, lambda: "only a running container can be paused" in toasts(app))
        assert len(done) == 4


async def test_remove_confirmation_lists_attachments_and_follows_live_changes():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await on_container(pilot, "app_network", "gateway")
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the remove confirmation")
        body = app.screen.current.body.plain
        assert "app_network" in body and "my_custom_network" in body and "killed first (docker rm -f)" in body
        assert "docker rm -f gateway" in screen_text(app)
        # It stops meanwhile: the dialog says so, and the button now removes without -f.
        source.set(with_state(source.snapshot, "gateway", "exited"))
        await wait_for(pilot, lambda: "it was running, it is exited now" in screen_text(app), what="the change noted")
        assert app.screen.current.choice.spec.argv() == ["docker", "rm", "gateway"]
        # Removed from elsewhere while the dialog is open: nothing left to confirm.
        source.set(without(source.snapshot, "gateway"))
        await wait_for(pilot, lambda: "was removed while this dialog was open" in screen_text(app), what="gone")
        assert app.screen.current.choice is None
        await pilot.press("y")  # nothing to confirm: nothing sent
        await pilot.press("escape")
        assert source.fake_actions.performed == []


async def test_the_menu_offers_what_applies_with_commands():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(160, 48)) as pilot:
        await on_container(pilot, "my_custom_network", "container2")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ContainerMenuScreen))
        text = screen_text(app)
        for cmd in ("docker stop container2", "docker restart container2", "docker pause container2",
                    "docker rm -f container2", "docker logs --follow", "docker exec -it container2 sh"):
            assert cmd in text, cmd
        await pilot.press("p")
        await wait_for(pilot, lambda: source.fake_actions.performed == [PauseSpec("container2", cid_of(app, "container2"))])
        assert not isinstance(app.screen, ContainerMenuScreen)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ContainerMenuScreen))
        await pilot.press("d")  # the menu's d opens the confirmation
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.screen.current.choice.spec, RemoveContainerSpec)


async def test_read_only_offers_none_of_the_writes():
    source = FakeSource()
    app = NetuiApp(source, read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await on_container(pilot, "my_custom_network", "container1")
        for key in ("o", "O", "p", "d", "dollar_sign"):
            await pilot.press(key)
            await pilot.pause(0.05)
            assert app.screen is app.explorer, key
        assert "Actions" in screen_text(app) and "Logs" in screen_text(app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, ContainerMenuScreen))
        assert [r[0] for r in app.screen.rows] == ["container_logs"]
        assert "read-only" in screen_text(app)
        await pilot.press("escape")
        from netui.ui.commands import system_commands

        titles = {c.title for c in system_commands(app, app.explorer)}
        assert "Container logs" in titles
        assert not titles & {"Stop container", "Start container", "Restart container", "Pause container",
                             "Unpause container", "Remove container", "Shell in the container"}


async def test_a_replay_offers_neither_writes_nor_logs():
    app = replay_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        from netui.ui.commands import system_commands

        titles = {c.title for c in system_commands(app, app.explorer)}
        assert not titles & {"Container actions", "Container logs", "Stop container", "Start container", "Restart container",
                             "Pause container", "Unpause container", "Remove container", "Shell in the container"}
        assert "Filter" in titles


class FakeFollower:
    """The LogFollower interface, fed by the test."""

    max_lines = 50
    tail = 10

    def __init__(self) -> None:
        self.lines: list[LogLine] = []
        self.new: list[LogLine] = []
        self.status, self.detail, self.received = "following", "", 0
        self.woken = 0
        self.done = threading.Event()

    def feed(self, *texts: str) -> None:
        for t in texts:
            line = LogLine(1795892400_000000000 + self.received, "", t)
            self.lines = (self.lines + [line])[-self.max_lines:]
            self.new.append(line)
            self.received += 1

    def run(self) -> None:
        self.done.wait(30)

    def take_new(self):
        new, self.new = self.new, []
        return new, 0

    def take_all(self):
        self.new = []
        return list(self.lines)

    def snapshot(self):
        return list(self.lines)

    def wake(self) -> None:
        self.woken += 1

    def close(self) -> None:
        self.done.set()


async def test_logs_view_shows_lines_and_follows_the_container_state():
    source = FakeSource()
    app = NetuiApp(source)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        c = app.snapshot.container_by_name["backend"]
        f = FakeFollower()
        f.feed(*(f"line {i}" for i in range(80)))
        app.push_screen(LogsScreen(app.snapshot, c, f))
        await wait_for(pilot, lambda: "line 79" in screen_text(app), what="the newest line")
        log = app.screen.query_one("#logs")
        assert log.line_count == 50  # bounded like the follower
        source.set(with_state(source.snapshot, "backend", "paused"))
        await wait_for(pilot, lambda: "backend is paused" in screen_text(app), what="paused said")
        assert f.woken == 1
        await pilot.press("t")
        await wait_for(pilot, lambda: "19:00:00.000" in screen_text(app), what="timestamps")
        source.set(without(source.snapshot, "backend"))
        await wait_for(pilot, lambda: "backend was removed" in screen_text(app), what="removal said")
        assert "line 79" in screen_text(app)  # the lines stay
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.explorer)
        assert f.done.is_set()  # closing the view stops the follow
