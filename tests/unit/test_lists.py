"""One list splitter: a list in one line of text is read the same way in a form and in a CSV cell."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from maliterm.editing import build, values_of
from maliterm.lists import SEPARATOR, join_list, split_list

ROOT = Path(__file__).parents[2]
NAMES = st.lists(st.text(min_size=1).map(str.strip).filter(lambda s: s and SEPARATOR not in s), max_size=5)


@given(NAMES)
def test_what_is_joined_splits_back(names: list[str]):
    assert split_list(join_list(names)) == names


def test_a_name_keeps_its_comma_in_the_form():
    """"Hammer, Joshua" is one name: the edit form splits the aliases box at `;` only."""
    values = values_of("actors", {"id": "a", "name": "A", "kind": "person", "cite": [{"source": "s"}]})
    values["aliases"] = "Hammer, Joshua; J. Hammer"
    assert build("actors", values, None, set())["aliases"] == ["Hammer, Joshua", "J. Hammer"]


def test_no_other_list_splitter_exists():
    """The ACLED reader, the CSV export and the forms all use maliterm/lists.py."""
    found = []
    for path in sorted((ROOT / "maliterm").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in ("split_list", "join_list"):
                found.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert found == ["maliterm/lists.py:split_list", "maliterm/lists.py:join_list"]
