"""The second shipped example, examples/hts-lineage.json: another conflict (Syria), built only from the
two pages its sources name. Valid, in saved form, its lineage right before, during and after a group
joined a merger and left it, found by an Arabic name and by another spelling, every citation a
paragraph its source's notes count."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from maliterm.paragraphs import citations_in

from lineage_helpers import under

EXAMPLE = Path(__file__).parents[2] / "examples" / "hts-lineage.json"


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(EXAMPLE.read_bytes())


def citations(value) -> list[dict]:
    """Every citation anywhere in a record, as the reader and `source show` find them."""
    return [c for _, c in citations_in(value)]


def lineage_json(runner, *args: str) -> dict:
    result = runner("lineage", "--db", EXAMPLE, "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_zenki_is_in_hts_only_between_joining_and_leaving(runner):
    before = lineage_json(runner, "--as-of", "2016-12")
    during = lineage_json(runner, "--as-of", "2017-03")
    after = lineage_json(runner, "--as-of", "2017-09")
    assert under(before, "zenki") == set() and under(before, "jfs") == set()  # no HTS yet
    assert under(before, "nusra") == {"jfs"}
    assert under(during, "zenki") == {"hts"}
    assert "zenki" not in under(after, "fsa") and under(after, "zenki") == set()
    # The other five stay in the merger after Zenki left.
    for group in ("jfs", "jaysh-al-ahrar", "ansar-al-din-front", "jaysh-al-sunna", "liwa-al-haqq"):
        assert under(during, group) == under(after, group) == {"hts"}, group


def test_all_time_shows_the_rename_the_merger_and_the_leaving(runner):
    result = runner("lineage", "--db", EXAMPLE)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    renamed = next(i for i, line in enumerate(lines) if "Jabhat Fateh al-Sham  renamed" in line)
    assert lines[renamed - 1].endswith("Jabhat al-Nusra")
    text = " ".join(result.stdout.split())
    assert "from 2017-01-28 until 2017-07, ended by Nour al-Din al-Zenki Movement" in text
    assert "(cycle in the data)" not in text


def test_hts_has_six_parents_and_is_still_active(data):
    parents = sorted(r["from"] for r in data["relations"].values()
                     if r["to"] == "hts" and r["type"] == "merged_into")
    assert parents == ["ansar-al-din-front", "jaysh-al-ahrar", "jaysh-al-sunna", "jfs", "liwa-al-haqq", "zenki"]
    assert data["actors"]["hts"]["active"].endswith("/..")


def test_show_says_still_active_and_shows_the_arabic_name(runner):
    result = runner("show", "hts", "--db", EXAMPLE)
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "still active" in text
    assert "هيئة تحرير الشام" in text


@pytest.mark.parametrize("query", ["هيئة تحرير الشام", "Hayat Tahrir ash-Sham", "Hayʼat Taḥrīr aš-Šām"])
def test_search_finds_hts_by_its_arabic_name_and_other_spellings(runner, query):
    result = runner("search", query, "--db", EXAMPLE, "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["id"] == "hts"


def test_search_finds_zenki_by_another_spelling(runner):
    result = runner("search", "Nur al-Din al-Zinki", "--db", EXAMPLE, "--json", "--limit", "3")
    assert json.loads(result.stdout)[0]["id"] == "zenki"


def test_every_citation_names_a_counted_paragraph_of_a_cited_page(data):
    """Each source's notes say how its paragraphs are counted and which were read; every locator is
    `para N` within them, and every source is a page with its address."""
    highest = {}
    for sid, source in data["sources"].items():
        assert source["url"].startswith("https://") and "Accessed 2026-12-02" in source["notes"], sid
        highest[sid] = max(int(n) for n in re.findall(r"para (\d+)", source["notes"]))
    cited = [c for table in ("actors", "events", "places", "relations")
             for record in data[table].values() for c in citations(record)]
    assert cited
    for c in cited:
        match = re.fullmatch(r"para (\d+)", c["loc"])
        assert match and 1 <= int(match[1]) <= highest[c["source"]], c
