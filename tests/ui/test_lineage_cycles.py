"""A cycle in the lineage data is marked in the tree and cannot be expanded forever; a group that
joined a merger and left it is shown again below, marked as history, and stops there too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maliterm.ui.panes.relations import RelationsTree

from ui_helpers import press_until, ready, tree_cursor_label as cursor_label, tree_labels

SYRIA = Path(__file__).parents[1] / "data" / "syria-lineage.json"
CITE = [{"source": "s", "loc": "para 1"}]


@pytest.fixture
def cyclic(tmp_path: Path) -> Path:
    """A split from B, B split from A (bad data), C split from B."""
    data = {"meta": {"meta": {"id": "meta", "schema_version": 2}},
            "sources": {"s": {"id": "s", "title": "S", "kind": "other"}},
            "actors": {a: {"id": a, "name": f"Group {a.upper()}", "kind": "armed_group", "cite": CITE}
                       for a in ("a", "b", "c")},
            "relations": {
                "r1": {"id": "r1", "from": "a", "type": "splinter_of", "to": "b", "cite": CITE},
                "r2": {"id": "r2", "from": "b", "type": "splinter_of", "to": "a", "cite": CITE},
                "r3": {"id": "r3", "from": "c", "type": "splinter_of", "to": "b", "cite": CITE}}}
    path = tmp_path / "cyclic.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


async def test_expanding_a_cycle_stops_at_the_marked_node(open_app, cyclic):
    app = open_app(cyclic)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        marked = [label for label in tree_labels(app) if "(cycle in the data)" in label]
        assert [m.strip() for m in marked] == ["Group A  split off  (cycle in the data)"]
        await pilot.press("3")
        await press_until(pilot, "down", lambda: "(cycle in the data)" in cursor_label(app))
        before = tree_labels(app)
        for key in ("right", "space", "right", "enter", "right"):
            await pilot.press(key)
        assert tree_labels(app)[:len(before)] == before  # nothing opened under it, however often asked
        assert not app.screen.query_one(RelationsTree).cursor_node.allow_expand


async def test_a_join_and_leave_is_marked_as_history_not_a_cycle(open_app, tmp_path):
    app = open_app(Path(SYRIA))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        labels = tree_labels(app)
        assert not any("(cycle in the data)" in label for label in labels)
        again = [label.strip() for label in labels if "(again: see above)" in label]
        assert again and all(label.startswith(("Jaysh al-Ahrar", "Hay'at Tahrir al-Sham")) for label in again)
        assert any("merger from 2017-01-28 until 2017-07-20, ended by Harakat Nour al-Din al-Zenki" in label
                   for label in labels)
