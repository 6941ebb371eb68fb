"""The export and import registries: README's tables, `export --actor` for STIX, refused filters."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import stix2

from maliterm.interchange import exporters, importers

README = Path(__file__).parents[2] / "README.md"


def readme_block(name: str) -> str:
    """README's text between `<!-- NAME: ... -->` and `<!-- /NAME -->`."""
    found = re.search(rf"<!-- {name}:[^>]*-->\n(.*?)\n<!-- /{name} -->", README.read_text(encoding="utf-8"), re.S)
    assert found, f"README.md has no <!-- {name}: --> ... <!-- /{name} --> block"
    return found.group(1)


@pytest.mark.parametrize("registry", [exporters, importers], ids=["exporters", "importers"])
def test_readme_tables_are_the_registries(registry):
    name = registry.__name__.rsplit(".", 1)[1]
    table = registry.readme_table()
    assert readme_block(name) == table, f"README.md's {name} table differs from the registry; put this there:\n{table}"


def test_every_import_format_is_an_import_command(runner):
    listed = runner("import", "--help").stdout
    for importer in importers.IMPORTERS.values():
        assert re.search(rf"^  {importer.name} ", listed, re.M)
        assert runner("import", importer.name, "--help").exit_code == 0


def test_import_source_is_source_add(runner, small_db, tmp_path):
    doc = tmp_path / "note.md"
    doc.write_text("# A field note\n\nFirst paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    result = runner("import", "source", doc, "--db", small_db)
    assert result.exit_code == 0, result.output
    assert "added source a-field-note: 3 paragraphs (markdown)" in result.stdout


def stix_export(runner, db: Path, *args: str) -> tuple[stix2.Bundle, dict]:
    result = runner("export", "stix", *args, "--db", db)
    assert result.exit_code == 0, result.output
    return stix2.parse(result.stdout, allow_custom=False), json.loads(result.stdout)


def test_stix_for_one_actor_holds_it_its_events_and_what_they_need(runner, small_db):
    bundle, data = stix_export(runner, small_db, "--actor", "Al-Ittihad al-Jadid")
    by_id = {o.id: o for o in bundle.objects}
    named = {o.name for o in bundle.objects if o.type in ("threat-actor", "identity")}
    # The actor; the groups merged into it (its relations); the leader in the attack it claimed (its event).
    assert named == {"Al-Ittihad al-Jadid", "Splinter band (unnamed)", "River Movement", "Kamal Réné"}
    assert [o.name for o in bundle.objects if o.type == "report"] == ["Attack on Hotel Z"]
    relations = {(by_id[o.source_ref].name, o.relationship_type, by_id[o.target_ref].name)
                 for o in bundle.objects if o.type == "relationship"}
    assert relations == {("Splinter band (unnamed)", "merged-into", "Al-Ittihad al-Jadid"),
                         ("River Movement", "merged-into", "Al-Ittihad al-Jadid"),
                         ("Al-Ittihad al-Jadid", "claimed", "Attack on Hotel Z")}
    everything = stix_export(runner, small_db)[1]
    assert data["id"] != everything["id"] and len(data["objects"]) < len(everything["objects"])


def test_stix_for_one_actor_refers_only_to_what_it_holds(runner, acled_db):
    from maliterm.store import Store

    store = Store.open(acled_db, read_only=True)
    actor = max(store.tables["actors"], key=lambda a: (len(store.events_by_actor.get(a, ())), a))
    bundle = stix_export(runner, acled_db, "--actor", actor)[0]
    ids = {o.id for o in bundle.objects}
    reports = [o for o in bundle.objects if o.type == "report"]
    assert len(reports) == len(store.events_by_actor[actor]) > 1
    assert all(ref in ids for o in reports for ref in o.object_refs)
    assert all(o.source_ref in ids and o.target_ref in ids for o in bundle.objects if o.type == "relationship")
    located = {ref for o in reports for ref in o.object_refs if ref.startswith("location--")}
    assert located and located == {o.id for o in bundle.objects if o.type == "location"}


@pytest.mark.parametrize("fmt, args, refused", [
    ("stix", ["--place", "Ségou"], "--place"),
    ("dot", ["--from", "2015"], "--from/--to"),
    ("markdown", ["--actor", "River Movement", "--to", "2014"], "--from/--to"),
])
def test_a_filter_a_format_cannot_honour_is_refused_in_one_line(runner, small_db, tmp_path, fmt, args, refused):
    out = tmp_path / "out"
    result = runner("export", fmt, *args, "-o", out, "--db", small_db)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == f"export {fmt} cannot narrow by {refused} (it honours --actor); leave it out, or choose another format\n"
    assert not out.exists()


def test_csv_honours_place_and_dates(runner, small_db):
    def rows(*args: str) -> list[str]:
        result = runner("export", "csv", *args, "--db", small_db)
        assert result.exit_code == 0, result.output
        return [r["event_id_cnty"] for r in csv.DictReader(io.StringIO(result.stdout))]

    assert rows("--place", "Ségou") == ["hotel-attack"]  # at the hotel, within Ségou
    assert rows("--from", "2015") == ["year-2015", "hotel-attack"]  # timeline order: the year first
    assert rows("--actor", "Splinter band", "--to", "2013") == ["split-2012"]
    assert len(rows()) == 4
