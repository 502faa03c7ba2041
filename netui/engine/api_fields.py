"""Reading the engine's JSON: every field may be missing or of the wrong type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

T = TypeVar("T")

Pairs = tuple[tuple[str, str], ...]


def _pairs(value: Any) -> Pairs:
    """A mapping from the engine as sorted (key, value) string pairs."""
    if not isinstance(value, Mapping):
        return ()
    return tuple(sorted((str(k), "" if v is None else str(v)) for k, v in value.items()))


def _str(value: Any) -> str:
    return "" if value is None else str(value)


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _strs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)):
        return ()
    return tuple(str(v) for v in value if v is not None)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_time(text: str) -> float:
    """An engine timestamp (RFC 3339, nanoseconds, any offset) as epoch seconds; 0.0 if unreadable."""
    import datetime as _dt

    try:
        return _dt.datetime.fromisoformat(str(text).strip()).timestamp() if text else 0.0
    except (ValueError, OverflowError):
        return 0.0


def lookup(pairs: Pairs, key: str, default: str = "") -> str:
    for k, v in pairs:
        if k == key:
            return v
    return default


def _replace(obj: T, **changes: Any) -> T:
    return replace(obj, **changes)  # type: ignore[type-var]
