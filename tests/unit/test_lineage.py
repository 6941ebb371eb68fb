"""Group lineage: splits and mergers as a forest, as of a date, safe against cycles in the data."""

from __future__ import annotations

import json

import pytest

from maliterm.lineage import Lineage, node_json

CITE = [{"source": "src-a", "loc": "para 1"}]


def paths(nodes: list[dict], above: tuple = ()) -> set[tuple[str, ...]]:
    """Every root-to-node path of ids in a `lineage --json` forest."""
    out = set()
    for n in nodes:
        here = above + (n["id"],)
        out.add(here)
        out |= paths(n["children"], here)
    return out


def find(nodes: list[dict], rid: str) -> list[dict]:
    return [n for n in nodes if n["id"] == rid] + [x for n in nodes for x in find(n["children"], rid)]


def forest(data: dict, as_of: str | None = None, focus: str | None = None) -> list[dict]:
    lin = Lineage(data["actors"], data["relations"].values(), as_of)
    return [node_json(lin, n) for n in lin.forest(focus)]


def test_merger_appears_under_each_parent(small_data):
    roots = forest(small_data)
    assert [r["id"] for r in roots] == ["old-front", "river-movement"]
    assert paths(roots) == {
        ("old-front",),
        ("old-front", "splinter-band"),
        ("old-front", "splinter-band", "new-union"),
        ("river-movement",),
        ("river-movement", "new-union"),
    }
    merged = find(roots, "new-union")
    assert len(merged) == 2
    for node in merged:
        assert node["name"] == "Al-Ittihad al-Jadid"
        assert sorted(node["merger_of"]) == ["river-movement", "splinter-band"]
        assert (node["relation"], node["date"]) == ("merged_into", "2013/2014")
    [split] = find(roots, "splinter-band")
    assert (split["relation"], split["date"]) == ("splinter_of", "2012-12")
    assert "merger_of" not in split


@pytest.mark.parametrize(("as_of", "shown"), [
    ("2012-06-30", set()),  # before the split: no lineage at all
    ("2012-12-15", {("old-front",), ("old-front", "splinter-band")}),  # split, not yet merged
    ("2015-01-01", {("old-front",), ("old-front", "splinter-band"), ("old-front", "splinter-band", "new-union"),
                    ("river-movement",), ("river-movement", "new-union")}),
])
def test_as_of_shows_only_what_existed(small_data, as_of, shown):
    assert paths(forest(small_data, as_of)) == shown


def test_focus_narrows_to_one_family(small_data):
    small_data["actors"]["other-root"] = {"id": "other-root", "name": "Other", "kind": "armed_group", "cite": CITE}
    small_data["actors"]["other-child"] = {"id": "other-child", "name": "Other child", "kind": "armed_group",
                                           "cite": CITE}
    small_data["relations"]["r-other"] = {"id": "r-other", "from": "other-child", "type": "splinter_of",
                                          "to": "other-root", "cite": CITE}
    assert [r["id"] for r in forest(small_data)] == ["old-front", "other-root", "river-movement"]
    assert [r["id"] for r in forest(small_data, focus="splinter-band")] == ["old-front", "river-movement"]
    assert paths(forest(small_data, focus="other-child")) == {("other-root",), ("other-root", "other-child")}


def add_cycle(data: dict, *, rooted: bool) -> None:
    """a split from b and b split from a (bad data, but valid JSON); optionally below old-front."""
    for rid in ("cyc-a", "cyc-b"):
        data["actors"][rid] = {"id": rid, "name": rid.upper(), "kind": "armed_group", "cite": CITE}
    rels = [("cyc-a", "cyc-b"), ("cyc-b", "cyc-a")] + ([("cyc-a", "old-front")] if rooted else [])
    for i, (young, old) in enumerate(rels):
        data["relations"][f"r-cyc{i}"] = {"id": f"r-cyc{i}", "from": young, "type": "splinter_of", "to": old,
                                         "cite": CITE}


@pytest.mark.parametrize("rooted", [False, True])
def test_cycle_is_shown_once_and_marked(small_data, rooted):
    add_cycle(small_data, rooted=rooted)
    family = forest(small_data, focus="cyc-a")
    marked = [n for n in find(family, "cyc-a") + find(family, "cyc-b") if n.get("cycle")]
    assert len(marked) == 1
    assert marked[0]["children"] == []
    assert {"cyc-a", "cyc-b"} <= {p[-1] for p in paths(family)}


# ---- the same through the CLI -------------------------------------------------------------------


def lineage_json(runner, db, *args) -> dict:
    result = runner("lineage", "--json", "--db", db, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_lineage_json(runner, small_db, small_data):
    out = lineage_json(runner, small_db)
    assert (out["as_of"], out["focus"]) == (None, None)
    assert out["roots"] == forest(small_data)
    assert len(find(out["roots"], "new-union")) == 2


def test_cli_lineage_as_of_and_focus(runner, small_db):
    before = lineage_json(runner, small_db, "--as-of", "2012-06-30")
    assert (before["as_of"], before["roots"]) == ("2012-06-30", [])
    after = lineage_json(runner, small_db, "--as-of", "2015")
    assert {"splinter-band", "new-union"} <= {p[-1] for p in paths(after["roots"])}
    focused = lineage_json(runner, small_db, "River Movement")
    assert focused["focus"] == "river-movement"
    assert paths(focused["roots"]) >= {("river-movement", "new-union")}


def test_cli_lineage_text_marks_merger_and_cycle(runner, small_data, write_db):
    add_cycle(small_data, rooted=False)
    result = runner("lineage", "cyc-b", "--db", write_db(small_data))
    assert result.exit_code == 0
    assert "(cycle in the data)" in result.stdout
    merged = runner("lineage", "--db", write_db(small_data, "plain.json"))
    assert merged.stdout.count("  formed from ") == 2


def test_cli_lineage_before_anything(runner, small_db):
    result = runner("lineage", "--db", small_db, "--as-of", "2012-06-30")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No lineage as of 2012-06-30."
