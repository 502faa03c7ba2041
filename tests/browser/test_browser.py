"""`netui serve` in a real browser: Debian's Chromium, driven by playwright.

The screen is an xterm.js canvas, not DOM text, so what it shows is checked by
pixels (not blank, the status line painted in the colour the app gives it, a change
after a key), and what the keys did through the app's own state (the
NETUI_STATE_DIR hook: focused pane, highlighted row, open screen, live write keys).
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from tests.browser.pixels import Image, close, hex_rgb, luminance
from tests.engine.serving import SESSION_TIMEOUT, Served, pid_alive, wait_until

pytestmark = [pytest.mark.engine, pytest.mark.browser]


@pytest.fixture(scope="module")
def scene(module_lab):
    """A network with two containers, named uniquely: the test filters to it and drills in."""
    net = module_lab.network("room", subnet="198.18.77.0/24")
    ids = [module_lab.container(n, module_lab.image, networks=[module_lab.name("room")]) for n in ("a", "b")]
    return {"name": module_lab.name("room"), "id": net, "containers": ids}


@pytest.fixture(scope="module")
def engine_host(engine) -> str:
    return engine.host or "unix:///var/run/docker.sock"


class Tab:
    """A browser tab on a served netui, recording what its websocket received and its console."""

    def __init__(self, context, served: Served) -> None:
        self.served = served
        self.page = context.new_page()
        self.received = bytearray()
        self.console: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        def got(payload) -> None:
            self.received.extend(payload if isinstance(payload, bytes) else payload.encode())

        ws.on("framereceived", got)

    def open(self):
        return self.page.goto(self.served.base + "/", wait_until="load")

    def drawn(self) -> None:
        """The app's first bytes are on the canvas (the page's own signal for it)."""
        self.page.wait_for_selector("body.-first-byte", timeout=SESSION_TIMEOUT * 1000)

    def focus(self) -> None:
        self.page.locator(".xterm-helper-textarea").focus()

    def press(self, *keys: str) -> None:
        for k in keys:
            self.page.keyboard.press(k)

    def png(self) -> bytes:
        return self.page.screenshot()

    def settled(self, unlike: bytes | None = None, timeout: float = 15.0) -> bytes:
        """A screenshot once the canvas stops changing (and, if given, differs from `unlike`)."""
        last = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shot = self.png()
            if shot == last and shot != unlike:
                return shot
            last = shot
            time.sleep(0.1)
        raise AssertionError("the screen did not settle" + (" on a new frame" if unlike else ""))

    def cell_height(self, rows: int) -> float:
        box = self.page.locator(".xterm-screen").bounding_box()
        assert box and box["height"] > 0
        return box["height"] / rows


def status_colour(img: Image, cell_h: float) -> tuple[int, int, int]:
    """The commonest colour on the first text row: the status line's background."""
    top = img.colours((0, int(cell_h * 0.15), img.width, max(int(cell_h * 0.85), 2)), step=1)
    return top.most_common(1)[0][0]


def assert_not_blank(img: Image) -> None:
    colours = img.colours(step=3)
    total = sum(colours.values())
    assert len(colours) > 20, f"only {len(colours)} colours: blank"
    assert colours.most_common(1)[0][1] < 0.95 * total, "one colour covers the page: blank"


def no_csp_errors(tab: Tab) -> None:
    bad = [m for m in tab.console if "Content Security Policy" in m or "Refused to" in m]
    assert not bad, bad


@pytest.fixture(scope="module")
def served(engine_host, scene):
    s = Served("--host", engine_host, env={"NETUI_TEST_SECRET": "netui-browser-secret-51c2"})
    yield s
    s.close()


def test_netui_draws_in_chromium_and_its_keys_reach_the_app(browser_context, served, scene, engine_host):
    tab = Tab(browser_context, served)
    response = tab.open()
    assert response.status == 200 and tab.page.title() == "netui"
    tab.drawn()
    pid = served.new_session()
    served.wait_state(pid, lambda s: s.get("state") == "live" and s.get("networks"), "the first topology")
    tab.focus()
    st = served.wait_state(pid, lambda s: s["focused"] == "networks", "the networks pane focused")

    shot0 = tab.settled()
    img0 = Image(shot0)
    assert_not_blank(img0)
    cell_h = tab.cell_height(st["size"][1])
    painted = status_colour(img0, cell_h)
    assert st["status_bg"] and close(painted, hex_rgb(st["status_bg"])), (painted, st["status_bg"])
    assert luminance(painted) < 0.5  # the default dark theme

    # j: the cursor moves down a row, in the app and on the canvas.
    tab.press("j")
    st = served.wait_state(pid, lambda s: s["row"] and s["row"] != st["row"], "the highlighted row to move")
    img1 = Image(tab.settled(unlike=shot0))
    assert img1.differing(img0) > 100

    # / name Enter: filter to the test's network; Enter: its containers; t: the probe form.
    tab.press("/")
    tab.page.keyboard.type(scene["name"])
    tab.press("Enter")
    served.wait_state(pid, lambda s: s["network"] == scene["id"] and s["focused"] == "networks", "the filtered network")
    tab.press("Enter")
    st = served.wait_state(pid, lambda s: s["focused"] == "containers" and s["row"], "the containers pane")
    assert any(c.startswith(st["row"]) or st["row"].startswith(c) for c in scene["containers"]), st
    before = tab.settled()
    tab.press("t")
    served.wait_state(pid, lambda s: s["screen"] == "ProbeScreen" and s["screens"] == 2, "the probe form")
    img2 = Image(tab.settled(unlike=before))
    assert img2.differing(Image(before)) > 1000  # a dialog over the panes
    tab.press("Escape")
    served.wait_state(pid, lambda s: s["screen"] == "ExplorerScreen" and s["screens"] == 1, "the form closed")

    # Nothing about the server's machine reached the browser: not in the page, not on the screen.
    shown = tab.page.content() + bytes(tab.received).decode("utf-8", "replace")
    sock = engine_host.split("://", 1)[-1]
    forbidden = {engine_host, sock, "netui-browser-secret-51c2", sys.executable, os.getcwd(), os.path.expanduser("~")}
    assert not sorted(f for f in forbidden if f and f in shown)
    assert b"(API " in tab.received  # the status line did arrive, with the version alone
    no_csp_errors(tab)
    tab.page.close()


def test_shared_beyond_loopback_the_room_reads_only_and_the_cap_turns_the_next_visitor_away(browser_context, scene):
    served = Served("--bind", "0.0.0.0", "--max-sessions", "1", "--theme", "textual-light")
    try:
        first = Tab(browser_context, served)
        assert first.open().status == 200
        first.drawn()
        pid = served.new_session()
        served.wait_state(pid, lambda s: s.get("state") == "live" and s.get("networks"), "the first topology")
        first.focus()
        st = served.wait_state(pid, lambda s: s["focused"] == "networks", "the networks pane focused")
        assert st["read_only"] and st["write_keys"] == [] and st["writes_allowed"] == []
        assert st["theme"] == "textual-light"
        # n (new network), d (remove), P (prune) do nothing; j after them shows they were read.
        tab_row = st["row"]
        first.press("n", "d", "P", "j")
        st = served.wait_state(pid, lambda s: s["row"] != tab_row, "j after the write keys")
        assert st["screens"] == 1 and st["screen"] == "ExplorerScreen", st
        img = Image(first.settled())
        painted = status_colour(img, first.cell_height(st["size"][1]))
        assert close(painted, hex_rgb(st["status_bg"])) and luminance(painted) > 0.6, (painted, st["status_bg"])

        second = Tab(browser_context, served)
        response = second.open()
        assert response.status == 503
        assert "the session limit is reached" in second.page.locator("#full").inner_text()
        assert "1 session" in second.page.locator("#full").inner_text()

        first.page.close()  # the first visitor leaves: the session ends, its place is free
        wait_until(lambda: not pid_alive(pid), 20, "the first session to exit")

        def let_in() -> bool:
            return second.page.reload(wait_until="load").status == 200

        wait_until(let_in, 20, "the second visitor let in", poll=0.3)
        second.drawn()
        pid2 = served.new_session()
        assert pid2 != pid
        served.wait_state(pid2, lambda s: s.get("networks") is not None, "the second visitor's session")
        no_csp_errors(first)
        no_csp_errors(second)
        second.page.close()
    finally:
        served.close()
