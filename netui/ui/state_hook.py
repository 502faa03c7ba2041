"""Test hook for served sessions: the app's state in NETUI_STATE_DIR/<pid>.json.

A browser shows a session as pixels on a canvas; this file says what the app itself
is doing (focused pane, highlighted row, open screen, which write keys are live), so
the browser test can check its keys reached the app. Installed only when the variable
is set (netui.ui.web_driver); written when the state changes, atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE_DIR_ENV = "NETUI_STATE_DIR"
PERIOD = 0.05


def state(app) -> dict:
    from netui.ui.app import WRITE_ACTIONS

    focused = app.focused
    live_keys = {
        key: b.binding.action.rsplit(".", 1)[-1] for key, b in app.screen.active_bindings.items() if b.enabled
    }
    snap = getattr(app, "snapshot", None)
    return {
        "pid": os.getpid(),
        "uid": os.getuid(),
        "screen": type(app.screen).__name__,
        "screens": len(app.screen_stack),
        "focused": focused.id if focused is not None else None,
        "row": getattr(focused, "current_key", None),
        "network": app.explorer.selected_network,
        "read_only": getattr(app, "read_only", None),
        "write_keys": sorted(k for k, action in live_keys.items() if action in WRITE_ACTIONS),
        "writes_allowed": sorted(a for a in WRITE_ACTIONS if app.check_action(a, ())),
        "theme": app.theme,
        "state": getattr(app, "state", None),
        "networks": len(snap.networks) if snap is not None else None,
        "size": [app.size.width, app.size.height],
        "status_bg": _background(app, "#status"),  # what the browser should paint on the status line
    }


def _background(app, selector: str) -> str | None:
    try:
        return app.screen_stack[0].query_one(selector).background_colors[1].hex
    except Exception:
        return None


def install(app, directory: str) -> None:
    path = Path(directory) / f"{os.getpid()}.json"
    last = ""

    def write() -> None:
        nonlocal last
        try:
            text = json.dumps(state(app), sort_keys=True)
        except Exception as exc:  # the hook never takes the app down; the test sees why
            text = json.dumps({"pid": os.getpid(), "error": repr(exc)})
        if text != last:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text)
            os.replace(tmp, path)
            last = text

    app.set_interval(PERIOD, write)
