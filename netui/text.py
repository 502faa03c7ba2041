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


def is_clean(value: str) -> bool:
    return value.isprintable()
