"""A record's citation covers its parts (issue 16): a claim or a casualty may rest on it, except
the sides of a contested fact, which each say their own source. Both shapes are valid."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from maliterm.validate import validate

SMALL = Path(__file__).parents[1] / "data" / "small.json"


def small() -> dict:
    return json.loads(SMALL.read_text(encoding="utf-8"))


def an_event(data: dict) -> dict:
    return data["events"][sorted(data["events"])[0]]


def test_claims_and_casualties_may_rest_on_the_records_citation():
    data = small()
    ev = an_event(data)
    ev["casualties"] = [{"kind": "killed", "count": 3, "qualifier": "at_least", "counted_by": "ACLED"}]
    ev["facts"] = [{"about": "ACLED classification", "claims": [{"text": "Battles / Armed clash", "value": "Armed clash"}]}]
    assert validate(data, "db.json") == []


def test_parts_citing_themselves_stay_valid():
    data = small()
    ev = an_event(data)
    own = [{"source": ev["cite"][0]["source"], "loc": "para 2"}]
    ev["casualties"] = [{"kind": "killed", "count": 3, "cite": copy.deepcopy(own)}]
    ev["facts"] = [{"about": "toll", "claims": [{"text": "Three.", "cite": copy.deepcopy(own)}]}]
    assert validate(data, "db.json") == []


def test_each_side_of_a_contested_fact_cites_its_own_source():
    data = small()
    ev = an_event(data)
    cite = [{"source": ev["cite"][0]["source"], "loc": "para 2"}]
    ev["facts"] = [{"about": "toll", "contested": True,
                    "claims": [{"text": "Three.", "cite": cite}, {"text": "Four."}]}]
    problems = validate(data, "db.json")
    assert [(p.where, p.what) for p in problems] == [(f"events/{ev['id']}.facts[0].claims[1].cite", "is missing")]
    assert "each side of a contested fact" in problems[0].expected
