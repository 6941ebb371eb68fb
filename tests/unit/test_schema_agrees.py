"""The field tables of maliterm/schema.py against everything that uses them or restates them.

Validation, forms, dossier rows, report rows and the search fields are derived from the tables:
these tests check that each really shows, checks or finds every field the table says it does,
on real records. The TypedDicts of `model`, docs/data-model.md and the CSV and STIX exports
restate the fields by hand: these tests fail when one of them disagrees with the table.
"""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maliterm import editing, fulltext, presentation, schema
from maliterm import model as m
from maliterm import validate as v
from maliterm.interchange import csv_export, report, stix
from maliterm.interchange.acled import COLUMNS
from maliterm.search import SearchIndex
from maliterm.store import Store

ROOT = Path(__file__).parents[2]
DATASETS = [ROOT / "db.json", ROOT / "tests" / "data" / "small.json", ROOT / "tests" / "data" / "syria-lineage.json",
            ROOT / "tests" / "data" / "reader.json", ROOT / "examples" / "hts-lineage.json"]
# Values for fields no record of the datasets holds: (table, field) -> (record id, value).
EXAMPLE_VALUES: dict[tuple[str, str], tuple[str, object]] = {("places", "coords"): ("bamako", {"lat": 12.65, "lon": -8.0})}
TYPED: dict[str, Any] = {
    "sources": m.Source, "actors": m.Actor, "places": m.Place, "events": m.Event, "relations": m.Relation,
    "quotes": m.Quote, "citation": m.Citation, "claim": m.Claim, "fact": m.Fact, "alias": m.Alias,
    "event_actor": m.EventActor, "casualty": m.Casualty, "coords": m.Coords,
}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> list[Store]:
    """Every dataset we ship or test with, opened read-only; one more with the EXAMPLE_VALUES set."""
    out = [Store.open(p, read_only=True) for p in DATASETS]
    data = json.loads(DATASETS[0].read_text(encoding="utf-8"))
    for (table, name), (rid, value) in EXAMPLE_VALUES.items():
        data[table][rid][name] = value
    extra = tmp_path_factory.mktemp("examples") / "db.json"
    extra.write_text(json.dumps(data), encoding="utf-8")
    return [*out, Store.open(extra, read_only=True)]


def holding(stores: list[Store], table: str, name: str) -> Iterator[tuple[Store, dict]]:
    """Every record of `table` that holds field `name`, with its store; fails if there is none,
    so no check below passes for want of data."""
    found = False
    for store in stores:
        for rec in store.tables.get(table, {}).values():
            if rec.get(name) not in (None, "", []):
                found = True
                yield store, rec
    assert found, f"no test record holds {table}.{name}: add one to a dataset or to EXAMPLE_VALUES"


def one_holding(stores: list[Store], table: str, name: str) -> tuple[Store, dict]:
    return next(holding(stores, table, name))


def every_field(where: str = "") -> list[tuple[str, schema.FieldSpec]]:
    tables = schema.STRUCTS if where == "structs" else schema.TABLES
    return [(t, f) for t, fs in tables.items() for f in fs]


def test_every_kind_and_role_is_known():
    for table, f in every_field() + every_field("structs"):
        assert f.kind in schema.KINDS, f"{table}.{f.name}"
        assert f.dossier in ("", *schema.ROWS, *schema.ROLES), f"{table}.{f.name}"
        assert f.search in ("", *schema.SEARCHES), f"{table}.{f.name}"
        assert (f.kind == "object") == bool(f.struct) or f.kind == "coords", f"{table}.{f.name}"
        assert f.struct in ("", *schema.STRUCTS), f"{table}.{f.name}"
        assert f.kind != "ref" or set(f.tables) <= set(m.TABLES), f"{table}.{f.name}"
        assert f.kind != "choice" or f.choices, f"{table}.{f.name}"
        assert f.dossier not in ("ref", "refs") or f.tables, f"{table}.{f.name}: a ref row opens a record of which table?"
    assert list(schema.TABLES) == list(m.TABLES)


@pytest.mark.parametrize("name", sorted(TYPED))
def test_the_typeddict_has_the_same_fields_and_required_ones(name: str):
    hints = typing.get_type_hints(TYPED[name], include_extras=True)
    optional = {k for k, h in hints.items() if typing.get_origin(h) is typing.NotRequired}
    assert list(hints) and set(hints) == {f.name for f in schema.fields(name)}
    assert set(hints) - optional == set(schema.required(name))


def test_validation_knows_every_field_and_which_are_required():
    for table in schema.TABLES:
        checks, required = v.SPECS[table]
        assert list(checks) == [f.name for f in schema.fields(table)]
        assert set(required) == set(schema.required(table)) - {"id"}  # the id is checked against the key


@pytest.mark.parametrize("table,spec", every_field(), ids=lambda x: x if isinstance(x, str) else x.name)
def test_validation_rejects_a_wrong_value_in_every_field(table: str, spec: schema.FieldSpec):
    """An object where no kind takes one (an unknown field in it, for objects) is refused, by field."""
    if spec.name == "id" or (table, spec.name) == ("meta", "id"):
        return  # the record's key, checked apart (test_validate)
    found = v.record_problems(table, {spec.name: {"no such field": 1}}, v.Context({}))
    assert any(p[0].startswith(f".{spec.name}") and p[1] != "is missing" for p in found), found


def test_every_form_field_is_in_the_table_and_every_form_field_of_the_table_in_its_form():
    for table, form in editing.FORMS.items():
        names = [f.name for f in form if f.name not in editing.FORM_ONLY]
        assert names == [f.name for f in schema.fields(table) if f.form and f.kind != "coords"]
        for f in form:
            if f.name not in editing.FORM_ONLY:
                spec = schema.field(table, f.name)
                assert (f.label, f.required, f.choices, f.tables) == (spec.asked_as, spec.required, spec.choices, spec.tables)
    assert {t for t in schema.TABLES if any(f.form for f in schema.fields(t))} == set(editing.FORMS)
    assert [f.name for f in editing.FORMS["places"] if f.name in ("lat", "lon")] == ["lat", "lon"]  # coords


@pytest.mark.parametrize("table,spec", [(t, f) for t, f in every_field() if f.dossier in schema.ROWS],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_the_dossier_shows_every_row_field(stores: list[Store], table: str, spec: schema.FieldSpec):
    store, rec = one_holding(stores, table, spec.name)
    lines = [text.plain for text, _ in presentation.dossier_items(store, table, rec)]
    if spec.dossier == "summary":
        assert " ".join(rec[spec.name].split()) in [" ".join(line.split()) for line in lines]
    else:
        assert any(line.startswith(f"{spec.label}: ") for line in lines), lines


@pytest.mark.parametrize("table,spec", [(t, f) for t, f in every_field() if f.report],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_the_report_shows_every_report_field(stores: list[Store], table: str, spec: schema.FieldSpec):
    store, rec = one_holding(stores, table, spec.name)
    blocks = report.build(store)
    if table == "events":
        timeline = next(b for b in blocks if b.kind == "table" and "Event" in b.header)
        assert timeline.header == tuple(f.report for f in schema.report_fields("events"))
        row = timeline.rows[store.events_in_order().index(rec["id"])]
        assert row[timeline.header.index(spec.report)] == report.report_value(store, table, spec, rec) != ""
    else:
        assert table == "actors", "the report shows fields of actors and events only: say how it shows others"
        value = report.report_value(store, table, spec, rec)
        text = report.markdown(blocks)
        assert report.md_escape(value if spec.dossier == "summary" else f"{spec.report}: {value}") in text


@pytest.mark.parametrize("table,spec", [(t, f) for t, f in every_field() if f.search],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_search_finds_every_searched_field(stores: list[Store], table: str, spec: schema.FieldSpec):
    store, rec = one_holding(stores, table, spec.name)
    paths = [p for p, _ in fulltext.texts_of(table, rec)]
    expected = ("title" if table == "events" else "name") if spec.search == "name" else spec.name
    assert any(p == expected or p.startswith(f"{expected}[") for p in paths), paths
    if spec.search in ("alias", "summary") and table in m.NAMED_TABLES:
        assert spec.search in {e[2] for e in SearchIndex.entries_of(table, rec["id"], rec)}


@pytest.mark.parametrize("struct,spec", [(t, f) for t, f in every_field("structs") if f.search],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_full_text_finds_every_searched_nested_field(stores: list[Store], struct: str, spec: schema.FieldSpec):
    """casualties[i].who, facts[i].about, facts[i].claims[j].text...: found inside the records holding them."""
    containers = {f.name for _, f in every_field() + every_field("structs") if f.struct == struct}
    for store in stores:
        for table in fulltext.TABLE_ORDER:
            for rec in store.tables[table].values():
                for path, _ in fulltext.texts_of(table, rec):
                    if (hit := re.search(r"(\w+)\[\d+\]\.(\w+)$", path)) and hit[1] in containers and hit[2] == spec.name:
                        return
    raise AssertionError(f"full text found no {struct}.{spec.name} in any record")


class _OneEvent:
    """A store that answers `event` with the given record: to export an event changed in one field."""

    def __init__(self, store: Store, ev: dict) -> None:
        self.store, self.ev = store, ev

    def event(self, eid: str) -> dict:
        return self.ev

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.mark.parametrize("spec", [f for f in schema.fields("events") if f.csv], ids=lambda f: f.name)
def test_the_csv_export_writes_each_event_field_to_its_column(stores: list[Store], spec: schema.FieldSpec):
    assert spec.csv in COLUMNS
    differs = []
    for store, ev in holding(stores, "events", spec.name):
        row = csv_export.event_row(_OneEvent(store, ev), ev["id"])
        assert row[spec.csv] or not spec.required, (ev["id"], spec.csv)
        if not spec.required:  # without the field, its column says something else
            without = {k: x for k, x in ev.items() if k != spec.name}
            differs.append(row[spec.csv] != csv_export.event_row(_OneEvent(store, without), ev["id"])[spec.csv])
    assert spec.required or any(differs)


def test_every_csv_column_an_event_field_fills_is_declared():
    """The columns event_row fills from an event's own fields (not derived from others) are declared in the table."""
    declared = {f.csv for f in schema.fields("events")}
    source = Path(csv_export.__file__).read_text(encoding="utf-8")
    filled = re.findall(r'row\["(\w+)"\] = ev(?:\.get\("|\[")(\w+)', source)
    assert len(filled) >= 2  # notes <- summary, event_type <- type: the pattern still reads the module
    for column, key in filled:
        assert column in declared and schema.field("events", key).csv == column


@pytest.mark.parametrize("table,spec", [(t, f) for t, f in every_field() if f.stix],
                         ids=lambda x: x if isinstance(x, str) else x.name)
def test_the_stix_export_carries_each_declared_property(stores: list[Store], table: str, spec: schema.FieldSpec):
    for store, rec in holding(stores, table, spec.name):
        objects = {o["id"]: o for o in stix.bundle(store)["objects"]}
        for kind in ("threat-actor", "identity", "location", "report", "relationship"):
            obj = objects.get(stix.stix_id(kind, f"{table}/{rec['id']}"))
            if obj is not None and obj.get(spec.stix) not in (None, "", []):
                return
    raise AssertionError(f"no STIX object of a record holding {table}.{spec.name} has {spec.stix}")


def _doc_sections() -> dict[str, str]:
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    return {mt[1]: mt[2] for mt in re.finditer(r"^### `(\w+)`(.*?)(?=^##)", doc, re.M | re.S)}


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_docs_name_every_field_of_each_table(table: str):
    section = _doc_sections()[table]
    for f in schema.fields(table):
        if f.name != "id":  # every record's id is described once, at the top
            assert f"`{f.name}`" in section, f"docs/data-model.md, table {table}, does not describe `{f.name}`"


def test_docs_name_every_field_of_the_nested_objects():
    doc = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    assert "its own `id` field" in doc
    for table, f in every_field("structs"):
        assert f"`{f.name}`" in doc or f'"{f.name}"' in doc, f"docs/data-model.md does not describe {table}.{f.name}"
