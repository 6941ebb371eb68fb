"""`maliterm path A B`: the shortest chains between two actors, each step cited, checked against networkx."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from maliterm import model as m
from maliterm.paths import shortest
from maliterm.store import Store

SHIPPED = Path(__file__).parents[2] / "db.json"


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.open(SHIPPED, read_only=True)


def reference_graph(data: dict, events: bool) -> nx.Graph:
    """The same graph built straight from the records, without the store's indexes."""
    g = nx.Graph()
    g.add_nodes_from(data["actors"])
    for rel in data["relations"].values():
        if rel["type"] in m.EVENT_RELATION_TYPES:
            if events:
                g.add_edge(rel["from"], rel["to"])
        elif rel["from"] != rel["to"]:
            g.add_edge(rel["from"], rel["to"])
    if events:
        for eid, ev in data["events"].items():
            for a in ev.get("actors", ()):
                g.add_edge(a["actor"], eid)
    return g


@pytest.mark.parametrize("events", [True, False])
def test_every_pair_of_actors_agrees_with_networkx(store, events):
    g = reference_graph(json.loads(SHIPPED.read_text(encoding="utf-8")), events)
    for a, b in itertools.permutations(sorted(store.tables["actors"]), 2):
        found = shortest(store, a, b, events=events, limit=1000)
        if not nx.has_path(g, a, b):
            assert found.length is None and found.paths == []
            continue
        expected = sorted(nx.all_shortest_paths(g, a, b))
        assert found.length == len(expected[0]) - 1
        got = [[s.start for s in p] + [b] for p in found.paths]
        assert got == expected, (a, b)  # every shortest path, in order of the ids along it
        assert found.more == 0


def test_limit_keeps_the_first_paths_and_counts_the_rest(store):
    pairs = itertools.permutations(sorted(store.tables["actors"]), 2)
    a, b = max(pairs, key=lambda p: len(shortest(store, *p, limit=1000).paths))
    every = shortest(store, a, b, limit=1000)
    assert len(every.paths) > 2
    first = shortest(store, a, b, limit=2)
    assert first.paths == every.paths[:2]
    assert first.more == len(every.paths) - 2


def test_belmokhtar_to_mujao_goes_through_al_mourabitoun_each_step_cited(runner):
    result = runner("path", "Mokhtar Belmokhtar", "MUJAO", "--db", SHIPPED, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["length"] == 2
    through = [[step["to"]["id"] for step in p][:-1] for p in data["paths"]]
    assert ["al-mourabitoun"] in through
    relation_path = data["paths"][through.index(["al-mourabitoun"])]
    assert [[link["reads"] for link in s["links"]] for s in relation_path] == [["founded"], ["formed from"]]
    for p in data["paths"]:
        for step in p:
            assert step["links"], step
            for link in step["links"]:
                assert link["cite"] and all(c["source"] == "hammer-2015-bamako" for c in link["cite"])
    # The founding date is contested in the article (2013 or 2014): the step says so.
    assert relation_path[0]["contested"] is True


def test_text_output_cites_every_link_and_marks_contested(runner):
    result = runner("path", "mokhtar-belmokhtar", "mujao", "--db", SHIPPED)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Mokhtar Belmokhtar → Movement for Oneness and Jihad in West Africa: 2 shortest paths of 2 steps" in lines
    link_lines = [line for line in lines if line.startswith("    ")]
    assert link_lines and all(re.search(r"\[Hammer 2015 ¶[\d, ]+\]$", line) for line in link_lines), link_lines
    assert "    founded  (from some time between 2013 and 2014)  CONTESTED [Hammer 2015 ¶13, 23]" in lines
    assert "  Al-Mourabitoun" in lines


def test_relations_only_skips_shared_events(runner):
    data = json.loads(runner("path", "mokhtar-belmokhtar", "mujao", "--no-events", "--db", SHIPPED, "--json").stdout)
    assert [[s["to"]["table"] for s in p] for p in data["paths"]] == [["actors", "actors"]]


def test_no_chain_exits_1_and_says_so(runner, small_path):
    g = reference_graph(json.loads(small_path.read_text(encoding="utf-8")), True)
    apart = next((a, b) for a, b in itertools.combinations(sorted(g.nodes), 2)
                 if not nx.has_path(g, a, b) and a in g.nodes and b in g.nodes
                 and a in json.loads(small_path.read_text(encoding="utf-8"))["actors"]
                 and b in json.loads(small_path.read_text(encoding="utf-8"))["actors"])
    result = runner("path", apart[0], apart[1], "--db", small_path)
    assert result.exit_code == 1
    assert "no chain of relations or shared events links them" in result.stdout


def test_names_are_resolved_and_ambiguity_refused(runner):
    result = runner("path", "belmokhtar", "mujao", "--db", SHIPPED)
    assert result.exit_code == 1
    assert "'belmokhtar' matches 3 records" in result.stderr
