"""One table of fields per record type: the single place a field is declared.

Each table lists its fields in order, and each field says what it is (`kind`), whether it is
required, how people see it (`label`, `form_label`), and where it goes: the edit form (`form`,
`widget`, `hint`), the dossier (`dossier`), the printable report (`report`), the searches
(`search`), the ACLED CSV column (`csv`) and the STIX property (`stix`). From these:

- `validate.SPECS` (the checks of every field, nested objects included) is derived;
- `editing.FORMS` (the edit forms) is derived, plus the few form-only fields declared there;
- `presentation.dossier_parts` draws the row of each field with a row style (`ROWS`);
- `report.build` lists the actor rows and the timeline columns marked `report`;
- `search.SearchIndex.entries_of` and `fulltext.texts_of` index the fields marked `search`.

What cannot be derived is checked against this table by tests/unit/test_schema_agrees.py: the
TypedDicts of `model`, docs/data-model.md, and the CSV and STIX exports. docs/architecture.md
("Adding a field") says how to add one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from maliterm import model as m

# What a value is. A list of them is `many=True` (at least `min_items`).
KINDS = (
    "text",  # a non-empty string
    "date",  # an EDTF date string (see dates.py)
    "timestamp",  # a UTC moment, ISO 8601 with Z (the change log)
    "choice",  # one of `choices`
    "ref",  # the id of a record in one of `tables`
    "bool",
    "number",  # int or float
    "count",  # a whole number, 0 or more
    "value",  # a number or a string (a claim's value)
    "coords",  # {"lat": number, "lon": number}
    "alias",  # a name, or an Alias object (`STRUCTS["alias"]`)
    "object",  # an object whose fields are `STRUCTS[struct]`
)
# Dossier rows, in the order the dossier draws them (a field's row style, then table order):
# date -> "Born: 1972", aliases -> every alias, line -> one line of text, long -> a labelled
# paragraph, refs -> one row per record named, count -> "Text: 12 paragraphs", ref -> the named
# record (opens it), summary -> an unlabelled paragraph.
ROWS = ("date", "aliases", "line", "long", "refs", "count", "ref", "summary")
# Dossier roles drawn by code of their own (not rows): the heading's name, its kind tag and
# flag, the citations line, and sections (actors, casualties, facts).
ROLES = ("title", "tag", "flag", "cite", "section")
# The order of the report's rows (actors) and columns (the events' timeline): the dossier's,
# with the title (the report's "Event" column) after the date, and sections last.
REPORT_ORDER = ("date", "title", *ROWS[1:], "section")
# "name": the record's label (name search and full text); "alias": its other names (both);
# "summary": a summary (both, a name hit above it); "text": full text only.
SEARCHES = ("name", "alias", "summary", "text")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record type (or of a nested object)."""

    name: str
    kind: str  # one of KINDS
    required: bool = False
    label: str = ""  # short: dossier rows, docs ("Born")
    form_label: str = ""  # the form's, when it says more ("Born (people)"); else `label`
    many: bool = False  # a list of values of `kind`
    min_items: int = 0  # for a list: at least this many
    choices: tuple[str | int, ...] = ()  # for a choice
    tables: tuple[str, ...] = ()  # for a ref (and a ref-style dossier row): which tables it names
    struct: str = ""  # for an object: the key of its fields in STRUCTS
    form: bool = False  # asked for in the edit form
    widget: str = ""  # form widget when the kind's default will not do: "longtext" (a text box)
    hint: str = ""  # shown under the form field (a date's format is added by the form)
    dossier: str = ""  # a row style (ROWS) or a role (ROLES); "" is not shown
    noun: str = ""  # for a "count" row: what one item is ("paragraph")
    report: str = ""  # its label in the report (an actor row, an event column); "" is not shown
    search: str = ""  # one of SEARCHES; "" is not searched
    csv: str = ""  # the ACLED column `export csv` writes it to ("" none)
    stix: str = ""  # the STIX property `export stix` writes it to ("" none)

    @property
    def asked_as(self) -> str:
        """What the form calls it."""
        return self.form_label or self.label


F = FieldSpec
_ID = F("id", "text", True, "Id")
_CITE = F("cite", "object", True, "Sources", many=True, min_items=1, struct="citation", dossier="cite",
          stix="external_references")
_FACTS = F("facts", "object", label="Facts", many=True, struct="fact", dossier="section")
_SUMMARY = F("summary", "text", label="Summary", form_label="Summary, in your own words", form=True,
             widget="longtext", dossier="summary", search="summary", stix="description")
_ALIASES = F("aliases", "alias", label="Aliases", form_label="Other names and spellings", many=True, form=True,
             hint="separated by ; (a name may hold a comma)", dossier="aliases", search="alias", stix="aliases")

TABLES: dict[str, list[FieldSpec]] = {
    "meta": [
        F("id", "text", label="Id"),
        F("schema_version", "count", True, "Schema version"),
        F("title", "text", label="Title"),
        F("description", "text", label="Description"),
    ],
    "sources": [
        _ID,
        F("title", "text", True, "Title", form=True, dossier="title", search="name"),
        F("kind", "choice", True, "Kind", choices=m.SOURCE_KINDS, form=True, dossier="tag"),
        F("author", "text", label="Author", form=True, dossier="line"),
        F("publisher", "text", label="Publisher", form=True, dossier="line"),
        F("published", "date", label="Published", form=True, dossier="date"),
        F("reliability", "choice", label="Reliability", form_label="Reliability (Admiralty A-F)",
          choices=m.RELIABILITY_GRADES, form=True, dossier="line"),
        F("url", "text", label="URL", form=True, dossier="line"),
        F("notes", "text", label="Notes", form=True, widget="longtext", dossier="long", search="text"),
        F("short", "text", label="Cited as"),
        F("paragraphs", "text", label="Text", many=True, dossier="count", noun="paragraph", search="text"),
        F("text_format", "choice", label="Text format", choices=m.TEXT_FORMATS),
        F("pages", "count", label="Pages", many=True),
    ],
    "actors": [
        _ID,
        F("name", "text", True, "Name", form=True, dossier="title", search="name", stix="name"),
        F("kind", "choice", True, "Kind", choices=m.ACTOR_KINDS, form=True, dossier="tag"),
        replace(_ALIASES, report="Aliases"),
        replace(_SUMMARY, report="Summary"),
        F("role", "text", label="Role", form_label="Role or title", form=True, dossier="line", report="Role",
          search="text"),
        F("nationality", "text", label="Nationality", form=True, dossier="line", report="Nationality"),
        # Free text that names a place when one exists: the dossier row opens it.
        F("base", "text", label="Base", form_label="Based in", tables=("places",), form=True, dossier="ref",
          report="Base"),
        F("active", "date", label="Active", form=True, dossier="date", report="Active", stix="first_seen"),
        F("born", "date", label="Born", form_label="Born (people)", form=True, dossier="date"),
        F("died", "date", label="Died", form_label="Died (people)", form=True, dossier="date"),
        F("descriptive_name", "bool", label="Descriptive name",
          form_label="The name is our description (sources give none)", form=True, dossier="flag"),
        _FACTS,
        _CITE,
    ],
    "places": [
        _ID,
        F("name", "text", True, "Name", form=True, dossier="title", search="name", stix="name"),
        F("kind", "choice", True, "Kind", choices=m.PLACE_KINDS, form=True, dossier="tag"),
        replace(_ALIASES, stix=""),  # a STIX location has no aliases
        F("country", "ref", label="Country", tables=("places",), form=True, dossier="ref"),
        F("within", "ref", label="Within", tables=("places",), form=True, dossier="ref"),
        # The form asks for it as two numbers, Latitude and Longitude (see editing.FORMS).
        F("coords", "coords", label="Coordinates", struct="coords", form=True, stix="latitude"),
        _SUMMARY,
        _FACTS,
        _CITE,
    ],
    "events": [
        _ID,
        F("title", "text", True, "Title", form=True, dossier="title", report="Event", search="name",
          csv="tags", stix="name"),
        F("date", "date", True, "Date", form=True, dossier="date", report="Date", csv="event_date", stix="published"),
        F("type", "choice", label="Type", choices=m.EVENT_TYPES, form=True, dossier="tag", csv="event_type",
          stix="report_types"),
        # The report's Place column shows `place` or `places` (model.event_places).
        F("place", "ref", label="Place", tables=("places",), form=True, dossier="ref", report="Place",
          csv="location", stix="object_refs"),
        F("places", "ref", label="Place", many=True, min_items=1, tables=("places",), dossier="refs",
          csv="location", stix="object_refs"),
        replace(_SUMMARY, csv="notes"),
        F("actors", "object", label="Actors", many=True, struct="event_actor", dossier="section", csv="actor1",
          stix="object_refs"),
        F("casualties", "object", label="Casualties", many=True, struct="casualty", dossier="section",
          report="Casualties", csv="fatalities"),
        _FACTS,
        replace(_CITE, csv="source"),
    ],
    "relations": [
        _ID,
        F("from", "ref", True, "From", tables=("actors",), form=True, stix="source_ref"),
        F("type", "choice", True, "Relation", choices=tuple(m.RELATION_TYPES), form=True, dossier="tag",
          stix="relationship_type"),
        # An actor, or an event for `claimed` (validate checks which by the type).
        F("to", "ref", True, "To", tables=("actors", "events"), form=True, hint="an event only for 'claimed'",
          stix="target_ref"),
        F("start", "date", label="Since", form=True, stix="start_time"),
        F("end", "date", label="Until", form=True, stix="stop_time"),
        F("ended_by", "ref", label="Ended by", tables=("actors",), form=True, hint="who ended it, if the sources say"),
        _SUMMARY,
        _FACTS,
        _CITE,
    ],
    "quotes": [
        _ID,
        F("speaker", "ref", True, "Speaker", tables=("actors",), form=True),
        F("text", "text", True, "Words", form_label="Words, verbatim and short", form=True, widget="longtext",
          dossier="title", search="text"),
        F("role", "text", label="Role", form_label="Their role when they said it", form=True, dossier="line",
          search="text"),
        F("date", "date", label="Date", form_label="When said", form=True, dossier="date"),
        F("context", "text", label="Context", form_label="Context, in your own words", form=True, search="text"),
        replace(_CITE, stix=""),  # quotations are not exported to STIX
    ],
    "changes": [
        _ID,
        F("who", "text", True, "Who"),
        F("when", "timestamp", True, "When"),
        F("action", "choice", True, "Action", choices=m.CHANGE_ACTIONS),
        F("record", "text", True, "Record"),  # "table/id" in words: the record may since be deleted
        F("fields", "text", label="Fields", many=True),
    ],
}

# The fields of objects nested in records.
STRUCTS: dict[str, list[FieldSpec]] = {
    "citation": [
        F("source", "ref", True, "Source", tables=("sources",)),
        F("loc", "text", label="Where in the source"),
    ],
    "claim": [
        F("text", "text", True, "Claim", search="text"),
        # Optional: a claim may rest on its record's citation (an imported row cites the row once);
        # each claim of a contested fact must cite its own (validate._contested_has_sides).
        F("cite", "object", label="Sources", many=True, min_items=1, struct="citation"),
        F("value", "value", label="Value"),
        F("unit", "text", label="Unit", search="text"),
        F("by", "ref", label="Claimed by", tables=("actors",)),
        F("credibility", "choice", label="Credibility", choices=m.CREDIBILITY_GRADES),
    ],
    "fact": [
        F("about", "text", True, "About", search="text"),
        F("claims", "object", True, "Claims", many=True, min_items=1, struct="claim"),
        F("date", "date", label="Date"),
        F("contested", "bool", label="Contested"),
    ],
    "alias": [
        F("name", "text", True, "Name"),
        F("lang", "text", label="Language"),
        F("script", "text", label="Script"),
        F("translit", "text", label="Transliteration"),
        F("start", "date", label="Used from"),
        F("end", "date", label="Used until"),
    ],
    "event_actor": [
        F("actor", "ref", True, "Actor", tables=("actors",)),
        F("role", "choice", True, "Role", choices=m.EVENT_ROLES),
        F("cite", "object", label="Sources", many=True, min_items=1, struct="citation"),
    ],
    "casualty": [
        F("kind", "choice", True, "Kind", choices=m.CASUALTY_KINDS),
        F("count", "count", True, "Count"),
        F("cite", "object", label="Sources", many=True, min_items=1, struct="citation"),  # else the event's
        F("qualifier", "choice", label="Qualifier", choices=m.CASUALTY_QUALIFIERS),
        F("who", "text", label="Whose", search="text"),
        F("counted_by", "text", label="Counted by", search="text"),
        F("tally", "text", label="Tally", search="text"),
    ],
    "coords": [
        F("lat", "number", True, "Latitude"),
        F("lon", "number", True, "Longitude"),
    ],
}

# Consumers that derive something from the tables once (validate, editing) register here to
# derive it again when a field is added (`added_field`, for tests and plugins).
_listeners: list[Callable[[], None]] = []
generation = 0  # bumped on every change: a cache keyed by it is never stale


def fields(table: str) -> list[FieldSpec]:
    """The fields of a table (or of a STRUCTS object), in order."""
    return TABLES[table] if table in TABLES else STRUCTS[table]


def field(table: str, name: str) -> FieldSpec:
    """One field by name (KeyError when the table has none such)."""
    for f in fields(table):
        if f.name == name:
            return f
    raise KeyError(f"{table}.{name}")


def required(table: str) -> tuple[str, ...]:
    return tuple(f.name for f in fields(table) if f.required)


def dossier_rows(table: str) -> list[FieldSpec]:
    """The fields the dossier draws as rows, in the order it draws them (row style, then table order)."""
    rows = [f for f in fields(table) if f.dossier in ROWS]
    return sorted(rows, key=lambda f: ROWS.index(f.dossier))  # stable: table order within a style


def report_fields(table: str) -> list[FieldSpec]:
    """The fields the report shows, in the order it shows them (see REPORT_ORDER)."""
    shown = [f for f in fields(table) if f.report]
    return sorted(shown, key=lambda f: REPORT_ORDER.index(f.dossier) if f.dossier in REPORT_ORDER else len(REPORT_ORDER))


def search_signature() -> str:
    """Every searched field path, as one string: a derived index built under another is stale."""
    return ";".join(f"{t}.{f.name}:{f.search}" for t, fs in {**TABLES, **STRUCTS}.items() for f in fs if f.search)


def on_change(listener: Callable[[], None]) -> None:
    """Call `listener()` now and after every change to the tables."""
    _listeners.append(listener)
    listener()


def _changed() -> None:
    global generation
    generation += 1
    for listener in _listeners:
        listener()


@contextmanager
def added_field(table: str, spec: FieldSpec) -> Iterator[FieldSpec]:
    """The tables with one more field at the end of `table`, for the time of the `with` block:
    what a new line in TABLES does, without editing this file (the test of adding a field uses it)."""
    if any(f.name == spec.name for f in fields(table)):
        raise ValueError(f"{table} already has a field {spec.name!r}")
    fields(table).append(spec)
    _changed()
    try:
        yield spec
    finally:
        fields(table).remove(spec)
        _changed()
