#!/usr/bin/env python3
"""The topology map's speed at scale: 40 networks / 400 containers (tests/synthetic.py).

No engine needed: the snapshot is built from the model's own objects. Measures,
each as the median (min–max) of --repeat runs:

  import      importing the map modules in a fresh interpreter, beyond rich (which netui loads anyway)
  graph       Snapshot -> MapGraph
  layout      MapGraph -> picture (layout and paint) at 160 and 80 columns
  frame       one screen of the picture, the selected node highlighted (160x48, 80x24):
              what the map view does on every cursor move and scroll
  widget      the TopologyMap widget drawing a full screen in a headless app (160x48, 80x24),
              and an update in place (a new snapshot: graph + layout + paint + frame)

The budget (exit status 1 past it) is 50 ms for a frame, the median of the
runs; an update happens once per change of the topology, not per frame.

    .venv/bin/python benchmarks/map_bench.py [--networks 40 --containers 400] [--repeat 20] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.synthetic import synthetic  # noqa: E402

BUDGET_MS = 50.0


def stats(values: list[float]) -> dict:
    return {"median_ms": statistics.median(values) * 1000, "min_ms": min(values) * 1000, "max_ms": max(values) * 1000, "n": len(values)}


def fmt(s: dict) -> str:
    return f"{s['median_ms']:.1f} ms ({s['min_ms']:.1f}–{s['max_ms']:.1f})"


def timed(fn, repeat: int) -> dict:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return stats(out)


def import_time(repeat: int) -> dict:
    code = (
        "import time, rich.console, rich.text, netui.text, netui.engine.model\n"
        "t = time.perf_counter()\n"
        "import netui.map.graph, netui.map.layout, netui.map.render\n"
        "print(time.perf_counter() - t)\n"
    )
    vals = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
        vals.append(float(out.strip()))
    return stats(vals)


async def widget_frames(snap, size: tuple[int, int], repeat: int) -> tuple[dict, dict]:
    from textual.app import App, ComposeResult
    from textual.geometry import Region

    from netui.ui.widgets.topology_map import TopologyMap

    class Bench(App):
        def compose(self) -> ComposeResult:
            yield TopologyMap(id="map")

    app = Bench()
    async with app.run_test(size=size) as pilot:
        m = app.query_one(TopologyMap)
        m.update_snapshot(snap)
        await pilot.pause()
        region = Region(0, 0, m.size.width, m.size.height)
        frame = []
        for i in range(repeat):
            m.move("down" if i % 2 == 0 else "up")
            t0 = time.perf_counter()
            m._styles_cache.clear()  # draw every line again, as after a scroll
            m.render_lines(region)
            frame.append(time.perf_counter() - t0)
        update = []
        other = synthetic(len(snap.networks), len(snap.containers) - 1)  # one container fewer: a real change
        for i in range(max(3, repeat // 4)):
            t0 = time.perf_counter()
            m.update_snapshot(other if i % 2 else snap)
            m._styles_cache.clear()
            m.render_lines(region)
            update.append(time.perf_counter() - t0)
    return stats(frame), stats(update)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", type=int, default=40)
    ap.add_argument("--containers", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()

    from netui.map.graph import build
    from netui.map.render import picture

    snap = synthetic(args.networks, args.containers)
    res: dict[str, dict] = {}
    res["import"] = import_time(max(3, args.repeat // 4))
    res["graph"] = timed(lambda: build(snap), args.repeat)
    g = build(snap)
    pics = {}
    for width in (160, 80):
        res[f"layout {width} cols"] = timed(lambda width=width: picture(g, width), args.repeat)
        pics[width] = picture(g, width)
    for (w, h) in ((160, 48), (80, 24)):
        pic = pics[w]
        keys = pic.order
        i = [0]

        def frame(pic=pic, keys=keys, i=i, w=w, h=h) -> None:  # (bound now: timed() runs it in this pass)
            key = keys[i[0] % len(keys)]
            i[0] += 7
            x, y, _ = pic.rects[key]
            pic.crop(max(0, min(x - w // 2, pic.width - w)), max(0, min(y - h // 2, pic.height - h)), w, h, key)

        res[f"frame {w}x{h}"] = timed(frame, args.repeat * 5)
    for size in ((160, 48), (80, 24)):
        frame, update = asyncio.run(widget_frames(snap, size, args.repeat))
        res[f"widget frame {size[0]}x{size[1]}"] = frame
        res[f"widget update {size[0]}x{size[1]}"] = update
    print(f"map at {len(snap.networks)} networks / {len(snap.containers)} containers "
          f"({sum(len(c.endpoints) for c in snap.containers)} endpoints, {len(snap.published_ports())} published ports)")
    print(f"picture: {pics[160].width}x{pics[160].height} cells at 160 columns, {pics[80].width}x{pics[80].height} at 80")
    for name, s in res.items():
        over = "  OVER BUDGET" if "frame" in name and s["median_ms"] > BUDGET_MS else ""
        print(f"  {name:24} {fmt(s)}{over}")
    if args.json:
        Path(args.json).write_text(json.dumps({"networks": args.networks, "containers": args.containers, "results": res}, indent=2))
    worst = max(s["median_ms"] for n, s in res.items() if "frame" in n)
    return 0 if worst <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
