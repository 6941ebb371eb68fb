"""A lineage prints in proportion to its groups and relations: a merger's successor is drawn in full
once, and at every later parent it is one line that names it and says it is drawn above. Found at
100k events, where one family of 3,562 groups ran to millions of lines (gigabytes) when each
merger's whole subtree was drawn again under each of its constituents."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lineage_helpers import merger_family, walk_json
from maliterm import model as m
from maliterm.lineage import NAMED_AGAIN_UP_TO, REVISIT, Lineage, node_json

SHAPES = [(1, 0), (3, 4), (40, 6), (200, 2)]  # (constituents of the big merger, rungs of nested mergers)
WIDE = {"COLUMNS": "20000"}  # one line a group, however deep


def sizes(data: dict) -> tuple[int, int]:
    return len(data["actors"]), len(data["relations"])


def lineage_edges(relations) -> set[tuple[str, str, str]]:
    """(origin, younger group, type) of every lineage relation: what the tree must show, each once at least."""
    out = set()
    for rel in relations:
        young, old = (rel["from"], rel["to"]) if rel["type"] == "splinter_of" else (rel["to"], rel["from"])
        out.add((old, young, rel["type"]))
    return out


def shown_edges(roots: list[dict]) -> set[tuple[str, str, str]]:
    return {(node["id"], child["id"], child["relation"]) for node in walk_json(roots) for child in node["children"]}


def check_json_forest(roots: list[dict], groups: int, relations: int) -> None:
    """At most a node per top and per relation; each group shown once in full, every later appearance a
    reference to it (or, down its own branch, a marked loop), never a subtree again."""
    nodes = list(walk_json(roots))
    assert len(nodes) <= groups + relations
    seen: set[str] = set()
    for n in nodes:  # in the order printed: a reference comes after what it refers to
        if n["id"] in seen:
            assert n["children"] == [] and (n.get("drawn_above") or n.get("again") or n.get("cycle"))
        else:
            assert not n.get("drawn_above")
        seen.add(n["id"])


@pytest.mark.parametrize(("constituents", "depth"), SHAPES)
def test_the_text_tree_has_a_line_per_group_and_relation_at_most(runner, write_db, constituents, depth):
    data = merger_family(constituents, depth)
    groups, relations = sizes(data)
    db = write_db(data)
    for args in ([], ["c000"], ["l0a"]):
        wide = runner("lineage", *args, "--db", db, env=WIDE)
        assert wide.exit_code == 0, wide.output
        # The heading, then a line per top and one per relation at most: each relation is drawn once.
        assert len(wide.stdout.splitlines()) <= 1 + groups + relations
        assert all(f"Group {rid}" in wide.stdout for rid in data["actors"])  # one family: all of it
        narrow = runner("lineage", *args, "--db", db, env={"COLUMNS": "80"})
        assert len(narrow.stdout.splitlines()) <= 3 * (1 + groups + relations)  # long lines wrap, no more
    whole = runner("lineage", "--db", db, env=WIDE).stdout.splitlines()
    merger = [line for line in whole if "Group merger" in line.split(m.MERGER_OF)[0]]
    assert len(merger) == constituents  # under every constituent, with its date and its parents
    assert all("merger, 2000" in line for line in merger)
    named = " + ".join(f"Group c{i:03}" for i in sorted(range(constituents), key=lambda i: f"r{i}"))
    if constituents > 1:  # named in full where drawn, counted at later appearances when there are many
        again = named if constituents <= NAMED_AGAIN_UP_TO else f"{constituents} groups"
        assert [line.split(m.MERGER_OF)[1].split("  ")[0].strip() for line in merger] == \
            [named] + [again] * (constituents - 1)
    # Drawn in full under the first constituent, then one line that says so under each other.
    assert [REVISIT["above"] in line for line in merger] == [False] + [True] * (constituents - 1)
    first = whole.index(merger[0])
    assert "Group l0a" in whole[first + 1] and REVISIT["above"] not in whole[first + 1]


@pytest.mark.parametrize(("constituents", "depth"), SHAPES)
def test_json_draws_each_subtree_once_and_keeps_every_relation(runner, write_db, constituents, depth):
    data = merger_family(constituents, depth)
    db = write_db(data)
    out = json.loads(runner("lineage", "--json", "--db", db).stdout)
    check_json_forest(out["roots"], *sizes(data))
    assert shown_edges(out["roots"]) == lineage_edges(data["relations"].values())
    mergers = [n for n in walk_json(out["roots"]) if n["id"] == "merger"]
    assert len(mergers) == constituents  # still under each parent, with its date and all its parents
    assert all(n["date"] == "2000" for n in mergers)
    if constituents > 1:
        assert all(sorted(n["merger_of"]) == [f"c{i:03}" for i in range(constituents)] for n in mergers)
    assert [bool(n.get("drawn_above")) for n in mergers] == [False] + [True] * (constituents - 1)


@pytest.mark.parametrize(("constituents", "depth"), SHAPES)
def test_the_report_lists_each_subtree_once(runner, write_db, constituents, depth):
    data = merger_family(constituents, depth)
    groups, relations = sizes(data)
    result = runner("export", "markdown", "--db", write_db(data))
    assert result.exit_code == 0, result.output
    section = result.stdout.split("## Lineage")[1].split("\n## ")[0]
    items = [line for line in section.splitlines() if line.lstrip().startswith("- ")]
    assert groups <= len(items) <= groups + relations
    merger = [item for item in items if item.lstrip().startswith("- Group merger ")]
    assert [REVISIT["above"] in item for item in merger] == [False] + [True] * (constituents - 1)


# ---- any small family: random lineage graphs ---------------------------------------------------

GROUPS = [f"g{i:02}" for i in range(14)]


@st.composite
def families(draw) -> list[dict]:
    """Lineage relations among a few groups, mostly from older to younger (mergers of many), some
    backwards (bad data, or a group that joined and left), some dated."""
    rels = []
    for n in range(draw(st.integers(1, 40))):
        a, b = draw(st.sampled_from(GROUPS)), draw(st.sampled_from(GROUPS))
        if a == b:
            continue
        kind = draw(st.sampled_from(["splinter_of", "merged_into", "merged_into", "renamed_to"]))
        rel = {"id": f"r{n:02}", "from": a, "type": kind, "to": b}
        if draw(st.booleans()):
            rel["start"] = str(draw(st.integers(2000, 2020)))
        rels.append(rel)
    return rels


@settings(max_examples=200, deadline=None)
@given(families(), st.one_of(st.none(), st.sampled_from(GROUPS)))
def test_any_family_prints_in_proportion_to_its_groups_and_relations(rels, focus):
    lin = Lineage({g: {"id": g, "name": g.upper()} for g in GROUPS}, rels)
    roots = [node_json(lin, n) for n in lin.forest(focus)]
    check_json_forest(roots, len(lin.members() | {focus} - {None}), len(rels))
    if focus is None:
        assert shown_edges(roots) == lineage_edges(rels)
        assert {n["id"] for n in walk_json(roots)} == lin.members()
