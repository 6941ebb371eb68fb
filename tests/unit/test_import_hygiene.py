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
