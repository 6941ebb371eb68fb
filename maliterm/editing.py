"""What the edit forms ask for, how typed values become a record, and new slugs.

No Textual here: the forms in `ui/dialogs/record_form.py` are drawn from these specs,
and the conversion and checks are tested without a UI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from maliterm import dates, schema
from maliterm import model as m
from maliterm.lists import split_list
from maliterm.slugs import unique_slug


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str  # text, longtext, date, choice, ref, list, bool, number
    required: bool = False
    choices: tuple[str | int, ...] = ()
    tables: tuple[str, ...] = ()  # for refs: which tables the picker offers
    hint: str = ""


CITE_FIELDS = (
    Field("cite_source", "Source", "ref", tables=("sources",), hint="pick the source this comes from"),
    Field("cite_loc", "Where in the source", "text", hint="e.g. para 12, p. 4"),
)

# A field's form widget by its kind in the schema, where the schema gives no `widget`.
_WIDGETS = {"choice": "choice", "ref": "ref", "bool": "bool", "date": "date", "number": "number", "count": "number"}
# What a form asks for beyond the schema's fields (`build` turns them into the record's):
# the coordinates as two numbers, and an event's first actor with its role.
COORD_FIELDS = (
    Field("lat", "Latitude", "number", hint="-90 to 90; leave empty rather than guess"),
    Field("lon", "Longitude", "number", hint="-180 to 180"),
)
FORM_EXTRAS: dict[str, tuple[Field, ...]] = {"events": (
    Field("add_actor", "Add an actor", "ref", tables=("actors",), hint="optional: someone involved"),
    Field("add_role", "Their role", "choice", False, m.EVENT_ROLES),
)}
FORM_ONLY = frozenset(f.name for f in COORD_FIELDS + FORM_EXTRAS["events"])  # fields no record holds


def form_field(spec: schema.FieldSpec) -> Field:
    """How the form asks for one schema field."""
    kind = spec.widget or ("list" if spec.many else _WIDGETS.get(spec.kind, "text"))
    hint = spec.hint or (dates.FORMAT_HINT if spec.kind == "date" else "")
    return Field(spec.name, spec.asked_as, kind, spec.required, spec.choices, spec.tables, hint)


def _form(table: str) -> tuple[Field, ...]:
    out: list[Field] = []
    for spec in schema.fields(table):
        if spec.form:
            out.extend(COORD_FIELDS if spec.kind == "coords" else (form_field(spec),))
    return (*out, *FORM_EXTRAS.get(table, ()))


# table -> its form: derived from the schema's `form` fields (again when a field is added).
FORMS: dict[str, tuple[Field, ...]] = {}


def _derive() -> None:
    FORMS.clear()
    FORMS.update({t: _form(t) for t in schema.TABLES if any(f.form for f in schema.fields(t))})


schema.on_change(_derive)

CLAIM_FIELDS = (
    Field("about", "About (what the fact is)", "text", True),
    Field("date", "When it holds", "date", hint=dates.FORMAT_HINT),
    Field("text", "The claim, in your own words", "longtext", True),
    Field("value", "Value (a number or short text)", "text"),
    Field("unit", "Unit", "text"),
    Field("by", "Claimed by", "ref", tables=("actors",)),
    Field("credibility", "Credibility (1 confirmed ... 6 cannot be judged)", "choice", False, m.CREDIBILITY_GRADES),
)

TITLES = {"actors": "actor", "places": "place", "events": "event", "relations": "relation",
          "quotes": "quotation", "sources": "source"}


def fields_for(table: str) -> tuple[Field, ...]:
    """The form of a table; every table but sources asks where the record comes from."""
    return FORMS[table] + (CITE_FIELDS if table != "sources" else ())


def problem(field: Field, value: object) -> str | None:
    """What is wrong with one field's value as typed, for the message beside it."""
    empty = value is None or value == "" or value == []
    if empty:
        return f"{field.label} is required" if field.required else None
    if field.kind == "date" and (why := dates.problem(value)):
        return f"{why} (expected {dates.FORMAT_HINT})"
    if field.kind == "number":
        try:
            float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return f"{value!r} is not a number"
    return None


def number(typed: object) -> int | float:
    """A typed number as the record holds it: `12` an int, `12.5` a float (`problem` has checked it)."""
    text = str(typed).strip()
    return int(text) if text.lstrip("-").isdigit() else float(text)


def values_of(table: str, record: dict[str, Any]) -> dict[str, Any]:
    """The form's starting values for an existing record."""
    values = {f.name: record.get(f.name) for f in FORMS[table]}
    if "aliases" in values and record.get("aliases"):
        values["aliases"] = [m.alias_name(a) for a in record["aliases"]]  # the box edits names
    if table == "places" and record.get("coords"):
        values["lat"], values["lon"] = record["coords"]["lat"], record["coords"]["lon"]
    return values


def build(table: str, values: dict[str, Any], original: dict[str, Any] | None, taken: set[str] | dict[str, Any]) -> dict[str, Any]:
    """The record to save: the original with the form's fields applied, empty ones removed."""
    record = dict(original or {})
    for f in FORMS[table]:
        if f.name in FORM_ONLY:
            continue
        v = values.get(f.name)
        if v in (None, "", []) or v is False:
            record.pop(f.name, None)
        elif f.name == "aliases":
            record[f.name] = keep_alias_details(split_list(v) if isinstance(v, str) else list(v),
                                                (original or {}).get("aliases", []))
        elif f.kind == "list":
            record[f.name] = split_list(v) if isinstance(v, str) else list(v)
        elif f.kind == "number":
            record[f.name] = number(v)
        else:
            record[f.name] = v
    if table == "places":
        lat, lon = values.get("lat"), values.get("lon")
        if lat not in (None, "") and lon not in (None, ""):
            record["coords"] = {"lat": float(lat), "lon": float(lon)}
        else:
            record.pop("coords", None)
    if values.get("cite_source"):
        cite = {"source": values["cite_source"]}
        if values.get("cite_loc"):
            cite["loc"] = values["cite_loc"]
        if cite not in record.get("cite", []):
            record["cite"] = [*record.get("cite", []), cite]
    if table == "events" and values.get("add_actor"):
        entry = {"actor": values["add_actor"], "role": values.get("add_role") or "participant"}
        if values.get("cite_source"):
            entry["cite"] = [record["cite"][-1]]
        record["actors"] = [*record.get("actors", []), entry]
    if "id" not in record:
        label = record.get("name") or record.get("title") or (
            f"{record.get('from')}-{record.get('type')}-{record.get('to')}" if table == "relations"
            else f"{record.get('speaker', 'quote')}-quote")
        record["id"] = unique_slug(str(label), taken)
    return record


def keep_alias_details(names: list[str], before: list[Any]) -> list[Any]:
    """The typed aliases, each one still named as before keeping its language, script and period."""
    details = {a["name"]: a for a in before if isinstance(a, dict)}
    return [details.get(n, n) if isinstance(n, str) else n for n in names]


def add_claim(record: dict[str, Any], values: dict[str, Any], fact_index: int | None) -> dict[str, Any]:
    """The record with a claim added: to fact `fact_index` (which becomes contested) or as a new fact."""
    claim: dict[str, Any] = {"text": values["text"], "cite": [{"source": values["cite_source"]}]}
    if values.get("cite_loc"):
        claim["cite"][0]["loc"] = values["cite_loc"]
    for key in ("unit", "by", "credibility"):
        if values.get(key) not in (None, ""):
            claim[key] = values[key]
    if values.get("value") not in (None, ""):
        v = values["value"]
        try:
            claim["value"] = number(v)
        except ValueError:
            claim["value"] = v
    facts = [dict(f) for f in record.get("facts", [])]
    if fact_index is None:
        fact = {"about": values["about"], "claims": [claim]}
        if values.get("date"):
            fact["date"] = values["date"]
        facts.append(fact)
    else:
        fact = facts[fact_index]
        fact["claims"] = [*fact["claims"], claim]
        fact["contested"] = True  # a second claim with its own source is the other side
    return {**record, "facts": facts}


# ---- field-level edits -----------------------------------------------------------------------

def form_value(field: Field, value: object) -> object:
    """A field's value as the form holds it, so a record's value and a typed one compare equal
    when they mean the same (a list and "a, b"; None and ""; 12.5 and "12.5")."""
    if field.kind == "list":
        return split_list(value) if isinstance(value, str) else list(value) if isinstance(value, Iterable) else []
    if field.kind == "bool":
        return bool(value)
    if field.kind in ("choice", "ref"):
        return value if value not in ("", None) else None
    return "" if value is None else str(value).strip()


def changed_fields(fields: tuple[Field, ...], before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[object, object]]:
    """{field: (old, new)} for the fields the user changed in a form that started from `before`."""
    out = {}
    for f in fields:
        old, new = form_value(f, before.get(f.name)), form_value(f, after.get(f.name))
        if old != new:
            out[f.name] = (old, new)
    return out


def apply_changes(table: str, current: dict[str, Any] | None, changes: dict[str, tuple[object, object]],
                  taken: set[str] | dict[str, Any], mine: frozenset[str] = frozenset(), path: str = "") -> dict[str, Any]:
    """`current` (the record as it is at the save) with only the changed fields set to their new value.

    A field changed by the user that someone else changed meanwhile (its value now is neither
    what the form started from nor what the user typed) is a `Conflict`, unless it is in `mine`
    (the user chose to save theirs over it). Nothing is ever overwritten silently."""
    from maliterm.errors import Conflict, MalitermError

    if current is None:
        raise MalitermError("deleted meanwhile", msg="The record was deleted meanwhile (by an undo, or in the file): "
                            "nothing saved. Add it again if it is still needed.")
    fields = {f.name: f for f in fields_for(table)}
    now = values_of(table, current)
    conflicts = {}
    for name, (old, new) in changes.items():
        f = fields[name]
        if name in now and name not in mine:
            theirs = form_value(f, now[name])
            if theirs not in (old, new):
                conflicts[name] = (old, theirs, new)
    if conflicts:
        raise Conflict(f"{table}/{current['id']}", conflicts, path)
    values = {**now, **{name: new for name, (_, new) in changes.items()}}
    return build(table, values, current, taken)
