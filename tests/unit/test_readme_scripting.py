"""The README's "Scripting with TinyDB" example runs as written with stock TinyDB (issue 12)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def first_python_block(section: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", body, re.S)[1]


def test_scripting_example_counts_the_actors():
    code = first_python_block("Scripting with TinyDB")
    assert "import maliterm" not in code and "from maliterm" not in code  # stock TinyDB, as the section says
    before = (ROOT / "db.json").read_bytes()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{len(json.loads(before)['actors'])}\n"
    assert (ROOT / "db.json").read_bytes() == before  # reading left the file as it was
