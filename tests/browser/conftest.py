"""Chromium for the browser tests: Debian's, driven by playwright (no browser download).

Without chromium or playwright the tests are skipped with the reason; with
NETUI_REQUIRE_ENGINE=1 (make test, CI) that is a failure, never a skip.
scripts/browser.sh installs both.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# As root, in a container, with no way out to the network: no sandbox, no GPU, and
# nothing that phones home (without these Chromium keeps trying to reach the outside).
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1200, "height": 760}


def _require() -> bool:
    return os.environ.get("NETUI_REQUIRE_ENGINE", "") not in ("", "0")


def _missing(why: str):
    if _require():
        pytest.fail(f"NETUI_REQUIRE_ENGINE is set but {why} (scripts/browser.sh installs it)", pytrace=False)
    pytest.skip(why)


def chromium_binary() -> str | None:
    """NETUI_CHROMIUM when set (and then only it), else Debian's chromium."""
    chosen = os.environ.get("NETUI_CHROMIUM")
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else None
    for c in ("/usr/lib/chromium/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if c and os.access(c, os.X_OK):
            return c
    return None


@pytest.fixture(scope="module")
def browser_context():
    """A fresh Chromium profile (its own --user-data-dir), removed afterwards."""
    binary = chromium_binary()
    if binary is None:
        chosen = os.environ.get("NETUI_CHROMIUM")
        _missing(f"NETUI_CHROMIUM={chosen} is not an executable" if chosen else "chromium is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    profile = tempfile.mkdtemp(prefix="netui-chromium-")
    try:
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                profile, executable_path=binary, headless=True, args=CHROMIUM_ARGS, viewport=VIEWPORT,
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
