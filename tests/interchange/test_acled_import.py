"""`maliterm import acled`: dry run, apply, bad rows by line, idempotence, matching existing records."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from maliterm import dates
from maliterm.store import Store

ACLED = Path(__file__).parent.parent / "data" / "acled_sample.csv"


def sample_rows() -> list[dict]:
    with open(ACLED, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def good_rows() -> list[dict]:
    """Rows with all 31 fields, a real date and a known event type: what the import must take."""

    def ok(r: dict) -> bool:
        try:
            date.fromisoformat(r["event_date"])
        except ValueError:
            return False
        return None not in r and r["timestamp"] and r["event_type"] in (
            "Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
            "Strategic developments")

    return [r for r in sample_rows() if ok(r)]


def counts(output: str) -> dict[str, tuple[int, int]]:
    return {t: (int(a), int(m)) for t, a, m in re.findall(r"(\w+) +(?:would add|added) (\d+), matched existing (\d+)", output)}


def test_the_sample_is_what_the_issue_asks_for():
    text = ACLED.read_text(encoding="utf-8")
    assert len(sample_rows()) >= 30
    assert '""' in text and "é" in text and ",," in text


def test_dry_run_lists_what_would_change_and_writes_nothing(runner, small_db):
    before = small_db.read_bytes()
    result = runner("import", "acled", ACLED, "--db", small_db)
    assert result.exit_code == 0
    assert small_db.read_bytes() == before
    assert counts(result.output)["events"] == (len(good_rows()), 0)
    assert "Dry run" in result.output


def test_bad_rows_are_reported_by_line_and_skipped(runner, empty_db):
    result = runner("import", "acled", ACLED, "--db", empty_db, "--apply")
    lines = ACLED.read_text(encoding="utf-8").splitlines()
    bad = [i for i, line in enumerate(lines, 1) if i > 1 and line.split(",")[0] in ("MLI5090", "MLI5091", "MLI5092")]
    for n in bad:
        assert re.search(rf"acled_sample\.csv:{n}: .+ \(expected .+\)", result.stderr), n
    assert "rows skipped 3" in result.stdout
    store = Store.open(empty_db, read_only=True)
    ids = {e.upper() for e in store.tables["events"]}
    assert not {"ACLED-MLI5090", "ACLED-MLI5091", "ACLED-MLI5092"} & ids  # never half-imported
    assert len(store.tables["events"]) == len(good_rows())


def test_apply_maps_dates_actors_places_and_sources(acled_db):
    store = Store.open(acled_db, read_only=True)
    rows = {r["event_id_cnty"]: r for r in good_rows()}
    for eid, row in rows.items():
        ev = store.event("acled-" + eid.lower())
        precision = {"1": "day", "2": "day", "3": "month"}[row["time_precision"]]
        d = dates.parse(ev["date"])
        assert (d.precision, d.approx, d.start.earliest()[:7]) == (precision, row["time_precision"] == "2", row["event_date"][:7])
        place = store.get(ev["place"])
        assert place["name"] == row["location"]
        assert place["coords"] == {"lat": float(row["latitude"]), "lon": float(row["longitude"])}
        assert store.name(ev["actors"][0]["actor"]) == row["actor1"]
        assert ev.get("summary", "") == row["notes"]
    # an actor named in many rows is one record
    jnim = [a for a in store.tables["actors"].values() if a["name"].startswith("JNIM")]
    assert len(jnim) == 1
    outlets = {s["title"] for s in store.tables["sources"].values()}
    assert {"Le Monde", "Studio Tamani"} <= outlets and not any(";" in t for t in outlets)


def test_reimport_changes_nothing(runner, acled_db):
    before = acled_db.read_bytes()
    result = runner("import", "acled", ACLED, "--db", acled_db, "--apply")
    assert result.exit_code == 0
    assert acled_db.read_bytes() == before
    assert counts(result.output)["events"] == (0, len(good_rows()))


def test_existing_actor_is_matched_by_alias(runner, small_db):
    result = runner("import", "acled", ACLED, "--db", small_db, "--apply")
    assert counts(result.output)["actors"][1] >= 1
    store = Store.open(small_db, read_only=True)
    ev = next(e for e in store.tables["events"].values() if "Jabhat al-Qadima" in e.get("summary", ""))
    assert ev["actors"][0]["actor"] == "old-front"  # an alias of the Old Front, not a new actor
    assert not any(a["name"] == "Jabhat al-Qadima" for a in store.tables["actors"].values())


def test_not_an_acled_file_is_one_clear_error(runner, empty_db, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner("import", "acled", bad, "--db", empty_db)
    assert result.exit_code == 1
    assert f"{bad}:1: the header lacks event_id_cnty" in result.stderr
