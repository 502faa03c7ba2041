#!/usr/bin/env python3
"""Print the benchmark table (Markdown) from benchmarks/results/latest.json, for the README.

    .venv/bin/python benchmarks/table.py [results.json] [--readme]

With --readme, the table replaces what stands between the README's
<!-- bench:start --> and <!-- bench:end --> markers.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ms(s: dict, digits: int = 0) -> str:
    return f"{s['median'] * 1000:.{digits}f} ms ({s['min'] * 1000:.{digits}f}–{s['max'] * 1000:.{digits}f})"


def met(ok: bool) -> str:
    return "✓" if ok else "✗ (see below)"


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--readme"]
    path = Path(args[0]) if args else ROOT / "benchmarks" / "results" / "latest.json"
    if "--readme" not in sys.argv:
        table(json.loads(path.read_text()))
        return
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        table(json.loads(path.read_text()))
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise SystemExit(f"table.py: README.md needs one {start} line before one {end} line")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{out.getvalue()}{end}{tail}")
    print(f"README.md: table from {path.name}")


def table(r: dict) -> None:
    m, a = r["machine"], r["args"]
    print(f"Measured {r['when']} on {m['cpus']} CPUs ({m['cpu'] or 'unknown CPU'}), Docker {m['docker']} (API {m['api']}), "
          f"Python {m['python']}; scenario: {a['networks'] + 2} networks, {a['containers']} running + {a['stopped']} stopped "
          f"containers. Median (min–max) of {a['repeat']} runs unless stated.\n")
    print("| Measure | Result | Target | Met |")
    print("|---|---|---|---|")
    read = r.get("read", {})
    if read:
        cold = read["netui snapshot (cold cache)"]
        warm = read["netui snapshot (refresh, no change)"]
        print(f"| Full topology read, netui (first, with inspects) | {ms(cold['time'])}, {cold['requests']['median']:.0f} requests | | |")
        print(f"| Full topology read, netui (refresh, nothing changed) | {ms(warm['time'])}, {warm['requests']['median']:.0f} requests | exactly 2 requests | {met(warm['requests']['median'] == 2)} |")
        for k in ("docker CLI (ls, inspect all, ps)", "inspect every network", "inspect every container"):
            v = read[k]
            print(f"| …{k} | {ms(v['time'])}, {v['requests']['median']:.0f} requests; "
                  f"{v['ratio_vs_netui_refresh']:.1f}× netui's refresh | | |")
    idle = r.get("idle")
    big = a["containers"] + a["stopped"] >= 3000  # the 3000-container point: its own RSS target
    rss_target, rss_text = (120, "≤ 120 MB at 3000 containers") if big else (80, "≤ 80 MB at 1000 containers")
    if idle:
        print(f"| Idle {idle['seconds']:.0f} s: netui CPU | {idle['netui_cpu_percent']:.2f} % | ≤ 0.5 % | {met(idle['netui_cpu_percent'] <= 0.5)} |")
        print(f"| Idle: dockerd CPU with netui (without) | {idle['dockerd_cpu_percent']:.2f} % ({idle['dockerd_cpu_percent_without_netui']:.2f} %) | | |")
        print(f"| Idle: API requests per second | {idle['requests_per_second']:.3f} | ≤ 0.2 | {met(idle['requests_per_second'] <= 0.2)} |")
        print(f"| Idle: peak RSS | {idle['peak_rss_mb']:.0f} MB | {rss_text} | {met(idle['peak_rss_mb'] <= rss_target)} |")
        if "requests_at_start" in idle:
            print(f"| Requests at start (lists, then one inspect per container on a user network) | {idle['requests_at_start']} | | |")
        peers = idle.get("peers") or ({idle["peer"]["name"]: idle["peer"]} if idle.get("peer") else {})
        for n, peer in peers.items():
            if "error" in peer:
                print(f"| **{n}**, same scenario, same run | {peer['error']} | | |")
                continue
            print(f"| **{n}**, same scenario, same run: idle CPU | {peer['netui_cpu_percent']:.2f} % (netui {idle['netui_cpu_percent']:.2f} %) | | |")
            print(f"| …{n}: dockerd CPU | {peer['dockerd_cpu_percent']:.2f} % (netui {idle['dockerd_cpu_percent']:.2f} %) | | |")
            rps = f"{peer['requests_per_second']:.3f} (netui {idle['requests_per_second']:.3f})"
            if peer.get("proxy_cpu_percent", 0) >= 5:  # the counting proxy (Python) busy enough to matter
                rps += f"; the counting proxy itself {peer['proxy_cpu_percent']:.0f} % CPU"
            print(f"| …{n}: API requests per second idle | {rps} | | |")
            if "start_seconds" in peer and n == "lazydocker":  # it polls: "at start" is its first seconds
                print(f"| …{n}: requests in its first {peer['start_seconds']:.0f} s | {peer['requests_at_start']} (netui {idle.get('requests_at_start', '?')} at start) | | |")
            else:
                print(f"| …{n}: requests at start | {peer['requests_at_start']} (netui {idle.get('requests_at_start', '?')}) | | |")
            print(f"| …{n}: peak RSS | {peer['peak_rss_mb']:.0f} MB (netui {idle['peak_rss_mb']:.0f} MB) | | |")
        windows = {"netui": idle, **peers}
        if any(w.get("engine_events") for w in windows.values()):
            counts = ", ".join(f"{k} {w.get('engine_events', '?')}" for k, w in windows.items() if "error" not in w)
            print(f"| Engine events from elsewhere during the idle windows (another user of the engine) | {counts}: "
                  f"the figures of a window with many are not idle figures | none | ✗ |")
    ev = r.get("event")
    if ev:
        print(f"| Event to screen (`docker network connect` → row drawn), {ev['tries']} tries | p50 {ev['p50'] * 1000:.0f} ms, p95 {ev['p95'] * 1000:.0f} ms | | |")
        if "call_p50" in ev:
            print(f"| …of which the engine's connect call | p50 {ev['call_p50'] * 1000:.0f} ms, p95 {ev['call_p95'] * 1000:.0f} ms | | |")
            print(f"| …from the engine's answer to the row drawn | p50 {ev['after_call_p50'] * 1000:.0f} ms, p95 {ev['after_call_p95'] * 1000:.0f} ms "
                  f"| p95 ≤ 100 ms | {met(ev['after_call_p95'] <= 0.1)} |")
    cold = r.get("cold")
    if cold:
        print(f"| Cold start to a populated screen | {ms(cold['to_populated'])} | ≤ 1.0 s | {met(cold['to_populated']['median'] <= 1.0)} |")
        print(f"| …Python + Textual + docker-py import floor | {ms(cold['import_floor'])} | | |")
        for n, pc in cold.get("peers", {}).items():
            if "error" in pc:
                print(f"| …**{n}**, same run: cold start | {pc['error']} | | |")
            else:
                missed = f"; {pc['missed']} starts never showed it" if pc.get("missed") else ""
                print(f"| …**{n}**, same run: cold start to the scenario on its screen | {ms(pc['to_populated'])}{missed} | | |")
    newnet = r.get("newnet")
    if newnet:
        for n, v in newnet.items():
            label = "A new network on screen (`docker network create`, the CLI included → name drawn)" if n == "netui" else f"…**{n}**, same run: a new network on screen"
            if "error" in v:
                print(f"| {label} | {v['error']} | | |")
                continue
            missed = f"; {v['missed']} not shown within 10 s" if v.get("missed") else ""
            print(f"| {label}, {v['tries']} tries | p50 {v['p50'] * 1000:.0f} ms, p95 {v['p95'] * 1000:.0f} ms{missed} | | |")
    keys = r.get("keys")
    if keys:
        if "cursor_move_first_frame" in keys:
            print(f"| Key to screen, cursor move ({keys['listed']} containers listed): the moved cursor drawn | "
                  f"{ms(keys['cursor_move_first_frame'], 1)} | ≤ 50 ms | {met(keys['cursor_move_first_frame']['median'] <= 0.05)} |")
            print(f"| …until the screen settles (the details pane follows the cursor once it rests 30 ms) | {ms(keys['cursor_move'], 1)} | | |")
            print(f"| Key to screen, filter keystroke: the filtered rows drawn (the screen settled) | {ms(keys['filter_keystroke'], 1)} "
                  f"| ≤ 50 ms | {met(keys['filter_keystroke']['median'] <= 0.05)} |")
            print(f"| …its first frame (the filter box) | {ms(keys['filter_keystroke_first_frame'], 1)} | | |")
        else:
            print(f"| Key to screen, cursor move ({keys['listed']} containers listed) | {ms(keys['cursor_move'], 1)} | ≤ 50 ms | {met(keys['cursor_move']['median'] <= 0.05)} |")
            print(f"| Key to screen, filter keystroke | {ms(keys['filter_keystroke'], 1)} | ≤ 50 ms | {met(keys['filter_keystroke']['median'] <= 0.05)} |")
    mx = r.get("matrix")
    if mx:
        s = mx["time"]
        print(f"| Connectivity matrix, 20 containers ({mx['pairs']} pairs) | {s['median']:.2f} s ({s['min']:.2f}–{s['max']:.2f}) | ≤ 10 s | {met(s['median'] <= 10)} |")
    m50 = r.get("matrix50")
    if m50:
        s = m50["time"]
        full = sum(run.get("neighbour_table_full", 0) for run in m50["runs"])
        print(f"| Connectivity matrix, {m50['containers']} containers ({m50['pairs']} pairs), {len(m50['runs'])} runs: "
              f"false \"no reply\" (checked with `docker exec a ping -c 2 -W 1 b`) | {m50['false_no_reply']} "
              f"in {s['median']:.1f} s ({s['min']:.1f}–{s['max']:.1f}); kernel neighbour table full {full} times | 0 | "
              f"{met(m50['false_no_reply'] == 0)} |")
    serve = r.get("serve")
    if serve:
        serve_rows(serve)
    doc = r.get("doctor")
    if doc and "cli" in doc:
        c = doc["cli"]
        when = f" (measured {doc['merged']}, merged from another run)" if doc.get("merged") else ""
        few = c["requests"] <= 6
        print(f"| `netui doctor --json`, a new process, {c['containers']} containers{when} | {ms(c['time'])}, {c['requests']} requests "
              f"(its CPU {ms(c['cpu'])}) | ≤ 1 s, no request per container | {met(c['time']['median'] <= c.get('budget_s', 1.0) and few)} |")
        print(f"| …the checks alone on that snapshot (what the explorer adds per snapshot) | {ms(doc['checks']['time'], 1)} | | |")
    mp = r.get("map")
    if mp and "results" in mp:
        when = f", measured {mp['merged']}, merged from another run" if mp.get("merged") else ""
        for size in ("160x48", "80x24"):
            f = mp["results"].get(f"widget frame {size}")
            if f:
                print(f"| Map frame, {size}, {mp['networks']} networks / {mp['containers']} containers (synthetic{when}) | "
                      f"{f['median_ms']:.1f} ms ({f['min_ms']:.1f}–{f['max_ms']:.1f}) | ≤ 50 ms | {met(f['median_ms'] <= 50)} |")
        u = mp["results"].get("widget update 160x48")
        if u:
            print(f"| …the map updated in place (a new snapshot: graph, layout, frame), 160x48 | {u['median_ms']:.1f} ms "
                  f"({u['min_ms']:.1f}–{u['max_ms']:.1f}) | | |")


def serve_rows(serve: dict) -> None:
    """`netui serve` idle (benchmarks/serve_bench.py): each level beside the terminal netui."""
    per, levels = serve["per_added_session"], serve["levels"]
    ks = ", ".join(str(lv["sessions"]) for lv in levels)
    nums = lambda xs, d=2: ", ".join(f"{x:.{d}f}" for x in xs)  # noqa: E731
    beside = "terminal_cpu_percent" in per
    print(f"| `netui serve`, idle, CPU per session at {ks} sessions | {nums(per['cpu_percent'])} %"
          + (f" (terminal netui beside them: {nums(per['terminal_cpu_percent'])} %; {per['cpu_vs_terminal']:.2f}×)" if beside else "") + " | | |")
    print(f"| …API requests per second per session | {nums(per['requests_per_second'], 3)}"
          + (f" (terminal: {nums(per['terminal_requests_per_second'], 3)}; {per['requests_vs_terminal']:.2f}×)" if beside else "") + " | | |")
    if "rss_mb" in per:
        print(f"| …memory per added session | +{per['rss_mb']:.0f} MB RSS (the server: {levels[0]['server_rss_mb']:.0f} MB) | | |")
    print(f"| …requests to start a session | {per['requests_at_start']:.0f} | | |")
    print(f"| …the server's own CPU | {nums(per['server_cpu_percent'])} % | | |")


if __name__ == "__main__":
    main()
