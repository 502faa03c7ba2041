"""The web server of `netui serve`: aiohttp, with textual-serve's AppService running one
netui process per browser connection and xterm.js (textual-serve's static files) in the page.

textual-serve's own `Server` is not used as it is: it starts the command through a shell,
puts the command line in the page title, loads a font from the web, lists its static
folder, checks neither the Origin nor the Host of a request, and has no session cap.
This module keeps its AppService (the process and its packet protocol) and its static
files, and adds:

- a cap on sessions (gate.py): the visitor past it gets a page that says so;
- the session command as an argv list, never a shell string;
- websockets only from the page's own origin (no other site can drive a session), and on a
  loopback address only requests addressed to a loopback name (no DNS rebinding);
- security headers (CSP with a nonce, no framing, no referrer, no Server banner);
- sessions that end with their browser, and processes that end with the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import signal
import socket
import sys
from pathlib import Path

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from netui.engine.model import HIDE_HOST_ENV
from netui.serve.gate import SessionGate
from netui.serve.page import FULL_TERMINAL_MESSAGE, app_page, full_page, refused_host_page
from netui.serve.plan import ServePlan, is_loopback

STATIC = Path(str(__import__("textual_serve").__file__)).parent / "static"
DRIVER = "netui.ui.web_driver:ServedDriver"
RETRY_SECONDS = 10
STOP_GRACE = 8.0  # seconds a session's process gets to exit after "quit" before it is killed
MAX_COLUMNS, MAX_ROWS = 500, 200  # a browser cannot make a session allocate a giant screen
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def _say(message: str) -> None:
    print(f"netui serve: {message}", file=sys.stderr, flush=True)


def _clamp(value: object, low: int, high: int, default: int) -> int:
    try:
        v = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default
    return max(low, min(high, v))


class Session(AppService):
    """One netui process for one browser, started from an argv list with the served driver."""

    def __init__(self, argv: tuple[str, ...], **kwargs) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        env = super()._build_environment(width=width, height=height)
        env["TEXTUAL_DRIVER"] = DRIVER
        env[HIDE_HOST_ENV] = "1"
        return env

    async def _open_app_process(self, width: int = 80, height: int = 24):
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
        )
        self._stdin = process.stdin
        return process

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def finished(self) -> asyncio.Task | None:
        return self._task

    async def stop(self) -> None:
        """Ask the app to quit; kill it if it has not exited after STOP_GRACE seconds."""
        process = self._process
        with contextlib.suppress(Exception):
            await asyncio.wait_for(super().stop(), STOP_GRACE)
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(process.wait(), 2.0)
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class NetuiServer:
    def __init__(self, plan: ServePlan, *, quiet: bool = False) -> None:
        self.plan = plan
        self.gate = SessionGate(plan.max_sessions)
        self.quiet = quiet
        self.loopback = is_loopback(plan.bind)
        self.downloads = DownloadManager()
        self.sockets: set[web.WebSocketResponse] = set()
        self.handlers: set[asyncio.Task] = set()
        self.pids: set[int] = set()
        self.stopping = False

    def say(self, message: str) -> None:
        if not self.quiet:
            _say(message)

    # -- the web application -----------------------------------------------------------
    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/", self.handle_index)
        app.router.add_get("/favicon.ico", self.handle_favicon)
        app.router.add_get("/ws/{ticket}", self.handle_websocket)
        app.router.add_get("/ws", self.handle_websocket)
        app.router.add_static("/static", STATIC, show_index=False, follow_symlinks=False)
        app.on_response_prepare.append(self._headers)
        return app

    def _host_allowed(self, request: web.Request) -> bool:
        if not self.loopback:
            return True
        host = request.url.host or ""
        return host.strip("[]").lower() in (*LOOPBACK_NAMES, self.plan.bind.strip("[]").lower()) or host.startswith("127.")

    @web.middleware
    async def _guard(self, request: web.Request, handler):
        if not self._host_allowed(request):
            raise web.HTTPForbidden(text=refused_host_page(f"http://127.0.0.1:{request.url.port or ''}/"))
        return await handler(request)

    @staticmethod
    async def _headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.popall("Server", None)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        )

    @staticmethod
    async def handle_favicon(request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def handle_index(self, request: web.Request) -> web.Response:
        if request.method == "HEAD":  # a check that the server is up takes no place
            return web.Response(content_type="text/html", headers={"Cache-Control": "no-store"})
        ticket = None if self.stopping else self.gate.reserve()
        if ticket is None:
            self.say(f"turned a visitor away ({request.remote}): all {self.plan.max_sessions} sessions in use")
            return web.Response(
                status=503, text=full_page(limit=self.plan.max_sessions, retry=RETRY_SECONDS), content_type="text/html",
                headers={"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"},
            )
        nonce = secrets.token_urlsafe(16)
        font_size = _clamp(request.query.get("fontsize", "16"), 8, 48, 16)
        csp = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
        return web.Response(
            text=app_page(ticket=ticket, font_size=font_size, nonce=nonce), content_type="text/html",
            headers={"Content-Security-Policy": csp, "Cache-Control": "no-store"},
        )

    def _same_origin(self, request: web.Request) -> bool:
        """A browser names the page that opens a websocket: only our own page may. (Clients
        that are not browsers send no Origin; they are not a page another site made.)"""
        origin = request.headers.get("Origin")
        if origin is None:
            return True
        from yarl import URL

        try:
            o = URL(origin)
        except ValueError:
            return False
        want = request.host.lower()
        got = f"{o.host}:{o.explicit_port}" if o.explicit_port else (o.host or "")
        return o.scheme in ("http", "https") and got.lower() == want

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not self._same_origin(request):
            self.say(f"refused a websocket from another origin ({request.headers.get('Origin')!r})")
            raise web.HTTPForbidden(text="netui serve: sessions are opened by its own page only\n")
        ws = web.WebSocketResponse(heartbeat=15, max_msg_size=1 << 20)
        if self.stopping or not self.gate.claim(request.match_info.get("ticket")):
            await ws.prepare(request)
            await ws.send_bytes(FULL_TERMINAL_MESSAGE.format(limit=self.plan.max_sessions).encode())
            await ws.close(code=1013, message=b"session limit reached")  # 1013: try again later
            return ws
        task = asyncio.current_task()
        if task is not None:
            self.handlers.add(task)
        session: Session | None = None
        try:
            await ws.prepare(request)
            self.sockets.add(ws)
            width = _clamp(request.query.get("width"), 10, MAX_COLUMNS, 80)
            height = _clamp(request.query.get("height"), 5, MAX_ROWS, 24)
            session = Session(
                self.plan.argv, write_bytes=ws.send_bytes, write_str=ws.send_str, close=ws.close,
                download_manager=self.downloads,
            )
            await session.start(width, height)
            if session.pid:
                self.pids.add(session.pid)
            self.say(f"session opened for {request.remote} (pid {session.pid}; {self.gate.active} of {self.plan.max_sessions} in use)")
            # The app can end by itself (q, a crash): then the page is told at once.
            if session.finished is not None:
                session.finished.add_done_callback(lambda _t: asyncio.ensure_future(ws.close()))
            await self._relay(ws, session)
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        finally:
            self.sockets.discard(ws)
            with contextlib.suppress(Exception):
                await ws.close()
            if session is not None:
                await asyncio.shield(session.stop())
                if session.pid:
                    self.pids.discard(session.pid)
            self.gate.release()
            if task is not None:
                self.handlers.discard(task)
            if session is not None:
                self.say(f"session closed for {request.remote} (pid {session.pid}; {self.gate.active} of {self.plan.max_sessions} in use)")
        return ws

    @staticmethod
    async def _relay(ws: web.WebSocketResponse, session: Session) -> None:
        """The browser's messages to the app. Anything malformed is dropped."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind = envelope[0]
            data = envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await session.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await session.set_terminal_size(
                    _clamp(data.get("width"), 10, MAX_COLUMNS, 80), _clamp(data.get("height"), 5, MAX_ROWS, 24)
                )
            elif kind == "ping":
                await ws.send_json(["pong", str(data)[:32]])
            elif kind == "blur":
                await session.blur()
            elif kind == "focus":
                await session.focus()

    async def close_sessions(self) -> None:
        """Server stop: every page is told, every session's process exits (or is killed)."""
        self.stopping = True
        for ws in list(self.sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"server stopped")
        if self.handlers:
            await asyncio.wait(list(self.handlers), timeout=STOP_GRACE + 5)


def _urls(bind: str, port: int) -> list[str]:
    if bind in ("0.0.0.0", "::", ""):
        names = [socket.gethostname()]
        with contextlib.suppress(OSError):
            names += sorted({a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")})
        return [f"http://{n}:{port}/" for n in names]
    host = f"[{bind}]" if ":" in bind else bind
    return [f"http://{host}:{port}/"]


async def serve(plan: ServePlan, *, ready: asyncio.Future | None = None, stop: asyncio.Event | None = None) -> int:
    server = NetuiServer(plan)
    runner = web.AppRunner(server.make_app(), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, plan.bind, plan.port, reuse_address=True)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        reason = exc.strerror or str(exc)
        _say(f"cannot listen on {plan.bind}:{plan.port}: {reason}")
        return 1
    port = plan.port
    for address in runner.addresses:  # the port chosen for --port 0
        port = address[1]
        break
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    for warning in plan.warnings:
        _say(f"WARNING: {warning}")
    mode = "read-only" if plan.read_only else "read-write"
    for url in _urls(plan.bind, port):
        # stdout, one line each: a script (or a test) can read the address from it.
        print(f"netui serve: {url}", flush=True)
    _say(f"{mode} sessions, at most {plan.max_sessions} at once; Ctrl+C stops")
    if ready is not None and not ready.done():
        ready.set_result(port)
    try:
        await stop.wait()
    finally:
        _say("stopping: closing the sessions")
        await server.close_sessions()
        await runner.cleanup()
    return 0


def run_server(plan: ServePlan) -> int:
    try:
        return asyncio.run(serve(plan))
    except KeyboardInterrupt:
        return 130
