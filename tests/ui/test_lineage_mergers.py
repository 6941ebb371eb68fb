"""A small lineage opens fully, but a merger's subtree is opened once: at its other parents it is a
closed line that opens on demand, so nested mergers cannot make the tree explode."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from maliterm.ui.panes.relations import RelationsPane

from ui_helpers import ready, tree_labels

HELPERS = Path(__file__).parents[1] / "unit" / "lineage_helpers.py"


def merger_family(constituents: int, depth: int) -> dict:
    spec = importlib.util.spec_from_file_location("lineage_helpers", HELPERS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.merger_family(constituents, depth)


def lineage_lines(app) -> list[str]:
    labels = tree_labels(app)
    end = next((i for i, label in enumerate(labels) if label.startswith("Relations of")), len(labels))
    return labels[:end]


async def test_nested_mergers_open_each_subtree_once(open_app, tmp_path):
    data = merger_family(4, 8)
    assert len(data["actors"]) <= RelationsPane.UNFOLD_UP_TO  # small enough to open fully
    path = tmp_path / "family.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    app = open_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        lines = lineage_lines(app)
        assert len(lines) <= 1 + len(data["actors"]) + len(data["relations"])
        shown = "\n".join(lines)
        assert all(f"Group {rid}" in shown for rid in data["actors"])
        heading = app.screen.query_one(RelationsPane).relations_tree.root.children[0]
        mergers = [n for top in heading.children for n in top.children
                   if n.data and n.data.target and n.data.target.id == "merger"]
        assert len(mergers) == 4
        assert [n.is_expanded for n in mergers] == [True, False, False, False]
        assert all(n.allow_expand for n in mergers)  # the others open on demand
