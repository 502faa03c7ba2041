"""Showing engine strings safely.

Strings from the engine are data. They are never parsed as markup: callers put
them into rich `Text` / Textual `Content` objects. Before that, `clean` makes
them printable on one line: control characters (escape sequences, newlines,
tabs) and invisible format characters (zero-width, bidi overrides) are replaced
by visible stand-ins, so nothing can move the cursor, recolour the terminal or
reorder the line.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

REPLACEMENT = "\ufffd"
_VISIBLE = {"\n": "\u23ce", "\r": "\u23ce", "\t": " "}


@lru_cache(maxsize=65536)
def _clean(value: str) -> str:
    out = []
    for ch in value:
        if ch in _VISIBLE:
            out.append(_VISIBLE[ch])
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return "".join(out)


def clean(value: object, limit: int | None = None) -> str:
    """`value` as one printable line; cut to `limit` characters with an ellipsis."""
    s = "" if value is None else str(value)
    if not s.isprintable():
        s = _clean(s)
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "\u2026"
    return s


def short_labels(names: list[str], limit: int) -> list[str]:
    """Printable labels of at most `limit` characters, kept apart where the names differ
    at their start or end: a prefix every name shares (up to a - _ or .) is dropped
    first, then the middle of what is still too long, so `app-backend-1` and
    `app-backend-2` keep the ends that tell them apart. (Names alike at both ends may
    still read alike.)"""
    shown = [clean(n) for n in names]
    common = ""
    if len(shown) > 1:
        first, last = min(shown), max(shown)
        i = 0
        while i < min(len(first), len(last)) and first[i] == last[i]:
            i += 1
        common = first[:i]
        common = common[: max(common.rfind(c) for c in "-_.") + 1]
    out = []
    for s in shown:
        if len(s) > limit and common and len(s) > len(common):
            s = "\u2026" + s[len(common):]
        if len(s) > limit:
            head = (limit - 1) // 2
            s = s[:head] + "\u2026" + s[len(s) - (limit - 1 - head):]
        out.append(s)
    return out


def is_clean(value: str) -> bool:
    return value.isprintable()
