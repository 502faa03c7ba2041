"""The import contract, checked for every sub-package of netui.

- netui.engine (Docker, the model, probes, the refresh policy) and netui.text: no
  Textual, nothing of netui.ui or netui.map.
- netui.map (the map's graph, layout and exports): pure: no Textual, no docker-py,
  nothing of netui.ui; it reads the model only.
- netui.ui (the Textual app): never docker-py or requests: it talks to the engine layer.
- netui.serve (the web server of `netui serve`): aiohttp and textual-serve, never the
  Textual UI itself (sessions are processes) nor docker-py.
- netui.cli: imports nothing heavy at module level (each command imports what it uses);
  netui.cli_args (the command line's grammar): the standard library only.
- No sub-package is left out: a new one must be given its rules here.
"""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PKG = ROOT / "netui"

# sub-package -> module prefixes it must never import
FORBIDDEN = {
    "engine": ("textual", "netui.ui", "netui.map"),
    "map": ("textual", "docker", "requests", "netui.ui"),
    "ui": ("docker", "requests", "paramiko"),
    # the web server: spawns sessions; no Textual UI and no engine calls of its own
    "serve": ("docker", "requests", "netui.ui", "netui.map"),
}
TOP_LEVEL = {
    "text.py": ("textual", "docker", "netui.ui", "netui.map"),
    "__init__.py": ("textual", "docker", "netui."),
    "__main__.py": ("textual", "docker", "netui.ui", "netui.map"),
    "cli_args.py": ("textual", "docker", "rich", "netui.ui", "netui.map", "netui.engine", "netui.serve", "netui.text"),
}


def imported_modules(path: pathlib.Path, *, top_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    nodes = tree.body if top_only else list(ast.walk(tree))
    mods: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            mods.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            mods.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            mods.add("." * node.level + (node.module or ""))
    return mods


def _bad(mods: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {m for m in mods for f in forbidden if m == f.rstrip(".") or m.startswith(f if f.endswith(".") else f + ".")}


def test_every_sub_package_has_rules():
    subs = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert subs == set(FORBIDDEN), f"give the new sub-package its import rules: {subs - set(FORBIDDEN)}"
    tops = {p.name for p in PKG.glob("*.py")} - {"cli.py"}
    assert tops == set(TOP_LEVEL), tops


def test_sub_packages_keep_to_their_layer():
    checked = 0
    for sub, forbidden in FORBIDDEN.items():
        for path in sorted((PKG / sub).rglob("*.py")):
            mods = imported_modules(path)
            assert not any(m.startswith(".") for m in mods), f"{path.relative_to(ROOT)}: absolute imports only"
            bad = _bad(mods, forbidden)
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
            checked += 1
    for name, forbidden in TOP_LEVEL.items():
        bad = _bad(imported_modules(PKG / name), forbidden)
        assert not bad, f"netui/{name} imports {sorted(bad)}"
    assert checked > 40


def test_the_cli_imports_nothing_heavy_at_module_level():
    bad = _bad(imported_modules(PKG / "cli.py", top_only=True), ("textual", "docker", "rich", "netui.ui", "netui.map", "netui.engine"))
    assert not bad, f"netui/cli.py imports {sorted(bad)} at module level: import inside the command instead"


def test_importing_the_engine_layer_loads_no_textual():
    code = (
        "import sys, importlib, pkgutil, netui.engine as e, netui.map as m\n"
        "for pkg in (e, m):\n"
        "    for mod in pkgutil.iter_modules(pkg.__path__): importlib.import_module(pkg.__name__ + '.' + mod.name)\n"
        "import netui.text, netui.cli\n"
        "print(sorted(k for k in sys.modules if k.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_netui_toasts_go_through_toast():
    """netui's own messages carry engine strings: they are shown literally (ui/toast.py),
    never through notify's markup."""
    for path in sorted((PKG / "ui").rglob("*.py")):
        if path.name == "toast.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "notify":
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} calls notify(): use netui.ui.toast.toast")
