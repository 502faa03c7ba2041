"""Toasts that show their text literally.

Messages often carry engine strings (a network may be named `[b]x[/b]`), so
netui's own toasts are never markup. Textual's own notifications (e.g. the
"Press ctrl+q to quit" hint) keep their markup: `App.notify` is not overridden.
"""

from __future__ import annotations

from typing import Literal

from textual.dom import DOMNode

from netui.text import clean

Severity = Literal["information", "warning", "error"]


def toast(node: DOMNode, message: str, *, title: str = "", severity: Severity = "information",
          timeout: float | None = None) -> None:
    """Show `message` as a toast, literally (control characters made visible)."""
    text = "\n".join(clean(line) for line in str(message).split("\n"))
    node.app.notify(text, title=clean(title), severity=severity, timeout=timeout, markup=False)
