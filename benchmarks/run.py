#!/usr/bin/env python3
"""netui's speed and calm, measured on a real engine. Prints a table, writes JSON.

Builds a labelled scale scenario (netui.bench=1, name prefix bench-<hex>-):
N networks, M running containers round-robin over them, every 5th container
also on the next network with an alias and a port published on 127.0.0.1, plus
S stopped containers on one big network (so the explorer lists ~1000 rows).
Then measures, and removes exactly what it made.

 1. full topology read: netui's snapshot vs the docker CLI way vs inspect every
    container vs inspect every network (wall time, API requests)
 2. steady refresh with nothing changed (requests, time)
 3. idle: the real `netui` in a pseudo-terminal for 30 s (its CPU, dockerd's CPU,
    API requests/s through a counting socket proxy, peak RSS), then each peer the same way
 4. event to screen: `docker network connect` → row visible in the app (p50/p95, 50 tries)
 5. cold start to a populated screen (new process each time), netui and each peer
 5b. a new network on screen: `docker network create` → its name drawn (netui, lazydocker)
 6. key to screen with ~1000 containers listed (cursor move, filter keystroke)
 7. connectivity matrix of a 20-container network (380 pairs)
 8. connectivity matrix of a 50-container network (2450 pairs), 3 runs: every pair not
    reported reachable is checked with `docker exec a ping -c 2 -W 1 b`; a reply there
    makes the matrix's verdict a false "no reply"
 9. `netui serve` with 1, 2, 4 idle browser sessions (benchmarks/serve_bench.py)
10. `netui doctor` on the scenario: time and requests (benchmarks/doctor_bench.py)
11. the topology map's frames at 40 networks / 400 containers (benchmarks/map_bench.py, no engine)

Traffic goes only to the benchmark's own containers and to loopback.

    .venv/bin/python benchmarks/run.py [--networks 40 --containers 400 --stopped 600 | --size 3000]
                                       [--only read,refresh,idle,event,cold,newnet,keys,matrix,matrix50,serve,doctor,map] [--repeat 5]
                                       [--sen EXE] [--lazydocker EXE]

Peers (other Docker TUIs) run in the same scenario and run, on the engine's socket
only (DOCKER_HOST), in the same 160×48 pseudo-terminal: sen (scripts/peers.sh
installs it) and lazydocker (a binary the project does not build; see the README).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine.client import Engine  # noqa: E402
from netui.engine.image import LOCAL_IMAGE, ensure_local_image  # noqa: E402
from netui.engine.topology import TopologyReader  # noqa: E402
from netui.engine.workspace import Workspace, sweep_leftovers  # noqa: E402
from tests.ptyapp import PtyApp  # noqa: E402
from tests.sockproxy import SocketProxy  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")
PING_RECEIVED = re.compile(r"(\d+) (?:packets )?received")
RESULTS = ROOT / "benchmarks" / "results"
ENGINE_URL = "unix:///var/run/docker.sock"  # the real engine, as the counting proxy reaches it


def stats(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values), "n": len(values)}


def fmt(s: dict, unit: str = "ms", scale: float = 1000.0, digits: int = 1) -> str:
    return f"{s['median'] * scale:.{digits}f} {unit} ({s['min'] * scale:.{digits}f}–{s['max'] * scale:.{digits}f})"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def dockerd_pid() -> int:
    out = subprocess.run(["pgrep", "-xo", "dockerd"], capture_output=True, text=True).stdout.strip()
    return int(out) if out else 0


# -- the scenario --------------------------------------------------------------------
class Scenario:
    def __init__(self, engine: Engine, networks: int, containers: int, stopped: int) -> None:
        self.engine = engine
        self.ws = Workspace(engine, "netui.bench", "1", prefix=f"bench-{uuid.uuid4().hex[:6]}-")
        self.n_networks, self.n_containers, self.n_stopped = networks, containers, stopped
        self.net_names: list[str] = []
        self.containers: list[str] = []
        self.big = ""
        self.matrix_net = ""

    def build(self) -> None:
        t0 = time.monotonic()
        ws = self.ws
        for i in range(self.n_networks):
            ws.network(f"net-{i:02d}")
            self.net_names.append(ws.name(f"net-{i:02d}"))
        ws.network("big")
        self.big = ws.name("big")
        ws.network("matrix")
        self.matrix_net = ws.name("matrix")

        def make(i: int) -> str:
            nets: list = [self.net_names[i % self.n_networks]]
            ports = None
            if i % 5 == 0:
                nets.append((self.net_names[(i + 1) % self.n_networks], [f"alias-{i}"]))
                ports = {"80/tcp": ("127.0.0.1", None)}
            return ws.container(f"c-{i:04d}", LOCAL_IMAGE, networks=nets, ports=ports)

        def make_stopped(i: int) -> str:
            return ws.container(f"s-{i:04d}", LOCAL_IMAGE, networks=[self.big], start=False)

        with ThreadPoolExecutor(8) as pool:
            self.containers = list(pool.map(make, range(self.n_containers)))
            list(pool.map(make_stopped, range(self.n_stopped)))
        print(f"scenario: {self.n_networks + 2} networks, {self.n_containers} running + {self.n_stopped} stopped containers "
              f"in {time.monotonic() - t0:.0f} s", flush=True)

    def matrix_members(self, n: int = 20) -> None:
        """Put n running containers on one network for the matrix."""
        for cid in self.containers[:n]:
            self.engine.api.connect_container_to_network(cid, self.matrix_net)

    def remove(self) -> None:
        t0 = time.monotonic()
        api = self.engine.api
        ids = list(self.ws.containers)
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda c: _quiet(lambda: api.remove_container(c, force=True)), ids))
        self.ws.containers.clear()
        self.ws.remove_all()
        print(f"removed the scenario in {time.monotonic() - t0:.0f} s", flush=True)


def _unwind(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _quiet(fn):
    try:
        fn()
    except Exception:
        pass


# -- 1 and 2: reading the topology ----------------------------------------------------------
def bench_read(engine: Engine, repeat: int) -> dict:
    out: dict = {}
    with SocketProxy() as proxy:
        eng = Engine(proxy.url)
        eng.connect()
        api = eng.api

        def measure(name: str, fn) -> None:
            times, reqs = [], []
            for _ in range(repeat):
                before = proxy.count()
                t0 = time.perf_counter()
                fn()
                times.append(time.perf_counter() - t0)
                reqs.append(proxy.count() - before)
            out[name] = {"time": stats(times), "requests": stats([float(r) for r in reqs])}
            print(f"  {name:34} {fmt(out[name]['time'])}  {int(statistics.median(reqs))} requests", flush=True)

        measure("netui snapshot (cold cache)", lambda: TopologyReader(eng).read())
        warm = TopologyReader(eng)
        warm.read()
        measure("netui snapshot (refresh, no change)", warm.read)

        def every_container():
            for c in api.containers(all=True):
                api.inspect_container(c["Id"])
            api.networks()

        def every_network():
            for n in api.networks():
                api.inspect_network(n["Id"])
            api.containers(all=True)

        def cli_way():
            env = {**os.environ, "DOCKER_HOST": proxy.url}
            ids = subprocess.run(["docker", "network", "ls", "-q"], capture_output=True, text=True, env=env, check=True).stdout.split()
            subprocess.run(["docker", "network", "inspect", *ids], capture_output=True, env=env, check=True)
            subprocess.run(["docker", "ps", "-a", "--format", "{{json .}}"], capture_output=True, env=env, check=True)

        measure("inspect every container", every_container)
        measure("inspect every network", every_network)
        measure("docker CLI (ls, inspect all, ps)", cli_way)
        eng.close()
    base = out["netui snapshot (cold cache)"]["time"]["median"]
    for k in ("inspect every container", "inspect every network", "docker CLI (ls, inspect all, ps)"):
        out[k]["ratio_vs_netui_cold"] = out[k]["time"]["median"] / base
    warm_t = out["netui snapshot (refresh, no change)"]["time"]["median"]
    for k in ("inspect every container", "inspect every network", "docker CLI (ls, inspect all, ps)"):
        out[k]["ratio_vs_netui_refresh"] = out[k]["time"]["median"] / warm_t
    return out


# -- 3: idle ----------------------------------------------------------------------------
def bench_idle(seconds: float, peers: list[Peer] = ()) -> dict:
    """The real netui (and each peer TUI, one after the other, in the same scenario)
    idle in a pseudo-terminal, behind a counting socket proxy."""
    dpid = dockerd_pid()
    # dockerd's own idle CPU, without any client, for comparison
    d0 = cpu_ticks(dpid)
    time.sleep(min(seconds, 10))
    base_dockerd = (cpu_ticks(dpid) - d0) / HZ / min(seconds, 10) * 100
    out = idle_of("netui", seconds, dpid, lambda url: PtyApp(["--host", url]))
    if "error" in out:
        raise SystemExit("benchmarks/run.py: " + out["error"])
    out["dockerd_cpu_percent_without_netui"] = base_dockerd
    print(f"  idle {out['seconds']:.0f} s: netui {out['netui_cpu_percent']:.2f} % CPU, dockerd {out['dockerd_cpu_percent']:.2f} % "
          f"(alone {base_dockerd:.2f} %), {out['requests_per_second']:.3f} requests/s, peak RSS {out['peak_rss_mb']:.0f} MB "
          f"(idle {out['rss_mb']:.0f} MB), {out['requests_at_start']} requests at start ({out['start_seconds']:.0f} s){foreign(out)}", flush=True)
    out["peers"] = {}
    for peer in peers:
        p = idle_of(peer.name, seconds, dpid, peer.spawn, settle=peer.settle)
        out["peers"][peer.name] = {"name": peer.name, **p}
        if "error" in p:
            continue
        print(f"  idle {p['seconds']:.0f} s: {peer.name} {p['netui_cpu_percent']:.2f} % CPU, dockerd {p['dockerd_cpu_percent']:.2f} %, "
              f"{p['requests_per_second']:.3f} requests/s (the counting proxy itself {p['proxy_cpu_percent']:.1f} % CPU), "
              f"peak RSS {p['peak_rss_mb']:.0f} MB, {p['requests_at_start']} requests in its first {p['start_seconds']:.0f} s"
              f"{foreign(p)}", flush=True)
    return out


class EngineEvents:
    """Counts the engine's events while a program idles. The benchmark makes none then: any
    come from elsewhere (another user of the engine), and event-driven programs answer
    them with requests, so a figure taken with many is not an idle figure."""

    def __init__(self) -> None:
        self.engine = Engine(ENGINE_URL)
        self.engine.connect()
        self.stream = self.engine.api.events(decode=True)
        self.count = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for _ in self.stream:
                self.count += 1
        except Exception:
            pass

    def close(self) -> int:
        _quiet(self.stream.close)
        _quiet(self.engine.close)
        return self.count


def foreign(idle: dict) -> str:
    n = idle.get("engine_events", 0)
    return f"; NOT IDLE: {n} engine events from elsewhere during the window" if n else ""


def idle_of(name: str, seconds: float, dpid: int, spawn, settle: float = 2.0) -> dict:
    """`settle`: the quiet span (s) that ends the start; 0 for a program that never goes
    quiet (lazydocker redraws while it polls): its start is then the first 8 s."""
    with SocketProxy() as proxy:
        app = spawn(proxy.url)
        time.sleep(8)  # start, first read, details
        if settle:
            # Idle begins when the start is over: no request for `settle` seconds (the first
            # read's inspects, one per container, take a while at 3000) and the screen quiet.
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                before = proxy.count()
                time.sleep(settle)
                if proxy.count() == before:
                    break
            app.wait_quiet(settle)
        events = EngineEvents()
        r0, n0, d0, t0 = proxy.count(), cpu_ticks(app.pid), cpu_ticks(dpid), time.monotonic()
        own0 = sum(os.times()[:2])  # this process: the counting proxy's threads, mostly
        time.sleep(seconds)
        r1, n1, d1, t1 = proxy.count(), cpu_ticks(app.pid), cpu_ticks(dpid), time.monotonic()
        own1 = sum(os.times()[:2])
        elsewhere = events.close()
        with open(f"/proc/{app.pid}/status") as f:
            status = f.read()
        hwm = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        rss = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
        alive = app.proc.poll() is None
        start_seconds = t0 - (app.t_spawn - time.perf_counter() + time.monotonic())
        app.stop()
    if not alive:
        print(f"  {name} exited during the idle measurement; its figures are left out", flush=True)
        return {"error": f"{name} exited during the idle measurement"}
    span = t1 - t0
    return {
        "seconds": span,
        "netui_cpu_percent": (n1 - n0) / HZ / span * 100,  # (the measured program's CPU)
        "dockerd_cpu_percent": (d1 - d0) / HZ / span * 100,
        "proxy_cpu_percent": (own1 - own0) / span * 100,
        "requests_per_second": (r1 - r0) / span,
        "requests_at_start": r0,
        "start_seconds": start_seconds,
        "peak_rss_mb": hwm / 1024,  # the most it ever held (the start's full read included)
        "rss_mb": rss / 1024,  # what it holds, idle, at the end of the window
        "engine_events": elsewhere,
    }


def loaded(app: PtyApp, scenario: Scenario) -> None:
    """Wait for the scenario on screen and for the first read's inspects to land."""
    app.wait_output(0, 60, needle=scenario.net_names[0].encode())
    app.wait_quiet(2.0, timeout=90)


def press(app: PtyApp, keys: bytes, timeout: float = 30.0) -> None:
    """Send keys and wait for the app's answer to them (its output after them, then quiet)."""
    mark = app.mark()
    app.send(keys)
    app.wait_settled(mark, quiet=0.2, timeout=timeout)


def type_filter(app: PtyApp, text: str) -> None:
    """Type "/", the text, Enter, each key once the app has answered the previous one: a
    burst in one read would reach the table before the filter has focus (Textual forwards
    queued keys to the focused widget)."""
    press(app, b"/")
    for ch in text:
        press(app, ch.encode())
    press(app, b"\r")


# -- 4: event to screen -------------------------------------------------------------------
def bench_event(engine: Engine, scenario: Scenario, tries: int) -> dict:
    """`docker network connect` from outside → the container's row drawn by the real app."""
    net = scenario.net_names[0]
    net_id = engine.api.inspect_network(net)["Id"]
    mover = scenario.containers[1]  # on net-01, not on net-00
    mover_name = engine.api.inspect_container(mover)["Name"].lstrip("/").encode()
    app = PtyApp([])
    loaded(app, scenario)
    type_filter(app, net)  # filter to net-00: its containers pane is on screen
    latencies, calls, after = [], [], []
    for _ in range(tries):
        mark = app.mark()
        t0 = time.perf_counter()
        engine.api.connect_container_to_network(mover, net_id)
        t1 = time.perf_counter()  # the engine has done the connect and answered
        seen = app.wait_output(mark, 5, needle=mover_name)
        seen = seen or time.perf_counter() + 5
        latencies.append(seen - t0)
        calls.append(t1 - t0)
        after.append(max(seen - t1, 0.0))
        app.wait_quiet(0.2)
        engine.api.disconnect_container_from_network(mover, net_id)
        app.wait_quiet(0.3)
    app.stop()
    out = {"p50": pct(latencies, 50), "p95": pct(latencies, 95), "max": max(latencies), "tries": len(latencies),
           # Split: the engine's own connect call, and from its answer to the row drawn.
           "call_p50": pct(calls, 50), "call_p95": pct(calls, 95),
           "after_call_p50": pct(after, 50), "after_call_p95": pct(after, 95)}
    print(f"  event to screen: p50 {out['p50'] * 1000:.0f} ms, p95 {out['p95'] * 1000:.0f} ms, max {out['max'] * 1000:.0f} ms "
          f"over {len(latencies)} connects; the connect call itself p50 {out['call_p50'] * 1000:.0f} ms, "
          f"p95 {out['call_p95'] * 1000:.0f} ms; from its answer to the row drawn p50 {out['after_call_p50'] * 1000:.0f} ms, "
          f"p95 {out['after_call_p95'] * 1000:.0f} ms", flush=True)
    return out


# -- 5: cold start ----------------------------------------------------------------------------
def bench_cold(scenario: Scenario, repeat: int) -> dict:
    """Process start → a network of the scenario drawn on screen (the real app, in a pty)."""
    needle = scenario.net_names[0].encode()
    times, floor = [], []
    for _ in range(repeat):
        app = PtyApp([])
        seen = app.wait_output(0, 20, needle=needle)
        times.append((seen or time.perf_counter()) - app.t_spawn)
        app.wait_quiet(0.5)
        app.stop()
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import textual.app, textual.widgets, docker"], check=True)
        floor.append(time.perf_counter() - t0)
    out = {"to_populated": stats(times), "import_floor": stats(floor)}
    print(f"  cold start to populated: {fmt(out['to_populated'])}; textual+docker import floor {fmt(out['import_floor'])}", flush=True)
    return out


# -- peers: other TUIs in the same scenario -------------------------------------------------
class PeerScreen:
    """What a program in a PtyApp shows: its output replayed through a VT emulator (pyte).

    Renderers that diff their frames (tcell in lazydocker, urwid in sen) write only
    the cells that changed, so a name can be on screen without ever having been
    written in one piece; searching the byte stream would miss it."""

    def __init__(self, app: PtyApp, cols: int = 160, rows: int = 48) -> None:
        import pyte  # the benchmark's extra (pip install -e '.[bench]')

        self.app = app
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.fed = 0

    def update(self) -> float:
        """Replay what arrived since the last call; when its last byte arrived."""
        with self.app.cond:
            data, self.fed, last = self.app.since(self.fed), self.app.total, self.app.last
        self.stream.feed(data)
        return last

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait_for(self, shown, timeout: float) -> float | None:
        """When the screen first satisfied `shown(text)` (the arrival of the output that
        made it so); None on timeout."""
        deadline = time.perf_counter() + timeout
        while True:
            last = self.update()
            if shown(self.text()):
                return last
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self.app.wait_output(self.fed, min(left, 1.0))


class Peer:
    """Another Docker TUI measured beside netui: how to start it on an engine URL,
    what its screen shows once populated, whether it lists networks."""

    def __init__(self, name: str, exe: str) -> None:
        self.name, self.exe = name, exe
        self.settle = 2.0 if name == "sen" else 0.0  # lazydocker redraws while it polls: never quiet
        self.lists_networks = name == "lazydocker"  # sen lists containers and images only
        self.config_dir = ""  # lazydocker's (CONFIG_DIR), made on its first start

    def _config_dir(self) -> str:
        """lazydocker writes a config.yml into its config folder: a private one, removed at the end."""
        if not self.config_dir:
            self.config_dir = tempfile.mkdtemp(prefix=f"netui-bench-{self.name}-")
        return self.config_dir

    def spawn(self, url: str) -> PtyApp:
        """The peer on `url` only: DOCKER_HOST is the only engine setting either reads."""
        if self.name == "lazydocker":
            # tcell opens /dev/tty: the pty must be its controlling terminal
            return PtyApp([], command=[self.exe], ctty=True, env={"DOCKER_HOST": url, "CONFIG_DIR": self._config_dir()})
        return PtyApp([], command=[self.exe], env={"DOCKER_HOST": url})

    def populated(self, scenario: Scenario):
        """The test for "the scenario is on its screen"."""
        first_net, prefix = scenario.net_names[0], scenario.ws.prefix
        if self.lists_networks:  # lazydocker: its networks panel and its containers panel
            return lambda text: first_net in text and prefix + "c-" in text
        return lambda text: prefix in text  # sen: a container of the scenario listed

    def close(self) -> None:
        if self.config_dir:
            shutil.rmtree(self.config_dir, ignore_errors=True)


def bench_peer_cold(peer: Peer, scenario: Scenario, repeat: int) -> dict:
    """Process start → the scenario on the peer's screen (new process each time, in a pty)."""
    times, missed = [], 0
    shown = peer.populated(scenario)
    for _ in range(repeat):
        app = peer.spawn(ENGINE_URL)
        seen = PeerScreen(app).wait_for(shown, 60)
        if seen is None:
            missed += 1
        else:
            times.append(seen - app.t_spawn)
        app.stop()
    if not times:
        print(f"  {peer.name}: never showed the scenario within 60 s", flush=True)
        return {"error": f"{peer.name} never showed the scenario within 60 s", "missed": missed}
    out = {"to_populated": stats(times), "missed": missed}
    print(f"  cold start to populated, {peer.name}: {fmt(out['to_populated'])}"
          + (f"; {missed} of {repeat} starts never showed it within 60 s" if missed else ""), flush=True)
    return out


def bench_new_network(scenario: Scenario, tries: int, name: str, spawn) -> dict:
    """`docker network create` (the CLI, its own run included) → the new name on the app's
    screen, read through a VT emulator; then `docker network rm` and its row gone. The
    name sorts first among the scenario's networks, so it lands at the top of a list
    sorted by name (netui's and lazydocker's)."""
    env = {**os.environ, "DOCKER_HOST": ENGINE_URL}
    app = spawn(ENGINE_URL)
    screen = PeerScreen(app)
    if screen.wait_for(lambda text: scenario.net_names[0] in text, 60) is None:
        app.stop()
        print(f"  new network on screen, {name}: the scenario never showed within 60 s", flush=True)
        return {"error": "the scenario never showed within 60 s"}
    app.wait_quiet(2.0, timeout=15)  # past the first read's inspects and details
    latencies, missed = [], 0
    for i in range(tries):
        net = scenario.ws.name(f"0new-{i:02d}")
        t0 = time.perf_counter()
        try:
            subprocess.run(["docker", "network", "create", "--label", "netui.bench=1", net],
                           env=env, check=True, capture_output=True)
            seen = screen.wait_for(lambda text, net=net: net in text, 10)
        finally:
            subprocess.run(["docker", "network", "rm", net], env=env, capture_output=True)
        if seen is None:
            missed += 1
        else:
            latencies.append(seen - t0)
        screen.wait_for(lambda text, net=net: net not in text, 10)
        time.sleep(0.3)
    app.stop()
    if not latencies:
        return {"error": f"no new network showed within 10 s in {tries} tries", "missed": missed}
    out = {"p50": pct(latencies, 50), "p95": pct(latencies, 95), "max": max(latencies), "tries": tries, "missed": missed}
    print(f"  new network on screen, {name}: p50 {out['p50'] * 1000:.0f} ms, p95 {out['p95'] * 1000:.0f} ms, "
          f"max {out['max'] * 1000:.0f} ms over {tries} creates" + (f", {missed} not shown within 10 s" if missed else ""), flush=True)
    return out


# -- 6: key to screen --------------------------------------------------------------------
def bench_keys(engine: Engine, scenario: Scenario, repeat: int) -> dict:
    """With the big network's containers listed: keystroke → the next frame's first bytes."""
    app = PtyApp([])
    loaded(app, scenario)
    type_filter(app, scenario.big)  # only the big network
    press(app, b"\r")  # its containers
    moves, moves_first, filters, filters_first = [], [], [], []
    for _ in range(repeat * 4):
        mark = app.mark()
        t0 = time.perf_counter()
        app.send(b"j")
        first = app.wait_output(mark, 5)
        seen = app.wait_settled(mark)
        moves_first.append((first or t0 + 5) - t0)
        moves.append((seen or t0 + 5) - t0)
        app.wait_quiet(0.15)
    press(app, b"/")
    press(app, b"\x15")  # ctrl+u: empty the filter (the big network's rows all stay listed)
    for ch in (scenario.ws.prefix + "s-00")[: repeat * 3]:
        mark = app.mark()
        t0 = time.perf_counter()
        app.send(ch.encode())
        first = app.wait_output(mark, 10)
        seen = app.wait_settled(mark)
        filters_first.append((first or t0 + 10) - t0)
        filters.append((seen or t0 + 10) - t0)
        app.wait_quiet(0.3, timeout=30)
    app.stop()
    out = {"listed": scenario.n_stopped, "cursor_move": stats(moves), "cursor_move_first_frame": stats(moves_first),
           "filter_keystroke": stats(filters), "filter_keystroke_first_frame": stats(filters_first)}
    print(f"  keys with {out['listed']} containers listed: cursor {fmt(out['cursor_move'])} settled, "
          f"{fmt(out['cursor_move_first_frame'])} first frame; filter keystroke {fmt(out['filter_keystroke'])} settled, "
          f"{fmt(out['filter_keystroke_first_frame'])} first frame", flush=True)
    return out


# -- 7: matrix -------------------------------------------------------------------------------
def bench_matrix(engine: Engine, scenario: Scenario, repeat: int) -> dict:
    from netui.engine.probes import Prober

    scenario.matrix_members(20)
    times, cells = [], 0
    for _ in range(repeat):
        snap = TopologyReader(engine).read()
        net = snap.network_by_name[scenario.matrix_net]
        m = Prober(engine).matrix(snap, net)
        times.append(m.seconds)
        cells = len(m.cells)
        bad = [c for c in m.cells.values() if c.status != "ok"]
        assert not bad, bad[:3]
    out = {"pairs": cells, "time": stats(times)}
    print(f"  matrix of 20 containers ({cells} pairs): {fmt(out['time'], 's', 1, 2)}", flush=True)
    return out


def bench_matrix50(engine: Engine, scenario: Scenario, runs: int = 3, size: int = 50) -> dict:
    """The matrix of a 50-container network (2450 pairs), `runs` times. Every pair it does
    not report reachable is checked directly, the way a user would (`docker exec a ping
    -c 2 -W 1 b`): if that gets a reply, the matrix's verdict was a false "no reply"."""
    from netui.engine.probes import Prober

    members = scenario.containers[100:100 + size] if len(scenario.containers) >= 100 + size else scenario.containers[:size]
    scenario.ws.network("matrix50")
    net_name = scenario.ws.name("matrix50")
    for cid in members:
        engine.api.connect_container_to_network(cid, net_name)
    name = {cid: engine.api.inspect_container(cid)["Name"].lstrip("/") for cid in members}
    env = {**os.environ, "DOCKER_HOST": engine.host} if engine.host else None

    def replies(a: str, b: str) -> bool:
        p = subprocess.run(["docker", "exec", name[a], "ping", "-c", "2", "-W", "1", name[b]],
                           capture_output=True, text=True, env=env)
        got = PING_RECEIVED.search(p.stdout)
        return bool(got and int(got.group(1)) > 0)

    out_runs = []
    for i in range(runs):
        snap = TopologyReader(engine).read()
        net = snap.network_by_name[net_name]
        m = Prober(engine).matrix(snap, net)
        counts: dict[str, int] = {}
        for c in m.cells.values():
            counts[c.status] = counts.get(c.status, 0) + 1
        negative = [k for k, c in m.cells.items() if c.status != "ok"]
        with ThreadPoolExecutor(2) as pool:
            false = [k for k, ok in zip(negative, pool.map(lambda k: replies(*k), negative)) if ok]
        run = {"seconds": m.seconds, "pairs": len(m.cells), "total": m.total, "counts": counts,
               "false_no_reply": sum(1 for k in false if m.cells[k].status in ("no-reply", "no-name", "timeout")),
               "false_negative": len(false), "retried": m.retried, "recovered": m.recovered,
               "rounds": m.rounds, "neighbour_table_full": m.overflows}
        out_runs.append(run)
        print(f"  matrix of {len(members)} containers, run {i + 1}: {run['pairs']}/{run['total']} pairs in {m.seconds:.1f} s, "
              f"{counts}; false \"no reply\": {run['false_no_reply']} (of {len(negative)} not ok, checked with docker exec); "
              f"{m.retried} negative answers tried again, {m.recovered} answered then; neighbour table full "
              f"{m.overflows} times", flush=True)
    times = [r["seconds"] for r in out_runs]
    return {"containers": len(members), "pairs": len(members) * (len(members) - 1), "runs": out_runs,
            "time": stats(times), "false_no_reply": sum(r["false_no_reply"] for r in out_runs),
            "false_negative": sum(r["false_negative"] for r in out_runs)}


def machine() -> dict:
    api = Engine()
    info = api.connect()
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "docker": info.version,
            "api": info.api_version, "kernel": platform.release()}


def bench_map(repeat: int) -> dict:
    """benchmarks/map_bench.py in its own process (its imports are part of what it measures)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "map.json"
        proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "map_bench.py"), "--repeat", str(max(5, repeat * 4)),
                               "--json", str(out)], capture_output=True, text=True, timeout=600)
        print("  " + "\n  ".join(proc.stdout.strip().splitlines()), flush=True)
        if not out.exists():
            return {"error": (proc.stderr.strip().splitlines() or ["map_bench.py failed"])[-1]}
        return json.loads(out.read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", type=int, default=40)
    ap.add_argument("--containers", type=int, default=400)
    ap.add_argument("--stopped", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--idle-seconds", type=float, default=30)
    ap.add_argument("--event-tries", type=int, default=50)
    ap.add_argument("--sen", metavar="EXE", help="also measure sen (https://github.com/TomasTomecek/sen) idle in "
                    "the same scenario: the path of its executable (scripts/peers.sh installs it)")
    ap.add_argument("--lazydocker", metavar="EXE", help="also measure lazydocker (https://github.com/jesseduffield/lazydocker) "
                    "in the same scenario: the path of its executable (not built by the project; see the README)")
    ap.add_argument("--size", type=int, metavar="N", help="N containers in all, 40 %% running and 60 %% stopped, as "
                    "400 + 600 make the 1000 point (--size 3000: 1200 + 1800); overrides --containers and --stopped")
    ap.add_argument("--network-tries", type=int, default=20, help="creates for \"a new network on screen\" (newnet)")
    ap.add_argument("--only", default="read,refresh,idle,event,cold,newnet,keys,matrix,matrix50,serve,doctor,map")
    args = ap.parse_args()
    if args.size is not None:
        args.containers = round(args.size * 0.4)
        args.stopped = args.size - args.containers
    peers = [Peer(name, exe) for name, exe in (("sen", args.sen), ("lazydocker", args.lazydocker)) if exe]
    only = set(args.only.split(","))
    engine = Engine()
    engine.connect()
    ensure_local_image(engine)
    # A run killed part-way (a closed terminal, a timeout) leaves its scenario behind,
    # and 1000 stale containers would skew every figure: remove what carries both the
    # benchmark's label and its name prefix. SIGTERM and SIGHUP unwind like Ctrl+C.
    # One benchmark at a time on this machine: the sweep must not take a running one's scenario.
    lock = open(os.path.join(tempfile.gettempdir(), "netui-bench.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise SystemExit("benchmarks/run.py: another benchmark is running on this machine; wait for it to end") from None
    left = sweep_leftovers(engine, "netui.bench", "1", "bench-")
    if left:
        print(f"removed {len(left)} leftovers of an interrupted benchmark run", flush=True)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _unwind)
    result = {"machine": machine(), "args": vars(args), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    scenario = Scenario(engine, args.networks, args.containers, args.stopped)
    try:
        scenario.build()
        if only & {"read", "refresh"}:
            print("1-2. reading the whole topology", flush=True)
            result["read"] = bench_read(engine, args.repeat)
        if "idle" in only:
            print("3. idle", flush=True)
            result["idle"] = bench_idle(args.idle_seconds, peers)
        if "event" in only:
            print("4. event to screen", flush=True)
            result["event"] = bench_event(engine, scenario, args.event_tries)
        if "cold" in only:
            print("5. cold start", flush=True)
            result["cold"] = bench_cold(scenario, args.repeat)
            result["cold"]["peers"] = {p.name: bench_peer_cold(p, scenario, args.repeat) for p in peers}
        if "newnet" in only:
            print("5b. a new network on screen", flush=True)
            result["newnet"] = {"netui": bench_new_network(scenario, args.network_tries, "netui", lambda url: PtyApp(["--host", url]))}
            for p in peers:
                if p.lists_networks:
                    result["newnet"][p.name] = bench_new_network(scenario, args.network_tries, p.name, p.spawn)
        if "keys" in only:
            print("6. key to screen", flush=True)
            result["keys"] = bench_keys(engine, scenario, args.repeat)
        if "matrix" in only:
            print("7. matrix", flush=True)
            result["matrix"] = bench_matrix(engine, scenario, max(1, args.repeat // 2))
        if "matrix50" in only:
            print("8. matrix of 50 containers, false \"no reply\" counted", flush=True)
            result["matrix50"] = bench_matrix50(engine, scenario)
        if "serve" in only:
            print("9. netui serve: idle browser sessions", flush=True)
            from benchmarks.serve_bench import bench_serve

            result["serve"] = bench_serve(args.idle_seconds)
        if "doctor" in only:
            print("10. netui doctor on the scenario", flush=True)
            from benchmarks.doctor_bench import bench_doctor

            try:
                result["doctor"] = bench_doctor(args.repeat, deep=False, host=engine.host or ENGINE_URL)
            except Exception as exc:  # one step's failure keeps the others' figures
                result["doctor"] = {"error": str(exc)}
        if "map" in only:
            print("11. the topology map's frames (40 networks, 400 containers, synthetic: no engine)", flush=True)
            try:
                result["map"] = bench_map(args.repeat)
            except Exception as exc:
                result["map"] = {"error": str(exc)}
    finally:
        scenario.remove()
        for p in peers:
            p.close()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2))
    if only >= set(ap.get_default("only").split(",")):
        (RESULTS / "latest.json").write_text(json.dumps(result, indent=2))  # the README's table: complete runs only
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
