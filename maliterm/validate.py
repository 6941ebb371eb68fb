"""Check a loaded database against the data model, reporting every problem at once.

Each problem names the file, the record (`table/id.field`), what is wrong and what
was expected, so a person can fix a hand-edited file without reading our code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from typing import Any

from maliterm import dates, schema
from maliterm import model as m
from maliterm.errors import Problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SLUG_HINT = "a slug: lower-case a-z, 0-9 and '-', at most 80 characters"
# A document is held as a list of paragraphs (a source's `paragraphs`), never as one string; a
# longer string is a broken or hostile file, and would stall every screen that shows it.
MAX_TEXT = 100_000

# A check yields (path below the value, what is wrong, what was expected) for one value;
# the path is "" for the value itself, ".field" or "[2]" (and so on) for its parts.
# A check may also carry `ok(value, ctx) -> bool`, the same rule as one expression: whole-file
# validation runs those (the generators cost 3-4x more at 100k records) and asks the check
# itself for its messages only when `ok` says no. `ok` must never accept what the check rejects.
Findings = Iterator[tuple[str, str, str]]
Check = Callable[[object, "Context"], Findings]
Ok = Callable[[Any, "Context"], bool]


def _ok(check: Check) -> Ok:
    """The check's fast predicate; for a check without one, "yields nothing"."""
    ok: Ok | None = getattr(check, "ok", None)
    return ok or (lambda v, ctx: next(iter(check(v, ctx)), None) is None)


def with_ok(check: Check, ok: Ok) -> None:
    """Give `check` its fast predicate, read back by `_ok` (an attribute of a function: typed here once)."""
    setattr(check, "ok", ok)


class Context:
    """What checks need beyond the value: the ids of every table, for references."""

    def __init__(self, ids: dict[str, Collection[str]]) -> None:
        self.ids = ids


def _type_name(v: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false",
            int: "a number", float: "a number", type(None): "null"}.get(type(v), type(v).__name__)


def text(v: Any, ctx: Context) -> Findings:
    if not isinstance(v, str):
        yield "", f"is {_type_name(v)}", "a string"
    elif not v.strip():
        yield "", "is empty", "some text"
    elif len(v) > MAX_TEXT:
        yield "", f"is {len(v):,} characters long", f"at most {MAX_TEXT:,} characters"


with_ok(text, lambda v, ctx: type(v) is str and len(v) <= MAX_TEXT and not (v.isspace() or not v))


def boolean(v: Any, ctx: Context) -> Findings:
    if not isinstance(v, bool):
        yield "", f"is {_type_name(v)}", "true or false"


with_ok(boolean, lambda v, ctx: v is True or v is False)


def date(v: Any, ctx: Context) -> Findings:
    if not isinstance(v, str):
        yield "", f"is {_type_name(v)}", f"a date string: {dates.FORMAT_HINT}"
    elif why := dates.problem(v):
        yield "", why, dates.FORMAT_HINT


with_ok(date, lambda v, ctx: type(v) is str and dates.problem(v) is None)


def timestamp(v: Any, ctx: Context) -> Findings:
    """A moment in UTC, ISO 8601 with a Z (the change log's `when`)."""
    ok = isinstance(v, str) and v.endswith("Z")
    if ok:
        try:
            datetime.fromisoformat(v)
        except ValueError:
            ok = False
    if not ok:
        yield "", f"is {v!r}", "a UTC time like 2024-05-01T12:30:00.000000Z"


def one_of(choices: tuple[object, ...]) -> Check:
    def check(v: Any, ctx: Context) -> Findings:
        if v not in choices:
            yield "", f"is {v!r}", "one of " + ", ".join(map(str, choices))
    with_ok(check, lambda v, ctx: v in choices)
    return check


def ref(*tables: str) -> Check:
    def check(v: Any, ctx: Context) -> Findings:
        if not isinstance(v, str):
            yield "", f"is {_type_name(v)}", f"the id of a record in {' or '.join(tables)}"
        elif not any(v in ctx.ids.get(t, ()) for t in tables):
            # Name the table it is in, if any: "does not exist" would send the reader looking for a typo.
            elsewhere = next((t for t, ids in ctx.ids.items() if v in ids), None)
            why = f"which is in {elsewhere}" if elsewhere else "which does not exist"
            yield "", f"refers to {v!r}, {why}", f"the id of a record in {' or '.join(tables)}"
    if len(tables) == 1:
        with_ok(check, lambda v, ctx: type(v) is str and v in ctx.ids.get(tables[0], ()))
    else:
        with_ok(check, lambda v, ctx: type(v) is str and any(v in ctx.ids.get(t, ()) for t in tables))
    return check


def list_of(item: Check, min_len: int = 0) -> Check:
    def check(v: Any, ctx: Context) -> Findings:
        if not isinstance(v, list):
            yield "", f"is {_type_name(v)}", "a list"
            return
        if len(v) < min_len:
            yield "", f"has {len(v)} items", f"at least {min_len}"
        for i, x in enumerate(v):
            for sub, what, expected in item(x, ctx):
                yield f"[{i}]{sub}", what, expected
    item_ok = _ok(item)

    def ok(v: Any, ctx: Context) -> bool:
        if type(v) is not list or len(v) < min_len:
            return False
        for x in v:  # a plain loop: all() over a generator costs twice as much here
            if not item_ok(x, ctx):
                return False
        return True
    with_ok(check, ok)
    return check


def obj(fields: dict[str, Check], required: tuple[str, ...] = ()) -> Check:
    def check(v: Any, ctx: Context) -> Findings:
        if not isinstance(v, dict):
            yield "", f"is {_type_name(v)}", "an object"
            return
        yield from check_fields(v, fields, required, ctx)
    with_ok(check, fields_ok(fields, required))
    return check


def fields_ok(fields: dict[str, Check], required: tuple[str, ...]) -> Ok:
    """`check_fields` as one predicate: an object with every required field and only known ones, all valid."""
    oks = {name: _ok(spec) for name, spec in fields.items()}
    need = frozenset(required)

    def ok(v: Any, ctx: Context) -> bool:
        if type(v) is not dict or not need <= v.keys() or not v.keys() <= oks.keys():
            return False
        for k, x in v.items():
            if not oks[k](x, ctx):
                return False
        return True
    return ok


def check_fields(record: dict[str, Any], fields: dict[str, Check], required: tuple[str, ...], ctx: Context) -> Findings:
    for name in required:
        if name not in record:
            yield f".{name}", "is missing", "a value"
    for name, value in record.items():
        spec = fields.get(name)
        if spec is None:
            yield f".{name}", "is not a known field", "one of " + ", ".join(sorted(fields))
            continue
        for sub, what, expected in spec(value, ctx):
            yield f".{name}{sub}", what, expected


def number(v: Any, ctx: Context) -> Findings:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        yield "", f"is {_type_name(v)}", "a number"


with_ok(number, lambda v, ctx: type(v) is int or type(v) is float)


def count(v: Any, ctx: Context) -> Findings:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        yield "", f"is {v!r}", "a whole number, 0 or more"


with_ok(count, lambda v, ctx: type(v) is int and v >= 0)


def value(v: Any, ctx: Context) -> Findings:
    if isinstance(v, bool) or not isinstance(v, (int, float, str)):
        yield "", f"is {_type_name(v)}", "a number or a string"


with_ok(value, lambda v, ctx: type(v) in (int, float, str))


def coords(v: Any, ctx: Context) -> Findings:
    if not isinstance(v, dict) or set(v) != {"lat", "lon"}:
        yield "", f"is {v!r}", "an object {\"lat\": number, \"lon\": number}"
        return
    lat, lon = v["lat"], v["lon"]
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (lat, lon)):
        yield "", "has a non-number", "numbers"
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        yield "", f"is out of range ({lat}, {lon})", "lat -90..90, lon -180..180"


def _contested_has_sides(base: Check) -> Check:
    """A fact's check: its fields, and a contested fact with a claim for each side, each citing its own
    source (a claim elsewhere may rest on its record's citation: docs/data-model.md, "Citations")."""
    def fact(v: Any, ctx: Context) -> Findings:
        yield from base(v, ctx)
        if isinstance(v, dict) and v.get("contested") and isinstance(v.get("claims"), list):
            if len(v["claims"]) < 2:
                yield ".contested", "is true with one claim", "at least two claims, one for each side"
            for i, claim in enumerate(v["claims"]):
                if isinstance(claim, dict) and "cite" not in claim:
                    yield f".claims[{i}].cite", "is missing", "a citation of its own: each side of a contested fact says its source"
    base_ok = _ok(base)
    with_ok(fact, lambda v, ctx: base_ok(v, ctx) and not (v.get("contested") and (
        len(v["claims"]) < 2 or any("cite" not in c for c in v["claims"]))))
    return fact


def _name_or_alias(base: Check) -> Check:
    """A plain name, or an object that says its language, script and when it was used."""
    def alias(v: Any, ctx: Context) -> Findings:
        if isinstance(v, str):
            yield from text(v, ctx)
            return
        yield from base(v, ctx)
        if isinstance(v, dict):
            yield from _in_order(v, "start", "end")
    base_ok, text_ok = _ok(base), _ok(text)
    with_ok(alias, lambda v, ctx: text_ok(v, ctx) if type(v) is str
            else base_ok(v, ctx) and not next(_in_order(v, "start", "end"), None))
    return alias


def _in_order(rec: dict[str, Any], first: str, then: str) -> Iterator[tuple[str, str, str]]:
    """`then` is not before `first` (when both are valid dates)."""
    a, b = rec.get(first), rec.get(then)
    if isinstance(a, str) and isinstance(b, str) and not dates.problem(a) and not dates.problem(b):
        if dates.latest(b) < dates.earliest(a):
            yield f".{then}", f"{b!r} is before .{first} {a!r}", f"{'an end' if then == 'end' else 'a date'} on or after the {first}"


# The check of each kind of value (schema.KINDS) that takes no parameter.
_BY_KIND: dict[str, Check] = {"text": text, "date": date, "timestamp": timestamp, "bool": boolean,
                              "number": number, "count": count, "value": value, "coords": coords}
# Rules of a nested object beyond its fields' own checks.
_STRUCT_RULES: dict[str, Callable[[Check], Check]] = {"fact": _contested_has_sides}
# A relation's `to` is an actor or an event by its type: `_relation_extra` checks which.
_OVERRIDES: dict[tuple[str, str], Check] = {("relations", "to"): text}


def check_of(spec: schema.FieldSpec) -> Check:
    """The check of one field's value, from its line in the schema."""
    one: Check
    if spec.kind == "choice":
        one = one_of(spec.choices)
    elif spec.kind == "ref":
        one = ref(*spec.tables)
    elif spec.kind == "alias":
        one = _name_or_alias(_struct("alias"))
    elif spec.kind == "object":
        one = _struct(spec.struct)
    else:
        one = _BY_KIND[spec.kind]
    return list_of(one, spec.min_items) if spec.many else one


def specs_of(table: str) -> tuple[dict[str, Check], tuple[str, ...]]:
    """(field -> check, required fields) of a table or nested object of the schema. A record's
    `id` is not in the required ones: `validate` checks it against the record's key, which says more."""
    checks = {f.name: _OVERRIDES.get((table, f.name)) or check_of(f) for f in schema.fields(table)}
    return checks, tuple(name for name in schema.required(table) if not (name == "id" and table in schema.TABLES))


def _struct(name: str) -> Check:
    check = obj(*specs_of(name))
    return _STRUCT_RULES[name](check) if name in _STRUCT_RULES else check


# table -> (field -> check, required fields): derived from the schema (again when a field is added).
SPECS: dict[str, tuple[dict[str, Check], tuple[str, ...]]] = {}


def _relation_extra(rec: dict[str, Any], ctx: Context) -> Iterator[tuple[str, str, str]]:
    """`to` points at an event for claims and at an actor otherwise; a group cannot split from itself."""
    kind = rec.get("type")
    target = ("events",) if kind in m.EVENT_RELATION_TYPES else ("actors",)
    if "to" in rec:
        for _, what, expected in ref(*target)(rec["to"], ctx):
            yield ".to", what, expected
    if rec.get("from") is not None and rec.get("from") == rec.get("to"):
        yield ".to", "is the same as .from", "two different records"
    yield from _in_order(rec, "start", "end")
    if "ended_by" in rec and "end" not in rec:
        yield ".ended_by", "is set on a relation with no .end", "an .end date for what was ended"


def _actor_extra(rec: dict[str, Any], ctx: Context) -> Iterator[tuple[str, str, str]]:
    """Only people are born and die, and not in the wrong order."""
    for name in ("born", "died"):
        if name in rec and rec.get("kind") != "person":
            yield f".{name}", f"is set on an actor of kind {rec.get('kind')!r}", "born and died only on a person"
    yield from _in_order(rec, "born", "died")


def _event_extra(rec: dict[str, Any], ctx: Context) -> Iterator[tuple[str, str, str]]:
    """One way to say where: `place` for one, `places` for several."""
    if "place" in rec and "places" in rec:
        yield ".places", "is set beside .place", "either .place (one place) or .places (several), not both"


# Rules across fields of one record, beyond each field's own check.
EXTRA = {"relations": _relation_extra, "actors": _actor_extra, "events": _event_extra}


def validate(data: object, path: str, only: Collection[tuple[str, str]] | None = None) -> list[Problem]:
    """Every problem in a loaded database, in file order; an empty list means it is valid.

    `only` (table, id) pairs limit the record checks to those records, for an edit that adds or
    replaces them in a database known to be valid: with no id gone, no other record can have
    gained a problem (ids and duplicates are still checked across the whole file).
    """
    if not isinstance(data, dict):
        return [Problem(path, "", f"the top level is {_type_name(data)}", "an object of tables")]
    problems: list[Problem] = []
    ids: dict[str, Collection[str]] = {}
    owner: dict[str, str] = {}
    touched_ids = None if only is None else {k for _, k in only}
    for table, records in data.items():
        if table == "_default" and records == {}:
            continue  # TinyDB's own empty default table is harmless
        if table not in SPECS:
            problems.append(Problem(path, table, "is not a known table", "one of " + ", ".join(m.TABLES)))
            continue
        if not isinstance(records, dict):
            problems.append(Problem(path, table, f"is {_type_name(records)}", "an object of records keyed by id"))
            continue
        ids[table] = records.keys()  # a view: an edit at 100k events must not copy every id
        # Untouched ids were unique already: only a touched one can clash.
        for key in records if touched_ids is None else [k for k in touched_ids if k in records]:
            if table != "meta" and key in owner:
                problems.append(Problem(path, f"{table}/{key}", f"duplicate id: also in {owner[key]}",
                                        "ids unique across all tables"))
            owner.setdefault(key, table)
    if "meta" not in data:
        problems.append(Problem(path, "meta", "is missing", f"a meta table with schema_version {m.SCHEMA_VERSION}"))
    ctx = Context(ids)
    for table in SPECS:
        records = data.get(table)
        if not isinstance(records, dict):
            continue
        keys = records if only is None else [k for t, k in only if t == table and k in records]
        for key in keys:
            rec = records[key]
            where = f"{table}/{key}"
            if not isinstance(rec, dict):
                problems.append(Problem(path, where, f"is {_type_name(rec)}", "an object"))
                continue
            if not SLUG.match(key):
                problems.append(Problem(path, where, f"id {key!r} is not a slug", SLUG_HINT))
            if rec.get("id") != key:
                problems.append(Problem(path, where + ".id", f"is {rec.get('id')!r}, not its key {key!r}",
                                        "the same slug as the record's key"))
            if _record_ok(table, rec, ctx):
                continue
            found = record_problems(table, rec, ctx)
            problems.extend(Problem(path, where + sub, what, expected) for sub, what, expected in found)
    places = data.get("places")
    if isinstance(places, dict) and (only is None or any(t == "places" for t, _ in only)):
        problems.extend(Problem(path, f"places/{pid}.within", what, expected)
                        for pid, what, expected in _within_cycles(places))
    return problems


def _within_cycles(places: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """One problem per cycle of places each `within` the next (a place inside itself, at any depth),
    named at its smallest id: every place-in-place walk would go round it forever."""
    done: set[str] = set()
    for start in places:
        chain: dict[str, None] = {}
        pid = start
        while isinstance(pid, str) and pid not in done and pid not in chain and isinstance(places.get(pid), dict):
            chain[pid] = None
            pid = places[pid].get("within")
        if pid in chain:  # the walk came back to a place it had passed: a cycle
            ring = list(chain)[list(chain).index(pid):]
            first = min(ring)
            at = ring.index(first)
            ring = ring[at:] + ring[:at]
            yield first, "makes a cycle: " + " within ".join([*ring, first]), "a place not inside itself"
        done.update(chain)


_FAST: dict[str, Callable[[object, Context], bool]] = {}


def _derive() -> None:
    """SPECS from the schema's tables, in place (importers hold the dict)."""
    SPECS.clear()
    SPECS.update({table: specs_of(table) for table in schema.TABLES})
    _FAST.clear()


schema.on_change(_derive)


def _record_ok(table: str, rec: dict[str, Any], ctx: Context) -> bool:
    """True only when `record_problems` would find nothing; fast, for whole files."""
    if table == "meta":
        return False  # one record, with its own rule: the full check costs nothing
    if table not in _FAST:
        _FAST[table] = fields_ok(*SPECS[table])
    ok = _FAST[table](rec, ctx)
    return ok and not (table in EXTRA and next(EXTRA[table](rec, ctx), None))


def record_problems(table: str, rec: dict[str, Any], ctx: Context) -> list[tuple[str, str, str]]:
    """The problems in one record's fields, as (".field" path, what, expected)."""
    fields, required = SPECS[table]
    found = list(check_fields(rec, fields, required, ctx))
    if table in EXTRA:
        found += EXTRA[table](rec, ctx)
    if table == "meta" and isinstance(rec.get("schema_version"), int) and rec["schema_version"] > m.SCHEMA_VERSION:
        found.append((".schema_version", f"is {rec['schema_version']}",
                      f"{m.SCHEMA_VERSION} or lower: this file needs a newer maliterm"))
    if table == "meta" and isinstance(rec.get("schema_version"), int) and rec["schema_version"] < 1:
        found.append((".schema_version", f"is {rec['schema_version']}", f"1 to {m.SCHEMA_VERSION}: no maliterm wrote it"))
    return found
