#!/usr/bin/env python3
"""Write screenshots/browser.png: netui served by `netui serve`, in headless Chromium, on the demo world.

Brings the demo up if it is not (and takes it down again afterwards), serves netui on a
free loopback port, opens it in Debian's chromium (scripts/browser.sh installs it),
filters to the demo's networks, opens app_network's containers, and saves the page.

    .venv/bin/python scripts/browser_screenshot.py [--out screenshots/browser.png]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from netui.engine import demo  # noqa: E402
from netui.engine.client import Engine  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, chromium_binary  # noqa: E402
from tests.engine.serving import Served  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "screenshots" / "browser.png"))
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=800)
    args = ap.parse_args()
    binary = chromium_binary()
    if binary is None:
        raise SystemExit("browser_screenshot: no chromium (scripts/browser.sh installs it)")
    from playwright.sync_api import sync_playwright

    engine = Engine()
    engine.connect()
    was_up = not any("not up" in line for line in demo.status(engine))  # left as it was found
    if not was_up:
        for line in demo.up(engine):
            print(line)
    app_network = next(n["Id"] for n in engine.api.networks(names=["app_network"]) if n["Name"] == "app_network")
    served = Served()
    profile = tempfile.mkdtemp(prefix="netui-chromium-")
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                profile, executable_path=binary, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": args.width, "height": args.height},
            )
            page = ctx.new_page()
            page.goto(served.base + "/")
            page.wait_for_selector("body.-first-byte", timeout=60000)
            pid = served.new_session()
            served.wait_state(pid, lambda s: s.get("state") == "live" and s.get("networks"), "the first topology")
            page.locator(".xterm-helper-textarea").focus()
            served.wait_state(pid, lambda s: s["focused"] == "networks", "focus")
            page.keyboard.press("/")
            served.wait_state(pid, lambda s: s["focused"] == "filter", "the filter bar")
            page.keyboard.type("_network")
            page.keyboard.press("Enter")
            served.wait_state(pid, lambda s: s["focused"] == "networks", "the filter done")
            for _ in range(10):
                if served.state(pid).get("network") == app_network:
                    break
                row = served.state(pid).get("row")
                page.keyboard.press("j")
                served.wait_state(pid, lambda s, r=row: s.get("row") != r, "the next row")
            page.keyboard.press("Enter")
            served.wait_state(pid, lambda s: s["focused"] == "containers", "app_network's containers")
            time.sleep(2.5)  # the new rows' highlight fades
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out)
            ctx.close()
        print(f"wrote {args.out}")
    finally:
        served.close()
        shutil.rmtree(profile, ignore_errors=True)
        if not was_up:
            for line in demo.down(engine):
                print(line)


if __name__ == "__main__":
    main()
