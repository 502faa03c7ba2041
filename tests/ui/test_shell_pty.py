"""`e`: a shell in a container, driven in a real terminal (a pty): netui suspends, the
shell owns the terminal, exit brings netui back. A container without a shell gets the
probe image's shell in its network namespace, removed again on exit."""

from __future__ import annotations

import time

import pytest

from tests.ptyapp import PtyApp

pytestmark = pytest.mark.engine


def wait(app: PtyApp, mark: int, needle: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in app.since(mark).decode("utf-8", "replace").replace("\r", ""):
            return
        time.sleep(0.05)
    raise AssertionError(f"{needle!r} did not appear; the terminal showed:\n{app.text()[-3000:]}")


def open_shell(app: PtyApp, name: str) -> int:
    """Filter to the container, go to its row in the containers pane, press e."""
    mark = app.mark()
    app.send(b"/")  # alone: keys in the same burst as "/" do not reach the filter (see the report)
    app.wait_settled(mark, quiet=0.3, timeout=5)
    mark = app.mark()
    app.send(name.encode() + b"\r")
    app.wait_settled(mark, quiet=0.3, timeout=5)
    app.send(b"\r")  # the network's containers: only the matching one
    app.wait_settled(app.mark(), quiet=0.3, timeout=5)
    mark = app.mark()
    app.send(b"$")
    return mark


def sharers_of(engine, cid: str) -> list[str]:
    return [c["Id"] for c in engine.api.containers(all=True)
            if (c.get("HostConfig") or {}).get("NetworkMode") in (f"container:{cid}",)]


def test_shell_in_a_container_and_the_fallback(engine, lab, noping_image):
    lab.network("shells")
    lab.container("withsh", lab.image, networks=[lab.name("shells")])
    bare = lab.container("nosh", noping_image, networks=[lab.name("shells")])
    bare_ip = engine.api.inspect_container(bare)["NetworkSettings"]["Networks"][lab.name("shells")]["IPAddress"]
    app = PtyApp([], cols=160, rows=48)
    try:
        assert app.wait_text(lab.name("shells"), timeout=20), app.text()[-2000:]
        mark = open_shell(app, lab.name("withsh"))
        wait(app, mark, f"netui: $ docker exec -it {lab.name('withsh')} sh")
        mark = app.mark()
        app.send(b"echo hello-$((6*7)) from $(hostname)\r")
        wait(app, mark, "hello-42 from ")
        mark = app.mark()
        app.send(b"exit\r")
        wait(app, mark, "Back from the shell")  # netui is back, its toast says so
        # No shell in it: the probe image's shell in its network namespace (its address).
        app.send(b"\x1b")  # Esc: the filter goes
        app.wait_settled(app.mark(), quiet=0.3, timeout=5)
        mark = open_shell(app, lab.name("nosh"))
        wait(app, mark, "has no shell")
        wait(app, mark, f"--network container:{lab.name('nosh')} netui/busybox:local sh")
        mark = app.mark()
        app.send(b"ip -4 addr show eth0\r")
        wait(app, mark, bare_ip)
        assert len(sharers_of(engine, bare)) == 1  # the shell's container, beside it
        mark = app.mark()
        app.send(b"exit\r")
        wait(app, mark, "Back from the shell")
        deadline = time.monotonic() + 10
        while sharers_of(engine, bare) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not sharers_of(engine, bare), "the fallback shell's container (--rm) is gone after exit"
        assert "Traceback" not in app.text()
    finally:
        app.stop()
