"""`maliterm stats` and the overview: its counts are what `timeline` lists for the same filter."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maliterm import model as m
from maliterm.cli import main
from maliterm.stats import overview, period_key
from maliterm.store import Store, init
from maliterm.timeline import EventFilter

ROOT = Path(__file__).parents[2]
ACLED = ROOT / "tests" / "data" / "acled_sample.csv"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def acled_path(tmp_path_factory) -> Path:
    """An empty database after `maliterm import acled --apply` of the ACLED-layout sample."""
    path = tmp_path_factory.mktemp("stats") / "acled.json"
    init(path, "ACLED sample")
    result = CliRunner().invoke(main, ["import", "acled", str(ACLED), "--db", str(path), "--apply"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def acled(acled_path) -> Store:
    return Store.open(acled_path, read_only=True)


def cli_json(runner, *args) -> object:
    result = runner(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


FILTERS = [(), ("--place", "Mali"), ("--place", "Mopti"), ("--type", "battle"), ("--from", "2023-03", "--to", "2023-09"),
           ("--actor", "JNIM: Group for Support of Islam and Muslims"), ("--contested",)]


@pytest.mark.parametrize("options", FILTERS, ids=lambda o: " ".join(o) or "all")
def test_stats_by_month_sums_to_the_timelines_count(runner, acled_path, options):
    listed = cli_json(runner, "timeline", "--json", "--db", acled_path, *options)
    stats = cli_json(runner, "stats", "--by", "month", "--json", "--db", acled_path, *options)
    assert stats["events"] == len(listed)
    assert sum(g["events"] for g in stats["groups"]) == len(listed)
    # Each month holds the events whose date begins in it.
    months = Counter(e["date"][:7] for e in listed)
    assert {g["period"]: g["events"] for g in stats["groups"] if g["events"]} == dict(months)


def test_the_sample_has_events_in_more_than_one_place_and_month(acled):
    """What the sums above are checked on: a real spread, not one bucket."""
    ov = overview(acled, EventFilter(), "month")
    assert ov.events > 20 and sum(1 for g in ov.groups if g.events) > 5
    assert len(ov.places) > 5


@pytest.mark.parametrize("by", ["year", "place", "type"])
def test_other_groupings_sum_to_the_count(runner, acled_path, by):
    stats = cli_json(runner, "stats", "--by", by, "--json", "--db", acled_path, "--place", "Mali")
    assert sum(g["events"] for g in stats["groups"]) == stats["events"]
    assert sum(g["killed"] for g in stats["groups"]) == stats["killed"]


def plain_filter(store, f: EventFilter) -> list[dict]:
    """The events a filter lets through, by a scan of the records (places walked up by `within`)."""
    places = store.tables["places"]
    claims = [(r["from"], r["to"]) for r in store.tables["relations"].values() if r["type"] == "claimed"]
    out = []
    for ev in store.tables["events"].values():
        at, inside = ev.get("place"), set()
        while at and at not in inside:
            inside.add(at)
            at = places[at].get("within")
        who = {a["actor"] for a in ev.get("actors", ())} | {a for a, e in claims if e == ev["id"]}
        if ((not f.place or f.place in inside) and (not f.actor or f.actor in who)
                and (not f.type or ev.get("type") == f.type)
                and (not f.contested or any(x.get("contested") for x in ev.get("facts", ())))):
            out.append(ev)
    return out


def plain_killed(ev: dict) -> int:
    """The smallest tally of deaths, added up by hand."""
    tallies: dict[str, int] = {}
    for c in ev.get("casualties", ()):
        if c["kind"] == "killed":
            tallies[c.get("tally", "")] = tallies.get(c.get("tally", ""), 0) + c["count"]
    return min(tallies.values(), default=0)


def filters(store):
    return st.builds(
        EventFilter,
        actor=st.none() | st.sampled_from(sorted(store.tables["actors"])),
        place=st.none() | st.sampled_from(sorted(store.tables["places"])),
        type=st.none() | st.sampled_from(m.EVENT_TYPES),
        contested=st.booleans(),
    )


def check_against_a_scan(store, f: EventFilter) -> None:
    scanned = plain_filter(store, f)
    claims = [(r["from"], r["to"]) for r in store.tables["relations"].values() if r["type"] == "claimed"]
    per_actor: Counter[str] = Counter()
    killed_per_actor: Counter[str] = Counter()
    for ev in scanned:
        for a in {a["actor"] for a in ev.get("actors", ())} | {a for a, e in claims if e == ev["id"]}:
            per_actor[a] += 1
            killed_per_actor[a] += plain_killed(ev)
    ov = overview(store, f, "actor", top=None)
    assert ov.events == len(scanned)
    assert ov.killed == sum(map(plain_killed, scanned))
    assert {g.key: g.events for g in ov.groups} == dict(per_actor)
    assert {g.key: g.killed for g in ov.groups} == dict(killed_per_actor)
    assert {g.key: g.events for g in ov.actors} == dict(per_actor)
    assert [g.key for g in ov.actors] == sorted(per_actor, key=lambda a: (-per_actor[a], a))  # ties by id
    assert dict(Counter(ev.get("type", "unknown") for ev in scanned)) == {g.key: g.events for g in ov.types}
    assert len(ov.contested) == sum(1 for ev in scanned for x in ev.get("facts", ()) if x.get("contested"))


@SETTINGS
@given(data=st.data())
def test_per_actor_counts_match_a_plain_scan_over_an_acled_import(acled, data):
    check_against_a_scan(acled, data.draw(filters(acled)))


@SETTINGS
@given(data=st.data())
def test_per_actor_counts_match_a_plain_scan_over_the_shipped_data(data):
    store = Store.open(ROOT / "db.json", read_only=True)
    check_against_a_scan(store, data.draw(filters(store)))


def test_a_year_only_event_counts_under_its_year_even_by_month(small_path):
    store = Store.open(small_path, read_only=True)
    ov = overview(store, EventFilter(), "month")
    groups = {g.key: g.events for g in ov.groups}
    assert groups["2015"] == 1 and groups["2015-11"] == 1  # "A year-only event" is not put in a month
    assert groups["2014"] == 1  # 2014~
    assert groups["2012-12"] == 1
    assert [g.key for g in ov.groups].index("2015") < [g.key for g in ov.groups].index("2015-01")
    assert period_key("2012/2016", "month") == "2012" and period_key("2015-03~", "month") == "2015-03"


def test_empty_months_between_are_shown(small_path):
    store = Store.open(small_path, read_only=True)
    groups = {g.key: g.events for g in overview(store, EventFilter(), "month").groups}
    assert groups["2013-06"] == 0 and groups["2015-10"] == 0
    assert sum(groups.values()) == 4


def test_an_edit_is_counted_at_once(small_db):
    """The overview's cache describes the records it was read from, never older ones."""
    store = Store.open(small_db)
    before = overview(store, EventFilter(), "year")
    store.put("events", {"id": "new-raid", "date": "2013-04", "title": "A new raid", "type": "attack",
                         "casualties": [{"kind": "killed", "count": 3, "cite": [{"source": "src-a", "loc": "p"}]}],
                         "cite": [{"source": "src-a", "loc": "para 1"}]})
    after = overview(store, EventFilter(), "year")
    assert after.events == before.events + 1 and after.killed == before.killed + 3
    assert {g.key: g.events for g in after.groups}["2013"] == 1
    store.close()


def test_stats_prints_the_chart_tops_and_contested_facts(runner):
    result = runner("stats", "--by", "year", "--db", ROOT / "db.json", "--place", "mali")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("9 events, at least 40 killed (place Mali)")
    year_2015 = next(line for line in lines if line.startswith("2015 "))
    assert year_2015.split()[1:3] == ["4", "38"] and "◀ busiest" in year_2015
    assert "█" in year_2015
    assert any(line.startswith("Top actors") for line in lines)
    assert "Contested facts (4)" in result.stdout
    assert "Radisson Blu Hotel attack, Bamako: death toll (2 sides)" in result.stdout


def test_stats_json_filter_and_tops(runner):
    stats = cli_json(runner, "stats", "--json", "--db", ROOT / "db.json", "--place", "bamako", "--by", "type")
    assert stats["filter"]["place"] == "bamako" and stats["by"] == "type"
    assert stats["groups"] == [{"type": "attack", "events": 2, "killed": 25}]
    assert [p["id"] for p in stats["top"]["places"]] == ["bamako", "radisson-blu-hotel-bamako"]
    assert stats["contested"]["count"] == len(stats["contested"]["facts"]) == 3


def test_stats_refuses_what_timeline_refuses(runner):
    result = runner("stats", "--db", ROOT / "db.json", "--from", "2015", "--to", "2014")
    assert result.exit_code == 2 and "is before --from" in result.output
