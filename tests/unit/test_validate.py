"""`maliterm validate PATH`: every kind of bad file gets one readable line, never a traceback."""

from __future__ import annotations

import os

import pytest

from maliterm.errors import InvalidDatabase
from maliterm.model import TABLES
from maliterm.store import load_valid

KNOWN_TABLES = "one of " + ", ".join(TABLES)
DATE_HINT = ("YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ (approximate), ? (uncertain) or % (both), "
             "or a range A/B, or A/.. (still going on)")


def problem_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line]


def assert_fails_with(runner, path, line: str) -> None:
    """The file is refused with exactly `PATH: line`, and nothing is printed as if valid."""
    result = runner("validate", path)
    assert result.exit_code == 1
    assert f"{path}: {line}" in problem_lines(result)
    assert "valid" not in result.stdout


# ---- files that cannot be read or parsed ---------------------------------------------------


def test_missing_file(runner, tmp_path):
    path = tmp_path / "nope.json"
    assert_fails_with(runner, path, "no such file (expected an existing file (create one with `maliterm init PATH`))")


def test_directory(runner, tmp_path):
    assert_fails_with(runner, tmp_path, "is a directory (expected a maliterm JSON file)")


def test_invalid_utf8(runner, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"meta": {"meta": {"id": "meta", "title": "Ségou"}}}'.encode("latin-1"))
    offset = path.read_bytes().index(b"\xe9")
    assert_fails_with(runner, path, f"is not valid UTF-8 (bad byte at offset {offset}) (expected UTF-8 text)")


def test_empty_file(runner, tmp_path):
    path = tmp_path / "empty.json"
    path.write_text("  \n")
    assert_fails_with(runner, path, "is empty (expected a JSON object of tables (create one with `maliterm init PATH`))")


def test_not_json_names_line_and_column(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "meta": {\n    "meta": {"id": "meta",}\n  }\n}\n')
    result = runner("validate", path)
    assert result.exit_code == 1
    [line] = problem_lines(result)
    assert line.startswith(f"{path}: is not valid JSON: ")
    assert "line 3 column 26" in line
    assert line.endswith("(expected a JSON object of tables)")


def test_unreadable_file(runner, tmp_path, monkeypatch):
    path = tmp_path / "secret.json"
    path.write_text("{}")
    path.chmod(0)
    # Root reads a mode-0 file anyway (and CI runs as root): make the open fail as it would for a user.
    real_open = os.open

    def refuse(p, *args, **kwargs):
        if os.fspath(p) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(p))
        return real_open(p, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert_fails_with(runner, path, "permission denied: the file cannot be read (expected a readable file)")


# ---- files that parse but break the data model -----------------------------------------------


def set_in(data: dict, where: str, value) -> None:
    """Set `table/id.field` (field optional) in `data`; `value` None deletes."""
    table, _, rest = where.partition("/")
    rid, _, field = rest.partition(".")
    if not field:
        data[table][rid] = value
    elif value is None:
        del data[table][rid][field]
    else:
        data[table][rid][field] = value


CITE_A = [{"source": "src-a", "loc": "para 1"}]

# (mutations "table/id.field" -> value, the problem after "PATH: ")
BAD = {
    "top-level-list": (None, "the top level is a list (expected an object of tables)"),
    "unknown-table": ({"widgets": {}}, f"widgets: is not a known table (expected {KNOWN_TABLES})"),
    "record-not-object": ({"actors/old-front": "Old Front"}, "actors/old-front: is a string (expected an object)"),
    "bad-slug": (
        {"places/Bad_Slug": {"id": "Bad_Slug", "name": "X", "kind": "city", "cite": CITE_A}},
        "places/Bad_Slug: id 'Bad_Slug' is not a slug "
        "(expected a slug: lower-case a-z, 0-9 and '-', at most 80 characters)",
    ),
    "id-not-key": ({"places/segou.id": "segu"},
                   "places/segou.id: is 'segu', not its key 'segou' (expected the same slug as the record's key)"),
    "missing-required": ({"events/hotel-attack.title": None}, "events/hotel-attack.title: is missing (expected a value)"),
    "wrong-type": ({"actors/old-front.aliases": "OF"}, "actors/old-front.aliases: is a string (expected a list)"),
    "bad-enum": ({"actors/old-front.kind": "militia"},
                 "actors/old-front.kind: is 'militia' (expected one of person, armed_group, state, armed_force, "
                 "intl_org, ngo, company, operation, coalition, other)"),
    "bad-date-format": ({"events/hotel-attack.date": "20/11/2015"},
                        f"events/hotel-attack.date: '20/11/2015' is not a date (expected {DATE_HINT})"),
    "impossible-date": ({"events/hotel-attack.date": "2015-02-30"},
                        f"events/hotel-attack.date: '2015-02-30' has no day 30 in that month (expected {DATE_HINT})"),
    "range-backwards": ({"events/hotel-attack.date": "2015/2014"},
                        f"events/hotel-attack.date: '2015/2014' ends before it starts (expected {DATE_HINT})"),
    "relation-ends-before-start": ({"relations/r-lead.end": "2012-06"},
                                   "relations/r-lead.end: '2012-06' is before .start '2012-12' "
                                   "(expected an end on or after the start)"),
    "duplicate-id": ({"places/old-front": {"id": "old-front", "name": "Old Front HQ", "kind": "building",
                                           "cite": CITE_A}},
                     "places/old-front: duplicate id: also in actors (expected ids unique across all tables)"),
    "dangling-event-place": ({"events/hotel-attack.place": "hotel-y"},
                             "events/hotel-attack.place: refers to 'hotel-y', which does not exist "
                             "(expected the id of a record in places)"),
    "dangling-relation-from": ({"relations/r-split.from": "ghost"},
                               "relations/r-split.from: refers to 'ghost', which does not exist "
                               "(expected the id of a record in actors)"),
    "dangling-relation-to": ({"relations/r-split.to": "ghost"},
                             "relations/r-split.to: refers to 'ghost', which does not exist "
                             "(expected the id of a record in actors)"),
    "dangling-citation-source": ({"places/segou.cite": [{"source": "src-z", "loc": "para 1"}]},
                                 "places/segou.cite[0].source: refers to 'src-z', which does not exist "
                                 "(expected the id of a record in sources)"),
    "dangling-claim-by": ({"actors/new-union.facts": [
        {"about": "size", "claims": [{"text": "Small.", "by": "ghost", "cite": CITE_A}]}]},
        "actors/new-union.facts[0].claims[0].by: refers to 'ghost', which does not exist "
        "(expected the id of a record in actors)"),
    "claimed-not-event": ({"relations/r-claim.to": "old-front"},
                          "relations/r-claim.to: refers to 'old-front', which is in actors "
                          "(expected the id of a record in events)"),
    "contested-one-claim": ({"actors/new-union.facts": [
        {"about": "size", "contested": True, "claims": [{"text": "Small.", "cite": CITE_A}]}]},
        "actors/new-union.facts[0].contested: is true with one claim "
        "(expected at least two claims, one for each side)"),
    "unknown-field": ({"places/segou.population": 130000},
                      "places/segou.population: is not a known field (expected one of aliases, cite, coords, "
                      "country, facts, id, kind, name, summary, within)"),
    "place-within-itself": ({"places/segou.within": "segou"},
                            "places/segou.within: makes a cycle: segou within segou (expected a place not inside itself)"),
    "places-within-each-other": ({"places/segou.within": "hotel-z"},
                                 "places/hotel-z.within: makes a cycle: hotel-z within segou within hotel-z "
                                 "(expected a place not inside itself)"),
    "schema-too-new": ({"meta/meta.schema_version": 3},
                       "meta/meta.schema_version: written by a newer maliterm: schema 3, this one reads up to 2 "
                       "(expected a newer maliterm to open it)"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_record(case, runner, small_data, write_db):
    changes, line = BAD[case]
    if changes is None:
        data = list(small_data.values())
    else:
        data = small_data
        for where, value in changes.items():
            if "/" in where:
                set_in(data, where, value)
            else:
                data[where] = value
    path = write_db(data)
    result = runner("validate", path)
    assert result.exit_code == 1
    assert problem_lines(result) == [f"{path}: {line}"]
    assert result.stdout == ""


def test_every_problem_is_listed_at_once(runner, small_data, write_db):
    set_in(small_data, "places/segou.kind", "metropolis")
    set_in(small_data, "events/hotel-attack.date", "2015-13")
    set_in(small_data, "quotes/q1.speaker", "nobody")
    del small_data["sources"]["src-b"]
    path = write_db(small_data)
    result = runner("validate", path)
    assert result.exit_code == 1
    lines = problem_lines(result)
    for expected in (
        "places/segou.kind: is 'metropolis' (expected one of country, region, admin1, admin2, admin3, city, town, "
        "village, building, valley, area, border_crossing, other)",
        f"events/hotel-attack.date: '2015-13' has month 13 (expected {DATE_HINT})",
        "quotes/q1.speaker: refers to 'nobody', which does not exist (expected the id of a record in actors)",
        # src-b was cited twice: each citation is reported where it is
        "actors/new-union.facts[0].claims[1].cite[0].source: refers to 'src-b', which does not exist "
        "(expected the id of a record in sources)",
        "events/hotel-attack.facts[0].claims[1].cite[0].source: refers to 'src-b', which does not exist "
        "(expected the id of a record in sources)",
    ):
        assert f"{path}: {expected}" in lines
    assert len(lines) == 5
    assert all(line.startswith(f"{path}: ") for line in lines)


def test_load_valid_raises_with_every_problem(small_data, write_db):
    set_in(small_data, "places/segou.kind", "metropolis")
    set_in(small_data, "quotes/q1.text", "")
    path = write_db(small_data)
    with pytest.raises(InvalidDatabase) as caught:
        load_valid(path)
    assert [(p.where, p.what) for p in caught.value.problems] == [
        ("places/segou.kind", "is 'metropolis'"),
        ("quotes/q1.text", "is empty"),
    ]


def test_clean_file_prints_counts(runner, small_db, small_data):
    result = runner("validate", small_db)
    assert result.exit_code == 0
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"{small_db}: valid"
    counts = dict(line.split() for line in lines[2:])
    assert counts == {table: str(len(small_data.get(table, {}))) for table in TABLES if table != "meta"}
