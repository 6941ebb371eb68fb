"""Schema version 2: a version-1 file opens as v2, is written as v2 only when saved (the backup keeping
its v1 bytes); the migration is pure and idempotent; a newer file is refused; any valid v2 database
survives save and load unchanged."""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maliterm import model as m
from maliterm import validation_cache
from maliterm.migrate import migrate
from maliterm.storage import backup_path, digest, dumps, save_atomic
from maliterm.store import Store, load_valid
from maliterm.validate import validate

V1 = Path(__file__).parent.parent / "data" / "v1-db.json"


def v1_data() -> dict:
    return json.loads(V1.read_text(encoding="utf-8"))


def test_the_v1_fixture_is_version_1():
    # Guards the fixture itself: a "migration" of a file already at 2 would prove nothing.
    assert v1_data()["meta"]["meta"]["schema_version"] == 1


def test_v1_migrates_to_a_valid_v2_without_touching_its_input():
    before = v1_data()
    untouched = copy.deepcopy(before)
    after = migrate(before)
    assert before == untouched  # pure: the caller's data is as it was
    assert after["meta"]["meta"]["schema_version"] == 2
    assert validate(after, "v1-db.json") == []
    # v2 only adds: every record but the version number is carried over as it was.
    assert {t: r for t, r in after.items() if t != "meta"} == {t: r for t, r in before.items() if t != "meta"}


def test_migration_is_idempotent():
    once = migrate(v1_data())
    assert migrate(once) == once
    assert migrate(copy.deepcopy(once)) == once


def test_a_v1_file_opens_as_v2_and_stays_v1_on_disk_until_saved(tmp_path):
    path = Path(shutil.copy(V1, tmp_path / "db.json"))
    v1_bytes = path.read_bytes()
    with Store.open(path) as store:
        assert store.snapshot.meta["schema_version"] == 2
        assert store.tables["actors"] == v1_data()["actors"]
    assert path.read_bytes() == v1_bytes  # opening wrote nothing


def test_the_first_save_writes_v2_and_keeps_the_v1_bytes_as_the_backup(tmp_path):
    path = Path(shutil.copy(V1, tmp_path / "db.json"))
    v1_bytes = path.read_bytes()
    with Store.open(path) as store:
        actor = dict(next(iter(store.tables["actors"].values())))
        actor["summary"] = "Edited after the migration."
        store.put("actors", actor)
    saved = json.loads(path.read_bytes())
    assert saved["meta"]["meta"]["schema_version"] == 2
    assert saved["actors"][actor["id"]]["summary"] == "Edited after the migration."
    assert backup_path(path).read_bytes() == v1_bytes


def test_v1_round_trips_load_save_load(tmp_path):
    first = load_valid(V1)
    path = tmp_path / "db.json"
    save_atomic(path, first)
    assert load_valid(path) == first


def test_the_cache_never_lets_a_v1_file_skip_migration(tmp_path):
    path = Path(shutil.copy(V1, tmp_path / "db.json"))
    load_valid(path)
    assert validation_cache.known_valid(digest(path.read_bytes()))  # the second open skips the check ...
    assert load_valid(path)["meta"]["meta"]["schema_version"] == 2  # ... never the migration


def test_a_newer_schema_is_refused_with_a_clear_message(runner, write_db):
    data = migrate(v1_data())
    data["meta"]["meta"]["schema_version"] = 3
    path = write_db(data)
    result = runner("validate", path)
    assert result.exit_code != 0
    assert f"{path}: meta/meta.schema_version: written by a newer maliterm: schema 3, this one reads up to 2" \
        in result.output


def test_the_cli_shows_a_v1_file_as_v2(runner, tmp_path):
    path = Path(shutil.copy(V1, tmp_path / "db.json"))
    result = runner("validate", path)
    assert result.exit_code == 0, result.output


# ---- any valid v2 database survives save -> load ------------------------------------------

SLUGS = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
# Any text a person could type, Arabic and accents included; not blank (a field is absent or says something).
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12).filter(
    lambda s: s.strip())


@st.composite
def dates_v2(draw) -> str:
    year = draw(st.integers(1990, 2030))
    month = draw(st.integers(1, 12))
    point = draw(st.sampled_from([f"{year}", f"{year}-{month:02d}", f"{year}-{month:02d}-01"]))
    point += draw(st.sampled_from(["", "~", "?", "%"]))
    return draw(st.sampled_from([point, f"{point}/..", f"{point}/{year + 1}"]))


@st.composite
def aliases(draw) -> list:
    plain = st.builds(str, TEXT)
    rich = st.fixed_dictionaries({"name": TEXT}, optional={
        "lang": st.sampled_from(["ar", "fr", "en"]), "script": st.sampled_from(["Arab", "Latn"]),
        "translit": TEXT, "start": st.sampled_from(["2012", "2013-01"])})
    return draw(st.lists(st.one_of(plain, rich), max_size=3))


@st.composite
def databases(draw) -> dict:
    ids = draw(st.lists(SLUGS, min_size=6, max_size=10, unique=True))
    src, cite = ids[0], [{"source": ids[0], "loc": "para 1"}]
    actors, places, events, relations = {}, {}, {}, {}
    actor_ids, place_ids = ids[1:3], ids[3:5]
    for aid in actor_ids:
        kind = draw(st.sampled_from(m.ACTOR_KINDS))
        rec = {"id": aid, "name": draw(TEXT), "kind": kind, "cite": cite, "aliases": draw(aliases())}
        if kind == "person" and draw(st.booleans()):
            rec["born"], rec["died"] = "1960?", "2019-10-26"
        else:
            rec["active"] = draw(dates_v2())
        actors[aid] = rec
    for pid in place_ids:
        places[pid] = {"id": pid, "name": draw(TEXT), "kind": draw(st.sampled_from(m.PLACE_KINDS)), "cite": cite,
                       "aliases": draw(aliases())}
    ev = {"id": ids[5], "date": draw(dates_v2()), "title": draw(TEXT), "cite": cite,
          "type": draw(st.sampled_from(m.EVENT_TYPES))}
    where = draw(st.sampled_from(["none", "place", "places"]))
    if where == "place":
        ev["place"] = place_ids[0]
    elif where == "places":
        ev["places"] = draw(st.permutations(place_ids))
    events[ev["id"]] = ev
    kind = draw(st.sampled_from([t for t in m.RELATION_TYPES if t not in m.EVENT_RELATION_TYPES]))
    rel = {"id": f"rel-{ids[1]}", "from": actor_ids[0], "type": kind, "to": actor_ids[1], "cite": cite,
           "start": "2016-07"}
    if draw(st.booleans()):
        rel["end"], rel["ended_by"] = "2017-07?", draw(st.sampled_from(actor_ids))
    relations[rel["id"]] = rel
    return {"meta": {"meta": {"id": "meta", "schema_version": 2}},
            "sources": {src: {"id": src, "title": draw(TEXT), "kind": "article"}},
            "actors": actors, "places": places, "events": events, "relations": relations,
            "quotes": {}, "changes": {}}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(databases())
def test_any_valid_v2_database_survives_save_and_load(data):
    assert validate(data, "generated") == []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.json"
        save_atomic(path, data)
        assert load_valid(path) == data
        assert migrate(data) == data  # a current file needs nothing
        assert path.read_bytes() == dumps(data)


# ---- v2 fields through the edit form and the dossier ---------------------------------------

def test_the_edit_form_keeps_an_alias_objects_language_and_period():
    from maliterm.editing import build, values_of

    nusra = {"id": "nusra", "name": "Jabhat al-Nusra", "kind": "armed_group", "cite": [{"source": "s"}],
             "aliases": [{"name": "جبهة النصرة", "lang": "ar", "end": "2016-07"}, "Nusra Front"]}
    values = values_of("actors", nusra)
    assert values["aliases"] == ["جبهة النصرة", "Nusra Front"]  # the box shows names
    values["aliases"] = "جبهة النصرة; Nusra Front; al-Nusra"  # a person adds one
    assert build("actors", values, nusra, set())["aliases"] == [
        {"name": "جبهة النصرة", "lang": "ar", "end": "2016-07"}, "Nusra Front", "al-Nusra"]


def test_a_dossier_shows_born_died_places_and_who_ended_a_relation(runner):
    syria = Path(__file__).parent.parent / "data" / "syria-lineage.json"
    baghdadi = " ".join(runner("show", "al-baghdadi", "--db", syria).stdout.split())
    assert "Born: 1971" in baghdadi and "Died: 2019-10-27" in baghdadi
    assert "Born: 1982 (uncertain)" in " ".join(runner("show", "al-jolani", "--db", syria).stdout.split())
    isis = " ".join(runner("show", "isis", "--db", syria).stdout.split())
    assert "affiliate of al-Qaeda (from 2013-04 until 2014-02) ended by al-Qaeda" in isis
    event = " ".join(runner("show", "idlib-takeover-2017", "--db", syria).stdout.split())
    assert "Place: Idlib" in event and "Place: Bab al-Hawa" in event


# ---- the rules of v2's additions -------------------------------------------------------------

def v2_problems(change) -> list[str]:
    data = json.loads((Path(__file__).parent.parent / "data" / "syria-lineage.json").read_text(encoding="utf-8"))
    change(data)
    return [f"{p.where}: {p.what} (expected {p.expected})" for p in validate(data, "syria")]


def test_v2_rules_say_what_is_wrong():
    def both_places(d):
        d["events"]["idlib-takeover-2017"]["place"] = "idlib"

    def group_born(d):
        d["actors"]["hts"]["born"] = "2017"

    def died_first(d):
        d["actors"]["al-baghdadi"]["died"] = "1960"

    def ended_by_no_end(d):
        d["relations"]["jfs-merged-into-hts"]["ended_by"] = "jfs"

    def alias_field(d):
        d["actors"]["hts"]["aliases"][0]["period"] = "2017"

    assert v2_problems(both_places) == [
        "events/idlib-takeover-2017.places: is set beside .place (expected either .place (one place) or .places "
        "(several), not both)"]
    assert v2_problems(group_born) == [
        "actors/hts.born: is set on an actor of kind 'armed_group' (expected born and died only on a person)"]
    assert v2_problems(died_first) == [
        "actors/al-baghdadi.died: '1960' is before .born '1971' (expected a date on or after the born)"]
    assert v2_problems(ended_by_no_end) == [
        "relations/jfs-merged-into-hts.ended_by: is set on a relation with no .end (expected an .end date for what "
        "was ended)"]
    assert v2_problems(alias_field)[0].startswith("actors/hts.aliases[0].period: is not a known field")


def test_a_version_no_maliterm_wrote_is_refused(runner, write_db):
    data = migrate(v1_data())
    data["meta"]["meta"]["schema_version"] = 0
    result = runner("validate", write_db(data))
    assert result.exit_code != 0
    assert "meta/meta.schema_version: is 0 (expected 1 to 2: no maliterm wrote it)" in result.output
