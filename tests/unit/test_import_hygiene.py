"""The core never imports Textual: the CLI's commands and any script can use it without a UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = ("maliterm.store", "maliterm.indexes", "maliterm.validate", "maliterm.lineage", "maliterm.timeline",
        "maliterm.search", "maliterm.presentation", "maliterm.editing", "maliterm.interchange.acled",
        "maliterm.interchange.report", "maliterm.interchange.graph", "maliterm.interchange.stix",
        "maliterm.interchange.merge", "maliterm.cli")


def test_core_modules_import_no_textual():
    code = ("import importlib, sys\n"
            f"for name in {CORE!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"



# ---- no private attributes of Textual (or any library) objects ----------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "maliterm"
# Public despite the underscore: a named tuple's documented methods (the underscore keeps them from clashing with fields).
NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})


def _own_names(trees: list[ast.Module]) -> set[str]:
    """Every name maliterm itself defines: functions, methods, classes, assigned names and attributes, imports."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add(node.asname or node.name.rsplit(".", 1)[-1])
    return names


def private_attribute_uses(files: list[Path]) -> list[str]:
    """`obj._name` where no maliterm module defines `_name`: a private attribute of a library's object.

    A check by name, not by type (no inference): an underscore attribute counts as ours when some maliterm
    module defines a name spelled that way (a method, an assigned attribute, a function, an import alias).
    Anything else reached with one leading underscore belongs to Textual, Rich or another library: private
    there, free to change in any release (two `Tree` internals once capped us at `textual<9`). Dunders and a
    named tuple's documented `_replace`-style methods pass."""
    trees = [ast.parse(f.read_text(encoding="utf-8"), filename=str(f)) for f in files]
    ours = _own_names(trees) | NAMEDTUPLE_API
    return [f"{path.parent.name}/{path.name}:{node.lineno}: .{node.attr}"
            for path, tree in zip(files, trees) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
            and node.attr not in ours]


def test_no_private_attributes_of_library_objects():
    uses = private_attribute_uses(sorted(PACKAGE.rglob("*.py")))
    assert uses == [], "private attributes of library objects (use their public API):\n" + "\n".join(uses)


def test_the_scan_flags_tree_internals_and_passes_our_own(tmp_path):
    """What the relations tree once did (`Tree._tree_lines`, `Tree._render_line`) is flagged; our own
    underscore methods and attributes are not."""
    module = tmp_path / "pane.py"
    module.write_text(
        "from textual.widgets import Tree\n"
        "class RelationsTree(Tree):\n"
        "    def _mine(self):\n"
        "        self._style = 1\n"
        "    def render_line(self, y):\n"
        "        self._tree_lines\n"
        "        self._mine()\n"
        "        return self._render_line(y, 0, 1, self._style)\n")
    assert private_attribute_uses([module]) == [f"{tmp_path.name}/pane.py:6: ._tree_lines",
                                                f"{tmp_path.name}/pane.py:8: ._render_line"]
def test_every_module_imports_on_its_own():
    # A cycle (interchange/commands.py <-> cli.py once) fails only when its far end is imported first,
    # so each module is imported from a clean slate of maliterm modules (third-party ones stay loaded).
    code = ("import importlib, pkgutil, sys, maliterm\n"
            "names = sorted(i.name for i in pkgutil.walk_packages(maliterm.__path__, 'maliterm.')\n"
            "               if i.name != 'maliterm.__main__')\n"  # importing __main__ runs the app
            "failed = []\n"
            "for name in names:\n"
            "    for loaded in [m for m in sys.modules if m.startswith('maliterm.')]: del sys.modules[loaded]\n"
            "    try: importlib.import_module(name)\n"
            "    except Exception as exc: failed.append(f'{name}: {exc!r}')\n"
            "print(len(names))\n"
            "for line in failed: print(line)")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           timeout=120).stdout.splitlines()
    assert int(lines[0]) > 50  # the walk found the package's modules
    assert lines[1:] == []


def test_no_private_modules_of_libraries_are_imported():
    """`from rich._ratio import ...` breaks on any release of rich that moves it: copy what we need."""
    found = [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {name}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             for name in ([node.module or ""] if isinstance(node, ast.ImportFrom) else
                          [a.name for a in node.names] if isinstance(node, ast.Import) else [])
             if not name.startswith("maliterm") and any(part.startswith("_") and not part.startswith("__")
                                                        for part in name.split("."))]
    assert found == []
