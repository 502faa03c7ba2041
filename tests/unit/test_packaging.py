"""The built wheel carries the stylesheets (a CSS path outside the package would break once installed)."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import zipfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_wheel_contains_every_stylesheet(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    wheels = list(tmp_path.glob("netui-*.whl"))
    assert len(wheels) == 1
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    sheets = sorted(p.name for p in (ROOT / "styles").glob("*.tcss"))
    assert sheets, "styles/ holds the app's .tcss files"
    for sheet in sheets:
        assert f"netui/styles/{sheet}" in names
    assert "netui/__init__.py" in names and "netui/engine/model.py" in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "netui = netui.cli:main" in zipfile.ZipFile(wheels[0]).read(entry).decode()


def test_stylesheets_resolve_in_a_source_checkout():
    from netui.ui.paths import stylesheets

    found = stylesheets()
    assert found and all(p.exists() and p.suffix == ".tcss" for p in found)
