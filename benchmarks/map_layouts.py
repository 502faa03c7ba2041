#!/usr/bin/env python3
"""How the map's layout was chosen: netext and grandalf against netui's own, on the same snapshot.

netext (Rich/Textual graph rendering, Sugiyama layout and edge routing in a
compiled core) and grandalf (Sugiyama layer ordering alone) are not netui
dependencies: run this with an interpreter that has them, e.g.

    python3 -m venv /tmp/layouts && /tmp/layouts/bin/pip install netext grandalf rich
    /tmp/layouts/bin/python benchmarks/map_layouts.py [--out /tmp/map-layouts]

Each candidate draws the same graph (one node per network, container and
published port, one edge per endpoint) from tests/synthetic.py (40 networks,
400 containers) and from the recorded tests/data/topology.json. Measured:
import time (fresh interpreter, beyond rich), layout time, first and second
frame at 160x48 and 80x24, and the picture's natural size. The frames are
written to --out as text and SVG to be looked at: readability is judged there.
Libraries that are not installed are skipped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rich.console import Console  # noqa: E402

from netui.engine.schema import from_dict  # noqa: E402
from tests.synthetic import synthetic  # noqa: E402

SIZES = ((160, 48), (80, 24))


def import_ms(module: str) -> float:
    code = f"import time, rich.console, rich.text\nt = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout) for _ in range(3)]
    return sorted(runs)[1] * 1000


def console(w: int, h: int) -> Console:
    return Console(width=w, height=h, record=True, force_terminal=True, color_system="truecolor", file=open("/dev/null", "w"))


def save(out: Path, name: str, c: Console) -> None:
    (out / f"{name}.txt").write_text(c.export_text(clear=False))
    c.save_svg(str(out / f"{name}.svg"), title=name)


def graph_data(snap):
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    for n in snap.networks:
        nodes["n:" + n.id] = f"{n.name}\n{n.driver} {' '.join(n.subnets)}"
    for c in snap.containers:
        nodes["c:" + c.id] = c.name
        for e in c.endpoints:
            edges.append(("n:" + e.network_id, "c:" + c.id, e.ipv4))
        for p in c.published_ports:
            k = f"p:{c.id}:{p.host_port}"
            nodes[k] = p.host_address
            edges.append((k, "c:" + c.id, ""))
    return nodes, edges


def run_netext(snap, label: str, out: Path) -> dict:
    from netext import AutoZoom, ConsoleGraph, EdgeRoutingMode, EdgeSegmentDrawingMode
    from netext.console_graph import RenderState
    from rich.text import Text

    nodes, edges = graph_data(snap)

    def content(node_str, data, style):
        return Text(data["label"], style=style)

    edge_props = {"$edge-segment-drawing-mode": EdgeSegmentDrawingMode.BOX, "$edge-routing-mode": EdgeRoutingMode.ORTHOGONAL}
    nd = {k: {"label": v, "$content-renderer": content} for k, v in nodes.items()}
    ed = [(u, v, {"$label": lab, **edge_props} if lab else dict(edge_props)) for u, v, lab in edges]
    res: dict = {}
    for w, h in SIZES:
        c = console(w, h)
        t0 = time.perf_counter()
        g = ConsoleGraph(nd, ed, console=c, zoom=AutoZoom.FIT, max_width=w, max_height=h)
        g._require(RenderState.NODE_LAYOUT_COMPUTED)
        res[f"layout {w}x{h} ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        c.print(g)
        res[f"first frame {w}x{h} ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        c.print(g)
        res[f"next frame {w}x{h} ms"] = (time.perf_counter() - t0) * 1000
        save(out, f"netext-{label}-{w}x{h}", c)
    c = console(400, 100)
    t0 = time.perf_counter()
    g = ConsoleGraph(nd, ed, console=c, zoom=1.0)
    g._require(RenderState.EDGES_RENDERED)
    res["unzoomed build ms"] = (time.perf_counter() - t0) * 1000
    return res


def run_grandalf(snap, label: str, out: Path) -> dict:
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    class View:
        def __init__(self, w: int, h: int) -> None:
            self.w, self.h = w, h

    nodes, edges = graph_data(snap)
    t0 = time.perf_counter()
    vs = {}
    for k, text in nodes.items():
        v = vs[k] = Vertex(k)
        v.view = View(max(len(s) for s in text.split("\n")) + 4, 3)
    g = Graph(list(vs.values()), [Edge(vs[u], vs[v]) for u, v, _ in edges])
    widths = []
    for comp in g.C:
        sug = SugiyamaLayout(comp)
        sug.init_all()
        sug.draw(3)
        xs = [v.view.xy[0] for v in comp.sV]
        widths.append(max(xs) - min(xs) + max(v.view.w for v in comp.sV))
    return {"layout ms": (time.perf_counter() - t0) * 1000, "components": len(g.C), "widest component cols": round(max(widths))}


def run_ours(snap, label: str, out: Path) -> dict:
    from netui.map.graph import build
    from netui.map.render import picture

    res: dict = {}
    g = build(snap)
    for w, h in SIZES:
        t0 = time.perf_counter()
        pic = picture(g, w)
        res[f"layout {w} cols ms"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        rows = pic.crop(0, 0, w, h, pic.order[0] if pic.order else None)
        res[f"frame {w}x{h} ms"] = (time.perf_counter() - t0) * 1000
        res[f"picture at {w} cols"] = f"{pic.width}x{pic.height}"
        c = console(w, h)
        from rich.text import Text

        for segs in rows:
            t = Text(no_wrap=True, overflow="crop")
            for s in segs:
                t.append(s.text, s.style)
            c.print(t, crop=True)
        save(out, f"netui-{label}-{w}x{h}", c)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/map-layouts")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    snaps = {
        "synthetic-400": synthetic(40, 400),
        "recorded": from_dict(json.loads((ROOT / "tests" / "data" / "topology.json").read_text())),
    }
    results: dict = {}
    for name, module, fn in (("netui", "netui.map.render", run_ours), ("netext", "netext", run_netext), ("grandalf", "grandalf.layouts", run_grandalf)):
        try:
            __import__(module)
        except ImportError:
            print(f"{name}: not installed, skipped")
            continue
        results[name] = {"import ms": round(import_ms(module), 1)}
        for label, snap in snaps.items():
            r = fn(snap, label, out)
            results[name][label] = {k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()}
    print(json.dumps(results, indent=2))
    print(f"frames written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
