"""`maliterm import acled`: dry run, apply, bad rows by line, idempotence, matching existing records."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from maliterm import dates
from maliterm.store import Store, init

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


# ---- helpers for the tests below ------------------------------------------------------------------


def write_rows(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    """Rows in ACLED's layout (missing columns empty), as an ACLED export would be written."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(sample_rows()[0]), restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row_like(eid: str, **cells: str) -> dict:
    """The sample's first row with another id and some cells changed."""
    return {**good_rows()[0], "event_id_cnty": eid, **cells}


def placement(store: Store) -> dict[str, tuple]:
    """event -> (place name, its chain of enclosing names up to the country, coordinates)."""
    out = {}
    for eid, ev in store.tables["events"].items():
        place = store.get(ev["place"])
        chain, up = [], place.get("within")
        while up:
            chain.append(store.get(up)["name"])
            up = store.get(up).get("within")
        out[eid] = (place["name"], tuple(chain), tuple(sorted(place.get("coords", {}).items())))
    return out


def change_count(db: Path) -> int:
    return len(Store.open(db, read_only=True).tables["changes"])


# ---- places: whole admin chain and coordinates ------------------------------------------------


def test_two_halves_place_every_event_as_one_import_does(runner, empty_db, tmp_path):
    """A weekly pull: the second half must find the places the first made, level by level."""
    rows = good_rows()
    whole = runner("import", "acled", write_rows(tmp_path / "all.csv", rows), "--db", empty_db, "--apply")
    assert whole.exit_code == 0
    halves_db = tmp_path / "halves.json"
    init(halves_db)
    for name, part in (("a.csv", rows[: len(rows) // 2]), ("b.csv", rows[len(rows) // 2:])):
        assert runner("import", "acled", write_rows(tmp_path / name, part), "--db", halves_db, "--apply").exit_code == 0
    once, twice = Store.open(empty_db, read_only=True), Store.open(halves_db, read_only=True)
    assert placement(twice) == placement(once)
    assert {e: ev["place"] for e, ev in twice.tables["events"].items()} == \
        {e: ev["place"] for e, ev in once.tables["events"].items()}  # the same ids too
    assert len(twice.tables["places"]) == len(once.tables["places"])
    # Ménaka the town is not Ménaka the cercle nor Ménaka the region
    menaka = once.get(once.event("acled-mli5006")["place"])
    assert placement(once)["acled-mli5006"] == ("Ménaka", ("Ménaka", "Ménaka", "Ménaka", "Mali"),
                                                (("lat", 15.9182), ("lon", 2.4022)))
    assert menaka["kind"] == "other"
    # Its chain names ACLED's administrative levels as the kinds of v2 (the cercle is admin2).
    chain, kinds = menaka, []
    while chain.get("within"):
        chain = once.get(chain["within"])
        kinds.append((chain["name"], chain["kind"]))
    assert kinds == [("Ménaka", "admin3"), ("Ménaka", "admin2"), ("Ménaka", "admin1"), ("Mali", "country")]


def test_same_name_in_another_region_is_another_place(runner, empty_db, tmp_path):
    rows = [row_like("MLI1", admin1="Mopti", admin2="Djenné", admin3="Djenné", location="Kona",
                     latitude="14.95", longitude="-3.89"),
            row_like("MLI2", admin1="Ségou", admin2="Macina", admin3="Kokry", location="Kona",
                     latitude="13.95", longitude="-5.51")]
    assert runner("import", "acled", write_rows(tmp_path / "k.csv", rows), "--db", empty_db, "--apply").exit_code == 0
    store = Store.open(empty_db, read_only=True)
    one, two = store.event("acled-mli1")["place"], store.event("acled-mli2")["place"]
    assert one != two
    assert (one, two) == ("kona", "kona-kokry")  # the second named after its enclosing place


def test_far_coordinates_make_another_place_near_ones_the_same(runner, empty_db, tmp_path):
    rows = [row_like("MLI1"), row_like("MLI2", latitude="15.0549", longitude="-1.9620"),
            row_like("MLI3", latitude="15.5", longitude="-1.9667")]
    assert runner("import", "acled", write_rows(tmp_path / "c.csv", rows), "--db", empty_db, "--apply").exit_code == 0
    store = Store.open(empty_db, read_only=True)
    places = [store.event(f"acled-mli{i}")["place"] for i in (1, 2, 3)]
    assert places[0] == places[1] != places[2]
    assert store.get(places[0])["coords"] == {"lat": 15.05, "lon": -1.9667}  # the first kept


def test_existing_place_without_coordinates_gets_acleds(runner, empty_db, tmp_path):
    row = good_rows()[0]
    first = dict(row, event_id_cnty="MLI1", latitude="", longitude="")
    assert runner("import", "acled", write_rows(tmp_path / "a.csv", [first]), "--db", empty_db, "--apply").exit_code == 0
    boni = Store.open(empty_db, read_only=True).event("acled-mli1")["place"]
    assert "coords" not in Store.open(empty_db, read_only=True).get(boni)
    result = runner("import", "acled", write_rows(tmp_path / "b.csv", [row]), "--db", empty_db, "--apply")
    assert "places given coordinates 1" in result.output
    store = Store.open(empty_db, read_only=True)
    assert store.event("acled-" + row["event_id_cnty"].lower())["place"] == boni
    assert store.get(boni)["coords"] == {"lat": 15.05, "lon": -1.9667}


def test_a_place_called_meta_imports(runner, empty_db, tmp_path):
    """`meta` is the id of the database's own meta record: a department of Colombia may not take it."""
    rows = [row_like("COL1", country="Colombia", admin1="Meta", admin2="Villavicencio", admin3="",
                     location="Villavicencio", latitude="4.142", longitude="-73.6266"),
            row_like("COL2", country="Colombia", admin1="Changes", admin2="", admin3="", location="Meta",
                     latitude="4.0", longitude="-73.0")]
    result = runner("import", "acled", write_rows(tmp_path / "m.csv", rows), "--db", empty_db, "--apply")
    assert result.exit_code == 0, result.output
    store = Store.open(empty_db, read_only=True)
    villavicencio = store.get(store.event("acled-col1")["place"])
    assert store.get(villavicencio["within"])["id"] == "villavicencio"
    assert store.get(store.get(villavicencio["within"])["within"])["id"] == "meta-colombia"
    assert store.event("acled-col2")["place"] == "meta-changes-colombia"  # `changes` is a table's name


# ---- actors ---------------------------------------------------------------------------------------


def test_actor_type_labels_and_codes_give_kinds(runner, empty_db, tmp_path):
    labels = {"State forces": "armed_force", "Rebel groups": "armed_group", "Political militias": "armed_group",
              "Identity militias": "armed_group", "Rioters": "other", "Protesters": "other",
              "Civilians": "other", "External/Other forces": "armed_force", "1": "armed_force",
              "2": "armed_group", "8": "armed_force", "Rebel group": "armed_group"}
    rows = [row_like(f"MLI{i}", actor1=f"Actor {i}", assoc_actor_1="", actor2="", assoc_actor_2="", inter1=label)
            for i, label in enumerate(labels)]
    assert runner("import", "acled", write_rows(tmp_path / "a.csv", rows), "--db", empty_db, "--apply").exit_code == 0
    store = Store.open(empty_db, read_only=True)
    kinds = {label: store.get(store.event(f"acled-mli{i}")["actors"][0]["actor"])["kind"]
             for i, label in enumerate(labels)}
    assert kinds == labels


# ---- encodings -------------------------------------------------------------------------------------


def test_latin1_file_imports_with_its_accents(runner, empty_db):
    path = Path(__file__).parent.parent / "data" / "acled_latin1.csv"
    assert "Ségou".encode("latin-1") in path.read_bytes()
    result = runner("import", "acled", path, "--db", empty_db, "--apply")
    assert result.exit_code == 0, result.output
    names = {p["name"] for p in Store.open(empty_db, read_only=True).tables["places"].values()}
    assert {"Ségou", "Mopti", "Ténenkou", "Diafarabé"} <= names


def test_utf8_with_bom_imports(runner, empty_db, tmp_path):
    path = write_rows(tmp_path / "bom.csv", good_rows()[:3], encoding="utf-8-sig")
    result = runner("import", "acled", path, "--db", empty_db, "--apply")
    assert result.exit_code == 0 and "events   added 3" in result.output


def test_broken_utf8_is_refused_with_its_line(runner, empty_db, tmp_path):
    good = write_rows(tmp_path / "x.csv", good_rows()[:4]).read_bytes().splitlines(keepends=True)
    good[3] = good[3].replace(b"Tombouctou", b"Tomb\xff\xfeouctou")  # the UTF-8 é elsewhere says what it is
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"".join(good))
    result = runner("import", "acled", bad, "--db", empty_db, "--apply")
    assert result.exit_code == 1
    assert f"{bad}:4: " in result.stderr and "UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


# ---- the change log -----------------------------------------------------------------------------


def test_an_import_logs_one_change(runner, empty_db):
    before = change_count(empty_db)
    result = runner("import", "acled", ACLED, "--db", empty_db, "--apply")
    assert result.exit_code == 0
    store = Store.open(empty_db, read_only=True)
    assert len(store.tables["changes"]) == before + 1
    entry = next(iter(store.tables["changes"].values()))
    n = len(good_rows())
    assert entry["record"].startswith(f"import of acled_sample.csv: {n} events, ")
    assert entry["action"] == "add"


# ---- bad input: one clear line -------------------------------------------------------------------


def test_bad_cells_name_file_line_column_and_expectation(runner, empty_db, tmp_path):
    rows = [row_like("MLI1", event_date="2023-13-40"), row_like("MLI2", fatalities="many"),
            row_like("MLI3", latitude="north")]
    path = write_rows(tmp_path / "bad.csv", rows)
    result = runner("import", "acled", path, "--db", empty_db)
    assert f"{path}:2: event_date: '2023-13-40' is not a date (expected " in result.stderr
    assert f"{path}:3: fatalities: 'many' is not a number (expected " in result.stderr
    assert f"{path}:4: latitude: 'north' is not a number (expected " in result.stderr
    assert "rows skipped 3" in result.output


def test_missing_column_is_one_clear_line(runner, empty_db, tmp_path):
    path = tmp_path / "nodate.csv"
    path.write_text("event_id_cnty,time_precision,event_type,sub_event_type,actor1,country,location\n"
                    "MLI1,1,Battles,Armed clash,X,Mali,Boni\n", encoding="utf-8")
    result = runner("import", "acled", path, "--db", empty_db)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[0].startswith(f"{path}:1: the header lacks event_date (expected ")


# ---- CSV round trip of our own databases ---------------------------------------------------------


def essentials(store: Store) -> dict[str, tuple]:
    """What a CSV round trip must keep of each event."""
    out = {}
    for eid, ev in store.tables["events"].items():
        killed = [c["count"] for c in ev.get("casualties", ()) if c["kind"] == "killed"]
        out[eid] = (ev["date"], ev["type"], ev["title"], store.name(ev["place"]) if ev.get("place") else None,
                    sorted(store.name(a["actor"]) for a in ev.get("actors", ())), sum(killed) if killed else None,
                    ev.get("summary", ""))
    return out


@pytest.mark.parametrize("db", [Path(__file__).parent.parent / "data" / "small.json",
                                Path(__file__).parent.parent.parent / "db.json"], ids=["small", "shipped"])
def test_csv_round_trip_keeps_every_event(runner, empty_db, tmp_path, db):
    out = tmp_path / "events.csv"
    assert runner("export", "csv", "-o", out, "--db", db).exit_code == 0
    result = runner("import", "acled", out, "--db", empty_db, "--apply")
    assert result.exit_code == 0, result.output
    assert "rows skipped 0" in result.output
    original, back = Store.open(db, read_only=True), Store.open(empty_db, read_only=True)
    assert essentials(back) == essentials(original)
    years = [e for e in original.tables["events"].values() if dates.parse(e["date"]).precision == "year"]
    assert years  # the year-only date is among those kept


def test_exported_event_type_is_never_empty(runner, small_path):
    rows = list(csv.DictReader(io.StringIO(runner("export", "csv", "--db", small_path).stdout)))
    assert rows and all(r["event_type"] for r in rows)
    year = next(r for r in rows if r["event_id_cnty"] == "year-2015")
    assert (year["event_date"], year["time_precision"]) == ("2015-01-01", "3")  # ACLED's coarsest


def test_undoing_an_import_logs_one_change_too(empty_db):
    from maliterm.interchange import acled

    with Store.open(empty_db) as store:
        acled.apply(store, acled.plan_import(store, ACLED))
        assert store.tables["events"]
        store.undo()
        assert not store.tables["events"]
        assert sorted(c["action"] for c in store.tables["changes"].values()) == ["add", "undo"]


# ---- one citation per row (issue 16): the row is the source of every field it gives ----------------


def citations_in(value: object) -> list[dict]:
    """Every citation anywhere in a record (its own, its actors', claims', casualties')."""
    if isinstance(value, dict):
        return [*value.get("cite", ()), *(c for k, v in value.items() if k != "cite" for c in citations_in(v))]
    if isinstance(value, list):
        return [c for v in value for c in citations_in(v)]
    return []


def test_an_imported_row_is_cited_once_on_its_event(acled_db):
    store = Store.open(acled_db, read_only=True)
    for eid, row in ((r["event_id_cnty"], r) for r in good_rows()):
        ev = store.event("acled-" + eid.lower())
        dataset = [c for c in ev["cite"] if c["loc"] == eid]
        assert len(dataset) == 1, ev["cite"]
        outlets = [o.strip() for o in row["source"].split(";") if o.strip()]
        assert sorted(store.name(c["source"]) for c in ev["cite"] if c is not dataset[0]) == sorted(outlets)
        # Nothing else of the event repeats the row's citation, except a second-side actor's column.
        inner = [c for c in citations_in(ev) if c not in ev["cite"]]
        assert [c["loc"] for c in inner] == [f"{eid} {col}" for col in ("actor2", "assoc_actor_2")
                                             for name in row[col].split(";") if name.strip()]
    assert store.tables["events"]  # the file as imported passed validation on open


def test_a_casualty_resting_on_the_rows_citation_shows_it_in_the_dossier(runner, acled_db):
    ev = Store.open(acled_db, read_only=True).event("acled-mli5001")
    assert "cite" not in ev["casualties"][0] and "cite" not in ev["facts"][0]["claims"][0]
    shown = runner("show", "acled-mli5001", "--db", acled_db)
    assert shown.exit_code == 0, shown.output
    words = " ".join(shown.output.split())  # lines wrap at the terminal's width
    # The row's citation stands where the figure and the classification are read.
    assert re.search(r"12 killed[^\[\]]*\[ACLED[^\]]*MLI5001", words), words
    assert re.search(r"= Armed clash \[ACLED[^\]]*MLI5001", words), words
