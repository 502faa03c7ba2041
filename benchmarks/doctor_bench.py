#!/usr/bin/env python3
"""`netui doctor` at scale, on a real engine: time and API requests.

`bench_doctor(repeat)` measures, on whatever the engine holds (run.py calls it inside
its 1000-container scenario):

  lists     the engine's own answer to the two list calls (the floor under everything below)
  cli       `netui doctor --json` as a user runs it: a new process each time (Python start,
            imports, connect, the two list calls, the checks, the JSON); one more run through
            a counting socket proxy counts its requests. The target is 1 s at 1000 containers,
            with no request per container.
            Its CPU time is given beside: on a loaded 2-CPU machine the wall time is mostly waiting
  checks    the checks alone on the snapshot read once (what the explorer adds per snapshot)
  deep      `netui doctor --deep --json` (one inspect per container and per network), for contrast

Standalone, it builds run.py's scenario (400 running + 600 stopped containers, labelled
netui.bench=1), measures, and removes it:

    .venv/bin/python benchmarks/doctor_bench.py [--containers 400 --stopped 600 --networks 40] [--repeat 5] [--no-deep]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine.client import Engine  # noqa: E402
from netui.engine.doctor import Context, diagnose  # noqa: E402
from netui.engine.doctor.read import read_context  # noqa: E402
from netui.engine.lite import LiteEngine  # noqa: E402
from tests.sockproxy import SocketProxy  # noqa: E402

BUDGET_S = 1.0
ENGINE_URL = "unix:///var/run/docker.sock"
# As installed by pip, netui's modules are byte-compiled; a checkout run with
# PYTHONDONTWRITEBYTECODE=1 would compile them on every start (~0.15 s here) and measure that.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _stats(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def _fmt(s: dict, scale: float = 1000.0, unit: str = "ms") -> str:
    return f"{s['median'] * scale:.0f} {unit} ({s['min'] * scale:.0f}–{s['max'] * scale:.0f})"


def _cli(host: str, *extra: str, proxy: SocketProxy | None = None) -> tuple[float, int, int, float]:
    """(seconds, API requests or -1, findings, CPU seconds) of one `netui doctor` process."""
    before = proxy.count() if proxy is not None else 0
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "netui", "doctor", "--host", host, "--json", *extra],
                          capture_output=True, text=True, timeout=600, cwd=ROOT, env=ENV)
    took = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"netui doctor failed ({proc.returncode}): {proc.stderr.strip()}")
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return took, (proxy.count() - before) if proxy is not None else -1, len(json.loads(proc.stdout)), cpu


def bench_doctor(repeat: int = 5, deep: bool = True, host: str = ENGINE_URL) -> dict:
    """Measure on the engine as it is now; prints a line per measure.

    Timed runs talk to the engine's socket directly: the counting proxy is a Python
    program in this process, and on a busy machine it adds more than the doctor costs.
    One more run goes through it to count the requests."""
    out: dict = {}
    eng = LiteEngine(host)
    eng.connect()
    ctx = read_context(eng)
    n_ctrs, n_nets = len(ctx.snapshot.containers), len(ctx.snapshot.networks)
    _cli(host)  # once unmeasured: byte-compiles netui as an installation would have it
    lists = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        eng.call(eng.api.networks)
        eng.call(eng.api.containers, all=True)
        lists.append(time.perf_counter() - t0)
    out["lists"] = {"time": _stats(lists)}
    print(f"  the engine's answer to the two list calls alone: {_fmt(out['lists']['time'])}", flush=True)
    times, cpus, findings = [], [], 0
    for _ in range(repeat):
        took, _, findings, cpu = _cli(host)
        times.append(took)
        cpus.append(cpu)
    with SocketProxy() as proxy:
        _, requests, _, _ = _cli(proxy.url, proxy=proxy)
    out["cli"] = {"time": _stats(times), "cpu": _stats(cpus), "requests": requests, "findings": findings,
                  "containers": n_ctrs, "networks": n_nets, "budget_s": BUDGET_S,
                  "met": statistics.median(times) <= BUDGET_S}
    print(f"  netui doctor (new process, {n_ctrs} containers, {n_nets} networks): {_fmt(out['cli']['time'])} "
          f"(its CPU: {_fmt(out['cli']['cpu'])}), {requests} API requests, {findings} findings  "
          f"[target ≤ {BUDGET_S:g} s: {'met' if out['cli']['met'] else 'MISSED'}]", flush=True)
    checks = []
    for _ in range(max(repeat, 5)):
        t0 = time.perf_counter()
        diagnose(Context(ctx.snapshot, ctx.host))
        checks.append(time.perf_counter() - t0)
    out["checks"] = {"time": _stats(checks)}
    print(f"  the checks alone on that snapshot: {_fmt(out['checks']['time'])}", flush=True)
    if deep:
        took, _, f, _ = _cli(host, "--deep")
        out["deep"] = {"time": took, "findings": f}
        print(f"  netui doctor --deep (one inspect per container and network): {took * 1000:.0f} ms", flush=True)
    eng.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", type=int, default=40)
    ap.add_argument("--containers", type=int, default=400)
    ap.add_argument("--stopped", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-deep", action="store_true")
    ap.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = ap.parse_args()
    from benchmarks.run import Scenario
    from netui.engine.image import ensure_local_image
    from netui.engine.workspace import sweep_leftovers

    lock = open(os.path.join(tempfile.gettempdir(), "netui-bench.lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # one benchmark at a time, as run.py
    except OSError:
        raise SystemExit("doctor_bench.py: another benchmark is running on this machine; wait for it to end") from None
    engine = Engine()
    engine.connect()
    ensure_local_image(engine)
    sweep_leftovers(engine, "netui.bench", "1", "bench-")
    scenario = Scenario(engine, args.networks, args.containers, args.stopped)
    try:
        scenario.build()
        result = bench_doctor(args.repeat, deep=not args.no_deep)
    finally:
        scenario.remove()
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    sys.exit(0 if result["cli"]["met"] else 1)


if __name__ == "__main__":
    main()
