"""A lineage with hundreds of roots: the tree shows them in pages, opened like any node."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maliterm.ui.panes.relations import PAGE

from ui_helpers import open_by_search, press_until, ready, tree_cursor_label as cursor_label, tree_labels

ROOTS = 2 * PAGE + 50  # three pages, the last one short
SMALL = Path(__file__).parents[1] / "data" / "small.json"


def cite(n: int) -> list[dict]:
    return [{"source": "src-a", "loc": f"para {n}"}]


@pytest.fixture
def wide(tmp_path: Path) -> Path:
    """The small fixture plus `ROOTS` founding groups, each with a splinter; the last splinter has one of its own."""
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    for i in range(ROOTS):
        for rid, name in ((f"group-{i:03}", f"Group {i:03}"), (f"group-{i:03}-b", f"Group {i:03} splinter")):
            data["actors"][rid] = {"id": rid, "name": name, "kind": "armed_group", "cite": cite(i)}
        rel = f"split-{i:03}"
        data["relations"][rel] = {"id": rel, "from": f"group-{i:03}-b", "to": f"group-{i:03}", "type": "splinter_of",
                                  "start": "2014", "cite": cite(i)}
    last = f"group-{ROOTS - 1:03}"
    data["actors"]["deep-cell"] = {"id": "deep-cell", "name": "Deep Cell", "kind": "armed_group", "cite": cite(1)}
    data["relations"]["split-deep"] = {"id": "split-deep", "from": "deep-cell", "to": f"{last}-b",
                                       "type": "splinter_of", "start": "2016", "cite": cite(1)}
    path = tmp_path / "wide.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def lineage_top(app) -> list[str]:
    """The lines directly under the "Lineage" heading."""
    labels = tree_labels(app)
    return [label.strip() for label in labels[1:] if label.startswith("  ") and not label.startswith("    ")
            and not label.startswith("  Relations of")]


async def test_many_roots_open_as_a_few_pages(open_app, wide):
    app = open_app(wide)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        pages = lineage_top(app)
        roots = ROOTS + 2  # the fixture's own two: Old Front and River Movement
        assert len(pages) == -(-roots // PAGE)
        assert pages[0].startswith("Group 000 … Group 099") and pages[0].endswith(f"({PAGE})")
        assert pages[-1].endswith(f"River Movement  ({roots - (len(pages) - 1) * PAGE})")
        assert len(tree_labels(app)) < PAGE  # nothing under a page until it is opened


async def test_a_page_opens_to_its_roots_in_name_order(open_app, wide):
    app = open_app(wide)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("3")
        await press_until(pilot, "down", lambda: cursor_label(app).startswith("Group 100 …"))
        await pilot.press("right")
        labels = tree_labels(app)
        at = labels.index(next(label for label in labels if label.strip().startswith("Group 100 …")))
        shown = [label.strip() for label in labels[at + 1:at + 1 + PAGE]]
        assert shown == [f"Group {i:03}" for i in range(PAGE, 2 * PAGE)]
        assert all(labels[at + 1 + k].startswith("    ") for k in range(PAGE))  # under the page
        await pilot.press("down", "right")  # a root opens as before: its splinter below it
        assert "split off 2014" in tree_labels(app)[at + 2]


async def test_selecting_a_deep_actor_opens_its_page_and_path(open_app, wide):
    app = open_app(wide)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "Deep Cell")
        await pilot.pause()
        assert cursor_label(app).startswith("Deep Cell  split off 2016")
        labels = [label.strip() for label in tree_labels(app)]
        last = f"Group {ROOTS - 1:03}"
        path = [next(i for i, label in enumerate(labels) if label.startswith(text))
                for text in ("Group 200 … River Movement", last, f"{last} splinter", "Deep Cell")]
        assert path == sorted(path)  # page, root, splinter, its splinter: each opened below the last
