"""Lineage over time: a membership counts from its start to its end, so joining a merger and leaving
it is a timeline, not a cycle; true cycles in bad data are marked; no tree is endless.

tests/data/syria-lineage.json is hand-built: ISI -> Nusra -> JFS -> HTS (a split, a renaming, a
six-group merger), Zenki joins HTS in 2017-01 and leaves in 2017-07 (an `end` and `ended_by`),
Jaysh al-Ahrar joins and leaves told both ways (an `end`, and a later split from HTS), Jabhat
Tahrir Suriya has two parents, open-ended dates, Arabic-script aliases.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lineage_helpers import under
from maliterm.lineage import Lineage, Node
from maliterm.store import Store

SYRIA = Path(__file__).parent.parent / "data" / "syria-lineage.json"


def syria() -> Lineage:
    with Store.open(SYRIA, read_only=True) as store:
        return Lineage.of_store(store.snapshot)


def syria_as_of(date: str) -> Lineage:
    with Store.open(SYRIA, read_only=True) as store:
        return Lineage.of_store(store.snapshot, date)


def lineage_json(runner, *args: str) -> dict:
    result = runner("lineage", *args, "--db", SYRIA, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_zenki_is_under_hts_only_while_a_member(runner):
    before = lineage_json(runner, "--as-of", "2016-12")
    during = lineage_json(runner, "--as-of", "2017-03")
    after = lineage_json(runner, "--as-of", "2017-09")
    assert under(before, "zenki") == set()  # HTS does not exist yet
    assert "hts" in under(during, "zenki")
    assert "hts" not in under(after, "zenki")
    # The rest of HTS's lineage stays: JFS (and ISI above it) is still its origin after Zenki left.
    assert "hts" in under(after, "jfs") and "jfs" in under(after, "nusra")


def test_the_merger_shows_its_six_constituents_during_and_its_rest_after():
    assert set(syria_as_of("2017-03").parents("hts")) == {
        "jfs", "zenki", "liwa-al-haqq", "ansar-al-din", "jaysh-al-sunna", "jaysh-al-ahrar"}
    assert set(syria_as_of("2018-06").parents("hts")) == {"jfs", "liwa-al-haqq", "ansar-al-din", "jaysh-al-sunna"}


def test_all_time_shows_the_join_and_the_leave_with_dates_and_no_cycle(runner):
    result = runner("lineage", "zenki", "--db", SYRIA, env={"COLUMNS": "400"})  # one line a group
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    assert ("Hay'at Tahrir al-Sham merger, from 2017-01-28 until 2017-07-20, ended by Harakat Nour al-Din "
            "al-Zenki") in out
    assert "(cycle in the data)" not in out
    # Jaysh al-Ahrar's leaving told as a split meets HTS again below itself: marked as history, not expanded.
    assert "(again: see above)" in out


def test_a_join_and_leave_told_as_a_split_is_a_loop_in_time_not_a_cycle():
    lin = syria()
    # Jaysh al-Ahrar joined HTS, then split from it: each is drawn once, so whichever comes first meets
    # itself again below the other, once.
    [loop] = [n for n in walk(lin.forest()) if n.again or n.cycle]
    assert loop.id in ("hts", "jaysh-al-ahrar")
    assert loop.again and not loop.cycle and loop.children == []


def test_two_parents_and_roots():
    lin = syria()
    assert set(lin.parents("jts")) == {"zenki", "ahrar-al-sham"}  # two parents
    assert "zenki" in lin.roots()  # no origin of its own
    assert "jaysh-al-ahrar" not in lin.roots()  # it split from Ahrar al-Sham before it joined HTS


def test_joining_then_splitting_off_keeps_the_earlier_history():
    """The issue's case: a group that joined a merger and later split from it. Its history starts before
    that split, so it is still a root with its merger under it, and meeting itself again is no cycle."""
    rels = [{"id": "join", "from": "zenki", "type": "merged_into", "to": "hts", "start": "2017-01"},
            {"id": "leave", "from": "zenki", "type": "splinter_of", "to": "hts", "start": "2017-07"},
            {"id": "origin", "from": "jfs", "type": "merged_into", "to": "hts", "start": "2017-01"}]
    actors = {a: {"id": a, "name": a} for a in ("zenki", "hts", "jfs")}
    lin = Lineage(actors, rels)
    assert lin.roots() == ["jfs", "zenki"]
    forest = lin.forest()
    # Zenki is drawn once, under the HTS it split from, with the merger it had joined under it, marked
    # as met again in time; its own tree, below, says it is drawn above.
    [zenki] = [n for n in walk(forest) if n.id == "zenki" and not n.above]
    [hts] = zenki.children
    assert (hts.id, hts.again, hts.cycle, hts.children) == ("hts", True, False, [])
    assert [(t.id, t.above, t.children) for t in forest[1:]] == [("zenki", True, [])]
    assert [n.id for n in Lineage(actors, rels, "2017-03").forest()[1].children] == ["hts"]
    assert Lineage(actors, rels, "2017-09").parents("zenki") == ["hts"]  # split from it, as the data says


def test_a_true_cycle_is_marked_and_stops(runner, write_db):
    cite = [{"source": "s", "loc": "para 1"}]
    data = {"meta": {"meta": {"id": "meta", "schema_version": 2}},
            "sources": {"s": {"id": "s", "title": "S", "kind": "other"}},
            "actors": {a: {"id": a, "name": a.upper(), "kind": "armed_group", "cite": cite} for a in ("a", "b", "c")},
            "relations": {
                "r1": {"id": "r1", "from": "a", "type": "splinter_of", "to": "b", "cite": cite},
                "r2": {"id": "r2", "from": "b", "type": "splinter_of", "to": "a", "cite": cite},
                "r3": {"id": "r3", "from": "c", "type": "splinter_of", "to": "b", "cite": cite}}}
    result = runner("lineage", "--db", write_db(data))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.strip("│├└─ ") for line in lines[1:]] == ["A", "B  split off", "A  split off  (cycle in the data)",
                                                        "C  split off"]


def test_open_ended_dates_and_arabic_aliases_read_in_a_dossier(runner):
    result = runner("show", "nusra", "--db", SYRIA)
    assert result.exit_code == 0
    out = " ".join(result.stdout.split())
    assert "جبهة النصرة (Jabhat al-Nusra; ar, Arab; until 2016-07)" in out
    hts = " ".join(runner("show", "Hurras al-Din", "--db", SYRIA).stdout.split())
    assert "from 2018-02, still active" in hts


def test_an_arabic_alias_and_its_transliteration_find_the_group():
    with Store.open(SYRIA, read_only=True) as store:
        assert store.resolve("جبهة النصرة")[1]["id"] == "nusra"
        assert store.resolve("Jabhat Fateh al-Sham")[1]["id"] == "jfs"


def walk(nodes: list[Node]):
    todo = list(nodes)
    while todo:
        node = todo.pop()
        yield node
        todo.extend(node.children)


# ---- random join/leave histories --------------------------------------------------------

GROUPS = [f"g{i}" for i in range(6)]


@st.composite
def histories(draw) -> list[dict]:
    """Lineage relations among a few groups, each dated, some ended: joins, leaves, rejoins."""
    rels = []
    for n in range(draw(st.integers(1, 12))):
        a, b = draw(st.sampled_from(GROUPS)), draw(st.sampled_from(GROUPS))
        if a == b:
            continue
        start = draw(st.integers(2000, 2020))
        rel = {"id": f"r{n}", "from": a, "to": b, "type": draw(st.sampled_from(["splinter_of", "merged_into",
                                                                                   "renamed_to"]))}
        if draw(st.booleans()):
            rel["start"] = str(start)
        if draw(st.booleans()):
            rel["end"] = str(start + draw(st.integers(0, 5)))
        rels.append(rel)
    return rels


@settings(max_examples=300, deadline=None)
@given(histories(), st.one_of(st.none(), st.integers(1999, 2026).map(str)))
def test_lineage_as_of_never_loops_and_never_loses_a_group(rels, as_of):
    lin = Lineage({g: {"id": g, "name": g.upper()} for g in GROUPS}, rels, as_of)
    forest = lin.forest()
    shown = set()

    def check(node: Node, path: tuple[str, ...]) -> None:
        shown.add(node.id)
        if node.id in path:  # met again: must be marked and a leaf
            assert (node.cycle or node.again) and node.children == []
            return
        assert not (node.cycle or node.again)
        for child in node.children:
            check(child, (*path, node.id))

    for tree in forest:
        check(tree, ())
    assert shown == lin.members()
    # A relation counts as of a date only while it may hold: started by then, not surely over.
    expected: dict[str, list[str]] = {g: [] for g in GROUPS}
    for rel in rels:
        young, old = (rel["from"], rel["to"]) if rel["type"] == "splinter_of" else (rel["to"], rel["from"])
        if as_of is None or (rel.get("start", "0") <= as_of and rel.get("end", "9999") >= as_of):
            expected[young].append(old)
    assert {g: sorted(lin.parents(g)) for g in GROUPS} == {g: sorted(p) for g, p in expected.items()}
