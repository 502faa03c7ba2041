#!/usr/bin/env python3
"""The keyed tables at scale, in process, no engine: time from an update to the frame drawn.

A synthetic snapshot (one network with N containers, a few other networks, some
published ports) is shown in the explorer's three tables (the real widgets and
stylesheet, the real layout at the given terminal size) in a headless app driven
by Textual's Pilot. Each measure starts a clock, does one thing, and stops the
clock when the next frame has been composed and turned into the bytes a terminal
would be sent (headless Textual skips that last step: this script does it, so the
cost is counted).

  change   one container's state changes (in view)       ContainersTable.show → frame
  add      a container joins / leaves the network           ContainersTable.show → frame
  cursor   `j` with the containers pane focused             key → frame
  page     PgDn                                             key → frame
  filter   a filter keeps ~1 row in 4 / lifts it again     ContainersTable.show → frame
  sort     `s` (sort by the next column)                    key → frame

`show` is what the app calls with a new snapshot (cached_rows + sync). The engine
read is not included: the issue's target (event to screen p95 ≤ 100 ms at 1000
containers) includes it; this is the table's part.

    .venv/bin/python benchmarks/table_bench.py [--rows 1000] [--updates 60] [--size 160x48] [--json out.json]

To compare with another version of netui, put its checkout first on PYTHONPATH
(the script prints which netui it measured).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: another checkout can be measured

from textual._compositor import CompositorUpdate  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import Horizontal, Vertical  # noqa: E402
from textual.widgets import Static  # noqa: E402

import netui  # noqa: E402
from netui.engine.model import Container, Endpoint, IpamConfig, Network, Port, Snapshot  # noqa: E402
from netui.ui.paths import stylesheets  # noqa: E402
from netui.ui.widgets.containers_table import ContainersTable  # noqa: E402
from netui.ui.widgets.networks_table import NetworksTable  # noqa: E402
from netui.ui.widgets.ports_table import PortsTable  # noqa: E402


def synthetic(n: int, other_networks: int = 20) -> tuple[Snapshot, Network]:
    """N containers on one user network ("big"), every 10th also on a second one and
    publishing a port; `other_networks` small networks besides."""
    big = Network(id="b" * 64, name="big", driver="bridge", scope="local",
                  ipam=(IpamConfig(subnet="10.10.0.0/16", gateway="10.10.0.1"),))
    side = Network(id="s" * 64, name="side", driver="bridge", scope="local",
                   ipam=(IpamConfig(subnet="10.20.0.0/16", gateway="10.20.0.1"),))
    others = [Network(id=f"{i:064x}", name=f"net-{i:02d}", driver="bridge", scope="local",
                      ipam=(IpamConfig(subnet=f"172.{16 + i}.0.0/16", gateway=f"172.{16 + i}.0.1"),))
              for i in range(other_networks)]
    containers = []
    for i in range(n):
        cid = f"{i:08x}".ljust(64, "c")
        name = f"svc-{i:04d}"
        eps = [Endpoint(network_id=big.id, network_name=big.name, container_id=cid, container_name=name,
                        endpoint_id=f"e{i}", ipv4=f"10.10.{i // 250}.{i % 250 + 2}", prefix_len=16,
                        mac=f"02:42:0a:0a:{i // 250:02x}:{i % 250 + 2:02x}", aliases=(f"alias-{i}",), dns_names=(name, f"alias-{i}"))]
        ports: tuple[Port, ...] = ()
        if i % 10 == 0:
            eps.append(Endpoint(network_id=side.id, network_name=side.name, container_id=cid, container_name=name,
                                endpoint_id=f"f{i}", ipv4=f"10.20.{i // 250}.{i % 250 + 2}", prefix_len=16,
                                mac=f"02:42:0a:14:{i // 250:02x}:{i % 250 + 2:02x}", dns_names=(name,)))
            ports = (Port(container_port=80, host_ip="127.0.0.1", host_port=20000 + i),)
        containers.append(Container(id=cid, name=name, image="netui/busybox:local", state="running",
                                    status="Up", network_mode=big.name, ports=ports, endpoints=tuple(eps), details=True))
    snap = Snapshot.build([big, side, *others], containers)
    return snap, snap.network_by_id[big.id]


def with_container(snap: Snapshot, c: Container, drop: bool = False) -> Snapshot:
    """The snapshot with `c` replacing (or, with drop, without) the container of its id;
    a new id is added in name order. Built without re-sorting: this is the engine's part."""
    conts = [x for x in snap.containers if x.id != c.id]
    if not drop:
        conts.append(c)
        conts.sort(key=lambda x: (x.name, x.id))
    return Snapshot(networks=snap.networks, containers=tuple(conts), engine=snap.engine)


class Bench(App[None]):
    CSS_PATH = stylesheets()
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield NetworksTable(id="networks")
                yield ContainersTable(id="containers")
                yield PortsTable(id="ports")
            yield Static("details", id="details")


class Frames:
    """Timestamps of the frames the app composes, each turned into terminal bytes."""

    def __init__(self, app: App) -> None:
        self.times: list[tuple[float, float]] = []  # (wall clock, this process's CPU time)
        self.app = app
        original = app._display

        def display(screen, renderable) -> None:
            if renderable is not None and not app._batch_count:
                if isinstance(renderable, CompositorUpdate):
                    renderable.render_segments(app.console)
                self.times.append((time.perf_counter(), time.process_time()))
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    async def after(self, start: tuple[float, float], timeout: float = 10.0) -> tuple[float, float]:
        """From `start` (see `now`) to the first frame drawn after it: (wall seconds, CPU seconds).
        CPU time is what the app spent, whatever else the machine was doing."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            later = [t for t in self.times[-8:] if t[0] > start[0]]
            if later:
                return later[0][0] - start[0], later[0][1] - start[1]
            await asyncio.sleep(0.0005)
        raise TimeoutError("no frame drawn")


def now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


async def settle(pilot, seconds: float = 0.0) -> None:
    await pilot.pause()
    if seconds:
        await asyncio.sleep(seconds)
        await pilot.pause()


def summary(values: list[tuple[float, float]] | list[float]) -> dict:
    """p50/p95/max of the wall times, and of the CPU times when given."""
    def stats(v: list[float]) -> dict:
        v = sorted(v)
        p95 = v[min(len(v) - 1, max(0, -(-95 * len(v) // 100) - 1))]  # nearest rank
        return {"n": len(v), "p50": statistics.median(v), "p95": p95, "max": v[-1], "min": v[0]}
    if values and isinstance(values[0], tuple):
        out = stats([w for w, _ in values])  # type: ignore[misc]
        out["cpu"] = stats([c for _, c in values])  # type: ignore[misc]
        return out
    return stats(values)  # type: ignore[arg-type]


async def run(rows: int, updates: int, size: tuple[int, int]) -> dict:
    snap, big = synthetic(rows)
    app = Bench()
    out: dict = {}
    async with app.run_test(size=size) as pilot:
        frames = Frames(app)
        nets: NetworksTable = app.query_one("#networks", NetworksTable)
        table: ContainersTable = app.query_one("#containers", ContainersTable)
        ports: PortsTable = app.query_one("#ports", PortsTable)
        t0 = now()
        nets.show(snap, snap.networks, flash=False)
        table.show(snap, big, snap.members(big.id), flash=False)
        ports.show(snap, tuple(m.container for m in snap.members(big.id)), big.name, flash=False)
        out["first_show"] = (await frames.after(t0))[0]
        await settle(pilot, 0.3)
        assert len(table.keys) == rows, (len(table.keys), rows)
        visible = max(1, table.scrollable_content_region.height - 1)
        out["visible_rows"] = visible

        # 1. one container changes state, in view
        changes, sync_costs = [], []
        for i in range(updates):
            m = snap.members(big.id)[i % visible]
            c = m.container
            new = replace(c, state="exited" if c.state == "running" else "running")
            snap2 = with_container(snap, new)
            members = snap2.members(big.id)
            t0 = now()
            table.show(snap2, big, members)
            sync_costs.append((time.perf_counter() - t0[0], time.process_time() - t0[1]))
            changes.append(await frames.after(t0))
            assert table.cells(c.id)[1].plain == new.state
            snap = snap2
            await settle(pilot, 0.02)
        out["change"] = summary(changes)
        out["change_sync"] = summary(sync_costs)

        # 2. a container joins the network (a new row in view) and leaves again
        adds = []
        for i in range(max(10, updates // 3)):
            base = snap.members(big.id)[i % visible].container
            cid = f"{i:08x}".ljust(64, "d")
            name = base.name + "-late"
            ep = replace(base.endpoints[0], container_id=cid, container_name=name, endpoint_id=f"late{i}", ipv4=f"10.10.200.{i + 2}")
            new = replace(base, id=cid, name=name, endpoints=(ep,), ports=())
            snap2 = with_container(snap, new)
            t0 = now()
            table.show(snap2, big, snap2.members(big.id))
            adds.append(await frames.after(t0))
            assert cid in table.keys
            await settle(pilot, 0.02)
            t0 = now()
            table.show(snap, big, snap.members(big.id))
            adds.append(await frames.after(t0))
            assert cid not in table.keys
            await settle(pilot, 0.02)
        out["add_remove"] = summary(adds)

        await settle(pilot, 1.7)  # flashes over: the keys below start from a quiet table
        table.focus()
        await settle(pilot)

        # 3. cursor moves: j from the top, scrolling once past the fold
        moves = []
        for _ in range(updates):
            t0 = now()
            await pilot.press("j")
            moves.append(await frames.after(t0))
            await settle(pilot, 0.01)
        out["cursor"] = summary(moves)

        pages = []
        for _ in range(15):
            t0 = now()
            await pilot.press("pagedown")
            pages.append(await frames.after(t0))
            await settle(pilot, 0.01)
        out["page"] = summary(pages)
        await pilot.press("g")
        await settle(pilot)

        # 4. a filter: ~1 row in 4 stays, then all come back (the app shows the view without flashing)
        filters = []
        everyone = snap.members(big.id)
        some = tuple(m for m in everyone if "3" in m.container.name)
        for i in range(20):
            t0 = now()
            table.show(snap, big, some if i % 2 == 0 else everyone, flash=False)
            filters.append(await frames.after(t0))
            await settle(pilot, 0.02)
        out["filter"] = summary(filters)
        out["filter_rows"] = len(some)

        # 5. sort by the next column (s), 2 rounds over the columns
        sorts = []
        for _ in range(2 * len(table.COLUMNS)):
            t0 = now()
            await pilot.press("s")
            sorts.append(await frames.after(t0))
            await settle(pilot, 0.02)
        out["sort"] = summary(sorts)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--updates", type=int, default=60)
    ap.add_argument("--size", default="160x48")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    w, h = (int(x) for x in args.size.split("x"))
    r = asyncio.run(run(args.rows, args.updates, (w, h)))
    where = Path(netui.__file__).resolve().parent.parent
    print(f"netui from {where}; {args.rows} containers, terminal {w}x{h}, {r['visible_rows']} rows in view; "
          f"Python {platform.python_version()}")
    print(f"first show of {args.rows} rows → frame: {r['first_show'] * 1000:.0f} ms")
    labels = {
        "change": "1 row changed (show → frame)",
        "change_sync": "…of which show() itself",
        "add_remove": "1 row added / removed (show → frame)",
        "cursor": "cursor move, j (key → frame)",
        "page": "page down (key → frame)",
        "filter": f"filter to {r['filter_rows']} rows and back (show → frame)",
        "sort": "sort by the next column, s (key → frame)",
    }
    print(f"{'measure (wall clock; CPU time of the app)':<48} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'CPU p50':>8} {'CPU p95':>8}")
    for k, label in labels.items():
        s = r[k]
        cpu = f"{s['cpu']['p50'] * 1000:>8.1f} {s['cpu']['p95'] * 1000:>8.1f}" if "cpu" in s else ""
        print(f"{label:<48} {s['n']:>4} {s['p50'] * 1000:>8.1f} {s['p95'] * 1000:>8.1f} {s['max'] * 1000:>8.1f} {cpu}")
    if args.json:
        r["netui"] = str(where)
        r["args"] = vars(args) | {"json": str(args.json)}
        args.json.write_text(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
