"""The core never imports Textual: the CLI's commands and any script can use it without a UI."""

from __future__ import annotations

import subprocess
import sys

CORE = ("maliterm.store", "maliterm.indexes", "maliterm.validate", "maliterm.lineage", "maliterm.timeline",
        "maliterm.search", "maliterm.render", "maliterm.editing", "maliterm.interchange.acled",
        "maliterm.interchange.report", "maliterm.interchange.graph", "maliterm.interchange.stix",
        "maliterm.interchange.merge", "maliterm.cli")


def test_core_modules_import_no_textual():
    code = ("import importlib, sys\n"
            f"for name in {CORE!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


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
