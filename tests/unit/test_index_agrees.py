"""The store's indexes give the same answers as a plain scan of the records, on random queries.

The data is the benchmark's synthetic file at a small size (every date precision, ranges,
aliases with accents, mergers and splits), so what is fast at 100k is also right.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maliterm import dates
from maliterm import model as m
from maliterm.spellings import fold
from maliterm.lineage import Lineage
from maliterm.storage import dumps
from maliterm.store import Store
from maliterm.timeline import EventFilter, filter_events

GENERATOR = Path(__file__).parents[2] / "bench" / "generate.py"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    path = tmp_path_factory.mktemp("agree") / "db.json"
    path.write_bytes(dumps(generate.Gen(600).build()))
    return Store.open(path, read_only=True)


def names(store: Store) -> list[str]:
    return [n for t in m.NAMED_TABLES for r in store.tables[t].values()
            for n in (m.label(t, r), *r.get("aliases", ()))]


def date_strategy():
    years = st.integers(1988, 2026)
    day = st.tuples(years, st.integers(1, 12), st.integers(1, 28)).map(lambda t: "%04d-%02d-%02d" % t)
    month = st.tuples(years, st.integers(1, 12)).map(lambda t: "%04d-%02d" % t)
    return st.one_of(day, month, years.map(lambda y: "%04d" % y), st.none())


@SETTINGS
@given(data=st.data())
def test_search_finds_every_record_whose_text_contains_the_query(store, data):
    text = data.draw(st.sampled_from(names(store)))
    start = data.draw(st.integers(0, max(len(text) - 1, 0)))
    query = text[start:start + data.draw(st.integers(1, 12))]
    q = fold(query)
    if not q:
        return
    found = {h.id for h in store.search(query, limit=1_000_000)}
    expected = {r["id"] for t in m.NAMED_TABLES for r in store.tables[t].values()
                if any(q in fold(x) for x in (m.label(t, r), *r.get("aliases", ()), r.get("summary", "")) if x)}
    assert expected <= found


@SETTINGS
@given(data=st.data())
def test_filter_events_equals_a_brute_force_filter(store, data):
    actors = sorted(store.tables["actors"])
    places = sorted(store.tables["places"])
    f = EventFilter(actor=data.draw(st.none() | st.sampled_from(actors)),
                    place=data.draw(st.none() | st.sampled_from(places)),
                    type=data.draw(st.none() | st.sampled_from(m.EVENT_TYPES)),
                    start=data.draw(date_strategy()), end=data.draw(date_strategy()),
                    contested=data.draw(st.booleans()))
    claimed = {(r["from"], r["to"]) for r in store.tables["relations"].values() if r["type"] == "claimed"}
    places = store.tables["places"]

    def enclosing(place: str | None) -> set[str]:
        """The event's place and every place it lies within, walking `within` upwards."""
        out = set()
        while place and place not in out:
            out.add(place)
            place = places[place].get("within")
        return out

    def passes(ev: dict) -> bool:
        who = {a["actor"] for a in ev.get("actors", ())} | {a for a, e in claimed if e == ev["id"]}
        return ((not f.actor or f.actor in who) and (not f.place or f.place in enclosing(ev.get("place")))
                and (not f.contested or any(x.get("contested") for x in ev.get("facts", ())))
                and (not f.type or ev.get("type") == f.type)
                and (not (f.start or f.end) or dates.overlaps(ev["date"], f.start, f.end)))

    expected = [e for e in store.events_in_order() if passes(store.event(e))]
    assert filter_events(store, f) == expected


@SETTINGS
@given(start=date_strategy(), end=date_strategy())
def test_events_between_equals_an_overlap_scan(store, start, end):
    expected = {e for e, ev in store.tables["events"].items()
                if not (start or end) or dates.overlaps(ev["date"], start, end)}
    got = store.events_between(start, end)
    assert set(got) == expected
    assert len(got) == len(expected)


@SETTINGS
@given(data=st.data())
def test_lineage_children_and_parents_equal_a_scan_of_relations(store, data):
    lineage = Lineage.of_store(store)
    actor = data.draw(st.sampled_from(sorted(store.tables["actors"])))
    children, parents = set(), set()
    for r in store.tables["relations"].values():
        if r["type"] not in m.LINEAGE_TYPES:
            continue
        young, old = (r["from"], r["to"]) if r["type"] == "splinter_of" else (r["to"], r["from"])
        if old == actor:
            children.add(young)
        if young == actor:
            parents.add(old)
    assert {e.child for e in lineage.children(actor)} == children
    assert set(lineage.parents(actor)) == parents


def filter_strategy(store: Store):
    return st.builds(EventFilter, actor=st.none() | st.sampled_from(sorted(store.tables["actors"])),
                     place=st.none() | st.sampled_from(sorted(store.tables["places"])),
                     type=st.none() | st.sampled_from(m.EVENT_TYPES), start=date_strategy(), end=date_strategy(),
                     contested=st.booleans())


@SETTINGS
@given(data=st.data())
def test_the_overviews_positions_are_the_events_filter_events_lists(store, data):
    """The overview filters from position lists of its own (fast at 100k): the same events, in order."""
    from maliterm.stats import columns, positions

    f = data.draw(filter_strategy(store))
    cols = columns(store)
    order = store.events_in_order()
    assert [order[p] for p in positions(store.snapshot, cols, f).listed()] == filter_events(store, f)


@SETTINGS
@given(data=st.data(), top=st.integers(0, 6))
def test_the_overviews_top_lists_are_a_count_of_the_filtered_events(store, data, top):
    """Top lists over a date range are read from each actor's, place's or type's positions without
    counting each event: they must be what counting each event gives, ties by id."""
    from collections import Counter

    from maliterm.stats import overview

    f = data.draw(filter_strategy(store) | st.builds(EventFilter, start=date_strategy(), end=date_strategy()))
    evs = [store.event(e) for e in filter_events(store, f)]
    claimed = {}
    for r in store.tables["relations"].values():
        if r["type"] in m.EVENT_RELATION_TYPES:
            claimed.setdefault(r["to"], set()).add(r["from"])
    counts = {"actors": Counter(a for ev in evs for a in {x["actor"] for x in ev.get("actors", ())}
                                | claimed.get(ev["id"], set())),
              "places": Counter(ev["place"] for ev in evs if ev.get("place")),
              "types": Counter(ev.get("type") or "unknown" for ev in evs)}
    ov = overview(store, f, "month", top=top)
    for kind, got in (("actors", ov.actors), ("places", ov.places), ("types", ov.types)):
        expected = sorted(counts[kind].items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        assert [(g.key, g.events) for g in got] == expected, kind
