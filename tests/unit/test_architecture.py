"""The layers of docs/architecture.md are the import-linter contracts of pyproject.toml, and both hold.

The page and the contracts name every module of the package in exactly one layer, in the same order,
so neither can drift from the other or from the code; `lint-imports` and `mypy` pass (CI runs them in
`.ci/run` too: these tests make the README's one test command cover them).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def contract_layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in re.split(r"[|:]", layer)] for layer in layers["layers"]]


def layers_section() -> str:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    return page.split("\n## Layers\n", 1)[1].split("\n## ", 1)[0]


def page_layers() -> list[tuple[str, list[str]]]:
    """(layer, modules) for each row of the section's table, top to bottom."""
    rows = [line.split("|")[1:-1] for line in layers_section().splitlines() if line.startswith("| ")]
    return [(cells[0].strip(), re.findall(r"`(maliterm[\w.]*)`", cells[-1])) for cells in rows[1:]]


def package_modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "maliterm").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [n for n in names if n != "maliterm"]  # the root package holds only the version


def test_page_and_contracts_name_the_same_layers():
    assert [sorted(mods) for _, mods in page_layers()] == [sorted(mods) for mods in contract_layers()]


def test_every_module_is_in_exactly_one_layer():
    entries = [name for layer in contract_layers() for name in layer]
    placed = {module: [e for e in entries if module == e or module.startswith(e + ".")] for module in package_modules()}
    assert len(placed) > 50
    assert {module: found for module, found in placed.items() if len(found) != 1} == {}


def test_mypy_is_strict_for_exactly_the_core_and_the_store():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (strict,) = [o for o in config["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs")]
    assert sorted(strict["module"]) == sorted(contract_layers()[-2] + contract_layers()[-1])  # the two bottom layers


def test_the_picture_shows_each_layer_with_its_modules():
    picture = layers_section().split("```\n", 2)[1]
    boxes = [box for box in re.split(r"[├┌└]─+[┤┐┘]\n", picture) if box.strip().startswith("│")]
    assert len(boxes) == len(page_layers())
    for box, (layer, modules) in zip(boxes, page_layers()):
        assert box.split()[1] == layer
        for module in modules:
            short = module.removeprefix("maliterm.")
            is_package = (ROOT / "maliterm" / short.replace(".", "/")).is_dir()
            ending = "/" if is_package else r"(?![\w/])"  # a package is drawn as `ui/`
            assert re.search(r"(?<![\w/])" + re.escape(short) + ending, box), (layer, short)


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_lint_imports_keeps_every_contract():
    done = run("lint-imports")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_mypy_finds_no_error():
    done = run("mypy")
    assert done.returncode == 0, done.stdout + done.stderr
