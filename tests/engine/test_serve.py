"""`netui serve`: the command line, the session cap, and a real server with real sessions
on the real engine, driven over its websocket the way the page's xterm.js drives it.

(The same server in a real browser: tests/browser/test_browser.py.)
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys

import pytest

from netui.cli import build_parser
from netui.serve.gate import SessionGate
from netui.serve.plan import ServeError, is_loopback, plan_serve, session_options
from tests.engine.serving import SESSION_TIMEOUT, Served, pid_alive, wait_until

aiohttp = pytest.importorskip("aiohttp")


def plan_for(*argv: str):
    parser = build_parser()
    args = parser.parse_args(["serve", *argv])
    return plan_serve(args, parser)


# -- the command line ------------------------------------------------------------------------
def test_loopback_addresses():
    for addr in ("127.0.0.1", "127.8.9.1", "localhost", "::1", "[::1]"):
        assert is_loopback(addr), addr
    for addr in ("0.0.0.0", "::", "192.0.2.7", "myhost.example", ""):
        assert not is_loopback(addr), addr


def test_loopback_sessions_may_write():
    plan = plan_for()
    assert plan.bind == "127.0.0.1" and not plan.read_only and not plan.warnings
    assert "--read-only" not in plan.argv


def test_beyond_loopback_is_read_only_unless_allow_writes():
    plan = plan_for("--bind", "0.0.0.0")
    assert plan.read_only and plan.forced_read_only and "--read-only" in plan.argv
    assert len(plan.warnings) == 1 and "anyone who can reach" in plan.warnings[0] and "--allow-writes" in plan.warnings[0]
    plan = plan_for("--bind", "0.0.0.0", "--allow-writes")
    assert not plan.read_only and "--read-only" not in plan.argv
    assert "can create and remove networks" in plan.warnings[0]
    plan = plan_for("--bind", "0.0.0.0", "--allow-writes", "--read-only")  # the stricter one wins
    assert plan.read_only and "--read-only" in plan.argv and not plan.forced_read_only
    plan = plan_for("--allow-writes")  # on loopback it changes nothing
    assert not plan.read_only and not plan.warnings


def test_every_explorer_option_reaches_the_sessions():
    """Each option of `netui` itself, set to a non-default value, is on a session's command
    line, whether given before or after `serve`; the serve-only options are not."""
    parser = build_parser()
    values = {"host": "tcp://198.18.0.9:2375", "context": "staging", "interval": 7.5, "probe_image": "img:1", "theme": "nord"}
    own = [a for a in parser._actions if a.option_strings and a.dest not in ("help", "version")]
    assert {a.dest for a in own} >= {"host", "read_only", "interval", "probe_image", "replay", "theme"}
    for action in own:
        if action.dest == "replay":
            continue  # needs a real file: below
        flag = next(o for o in action.option_strings if o.startswith("--"))
        given = [flag] if action.nargs == 0 else [flag, str(values[action.dest])]
        for argv in (["serve", *given], [*given, "serve"]):
            args = parser.parse_args(argv)
            opts = session_options(args, parser)
            assert opts == given, (argv, opts)
    # Several engines: every one of them, in order.
    args = parser.parse_args(["serve", "-H", "unix:///a.sock", "-H", "tcp://198.18.0.9:2375", "--context", "b"])
    assert session_options(args, parser) == ["--host", "unix:///a.sock", "--host", "tcp://198.18.0.9:2375", "--context", "b"]
    args = parser.parse_args(["serve", "--port", "9", "--bind", "127.0.0.2", "--max-sessions", "2", "--allow-writes"])
    assert session_options(args, parser) == []


def test_session_command_is_an_argv_list(tmp_path):
    hostile = "unix:///tmp/x.sock; touch /tmp/pwned $(id)"
    plan = plan_for("--host", hostile)
    assert plan.argv[:3] == (sys.executable, "-m", "netui")
    assert plan.argv[3:] == ("--host", hostile)  # one argument, never parsed by a shell


def test_replay_is_checked_once_and_passed_as_an_absolute_path(tmp_path):
    with pytest.raises(ServeError, match="cannot read"):
        plan_for("--replay", str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(ServeError, match="not JSON"):
        plan_for("--replay", str(bad))
    good = os.path.join(os.path.dirname(__file__), "..", "data", "topology.json")
    plan = plan_for("--replay", good)
    assert plan.read_only and plan.argv[-2:] == ("--replay", os.path.abspath(good))


def test_unknown_theme_is_a_usage_error():
    with pytest.raises(ServeError, match="unknown theme 'nope'"):
        plan_for("--theme", "nope")


@pytest.mark.parametrize("argv, words", [
    (["--port", "70000"], "0 to 65535"),
    (["--max-sessions", "0"], "1 to 256"),
    (["--theme", "nope"], "unknown theme"),
    (["--replay", "/nonexistent/t.json"], "cannot read"),
])
def test_bad_serve_usage_is_one_line_and_exit_2(argv, words):
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "netui", "serve", *argv], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2, proc
    assert words in proc.stderr and "Traceback" not in proc.stderr


# -- the cap ---------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_gate_reserves_claims_and_releases():
    clock = Clock()
    gate = SessionGate(2, ttl=30, clock=clock)
    t1, t2 = gate.reserve(), gate.reserve()
    assert t1 and t2 and t1 != t2
    assert gate.reserve() is None  # two pages served: the third visitor is turned away
    assert not gate.claim("forged") and not gate.claim(None)  # no place without a ticket either
    assert gate.claim(t1) and gate.claim(t2) and gate.active == 2
    assert not gate.claim(t1)  # a ticket is used once
    gate.release()
    assert gate.in_use == 1 and gate.claim(None)  # a free place needs no ticket
    with pytest.raises(RuntimeError):
        SessionGate(1).release()


def test_gate_tickets_expire():
    clock = Clock()
    gate = SessionGate(1, ttl=30, clock=clock)
    t = gate.reserve()
    assert gate.reserve() is None
    clock.now += 30.5  # the page never opened its session: its place comes back
    assert gate.in_use == 0
    t2 = gate.reserve()
    assert t2 and not gate.claim(t) and gate.claim(t2)


# -- a real server ------------------------------------------------------------------------------
@pytest.fixture
def served_factory(engine):
    servers: list[Served] = []

    def make(*args: str, env: dict[str, str] | None = None) -> Served:
        s = Served(*args, env=env)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.close()


class WsSession:
    """One session as the page's xterm.js sees it: bytes in, JSON messages out."""

    def __init__(self, client, ws) -> None:
        self.client, self.ws = client, ws
        self.data = bytearray()
        self.closed = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, served: Served, ticket: str | None, headers: dict[str, str] | None = None, size=(140, 40)):
        client = aiohttp.ClientSession()
        path = f"/ws/{ticket}" if ticket else "/ws"
        try:
            ws = await client.ws_connect(f"ws://127.0.0.1:{served.port}{path}?width={size[0]}&height={size[1]}", headers=headers or {})
        except BaseException:
            await client.close()
            raise
        return cls(client, ws)

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.data += msg.data
        self.closed.set()

    async def send(self, *envelope) -> None:
        await self.ws.send_json(list(envelope))

    async def keys(self, *keys: str) -> None:
        for k in keys:
            await self.send("stdin", k)

    async def wait_for_bytes(self, needle: bytes, timeout: float = SESSION_TIMEOUT) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while needle not in self.data:
            if asyncio.get_running_loop().time() > deadline or self.closed.is_set():
                raise AssertionError(f"{needle!r} never arrived (closed={self.closed.is_set()}, got {bytes(self.data[-300:])!r})")
            await asyncio.sleep(0.05)

    async def wait_quiet(self, quiet: float = 0.5, timeout: float = 30.0) -> None:
        """Until nothing new has arrived for `quiet` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        size, since = len(self.data), loop.time()
        while loop.time() - since < quiet:
            if loop.time() > deadline:
                raise AssertionError("the screen kept changing")
            await asyncio.sleep(0.05)
            if len(self.data) != size:
                size, since = len(self.data), loop.time()

    async def close(self) -> None:
        await self.ws.close()
        await self.reader
        await self.client.close()


async def wait_state(served: Served, pid: int, predicate, what: str, timeout: float = SESSION_TIMEOUT) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        s = served.state(pid)
        if s and predicate(s):
            return s
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last state {s}; log {served.log()}")
        await asyncio.sleep(0.05)


async def new_session(served: Served) -> int:
    return await asyncio.to_thread(served.new_session)


def loaded(s: dict) -> bool:
    return s.get("networks") is not None and s.get("state") == "live"




@pytest.mark.engine
async def test_page_answers_on_loopback_and_shows_no_engine_address_environment_or_paths(served_factory, engine):
    secret = "netui-test-secret-7f3a9c"
    host = engine.host or "unix:///var/run/docker.sock"
    served = served_factory("--host", host, env={"NETUI_TEST_SECRET": secret, "DOCKER_HOST": host})
    status, headers, page = served.get("/")
    assert status == 200 and "<title>netui</title>" in page and 'id="terminal"' in page
    assert "Server" not in headers and headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert served.get("/static/")[0] in (403, 404)  # no listing of the static folder
    assert served.get("/static/js/textual.js")[0] == 200

    ws = await WsSession.open(served, re.search(r'data-ticket="([^"]+)"', page).group(1))
    try:
        pid = await new_session(served)
        await wait_state(served, pid, loaded, "the session's first topology")
        await ws.wait_for_bytes(b"(API ")  # the status line is drawn: "Docker 20.10 (API 1.41)"
        await ws.wait_quiet()  # and the rest of the screen
        shown = page + bytes(ws.data).decode("utf-8", "replace")
        sock = host.split("://", 1)[-1]
        forbidden = {host, sock, os.path.basename(sock), secret, sys.executable, sys.prefix, os.getcwd(), os.path.expanduser("~")}
        # Every value of the environment that looks like a path or a secret.
        forbidden |= {v for k, v in os.environ.items() if len(v) >= 8 and ("/" in v or "KEY" in k or "TOKEN" in k)}
        leaks = sorted(f for f in forbidden if f and f != "/" and f in shown)
        assert not leaks, leaks
    finally:
        await ws.close()


@pytest.mark.engine
async def test_the_visitor_past_the_cap_is_refused_with_a_page_that_says_so(served_factory):
    served = served_factory("--max-sessions", "1")
    assert served.get("/")[0] == 200  # this page reserved the only place...
    status, headers, body = served.get("/")
    assert status == 503 and headers.get("Retry-After") == "10"  # ...so the next visitor is told
    assert "session limit is reached" in body and "1 session" in body and 'http-equiv="refresh"' in body

    # The reserved page never opens its session; a websocket without a ticket is refused too.
    refused = await WsSession.open(served, None)
    await asyncio.wait_for(refused.closed.wait(), 10)
    assert b"session limit is reached" in refused.data and refused.ws.close_code == 1013
    await refused.client.close()


@pytest.mark.engine
async def test_a_place_comes_back_when_a_session_ends(served_factory):
    served = served_factory("--max-sessions", "1")
    ws = await WsSession.open(served, served.ticket())
    pid = await new_session(served)
    await wait_state(served, pid, lambda s: s.get("networks") is not None, "the first session drawn")
    assert served.get("/")[0] == 503
    second = await WsSession.open(served, None)  # a page with an old ticket, or none
    await asyncio.wait_for(second.closed.wait(), 10)
    assert second.ws.close_code == 1013
    await second.client.close()
    await ws.close()  # the browser leaves: its process exits, its place is free
    await asyncio.to_thread(wait_until, lambda: not pid_alive(pid), 20, "the session's process to exit")
    status = await asyncio.to_thread(lambda: wait_until(lambda: served.get("/")[0] == 200, 20, "a free place"))
    assert status


@pytest.mark.engine
async def test_only_its_own_page_opens_sessions(served_factory):
    served = served_factory()
    with pytest.raises(aiohttp.WSServerHandshakeError) as err:
        await WsSession.open(served, served.ticket(), headers={"Origin": "http://evil.example"})
    assert err.value.status == 403
    # A page reached through a rebound DNS name carries that name in Host: refused on a loopback server.
    status, _, body = served.get("/", headers={"Host": "evil.example:80"})
    assert status == 403 and "this machine only" in body
    for host in ("localhost", f"localhost:{served.port}", f"127.0.0.1:{served.port}"):
        assert served.get("/", headers={"Host": host}, method="HEAD")[0] == 200
    ok = await WsSession.open(served, served.ticket(), headers={"Origin": served.base})
    pid = await new_session(served)
    assert pid_alive(pid)
    await ok.close()


async def _focus_networks(served: Served, ws: WsSession, pid: int) -> dict:
    await wait_state(served, pid, loaded, "the first topology")
    await ws.send("focus")  # what the page sends when its terminal gets focus
    return await wait_state(served, pid, lambda s: s.get("focused") == "networks", "the networks pane focused")


@pytest.mark.engine
async def test_writes_on_loopback_but_none_beyond_it_without_allow_writes(served_factory):
    local = served_factory()
    ws = await WsSession.open(local, local.ticket())
    try:
        pid = await new_session(local)
        s = await _focus_networks(local, ws, pid)
        assert not s["read_only"] and "n" in s["write_keys"] and "create_network" in s["writes_allowed"]
        await ws.keys("n")  # the create-network form opens...
        await wait_state(local, pid, lambda s: s["screens"] == 2 and s["screen"] == "CreateNetworkScreen", "the form")
        await ws.keys("\x1b")  # ...and Escape closes it, nothing created
        await wait_state(local, pid, lambda s: s["screens"] == 1, "the form closed")
    finally:
        await ws.close()

    shared = served_factory("--bind", "0.0.0.0", "--theme", "textual-light")
    assert "WARNING" in wait_until(lambda: "WARNING" in shared.log() and shared.log(), 10, "the warning")
    ws = await WsSession.open(shared, shared.ticket())
    try:
        pid = await new_session(shared)
        s = await _focus_networks(shared, ws, pid)
        assert s["read_only"] and s["write_keys"] == [] and s["writes_allowed"] == []
        assert s["theme"] == "textual-light"  # the other options reach the session
        row = s["row"]
        await ws.keys("n", "d", "c", "P", "j")  # keys are read in order: once j has moved the row, the rest were read
        s = await wait_state(shared, pid, lambda s: s["row"] != row, "j after the write keys")
        assert s["screens"] == 1 and s["screen"] == "ExplorerScreen", s
    finally:
        await ws.close()


@pytest.mark.engine
async def test_sessions_run_as_the_servers_user_and_end_with_it(served_factory):
    served = served_factory("--max-sessions", "2")
    a = await WsSession.open(served, served.ticket())
    b = await WsSession.open(served, served.ticket())
    pids = [await new_session(served), await new_session(served)]
    for pid in pids:
        s = await wait_state(served, pid, lambda s: "uid" in s, "a state")
        assert s["uid"] == os.getuid()
        uids = re.search(r"^Uid:\s+(\d+)\s+(\d+)", open(f"/proc/{pid}/status").read(), re.M)
        assert (int(uids.group(1)), int(uids.group(2))) == (os.getuid(), os.geteuid())
    assert await asyncio.to_thread(served.stop) == 0  # Ctrl+C / SIGTERM: every session is ended
    for ws in (a, b):
        await asyncio.wait_for(ws.closed.wait(), 15)
        await ws.client.close()
    assert not any(pid_alive(p) for p in pids)


@pytest.mark.engine
async def test_sessions_exit_when_the_server_is_killed(served_factory):
    served = served_factory()
    ws = await WsSession.open(served, served.ticket())
    pid = await new_session(served)
    await wait_state(served, pid, lambda s: "uid" in s, "a state")
    served.proc.send_signal(signal.SIGKILL)  # no chance to clean up: the session sees its stdin close
    await asyncio.to_thread(served.proc.wait)
    await asyncio.to_thread(wait_until, lambda: not pid_alive(pid), 20, "the orphaned session to exit")
    await ws.client.close()


@pytest.mark.engine
def test_a_busy_port_is_one_line_and_exit_1(engine):
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "netui", "serve", "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr


def test_served_sessions_do_not_show_the_engine_address(monkeypatch):
    from netui.engine.client import explain
    from netui.engine.model import HIDE_HOST_ENV, EngineInfo

    info = EngineInfo(host="ssh://alice@10.1.2.3", version="20.10.24", api_version="1.41")
    assert info.label == "ssh://alice@10.1.2.3 · Docker 20.10.24 (API 1.41)"
    gone = explain(FileNotFoundError(2, "No such file or directory"), "unix:///home/alice/docker.sock")
    assert "/home/alice/docker.sock" in str(gone)
    monkeypatch.setenv(HIDE_HOST_ENV, "1")
    assert info.label == "Docker 20.10.24 (API 1.41)"
    for exc in (FileNotFoundError(2, "No such file or directory"), PermissionError(13, "Permission denied"), ConnectionRefusedError(111, "refused")):
        text = str(explain(exc, "unix:///home/alice/docker.sock"))
        assert "alice" not in text and "docker.sock" not in text and "the configured address" in text, text
