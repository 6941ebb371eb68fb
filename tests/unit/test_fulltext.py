"""Search over everything (issue 13): facts, claims, quotations, notes and source texts, stemmed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from maliterm import fulltext
from maliterm.store import Store

DB = Path(__file__).resolve().parents[2] / "db.json"


def found(store, text, limit=50):
    return [(h.table, h.id, h.field) for h in fulltext.search(store, text, limit)]


def test_cli_finds_the_fact_about_the_seventh_attack_with_its_field(runner):
    result = runner("search", "seventh", "--json", "--db", DB)
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    fact = next(h for h in hits if h["field"] == "facts[6].claims[0].text")
    assert (fact["table"], fact["id"], fact["matched"]) == \
        ("events", "radisson-blu-attack-2015", "The seventh such attack in Mali that year.")
    assert fact["words"] == ["seventh"] and fact["matched"][slice(*fact["marks"][0])] == "seventh"
    para = next(h for h in hits if h["loc"] == "para 13")
    assert (para["id"], para["field"]) == ("hammer-2015-bamako", "paragraphs[12]")


def test_a_quotation_is_found_by_a_word_inside_it():
    store = Store.open(DB, read_only=True)
    assert ("quotes", "quote-oudot-de-dainville-cave-by-cave", "text") in found(store, "cave")


@pytest.fixture
def texts_db(small_db):
    """small.json with a fact whose claim speaks of one peacekeeper at Sévaré."""
    store = Store.open(small_db)
    rec = dict(store.get("leader-x"))
    rec["facts"] = [{"about": "a wounded soldier", "claims": [
        {"text": "A peacekeeper was wounded near Sévaré.", "cite": [{"source": "src-a", "loc": "para 2"}]}]}]
    store.put("actors", rec)
    store.close()
    return small_db


def test_a_plural_finds_a_singular_and_accents_and_case_fold(texts_db):
    store = Store.open(texts_db, read_only=True)
    for query in ("peacekeepers", "PEACEKEEPER", "wounding sevare"):
        assert ("actors", "leader-x", "facts[0].claims[0].text") in found(store, query), query
    hit = next(h for h in fulltext.search(store, "peacekeepers") if h.field == "facts[0].claims[0].text")
    assert hit.words == ["peacekeeper"]


def test_an_abbreviation_finds_the_full_name_through_aliases():
    store = Store.open(DB, read_only=True)
    # para 23 spells MUJAO out in full: "the Movement for Oneness and Jihad in West Africa"
    assert ("sources", "hammer-2015-bamako", "paragraphs[22]") in found(store, "MUJAO")


def test_an_exact_name_ranks_above_every_full_text_hit():
    store = Store.open(DB, read_only=True)
    hits = fulltext.search(store, "Bamako")
    assert (hits[0].table, hits[0].id, hits[0].field) == ("places", "bamako", "name")
    assert all(h.score < 60 for h in hits if "[" in h.field)


def test_a_stale_index_is_rebuilt_after_the_file_changes(small_db):
    store = Store.open(small_db, read_only=True)
    assert found(store, "zanzibar") == []
    path = fulltext.index_path(small_db)
    assert dict(sqlite3.connect(path).execute("SELECT key, value FROM meta"))["digest"] == store.saved_state()[1]
    data = json.loads(small_db.read_text(encoding="utf-8"))
    data["actors"]["leader-x"]["summary"] = "Seen in Zanzibar."
    from maliterm.storage import dumps

    small_db.write_bytes(dumps(data))
    reopened = Store.open(small_db, read_only=True)
    assert ("actors", "leader-x", "summary") in found(reopened, "zanzibar")
    assert dict(sqlite3.connect(path).execute("SELECT key, value FROM meta"))["digest"] == reopened.saved_state()[1]


def test_edits_through_the_store_update_the_index_in_place_as_a_fresh_build_would(small_db):
    store = Store.open(small_db)
    before = found(store, "merger")
    assert ("actors", "new-union", "summary") in before and found(store, "zanzibar") == []
    index = fulltext.prepare(store)
    store.put("actors", {**store.get("new-union"), "summary": "Seen in Zanzibar."})
    store.put("places", {**store.get("segou"), "summary": "Mergers happened here."})
    assert fulltext.prepare(store) is index  # updated, not built again
    assert ("actors", "new-union", "summary") in found(store, "zanzibar")
    assert ("places", "segou", "summary") in found(store, "merger") and \
        ("actors", "new-union", "summary") not in found(store, "merger")
    updated = fulltext.search(store, "merger") + fulltext.search(store, "zanzibar")
    fulltext.index_path(small_db).unlink()
    fresh = Store.open(small_db, read_only=True)
    assert fulltext.search(fresh, "merger") + fulltext.search(fresh, "zanzibar") == updated


def test_an_unwritable_cache_builds_the_index_in_memory(small_path, monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(fulltext, "index_path", lambda db: blocker / "index.sqlite")  # under a file: ENOTDIR
    store = Store.open(small_path, read_only=True)
    assert fulltext.prepare(store).path is None
    assert found(store, "segou")


def test_query_syntax_in_the_text_is_words(runner):
    for text in ('NEAR("a b")', 'x OR y*', '"', "col:attack", "^"):
        result = runner("search", text, "--json", "--db", DB)
        assert result.exit_code in (0, 1), text


def test_snippets_are_never_cut_inside_a_word():
    text = " ".join(f"word{i}" for i in range(100)) + " needle " + " ".join(f"tail{i}" for i in range(100))
    start = text.index("needle")
    snippet, marks = fulltext.snip(text, [(start, start + 6)])
    assert snippet.startswith("…word") and snippet.endswith("…") and len(snippet) <= fulltext.SNIPPET + 2
    inner = snippet.strip("…")
    assert inner in text and f" {inner} " in f" {text} "  # whole words at both ends
    assert snippet[slice(*marks[0])] == "needle"


def test_text_holding_the_highlight_markers_is_still_marked_right(small_db):
    store = Store.open(small_db)
    store.put("actors", {**store.get("leader-x"), "summary": "\ue000odd\ue001 marker zanzibar"})
    hit = next(h for h in fulltext.search(store, "zanzibar") if h.field == "summary")
    assert hit.snippet[slice(*hit.marks[0])] == "zanzibar"


def test_ranking_is_deterministic_ties_by_table_and_id():
    store = Store.open(DB, read_only=True)
    first = found(store, "attack", 40)
    assert found(store, "attack", 40) == first
    hits = fulltext.search(store, "attack", 40)
    for a, b in zip(hits, hits[1:]):
        assert a.score > b.score or (a.score == b.score and
                                     (fulltext.TABLE_ORDER.index(a.table), a.id, a.field)
                                     <= (fulltext.TABLE_ORDER.index(b.table), b.id, b.field))
