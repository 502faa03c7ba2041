"""Our widgets must not shadow Textual's own attributes by accident."""

from __future__ import annotations

import ast
import pathlib

from textual.screen import ModalScreen, Screen


def test_no_name_collisions_with_textual():
    """Our widgets must not shadow Textual's own attributes and methods by accident
    (a `_render`, `_closing` or `log` breaks the app in ways no type checker sees)."""
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import DataTable, Input, Static

    intended = {
        "_on_idle", "_require_update_dimensions",  # KeyedTable's render-cache fix
        "theme", "border_title", "border_subtitle", "value",  # public properties set on purpose
        "check_action", "get_system_commands", "get_default_screen",  # documented App hooks
        "render",  # StatusBar draws itself: a repaint, never a layout pass
    }
    table, modal = DataTable(), ModalScreen()
    bases = {
        "keyed_table.py": table, "networks_table.py": table, "containers_table.py": table, "ports_table.py": table,
        "filter_bar.py": Input(), "status_bar.py": Static(), "details_pane.py": VerticalScroll(), "app.py": App(),
    }
    root = pathlib.Path(__file__).resolve().parents[2] / "netui" / "ui"
    checked = 0
    for path in sorted(root.rglob("*.py")):
        base = bases.get(path.name) or (modal if path.parent.name == "screens" else None)
        if path.name == "explorer_screen.py":
            base = Screen()
        if base is None:
            continue
        checked += 1
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self" and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.ClassDef) and not any("dataclass" in ast.unparse(d) for d in node.decorator_list):
                # Class attributes too (e.g. the explorer's pane getters); not a dataclass's fields.
                for stmt in node.body:
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                        for t in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                            if isinstance(t, ast.Name) and not t.id.isupper():
                                names.add(t.id)
        clashes = {
            n for n in names
            if n in dir(base) and not n.startswith(("__", "on_", "action_", "compose")) and n not in intended
        }
        assert not clashes, f"{path.name} shadows Textual's {sorted(clashes)}"
    assert checked >= 14
