"""Architecture rules: the engine layer never imports Textual; the UI never calls docker-py."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PKG = ROOT / "netui"
ENGINE_SIDE = [*sorted((PKG / "engine").glob("*.py")), PKG / "text.py"]
UI_SIDE = sorted((PKG / "ui").rglob("*.py"))


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    mods: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module)
    return mods


def test_engine_layer_has_no_textual_imports():
    assert ENGINE_SIDE
    for path in ENGINE_SIDE:
        bad = {m for m in imported_modules(path) if m == "textual" or m.startswith("textual.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_importing_the_engine_layer_loads_no_textual():
    code = (
        "import sys, importlib, pkgutil, netui.engine as e\n"
        "for m in pkgutil.iter_modules(e.__path__): importlib.import_module('netui.engine.' + m.name)\n"
        "import netui.text, netui.cli\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_ui_layer_makes_no_docker_calls():
    for path in UI_SIDE:
        bad = {m for m in imported_modules(path) if m == "docker" or m.startswith("docker.")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}: the UI talks to the engine layer only"
