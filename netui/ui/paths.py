"""Where the app's stylesheets are: inside the installed package, or in a source checkout."""

from __future__ import annotations

from pathlib import Path, PurePath

_PKG = Path(__file__).resolve().parent.parent


def styles_dir() -> Path:
    installed = _PKG / "styles"  # the wheel puts the top-level styles/ here
    if installed.is_dir():
        return installed
    return _PKG.parent / "styles"  # a source checkout or an editable install


def stylesheets() -> list[str | PurePath]:
    return list(sorted(styles_dir().glob("*.tcss")))
