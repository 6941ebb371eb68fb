"""Every `maliterm` command as a script would use it: output, --json, exit codes, --db and MALITERM_DB."""

from __future__ import annotations

import json

import pytest

from maliterm.storage import dumps


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def as_json(result):
    return json.loads(ok(result))


# ---- init ---------------------------------------------------------------------------------------


def test_init_creates_a_valid_empty_database(runner, tmp_path):
    path = tmp_path / "new.json"
    assert ok(runner("init", path, "--title", "Sahel notes")).strip() == f"created {path}"
    data = json.loads(path.read_bytes())
    assert data["meta"]["meta"] == {"id": "meta", "schema_version": 2, "title": "Sahel notes"}
    assert path.read_bytes() == dumps(data)
    out = ok(runner("validate", path))
    counts = dict(line.split() for line in out.splitlines()[2:])
    assert set(counts.values()) == {"0"}
    assert set(counts) == set(data) - {"meta"}


def test_init_refuses_to_overwrite(runner, small_db):
    before = small_db.read_bytes()
    result = runner("init", small_db)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{small_db}: already exists (expected a new path (init never overwrites))"
    assert small_db.read_bytes() == before


def test_init_into_missing_folder(runner, tmp_path):
    path = tmp_path / "no" / "db.json"
    result = runner("init", path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}: folder {path.parent} does not exist (expected an existing folder)"


# ---- show ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["new-union", "Al-Ittihad al-Jadid", "al itihad", "NEW UNION"])
def test_show_by_id_name_or_alias(runner, small_path, name):
    out = as_json(runner("show", name, "--json", "--db", small_path))
    assert (out["table"], out["record"]["id"]) == ("actors", "new-union")


def test_show_actor_json(runner, small_path, small_data):
    out = as_json(runner("show", "leader-x", "--json", "--db", small_path))
    assert out["record"] == small_data["actors"]["leader-x"]
    assert [r["id"] for r in out["relations"]] == ["r-lead"]
    assert out["events"] == ["hotel-attack"]
    assert [q["id"] for q in out["quotes"]] == ["q1"]


def test_show_event_json_lists_claimants(runner, small_path):
    out = as_json(runner("show", "Attack on Hotel Z", "--json", "--db", small_path))
    assert out["table"] == "events"
    assert {"actor": "new-union", "role": "claimant"} in out["actors"]
    assert {"actor": "leader-x", "role": "suspected_perpetrator"} in out["actors"]


def test_show_place_json(runner, small_path):
    out = as_json(runner("show", "Hotel Z", "--json", "--db", small_path))
    assert (out["table"], out["events"]) == ("places", ["hotel-attack"])


def test_show_text_gives_every_side_of_a_contested_fact(runner, small_path):
    out = ok(runner("show", "hotel-attack", "--db", small_path))
    for text in ("Attack on Hotel Z", "CONTESTED", "Two attackers.", "More than two, say witnesses.",
                 "[One 2020 ¶5]", "[Wire story B 2020 ¶3]", "19 killed", "Kamal Réné"):
        assert text in out
    # the full titles, once, in the Sources list
    assert "One 2020: Field report A (report, Analyst One, published 2020-03)" in out


@pytest.mark.parametrize(("args", "message"), [
    (["show", "Old Frnt"],
     "Nothing is called 'Old Frnt'. Closest: Old Front (old-front), The band splits from the Old Front (split-2012)."),
    (["timeline", "--actor", "Splintr"], "Nothing is called 'Splintr'. Closest: Splinter band (unnamed) (splinter-band)."),
    (["timeline", "--place", "Segouu"], "Nothing is called 'Segouu'. Closest: Ségou (segou)."),
    (["lineage", "rivr movment"], "Nothing is called 'rivr movment'. Closest: River Movement (river-movement)."),
])
def test_unknown_name_suggests_closest(runner, small_path, args, message):
    result = runner(*args, "--db", small_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert result.stdout == ""


def test_actor_filter_takes_actors_only(runner, small_path):
    """A place's name is not an actor: the filter does not quietly match the wrong kind."""
    result = runner("timeline", "--actor", "Ségou", "--db", small_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("Nothing is called 'Ségou'.")


SHIPPED = __import__("pathlib").Path(__file__).parents[2] / "db.json"


@pytest.mark.parametrize(("args", "rid", "name"), [
    (["show", "dacko", "--json"], "didier-dacko", "Didier Dacko"),
    (["show", "dufka", "--json"], "corinne-dufka", "Corinne Dufka"),
    (["show", "AQIM", "--json"], "aqim", None),  # an id, case ignored: nothing to announce
    (["lineage", "mourabitoun", "--json"], "al-mourabitoun", "Al-Mourabitoun"),
    (["timeline", "--actor", "mokhtar", "--json"], "mokhtar-belmokhtar", "Mokhtar Belmokhtar"),
])
def test_one_record_holding_every_word_is_taken_and_named(runner, args, rid, name):
    out = as_json(runner(*args, "--db", SHIPPED))
    if args[0] == "show":
        assert out["record"]["id"] == rid
    elif args[0] == "lineage":
        assert out["focus"] == rid
    else:
        assert out and all(any(a["actor"] == rid for a in e.get("actors", ())) for e in out)
    said = runner(*args, "--db", SHIPPED).stderr
    assert said == (f"Using {name} ({rid}) for {args[1] if args[0] != 'timeline' else args[2]!r}.\n" if name else "")


def test_several_records_holding_the_words_are_listed(runner):
    result = runner("timeline", "--actor", "belmokhtar", "--db", SHIPPED)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "'belmokhtar' matches 3 records: Fighters linked to Belmokhtar (unnamed in source) (belmokhtar-linked-fighters); "
        "Belmokhtar's spinoff group (unnamed in source) (belmokhtar-spinoff); Mokhtar Belmokhtar (mokhtar-belmokhtar). "
        "Give a full name or an id.")


def test_word_matches_are_whole_words_or_word_starts(runner):
    # "ufka" is inside "Dufka", not the start of a word: no match, only a suggestion
    result = runner("show", "ufka", "--db", SHIPPED)
    assert result.exit_code == 1
    assert result.stderr.startswith("Nothing is called 'ufka'.")


# ---- timeline -------------------------------------------------------------------------------------


def timeline_ids(runner, db, *args) -> list[str]:
    return [e["id"] for e in as_json(runner("timeline", "--json", "--db", db, *args))]


@pytest.mark.parametrize(("args", "expected"), [
    ([], ["split-2012", "approx-2014", "year-2015", "hotel-attack"]),
    (["--actor", "Kamal Rene"], ["hotel-attack"]),
    (["--actor", "old-front"], ["split-2012"]),
    (["--place", "Hotel Z"], ["hotel-attack"]),
    (["--type", "other"], ["approx-2014", "year-2015"]),
    (["--from", "2015-11"], ["year-2015", "hotel-attack"]),  # a year-only event may fall in November
    (["--from", "2015-11-21"], ["year-2015"]),
    (["--to", "2013"], ["split-2012"]),
    (["--from", "2014", "--to", "2014-12"], ["approx-2014"]),
    (["--type", "attack", "--from", "2015"], ["hotel-attack"]),
    (["--actor", "splinter-band", "--type", "attack"], []),
])
def test_timeline_filters(runner, small_path, args, expected):
    assert timeline_ids(runner, small_path, *args) == expected


def test_timeline_actor_includes_claimed_events(runner, small_path, small_data, write_db):
    del small_data["events"]["hotel-attack"]["actors"][0]  # new-union now only claims it
    assert timeline_ids(runner, write_db(small_data), "--actor", "new-union") == ["hotel-attack"]


def test_timeline_json_is_whole_records(runner, small_path, small_data):
    events = as_json(runner("timeline", "--json", "--db", small_path, "--place", "hotel-z"))
    assert events == [small_data["events"]["hotel-attack"]]


def test_timeline_text(runner, small_path):
    out = ok(runner("timeline", "--db", small_path, "--from", "2015"))
    lines = out.splitlines()
    assert lines[1].split()[:3] == ["2015", "A", "year-only"]
    assert lines[2].startswith("2015-11-20  Attack on Hotel Z")
    assert "19 killed" in lines[2]
    assert lines[-1] == "2 events (2015 to …)"


@pytest.mark.parametrize(("option", "value", "why"), [
    ("--from", "2015-99", "'2015-99' has month 99"),
    ("--to", "last week", "'last week' is not a date"),
])
def test_bad_date_option_is_a_usage_error(runner, small_path, option, value, why):
    result = runner("timeline", option, value, "--db", small_path)
    assert result.exit_code == 2
    assert (f"Invalid value for {option}: {why} (expected YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally ending in ~ (approximate), ? (uncertain) or % (both), or a range A/B, "
            "or A/.. (still going on))") in result.stderr
    assert "Usage: maliterm timeline" in result.stderr


def test_swapped_range_is_a_usage_error(runner, small_path):
    result = runner("timeline", "--from", "2015", "--to", "2014-06", "--db", small_path)
    assert result.exit_code == 2
    assert "Invalid value for --to: '2014-06' is before --from '2015'" in result.stderr


def test_bad_as_of_is_a_usage_error(runner, small_path):
    result = runner("lineage", "--as-of", "2015-02-30", "--db", small_path)
    assert result.exit_code == 2
    assert "Invalid value for --as-of: '2015-02-30' has no day 30 in that month" in result.stderr


# ---- which file: --db on the group or the command, MALITERM_DB -----------------------------------


@pytest.fixture
def other_db(small_data, write_db):
    """A second database whose title tells it apart."""
    small_data["places"]["segou"]["name"] = "Ségou (other file)"
    return write_db(small_data, "other.json")


def segou_name(result) -> str:
    return as_json(result)["record"]["name"]


def test_db_on_group(runner, small_path):
    assert segou_name(runner("--db", small_path, "show", "segou", "--json")) == "Ségou"


def test_db_on_command_wins_over_group(runner, small_path, other_db):
    assert segou_name(runner("--db", small_path, "show", "segou", "--json", "--db", other_db)) == "Ségou (other file)"


def test_maliterm_db_env(runner, other_db, small_path):
    env = {"MALITERM_DB": str(other_db)}
    assert segou_name(runner("show", "segou", "--json", env=env)) == "Ségou (other file)"
    assert segou_name(runner("show", "segou", "--json", "--db", small_path, env=env)) == "Ségou"
    assert ok(runner("validate", env=env)).splitlines()[0] == f"{other_db}: valid"


def test_invalid_db_stops_every_command(runner, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("[]")
    for args in (["show", "x"], ["timeline"], ["lineage"], ["search", "x"]):
        result = runner(*args, "--db", path)
        assert result.exit_code == 1
        assert result.stderr.strip() == f"{path}: the top level is a list (expected an object of tables)"


def test_unknown_event_type_is_an_error_listing_the_valid_ones(runner, small_path):
    result = runner("timeline", "--type", "bombing", "--db", small_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert ("Invalid value for '--type': 'bombing' is not one of 'attack', 'hostage_taking', 'battle', 'airstrike', "
            "'kidnapping', 'military_operation', 'political', 'statement', 'offensive', 'territorial_change', "
            "'designation', 'other'.") in result.stderr


# ---- reading well (issue 12) ---------------------------------------------------------------------


def test_codes_read_as_words_and_json_keeps_them(runner):
    show = ok(runner("show", "aqim", "--db", SHIPPED))
    assert show.splitlines()[0].startswith("Al-Qaeda in the Islamic Maghreb  armed group")
    assert "armed_group" not in show
    assert as_json(runner("show", "aqim", "--json", "--db", SHIPPED))["record"]["kind"] == "armed_group"
    assert "international organisation" in ok(runner("show", "united-nations", "--db", SHIPPED)).splitlines()[0]
    radisson = ok(runner("show", "radisson-blu-attack-2015", "--db", SHIPPED))
    assert "  suspected perpetrator: Mokhtar Belmokhtar" in radisson
    assert "suspected_perpetrator" not in radisson


def test_citations_are_compact_and_the_title_is_listed_once(runner):
    out = ok(runner("show", "mokhtar-belmokhtar", "--db", SHIPPED))
    assert "[Hammer 2015 ¶13, 22, 23]" in out
    assert out.count("What the Bamako Attack Means for Mali—and France") == 1
    assert out.split("\nSources\n")[1].startswith("  Hammer 2015: What the Bamako Attack Means for Mali—and France")


def test_relation_dates_say_from_and_until(runner):
    out = " ".join(ok(runner("show", "mokhtar-belmokhtar", "--db", SHIPPED)).split())  # as read, wrapping aside
    assert "member of Al-Qaeda in the Islamic Maghreb (until 2012-12)" in out
    assert "(from 2012-12 until some time between 2013 and 2014) CONTESTED" in out
    assert "founded Al-Mourabitoun (from some time between 2013 and 2014) CONTESTED" in out


def test_a_range_starting_on_a_day_follows_that_days_event(runner):
    ids = timeline_ids(runner, SHIPPED, "--from", "2015-11-20", "--to", "2015-11-20")
    assert ids.index("radisson-blu-attack-2015") < ids.index("hollande-statements-after-radisson")


def test_one_event_is_not_events(runner):
    out = ok(runner("timeline", "--place", "paris", "--db", SHIPPED))
    assert out.splitlines()[-1] == "1 event (place Paris)"


def test_a_floor_of_zero_deaths_reads_as_none_reported():
    from maliterm.timeline import casualty_summary

    floor = {"casualties": [{"kind": "killed", "count": 0, "qualifier": "at_least", "counted_by": "ACLED", "cite": []}]}
    assert casualty_summary(floor) == "no deaths reported"
    exact = {"casualties": [{"kind": "killed", "count": 0, "qualifier": "exact", "cite": []}]}
    assert casualty_summary(exact) == "0 killed"


def test_lineage_marks_the_contested_merger_date(runner):
    out = ok(runner("lineage", "al-mourabitoun", "--db", SHIPPED))
    merged = [line for line in out.splitlines() if "Al-Mourabitoun  merger" in line]
    assert merged and all("merger, between 2013 and 2014  CONTESTED" in line for line in merged)


def test_markdown_report_names_the_base_and_marks_contested_relations(runner):
    md = ok(runner("export", "markdown", "--db", SHIPPED))
    assert "- Base: Central Mali" in md
    assert "central-mali" not in md
    assert "(merger, between 2013 and 2014, CONTESTED)" in md
    assert "- Kind: armed group" in md and "armed_group" not in md
