#!/usr/bin/env python3
"""What each browser session of `netui serve` costs, idle: CPU, memory, engine requests.

`netui serve` starts one app process per browser, each with its own event stream and
its own periodic resync. This starts `netui serve` behind a counting socket proxy,
opens 1, then 2, then 4 idle sessions (websocket clients that read the screen the way
the page's xterm.js does; a browser's own cost is on the visitor's machine), and for
each level measures over --idle-seconds: the CPU of the server and of every session
process, their memory (RSS), dockerd's CPU, and API requests per second.
"Per added session" is the least-squares slope over the levels.

Standalone it builds a modest labelled scenario (netui.bench=1, prefix servebench-<hex>-)
and removes it afterwards; benchmarks/run.py can call bench_serve() on its own scenario.

    .venv/bin/python benchmarks/serve_bench.py [--networks 6 --containers 30 --stopped 10]
                                               [--sessions 1,2,4] [--idle-seconds 30]

Traffic goes only to loopback (the server, the proxy) and to the scenario's own containers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine.client import Engine  # noqa: E402
from netui.engine.image import LOCAL_IMAGE, ensure_local_image  # noqa: E402
from netui.engine.workspace import Workspace, sweep_leftovers  # noqa: E402
from tests.sockproxy import SocketProxy  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")
RESULTS = ROOT / "benchmarks" / "results"
PREFIX = "servebench-"


# -- processes ---------------------------------------------------------------------------
def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    with open(f"/proc/{pid}/status") as f:
        return int(next(line.split()[1] for line in f if line.startswith(field + ":")))


def children(pid: int) -> list[int]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry))
        except (OSError, ValueError, IndexError):
            pass
    return sorted(out)


def dockerd_pid() -> int:
    out = subprocess.run(["pgrep", "-xo", "dockerd"], capture_output=True, text=True).stdout.strip()
    return int(out) if out else 0


def by_path(paths: list[str]) -> dict[str, int]:
    """Requests counted by kind: method-less paths without the API version and ids."""
    out: dict[str, int] = {}
    for p in paths:
        parts = [x for x in p.split("?", 1)[0].split("/") if x]
        if parts and parts[0].startswith("v1."):
            parts = parts[1:]
        key = "/" + "/".join(parts[:1]) + ("/…" if len(parts) > 1 else "")
        out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


class Terminal:
    """The plain terminal netui, idle beside the served sessions through its own counting
    proxy and measured over the same windows: the same engine churn, the same moment."""

    def __enter__(self) -> Terminal:
        from tests.ptyapp import PtyApp

        self.proxy = SocketProxy().__enter__()
        self.app = PtyApp(["--host", self.proxy.url], cols=160, rows=45)
        if self.app.wait_output(0, 60, needle=b"(API ") is None:
            raise RuntimeError("the terminal netui did not draw")
        return self

    def __exit__(self, *exc) -> None:
        self.app.stop()
        self.proxy.__exit__(*exc)

    def start(self) -> None:
        self.c0, self.r0, self.n0 = cpu_ticks(self.app.pid), self.proxy.count(), len(self.proxy.paths)

    def stop(self, span: float) -> dict:
        return {
            "cpu_percent": (cpu_ticks(self.app.pid) - self.c0) / HZ / span * 100,
            "rss_mb": rss_kb(self.app.pid) / 1024,
            "requests_per_second": (self.proxy.count() - self.r0) / span,
            "requests_by_path": by_path(self.proxy.paths[self.n0:]),
        }


def slope(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


# -- idle clients ------------------------------------------------------------------------
class Viewer:
    """An idle browser tab: opens a session and keeps reading what it draws."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.last = time.monotonic()

    async def open(self, port: int) -> Viewer:
        import aiohttp

        self.client = aiohttp.ClientSession()
        self.ws = await self.client.ws_connect(f"ws://127.0.0.1:{port}/ws?width=160&height=45")
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        async for msg in self.ws:
            if isinstance(msg.data, bytes):
                self.data += msg.data
                self.last = time.monotonic()

    async def close(self) -> None:
        await self.ws.close()
        await self.reader
        await self.client.close()


async def _quiet(proxy: SocketProxy, viewers: list[Viewer], quiet: float = 2.0, timeout: float = 120.0) -> None:
    """Every session has drawn its status line, and neither the engine nor the screens have
    seen anything new for `quiet` seconds (the first read and its inspects are done)."""
    deadline = time.monotonic() + timeout
    count, since = proxy.count(), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        now = time.monotonic()
        if proxy.count() != count:
            count, since = proxy.count(), now
        drawn = all(b"(API " in v.data for v in viewers)
        if drawn and now - since >= quiet and all(now - v.last >= 1.0 for v in viewers):
            return
    raise RuntimeError("the sessions did not settle")


async def _measure(server: subprocess.Popen, port: int, proxy: SocketProxy, counts: list[int], seconds: float,
                   terminal: Terminal | None) -> dict:
    dpid = dockerd_pid()
    viewers: list[Viewer] = []
    levels = []
    try:
        for k in counts:
            r_before = proxy.count()
            added = k - len(viewers)
            while len(viewers) < k:
                viewers.append(await Viewer().open(port))
            await _quiet(proxy, viewers)
            start_requests = (proxy.count() - r_before) / max(added, 1)
            sessions = children(server.pid)
            pids = [server.pid, *sessions]
            c0 = {p: cpu_ticks(p) for p in pids}
            d0, r0, t0, n0 = cpu_ticks(dpid) if dpid else 0, proxy.count(), time.monotonic(), len(proxy.paths)
            if terminal is not None:
                terminal.start()
            await asyncio.sleep(seconds)
            c1 = {p: cpu_ticks(p) for p in pids}
            d1, r1, t1 = cpu_ticks(dpid) if dpid else 0, proxy.count(), time.monotonic()
            paths = by_path(proxy.paths[n0:])
            span = t1 - t0
            term = terminal.stop(span) if terminal is not None else None
            cpu = {p: (c1[p] - c0[p]) / HZ / span * 100 for p in pids}
            level = {
                "sessions": k,
                "session_processes": len(sessions),
                "seconds": span,
                "server_cpu_percent": cpu[server.pid],
                "sessions_cpu_percent": [cpu[p] for p in sessions],
                "total_cpu_percent": sum(cpu.values()),
                "server_rss_mb": rss_kb(server.pid) / 1024,
                "sessions_rss_mb": [rss_kb(p) / 1024 for p in sessions],
                "sessions_peak_rss_mb": [rss_kb(p, "VmHWM") / 1024 for p in sessions],
                "total_rss_mb": sum(rss_kb(p) for p in pids) / 1024,
                "requests_per_second": (r1 - r0) / span,
                "requests_at_start_per_session": start_requests,
                "dockerd_cpu_percent": (d1 - d0) / HZ / span * 100 if dpid else None,
                "requests_by_path": paths,
                "terminal_beside": term,
            }
            levels.append(level)
            print(f"  {k} session(s): CPU {level['total_cpu_percent']:.2f} % in all (server {level['server_cpu_percent']:.2f} %, "
                  f"sessions {', '.join(f'{c:.2f}' for c in level['sessions_cpu_percent'])} %), "
                  f"RSS {level['total_rss_mb']:.0f} MB, {level['requests_per_second']:.3f} requests/s, "
                  f"dockerd {level['dockerd_cpu_percent'] or 0:.2f} %, {start_requests:.0f} requests to start a session; "
                  f"idle requests {paths}", flush=True)
            if term is not None:
                print(f"      the terminal netui beside them: CPU {term['cpu_percent']:.2f} %, RSS {term['rss_mb']:.0f} MB, "
                      f"{term['requests_per_second']:.3f} requests/s {term['requests_by_path']}", flush=True)
    finally:
        for v in viewers:
            try:
                await v.close()
            except Exception:
                pass
    ks = [float(lv["sessions"]) for lv in levels]
    per: dict = {"requests_at_start": sum(lv["requests_at_start_per_session"] for lv in levels) / len(levels)}
    if len(levels) > 1:
        # Memory does not depend on the engine's churn: the slope over the levels is the cost.
        per["rss_mb"] = slope(ks, [lv["total_rss_mb"] for lv in levels])
    # CPU and requests follow the engine's churn (other users' changes are events each session
    # reads), which moves between windows: each level is compared with the terminal netui
    # measured over the same window instead.
    per["cpu_percent"] = [sum(lv["sessions_cpu_percent"]) / lv["sessions"] for lv in levels]
    per["requests_per_second"] = [lv["requests_per_second"] / lv["sessions"] for lv in levels]
    terms = [lv["terminal_beside"] for lv in levels if lv["terminal_beside"]]
    if len(terms) == len(levels):
        per["terminal_cpu_percent"] = [t["cpu_percent"] for t in terms]
        per["terminal_requests_per_second"] = [t["requests_per_second"] for t in terms]
        per["cpu_vs_terminal"] = sum(per["cpu_percent"]) / max(sum(per["terminal_cpu_percent"]), 1e-9)
        per["requests_vs_terminal"] = sum(per["requests_per_second"]) / max(sum(per["terminal_requests_per_second"]), 1e-9)
    per["server_cpu_percent"] = [lv["server_cpu_percent"] for lv in levels]
    return {"levels": levels, "per_added_session": per}


def bench_serve(seconds: float = 30.0, counts: tuple[int, ...] = (1, 2, 4), extra: tuple[str, ...] = (),
                baseline: bool = True) -> dict:
    """`netui serve` with 1, 2, 4 idle sessions on whatever the engine holds now (run.py's
    scenario, or this module's), and (baseline) the terminal netui idle beside them over the
    same windows. Returns the figures; prints one line per level."""
    with contextlib.ExitStack() as stack:
        terminal = stack.enter_context(Terminal()) if baseline else None
        return _bench_serve(seconds, counts, extra, terminal)


def _bench_serve(seconds: float, counts: tuple[int, ...], extra: tuple[str, ...], terminal: Terminal | None) -> dict:
    with SocketProxy() as proxy:
        with tempfile.TemporaryFile("w+") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "netui", "serve", "--port", "0", "--host", proxy.url,
                 "--max-sessions", str(max(counts)), *extra],
                stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            )
            try:
                deadline = time.monotonic() + 30
                port = 0
                while not port:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("netui serve did not start")
                    time.sleep(0.1)
                    out.seek(0)
                    for line in out.read().splitlines():
                        if line.startswith("netui serve: http://"):
                            port = int(line.rstrip("/").rsplit(":", 1)[1])
                result = asyncio.run(_measure(server, port, proxy, list(counts), seconds, terminal))
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    per = result["per_added_session"]
    line = f"  per session: CPU {', '.join(f'{c:.2f}' for c in per['cpu_percent'])} % at {', '.join(map(str, counts))} sessions"
    if "cpu_vs_terminal" in per:
        line += (f" (terminal netui beside them: {', '.join(f'{c:.2f}' for c in per['terminal_cpu_percent'])} %; "
                 f"{per['cpu_vs_terminal']:.2f}x), requests/s {', '.join(f'{r:.3f}' for r in per['requests_per_second'])} "
                 f"(terminal {', '.join(f'{r:.3f}' for r in per['terminal_requests_per_second'])}; {per['requests_vs_terminal']:.2f}x)")
    if "rss_mb" in per:
        line += f", RSS +{per['rss_mb']:.0f} MB per added session"
    print(line + f", {per['requests_at_start']:.0f} requests at a session's start", flush=True)
    return result


# -- standalone: a modest scenario ----------------------------------------------------------
def build_scenario(engine: Engine, networks: int, containers: int, stopped: int) -> Workspace:
    ws = Workspace(engine, "netui.bench", "1", prefix=f"{PREFIX}{uuid.uuid4().hex[:6]}-")
    names = []
    for i in range(networks):
        ws.network(f"net-{i:02d}")
        names.append(ws.name(f"net-{i:02d}"))

    def make(i: int) -> str:
        nets: list = [names[i % networks]]
        ports = None
        if i % 5 == 0:  # every 5th also on the next network, with an alias and a published port
            nets.append((names[(i + 1) % networks], [f"alias-{i}"]))
            ports = {"80/tcp": ("127.0.0.1", None)}
        return ws.container(f"c-{i:03d}", LOCAL_IMAGE, networks=nets, ports=ports)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(make, range(containers)))
        list(pool.map(lambda i: ws.container(f"s-{i:03d}", LOCAL_IMAGE, networks=[names[0]], start=False), range(stopped)))
    return ws


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", type=int, default=6)
    ap.add_argument("--containers", type=int, default=30)
    ap.add_argument("--stopped", type=int, default=10)
    ap.add_argument("--sessions", default="1,2,4")
    ap.add_argument("--idle-seconds", type=float, default=30)
    args = ap.parse_args()
    counts = tuple(sorted({int(c) for c in args.sessions.split(",")}))
    engine = Engine()
    engine.connect()
    ensure_local_image(engine)
    lock = open(os.path.join(tempfile.gettempdir(), "netui-bench.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the same lock as run.py: one benchmark at a time
    except OSError:
        raise SystemExit("benchmarks/serve_bench.py: another benchmark is running on this machine; wait for it to end") from None
    sweep_leftovers(engine, "netui.bench", "1", PREFIX, older_than=3600)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: (_ for _ in ()).throw(KeyboardInterrupt(f"signal {s}")))
    t0 = time.monotonic()
    ws = build_scenario(engine, args.networks, args.containers, args.stopped)
    print(f"scenario: {args.networks} networks, {args.containers} running + {args.stopped} stopped containers "
          f"in {time.monotonic() - t0:.0f} s", flush=True)
    try:
        result = {"when": time.strftime("%Y-%m-%d %H:%M:%S"), "args": vars(args), "cpus": os.cpu_count(),
                  "serve": bench_serve(args.idle_seconds, counts)}
    finally:
        ws.remove_all()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"serve-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
