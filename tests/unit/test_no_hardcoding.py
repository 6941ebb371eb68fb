"""Nothing about one conflict is written into the code: another conflict's file must work the same."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import maliterm

PACKAGE = Path(maliterm.__file__).parent
# Names from the shipped dataset that would betray a special case.
# Letters around a word end it, so `maliterm` passes and `aqim_filter` does not.
DATASET_WORDS = re.compile(r"(?<![a-z])(mali(an)?s?|bamako|mourabitoun|belmokhtar|aqim|radisson)(?![a-z])",
                           re.IGNORECASE)


def docstrings(tree: ast.AST) -> set[int]:
    """ids of docstring nodes: prose that explains, with examples, is allowed to name things."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def code_words(source: str) -> list[str]:
    """Every identifier and string literal the code acts on (comments and docstrings left out)."""
    tree = ast.parse(source)
    skip = docstrings(tree)
    words = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            words.append(node.value)
        elif isinstance(node, ast.Name):
            words.append(node.id)
        elif isinstance(node, ast.Attribute):
            words.append(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            words.append(node.name)
        elif isinstance(node, ast.arg):
            words.append(node.arg)
        elif isinstance(node, ast.alias):
            words.append(node.name)
    return words


def offenders(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    words = code_words(text) if path.suffix == ".py" else [text]
    return [f"{path.relative_to(PACKAGE.parent)}: {m.group()}" for w in words for m in DATASET_WORDS.finditer(w)]


def test_detector_sees_code_but_not_prose():
    source = '"""About Bamako."""\n# Belmokhtar\nDEFAULT = "Bamako"\ndef aqim_filter(x): return x\n'
    assert sorted(m.group() for w in code_words(source) for m in DATASET_WORDS.finditer(w)) == ["Bamako", "aqim"]
    assert not DATASET_WORDS.search("maliterm")


def test_package_code_names_no_dataset_specifics():
    files = [p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".tcss") and p.is_file()]
    assert len(files) > 10
    found = [hit for p in files for hit in offenders(p)]
    assert found == []
