"""Places inside places: a place's events are those in it and in every place within it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maliterm.errors import InvalidDatabase
from maliterm.storage import dumps
from maliterm.store import Store
from maliterm.timeline import EventFilter, filter_events, places_under

ROOT = Path(__file__).parents[2]
GENERATOR = ROOT / "bench" / "generate.py"
CITE = [{"source": "src", "loc": "para 1"}]


def timeline_titles(runner, *args) -> list[str]:
    result = runner("timeline", "--json", *args)
    assert result.exit_code == 0, result.output
    return [e["title"] for e in json.loads(result.stdout)]


def test_timeline_place_mali_lists_the_radisson_attack(runner):
    titles = timeline_titles(runner, "--db", ROOT / "db.json", "--place", "mali")
    assert "Radisson Blu Hotel attack, Bamako" in titles  # at the hotel, in Bamako, in Mali
    assert "Byblos Hotel attack, Sévaré" in titles  # hotel in Sévaré in central Mali in Mali
    assert "Paris attacks" not in titles


@pytest.fixture
def chain_db(write_db) -> Path:
    """A hotel in a city in a country, one event at each, and an event elsewhere."""
    place = lambda pid, name, kind, within=None: {  # noqa: E731
        "id": pid, "name": name, "kind": kind, "cite": CITE, **({"within": within} if within else {})}
    event = lambda eid, date, title, at: {  # noqa: E731
        "id": eid, "date": date, "title": title, "place": at, "cite": CITE}
    return write_db({
        "meta": {"meta": {"id": "meta", "schema_version": 1}},
        "sources": {"src": {"id": "src", "title": "A source", "kind": "article"}},
        "places": {p["id"]: p for p in (
            place("ruritania", "Ruritania", "country"), place("strelsau", "Strelsau", "city", "ruritania"),
            place("grand-hotel", "Grand Hotel", "building", "strelsau"), place("elsewhere", "Elsewhere", "country"))},
        "events": {e["id"]: e for e in (
            event("border-clash", "2014", "Border clash", "ruritania"),
            event("city-riot", "2015-02", "Riot in Strelsau", "strelsau"),
            event("hotel-siege", "2015-11-20", "Siege of the Grand Hotel", "grand-hotel"),
            event("far-away", "2015", "Far away", "elsewhere"))},
    })


def test_a_three_level_chain(runner, chain_db):
    assert timeline_titles(runner, "--db", chain_db, "--place", "ruritania") == [
        "Border clash", "Riot in Strelsau", "Siege of the Grand Hotel"]
    assert timeline_titles(runner, "--db", chain_db, "--place", "strelsau") == [
        "Riot in Strelsau", "Siege of the Grand Hotel"]
    assert timeline_titles(runner, "--db", chain_db, "--place", "grand hotel") == ["Siege of the Grand Hotel"]


def test_a_places_dossier_counts_and_lists_the_events_in_and_under_it(runner, chain_db):
    shown = runner("show", "ruritania", "--db", chain_db).stdout
    assert "Events here and within (3)" in shown
    for title in ("Border clash", "Riot in Strelsau", "Siege of the Grand Hotel"):
        assert title in shown
    assert "Far away" not in shown
    as_json = json.loads(runner("show", "strelsau", "--json", "--db", chain_db).stdout)
    assert as_json["events"] == ["city-riot", "hotel-siege"]
    # A place with nothing within it says no more than "Events".
    assert "Events (1)" in runner("show", "grand-hotel", "--db", chain_db).stdout


def test_an_edit_that_puts_a_place_inside_itself_is_refused(chain_db):
    store = Store.open(chain_db)
    country = dict(store.get("ruritania"), within="grand-hotel")
    with pytest.raises(InvalidDatabase) as exc:
        store.put("places", country)
    assert "makes a cycle: grand-hotel within strelsau within ruritania within grand-hotel" in exc.value.text()
    assert store.get("ruritania").get("within") is None  # nothing saved
    store.close()


def test_moving_a_place_moves_its_events_with_it(chain_db):
    store = Store.open(chain_db)
    store.put("places", dict(store.get("strelsau"), within="elsewhere"))
    assert filter_events(store, EventFilter(place="elsewhere")) == ["far-away", "city-riot", "hotel-siege"]  # 2015 heads its year
    assert filter_events(store, EventFilter(place="ruritania")) == ["border-clash"]
    store.close()


def test_descendants_end_even_on_a_cycle_in_the_index(chain_db):
    """Validation refuses a cycle; the walk must still end if an index ever held one."""
    store = Store.open(chain_db, read_only=True)
    store.places_within["grand-hotel"] = ["ruritania"]
    assert sorted(places_under(store, "ruritania")) == ["grand-hotel", "ruritania", "strelsau"]


# ---- at size: a place's events are the union of its descendants' own -------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Store:
    """The benchmark's synthetic data, its regions put within their countries (three levels)."""
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    data = generate.Gen(600).build()
    for rec in data["places"].values():
        if rec["kind"] == "region":
            rec["within"] = rec["country"]
    path = tmp_path_factory.mktemp("places") / "db.json"
    path.write_bytes(dumps(data))
    return Store.open(path, read_only=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_filtering_by_a_place_is_the_union_of_filtering_by_its_descendants(generated, data):
    store = generated
    place = data.draw(st.sampled_from(sorted(store.tables["places"])))
    rest = EventFilter(start=data.draw(st.none() | st.sampled_from(["1995", "2005-06", "2012"])),
                       type=data.draw(st.none() | st.sampled_from(["attack", "battle"])))
    events, places = store.tables["events"], store.tables["places"]

    def lies_in(q: str) -> bool:
        """Whether `q` is `place` or lies within it, walking `within` upwards (not the index)."""
        while q and q != place:
            q = places[q].get("within")
        return q == place

    union: set[str] = set()
    for p in filter(lies_in, places):  # each descendant's own events, not its children's
        union |= {e for e in filter_events(store, EventFilter(place=p, start=rest.start, type=rest.type))
                  if events[e].get("place") == p}
    got = filter_events(store, EventFilter(place=place, start=rest.start, type=rest.type))
    assert set(got) == union
    assert got == [e for e in store.events_in_order() if e in union]  # in timeline order, each once


def test_the_generated_chain_is_walked(generated):
    """The data above really has three levels: a country takes in events two levels down."""
    events, places = generated.tables["events"], generated.tables["places"]
    countries = [p for p, rec in places.items() if rec["kind"] == "country"]
    deep = [e for c in countries for e in filter_events(generated, EventFilter(place=c))
            if places[places[events[e]["place"]].get("within", c)].get("within") == c]
    assert deep
