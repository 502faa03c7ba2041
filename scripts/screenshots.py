#!/usr/bin/env python3
"""Write screenshots/*.svg from the real app, headless, on the real engine's demo world.

Brings the demo up if it is not (and takes it down again afterwards), then for
each view drives the app with key presses and saves what the screen shows.

    .venv/bin/python scripts/screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine import demo  # noqa: E402
from netui.engine.client import Engine  # noqa: E402
from netui.engine.source import EngineSource  # noqa: E402
from netui.ui.app import NetuiApp  # noqa: E402


async def _until(pilot, predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("screenshots: the app did not get there in time")
        await pilot.pause(0.05)


def _select(app: NetuiApp, name: str) -> None:
    key = next(n.id for n in app.snapshot.networks if n.name == name)
    app.explorer.networks.select_key(key)


VIEWS = {
    # name: (size, steps) where a step is a key, or a callable taking the app
    "main": ((160, 48), [lambda app: _select(app, "app_network")]),
    "main-80x24": ((80, 24), [lambda app: _select(app, "app_network")]),
    "filtered": ((160, 48), ["slash", *"container", "enter"]),
    "container-details": ((160, 48), [lambda app: _select(app, "my_custom_network"), "enter", "j", "j", "enter"]),
    "default-bridge": ((160, 48), [lambda app: _select(app, "bridge"), "enter", "enter"]),
    "help": ((120, 48), ["question_mark"]),
    "probe": ((140, 40), [lambda app: _select(app, "app_network"), "enter", lambda app: _select_container(app, "frontend"),
                          "t", *"backend", "enter", "wait:2500"]),
    "matrix": ((140, 40), [lambda app: _select(app, "app_network"), "m", lambda app: _pick_extra(app, "isolated_network"), "wait:4000"]),
    "create-network": ((120, 40), ["n", *"my_custom_net2", "tab", "tab", *"10.42.0.0/24", "tab", *"10.42.0.1"]),
    "map-view": ((160, 48), [lambda app: _select(app, "app_network"), "v", "wait:1500"]),
    "map-80x24": ((80, 24), [lambda app: _select(app, "app_network"), "v", "wait:1500"]),
    "container-actions": ((140, 40), [lambda app: _select(app, "app_network"), "enter", lambda app: _select_container(app, "backend"), "a"]),
    "logs": ((140, 40), [lambda app: _select(app, "app_network"), "enter", lambda app: _select_container(app, "frontend"), "l", "wait:1500"]),
    "compose": ((160, 48), ["C", "wait:500"]),
}


def _select_container(app: NetuiApp, name: str) -> None:
    key = next(c.id for c in app.snapshot.containers if c.name == name)
    app.explorer.containers.select_key(key)


def _pick_extra(app: NetuiApp, name: str) -> None:
    from textual.widgets import Select

    key = next(n.id for n in app.snapshot.networks if n.name == name)
    app.screen.query_one("#f-extra", Select).value = key


async def shoot(name: str, size: tuple[int, int], steps: list, out: Path) -> None:
    app = NetuiApp(EngineSource())
    async with app.run_test(size=size) as pilot:
        await _until(pilot, lambda: app.snapshot is not None and app.state == "live")
        await pilot.pause(0.5)  # aliases arrive in the second half of the first read
        for step in steps:
            if callable(step):
                step(app)
            elif step.startswith("wait:"):
                await pilot.pause(int(step[5:]) / 1000)
            else:
                await pilot.press(step)
            await pilot.pause(0.15)
        await pilot.pause(2.0)  # let row highlights fade
        await pilot.wait_for_scheduled_animations()
        path = out / f"{name}.svg"
        app.save_screenshot(str(path))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    engine = Engine()
    engine.connect()
    brought_up = not any(line.startswith("networks:") for line in demo.status(engine))
    if brought_up:
        for line in demo.up(engine):
            print(line)
    try:
        for name, (size, steps) in VIEWS.items():
            asyncio.run(shoot(name, size, steps, out))
    finally:
        if brought_up:
            for line in demo.down(engine):
                print(line)


if __name__ == "__main__":
    main()
