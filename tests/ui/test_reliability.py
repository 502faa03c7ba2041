"""Reliability under faults and hostile input, on real engines.

- engine loss through a socket proxy: 20 cuts and restores in a row
- a real dockerd restart (a private dockerd on its own socket and data root)
- unreachable engine, permission denied, API too old: one line, in the UI and from dump
- hostile strings everywhere engine data is shown; the layout holds
- races: what the user acts on disappears underneath them
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from netui.engine.client import Engine
from netui.engine.source import EngineSource
from netui.ui.app import NetuiApp
from netui.ui.screens.action_log_screen import ActionLogScreen
from netui.ui.screens.confirm_screen import ConfirmScreen
from netui.ui.screens.connect_screen import ConnectScreen
from tests.helpers import loaded, screen_text, select_network, wait_for
from tests.ptyapp import PtyApp
from tests.sockproxy import SocketProxy

pytestmark = pytest.mark.engine


async def test_twenty_cuts_and_restores(engine, lab):
    nid = lab.network("steady")
    with SocketProxy() as proxy:
        app = NetuiApp(EngineSource(proxy.url))
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await select_network(pilot, nid)
            for i in range(20):
                proxy.cut()
                await wait_for(pilot, lambda: app.state in ("disconnected", "reconnecting") and app.explorer.status.status.stale,
                               timeout=2, what=f"cut {i}: disconnected and stale within 2 s")
                shown = list(app.explorer.networks.keys)
                await pilot.pause(0.3)
                assert app.explorer.networks.keys == shown and nid in shown  # the last topology stays, unchanged
                assert app.explorer.networks.current_key == nid
                assert "STALE" in screen_text(app)
                proxy.restore()
                await wait_for(pilot, lambda: app.state == "live" and not app.explorer.status.status.stale,
                               timeout=3, what=f"restore {i}: live within 3 s")
                await wait_for(pilot, lambda: app.source.open_streams == 1, timeout=1, what=f"restore {i}: one event stream")
            # Live for real afterwards.
            late = lab.network("after-twenty")
            await wait_for(pilot, lambda: late in app.explorer.networks.keys, what="a change after the cycles")
            assert app.is_running


async def test_real_dockerd_restart_recovers(private_dockerd):
    host, start, stop = private_dockerd
    eng = Engine(host)
    eng.connect()
    first = eng.api.create_network("before-restart", labels={"netui.test": "1"})["Id"]
    app = NetuiApp(EngineSource(host))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: first in app.explorer.networks.keys)
        stop()
        await wait_for(pilot, lambda: app.state in ("disconnected", "reconnecting"), timeout=5, what="disconnected")
        assert first in app.explorer.networks.keys  # the last topology stays
        start()
        await wait_for(pilot, lambda: app.state == "live", timeout=10, what="live after the restart")
        eng = Engine(host)
        eng.connect()
        second = eng.api.create_network("after-restart", labels={"netui.test": "1"})["Id"]
        await wait_for(pilot, lambda: second in app.explorer.networks.keys and first in app.explorer.networks.keys, what="both networks")
        assert app.source.open_streams == 1 and app.is_running


async def test_ui_explains_an_engine_that_is_not_there():
    app = NetuiApp(EngineSource("unix:///nonexistent/netui.sock"))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: "does not exist" in screen_text(app) and "netui keeps trying" in screen_text(app), what="the reason")
        assert app.state == "disconnected" and app.is_running


async def test_ui_explains_an_engine_that_is_too_old(engine):
    with SocketProxy() as proxy:
        proxy.fake_api_version = "1.30"
        app = NetuiApp(EngineSource(proxy.url))
        async with app.run_test(size=(160, 30)) as pilot:
            await wait_for(pilot, lambda: "too old" in screen_text(app), what="the too-old explanation")
            assert "1.30" in screen_text(app)


def test_ui_explains_permission_denied(engine):
    """What a user without access to the socket sees: the real app in a terminal."""
    with SocketProxy() as proxy:
        os.chown(proxy.path, 65534, 65534)
        os.chmod(proxy.path, 0o600)
        drop = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"]
        app = PtyApp(["--host", proxy.url], cols=160, rows=30, prefix=drop)
        try:
            assert app.wait_text("docker group", timeout=15), app.text()[-2000:]
            assert "permission denied" in app.text() and "Traceback" not in app.text()
        finally:
            app.stop()


HOSTILE_NAME = "[b]x[/b]\x1b[31m"
HOSTILE = {
    "markup": "[bold red]x[/] [link=https://example.invalid]y[/link] [$accent]z[/]",
    "click": "[@click=app.quit]q[/]",
    "ansi": "\x1b[31mred\x1b[0m\x1b]0;title\x07\x1b]8;;https://example.invalid\x07link\x1b]8;;\x07",
    "lines": "one\ntwo\tthree\r\n",
    "invisible": "zero\u200bwidth \u202eright-to-left\u202c \ufeffbom",
    "long": "L" * 10_000,
}


def _layout_holds(text: str) -> bool:
    """48 rows, the status line first and the footer last: no engine string pushed the layout."""
    lines = text.splitlines()
    return len(lines) == 48 and "live" in lines[0] and "Quit" in lines[-1]


def _assert_inert(text: str) -> None:
    assert "\x1b" not in text and "\x07" not in text
    assert "\u202e" not in text and "\u200b" not in text


async def test_hostile_strings_everywhere(engine, lab):
    name = lab.name(HOSTILE_NAME)
    nid = lab.network(HOSTILE_NAME, labels=HOSTILE, options={"netui.opt": HOSTILE["markup"]})
    long_name = lab.name("n" * (128 - len(lab.prefix)))
    long_id = lab.network("n" * (128 - len(lab.prefix)))
    cid = lab.container("target", lab.image, networks=[(name, ["[i]alias[/i]"])], labels=HOSTILE)
    app = NetuiApp(EngineSource())
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await loaded(pilot)
        # Panes and network details.
        await select_network(pilot, nid)
        await wait_for(pilot, lambda: cid in app.explorer.containers.keys)
        await wait_for(pilot, lambda: app.explorer.details.subject == ("network", nid), what="the network's details")
        await pilot.pause(0.1)
        text = screen_text(app)
        _assert_inert(text)
        assert "[b]x[/b]" in text and "[bold red]x[/]" in text and "[@click=app.quit]q[/]" in text
        assert _layout_holds(text)
        # Container details: labels, including 10 000 characters, wrap inside the pane.
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cid)
        await wait_for(pilot, lambda: app.explorer.details.subject == ("container", cid), what="the container's details")
        await pilot.pause(0.1)
        await wait_for(pilot, lambda: _layout_holds(screen_text(app)), what="48 rows: status, panes, footer")
        text = screen_text(app)
        _assert_inert(text)
        assert "[@click=app.quit]q[/]" in text and "LLLL" in text
        app.explorer.details.focus()
        await wait_for(pilot, lambda: app.focused is app.explorer.details, what="the details pane focused")

        async def at_the_end() -> bool:
            await pilot.press("G")  # past the 10 000 characters, to the labels after it
            await pilot.pause(0.1)
            return "[$accent]z[/]" in screen_text(app)

        for _ in range(50):  # (the pane may still be laying out the long label on a busy machine)
            if await at_the_end():
                break
        await wait_for(pilot, lambda: _layout_holds(screen_text(app)), what="48 rows after scrolling")
        text = screen_text(app)
        assert "[$accent]z[/]" in text
        _assert_inert(text)
        # A long name in the networks pane does not push the layout (selected, so it is
        # in view however many networks the engine holds).
        app.explorer.networks.select_key(long_id)
        await wait_for(pilot, lambda: long_name[:40] in screen_text(app), what="the long name in view")
        assert _layout_holds(screen_text(app))
        # Dialogs: the remove confirmation names it literally.
        app.explorer.networks.focus()
        app.explorer.networks.select_key(nid)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "[b]x[/b]" in app.screen.current.body.plain
        _assert_inert(screen_text(app))
        await pilot.press("escape")
        # The connect form's intro.
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConnectScreen))
        assert "[b]x[/b]" in screen_text(app)
        await pilot.press("escape")
        # A notification and the action log: disconnect it, confirmed.
        app.explorer.containers.focus()
        app.explorer.containers.select_key(cid)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#choice-0")
        await wait_for(pilot, lambda: "disconnected" in screen_text(app) and "[b]x[/b]" in screen_text(app), what="the toast")
        _assert_inert(screen_text(app))
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionLogScreen))
        text = screen_text(app)
        assert "docker network disconnect" in text and "[b]x[/b]" in text
        _assert_inert(text)
        await pilot.press("escape")
        assert app.is_running  # [@click=app.quit] did nothing
    # netui dump, readable and JSON.
    out = subprocess.run([sys.executable, "-m", "netui", "dump"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "[b]x[/b]" in out.stdout
    _assert_inert(out.stdout)
    out = subprocess.run([sys.executable, "-m", "netui", "dump", "--json"], capture_output=True, text=True, timeout=60)
    data = json.loads(out.stdout)
    net = next(n for n in data["networks"] if n["id"] == nid)
    assert net["name"] == name and net["labels"]["long"] == "L" * 10_000  # exact, for scripts
    assert "\x1b" not in out.stdout  # JSON escapes it


async def test_network_removed_while_its_removal_is_being_confirmed(engine, lab):
    nid = lab.network("vanishing")
    app = NetuiApp(EngineSource())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await select_network(pilot, nid)
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        engine.api.remove_network(nid)  # another terminal was quicker
        await wait_for(pilot, lambda: nid not in app.explorer.networks.keys, what="the table follows")
        # The open confirmation follows: it says so, and offers nothing to confirm.
        await wait_for(pilot, lambda: "was removed while this dialog was open" in screen_text(app), timeout=10, what="a clear message")
        assert not app.screen.query_one("#choice-0").display
        await pilot.press("y")  # nothing to confirm: nothing happens
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("escape")
        assert app.is_running and app.screen is app.explorer


@pytest.mark.parametrize("controlling", [True, False], ids=["its-terminal-closed", "a-pty-closed"])
def test_netui_ends_when_its_terminal_goes_away(engine, controlling):
    """Closing the terminal ends netui: with the pty as its controlling terminal (SIGHUP),
    and without (the tty just stops being one; Textual's input thread would spin on
    end-of-file forever: three such netuis were found at 24 % CPU each, an hour later)."""
    app = PtyApp([], cols=100, rows=30, ctty=controlling)
    try:
        app.wait_output(0, 60, needle=b"live")
        app.hang_up()
        app.proc.wait(10)  # raises if it lingers
        assert app.proc.returncode is not None
    finally:
        if app.proc.poll() is None:
            os.killpg(app.proc.pid, signal.SIGKILL)
            app.proc.wait(5)
