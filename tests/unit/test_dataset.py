"""The shipped dataset, db.json: valid, in saved form, its lineage right, every quote verbatim in its source."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from maliterm.paragraphs import citations_in
from maliterm.storage import dumps

ROOT = Path(__file__).resolve().parents[2]
DB = ROOT / "db.json"
# The article the dataset cites, in the shared folder beside the repository.
SOURCE_FILES = {"hammer-2015-bamako": ROOT.parent / "shared" / "sources" / "bamako-attack-2015.txt"}
PARA = re.compile(r"^para (\d+)$")

pytestmark = pytest.mark.skipif(not DB.exists(), reason="db.json is not written yet")


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DB.read_bytes())


@pytest.fixture(scope="module")
def paragraphs() -> dict[str, list[str]]:
    """Each source's paragraphs, `para N` being the N-th non-empty line (the headline is para 1)."""
    out = {}
    for source, path in SOURCE_FILES.items():
        if not path.exists():
            pytest.skip(f"{path} is not beside the repository")
        out[source] = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def citations(value) -> list[dict]:
    """Every citation anywhere in a record, as the reader and `source show` find them."""
    return [c for _, c in citations_in(value)]


# Every file maliterm ships: the Mali dataset and the second conflict's example.
SHIPPED = [DB, ROOT / "examples" / "hts-lineage.json"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_validates(runner, path):
    result = runner("validate", path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"{path}: valid"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_is_in_saved_form(path):
    """Sorted, 2-space indented UTF-8: what maliterm writes, so the first edit is a small diff."""
    raw = path.read_bytes()
    assert raw == dumps(json.loads(raw))


def test_every_locator_names_a_paragraph(data, paragraphs):
    checked = 0
    for table, records in data.items():
        for rid, rec in records.items():
            for c in citations(rec):
                if c["source"] not in paragraphs:
                    continue
                m = PARA.match(c.get("loc", ""))
                assert m, f"{table}/{rid}: locator {c.get('loc')!r} is not 'para N'"
                assert 1 <= int(m[1]) <= len(paragraphs[c["source"]]), f"{table}/{rid}: no {c['loc']}"
                checked += 1
    assert checked > 0


def test_every_quote_is_verbatim_in_its_paragraph(data, paragraphs):
    assert data["quotes"]
    for qid, q in data["quotes"].items():
        places = [(c["source"], int(PARA.match(c["loc"])[1])) for c in q["cite"] if c["source"] in paragraphs]
        assert places, f"quotes/{qid} cites no source we hold"
        for source, n in places:
            assert q["text"] in paragraphs[source][n - 1], f"quotes/{qid} is not in {source} para {n}"


# ---- lineage of the shipped groups ----------------------------------------------------------------


def lineage(runner, *args) -> list[dict]:
    result = runner("lineage", "--json", "--db", DB, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["roots"]


def nodes(forest: list[dict]) -> list[dict]:
    return [n for root in forest for n in [root, *nodes(root["children"])]]


def start_of(data: dict, young: str, old: str) -> str:
    """The `start` of the lineage relation between two groups, as the dataset records it."""
    [rel] = [r for r in data["relations"].values() if {r["from"], r["to"]} == {young, old}
             and r["type"] in ("splinter_of", "merged_into")]
    return rel["start"]


def test_mourabitoun_has_both_parents(runner, data):
    forest = lineage(runner)
    merged = [n for n in nodes(forest) if n["id"] == "al-mourabitoun"]
    assert len(merged) == 2  # once under each parent
    for n in merged:
        assert sorted(n["merger_of"]) == ["belmokhtar-spinoff", "mujao"]
        assert n["relation"] == "merged_into"
        assert n["date"] == start_of(data, "al-mourabitoun", "belmokhtar-spinoff")
    for parent in ("mujao", "belmokhtar-spinoff"):
        assert any("al-mourabitoun" in children(n) for n in nodes(forest) if n["id"] == parent)
    [aqim] = [n for n in forest if n["id"] == "aqim"]
    [spinoff] = [c for c in aqim["children"] if c["id"] == "belmokhtar-spinoff"]
    assert (spinoff["relation"], spinoff["date"]) == ("splinter_of", start_of(data, "belmokhtar-spinoff", "aqim"))
    assert spinoff["date"]


def children(node: dict) -> list[str]:
    return [c["id"] for c in node["children"]]


@pytest.mark.parametrize(("as_of", "present"), [("2012-06-30", False), ("2016-01-01", True)])
def test_lineage_as_of(runner, as_of, present):
    shown = {n["id"] for n in nodes(lineage(runner, "--as-of", as_of))}
    assert ("belmokhtar-spinoff" in shown) is present
    assert ("al-mourabitoun" in shown) is present


@pytest.mark.parametrize(("query", "table", "rid"), [("sevare", "places", "sevare"),
                                                     ("murabitun", "actors", "al-mourabitoun")])
def test_search(runner, query, table, rid):
    result = runner("search", query, "--json", "--db", DB)
    assert result.exit_code == 0
    first = json.loads(result.stdout)[0]
    assert (first["table"], first["id"]) == (table, rid)


# ---- the audit against the article (issue 12) ----------------------------------------------------


def test_radisson_death_toll_keeps_both_accounts_and_the_gunmen_apart(data):
    from maliterm.timeline import casualty_summary

    rad = data["events"]["radisson-blu-attack-2015"]
    killed = {(c["tally"], c["who"].split(" ")[0], c["count"]) for c in rad["casualties"] if c["kind"] == "killed"}
    assert killed == {("article text", "victims", 19), ("article text", "gunmen", 2), ("photo caption", "people", 20)}
    [toll] = [f for f in rad["facts"] if f["about"] == "death toll"]
    assert toll["contested"] and [c["value"] for c in toll["claims"]] == [19, 20]
    # the timeline line never shows the sum as if undisputed
    assert casualty_summary(rad) == "20–21 killed (contested)"


def test_written_in_2015(data):
    assert data["sources"]["hammer-2015-bamako"]["published"] == "2015-11-23/2015-12"
    assert "2016-03" not in json.dumps(data)


def test_collaboration_is_a_graded_claim_on_byblos_not_an_alliance(data):
    assert not [r for r in data["relations"].values() if r["type"] == "allied_with"]
    [fact] = [f for f in data["events"]["byblos-hotel-attack-2015"]["facts"]
              if f["about"] == "collaboration between Islamist groups"]
    [claim] = fact["claims"]
    assert claim["credibility"] == 3 and claim["by"] == "joshua-hammer"
    assert [c["loc"] for c in claim["cite"]] == ["para 24"]


def test_no_affiliation_with_a_person(data):
    kinds = {rid: a["kind"] for rid, a in data["actors"].items()}
    for r in data["relations"].values():
        if r["type"] in ("affiliate_of", "splinter_of", "merged_into", "allied_with", "rival_of"):
            assert kinds[r["from"]] != "person" and kinds[r["to"]] != "person", r["id"]


def test_valley_fighting_keeps_both_sides(data):
    [fact] = [f for f in data["events"]["valley-fighting-2013"]["facts"] if f.get("contested")]
    assert [c["by"] for c in fact["claims"]] == ["raphael-oudot-de-dainville", "joshua-hammer"]
    assert "killed almost all of them" in fact["claims"][0]["text"]
    assert "Clearly, some survived" in fact["claims"][1]["text"]


def test_malian_special_forces_cite_the_caption_only(data):
    for ev in data["events"].values():
        for a in ev.get("actors", ()):
            if a["actor"] == "malian-special-forces":
                assert [c["loc"] for c in a["cite"]] == ["para 3"]


def test_belmokhtar_is_not_the_ajdabiya_strikes_target(data):
    roles = {(a["actor"], a["role"]) for a in data["events"]["ajdabiya-airstrike-2015"]["actors"]}
    assert ("mokhtar-belmokhtar", "target") not in roles


def test_aqim_not_the_main_target_of_serval(data):
    assert "main target" not in json.dumps(data)


@pytest.mark.parametrize(("rid", "abbr"), [("aqim", "AQIM"), ("mujao", "MUJAO")])
def test_our_abbreviations_say_they_are_ours(data, rid, abbr):
    actor = data["actors"][rid]
    assert abbr in actor["aliases"]
    assert f"The abbreviation {abbr} is ours" in actor["summary"]
