"""The record types of a maliterm database and their vocabularies.

Records stay plain dicts (what TinyDB stores and orjson loads): converting 100k
events into objects at load would cost more than the parse itself. The TypedDicts
document their shape for readers and type checkers; `validate` enforces it.
See docs/data-model.md for the meaning of each field.
"""

from __future__ import annotations

from typing import Any, NamedTuple, NotRequired, TypedDict

SCHEMA_VERSION = 2  # what this code writes and reads up to; `migrate` brings older files up

# `changes` is the change log the store appends to on every edit (who, when, what).
TABLES = ("meta", "sources", "actors", "places", "events", "relations", "quotes", "changes")
# Tables whose records the user browses by name, in the order search results list them.
NAMED_TABLES = ("actors", "events", "places", "sources")

ACTOR_KINDS = (
    "person", "armed_group", "state", "armed_force", "intl_org", "ngo", "company", "operation", "coalition",
    "other",
)
# admin1 > admin2 > admin3: a country's first, second and third administrative levels, as ACLED names
# them (a Malian région, cercle, commune; a Syrian governorate, district, subdistrict).
PLACE_KINDS = (
    "country", "region", "admin1", "admin2", "admin3", "city", "town", "village", "building", "valley",
    "area", "border_crossing", "other",
)
SOURCE_KINDS = ("article", "report", "book", "dataset", "interview", "statement", "other")
EVENT_TYPES = (
    "attack", "hostage_taking", "battle", "airstrike", "kidnapping", "military_operation",
    "political", "statement", "offensive", "territorial_change", "designation", "other",
)
EVENT_ROLES = (
    "perpetrator", "suspected_perpetrator", "target", "victim", "responder", "commander",
    "witness", "participant",
)
CASUALTY_KINDS = ("killed", "wounded", "hostages", "freed", "missing")
CASUALTY_QUALIFIERS = ("exact", "at_least", "about", "more_than", "up_to")
# Where a source's `paragraphs` came from (see maliterm/paragraphs.py for how each is split).
TEXT_FORMATS = ("text", "markdown", "html", "pdf")
RELIABILITY_GRADES = ("A", "B", "C", "D", "E", "F")  # Admiralty scale: source reliability
CREDIBILITY_GRADES = (1, 2, 3, 4, 5, 6)  # Admiralty scale: information credibility
CHANGE_ACTIONS = ("add", "edit", "delete", "undo", "redo")


class RelationType(NamedTuple):
    """How a relation type reads, from its `from` side (`forward`) and from its `to` side (`backward`)."""
    forward: str
    backward: str
    symmetric: bool = False
    lineage: str = ""  # its word on a lineage edge ("split off"); "" when it is no lineage relation
    to_event: bool = False  # `to` is an event rather than an actor


# The one table of relation types: validation, forms, dossiers, reports, graphs, paths and the lineage
# tree all read it. Direction is part of the type, never left to field order: child -> parent for
# splits, constituent -> successor for mergers. A lineage relation marks a moment (a split, a merger),
# so its date alone reads "2012-12", where an alliance's reads "from 2012-12" (see `relation_when`).
RELATION_TYPES: dict[str, RelationType] = {
    "splinter_of": RelationType("split from", "splinter", lineage="split off"),
    "merged_into": RelationType("merged into", "formed from", lineage="merger"),
    "affiliate_of": RelationType("affiliate of", "affiliate"),
    "allied_with": RelationType("allied with", "allied with", symmetric=True),
    "rival_of": RelationType("rival of", "rival of", symmetric=True),
    "renamed_to": RelationType("renamed to", "formerly", lineage="renamed"),
    "leads": RelationType("leads", "led by"),
    "founded": RelationType("founded", "founded by"),
    "member_of": RelationType("member of", "member"),
    "commands": RelationType("commands", "commanded by"),
    "part_of": RelationType("part of", "includes"),
    "trained": RelationType("trained", "trained by"),
    "employed_by": RelationType("employed by", "employs"),
    "claimed": RelationType("claimed", "claimed by", to_event=True),
    "dissolved_into": RelationType("dissolved into", "absorbed"),
}
# The relation types that make a group's lineage: each points from the younger group to its origin.
LINEAGE_TYPES = tuple(t for t, spec in RELATION_TYPES.items() if spec.lineage)
# Relations whose `to` is an event rather than an actor.
EVENT_RELATION_TYPES = tuple(t for t, spec in RELATION_TYPES.items() if spec.to_event)
# How a group with several lineage parents reads beside its name: the merger's backward wording.
MERGER_OF = RELATION_TYPES["merged_into"].backward


def relation_reads(rtype: str, forward: bool) -> str:
    """How a relation reads from its `from` side (`forward`) or from its `to` side."""
    spec = RELATION_TYPES[rtype]
    return spec.forward if forward else spec.backward


def relation_when(rtype: str, start: str | None, end: str | None) -> str:
    """The one way a relation's dates read: `from 2012-12 until 2014` (see `dates.span`); a lineage
    relation with no end is a moment, so its start alone: `2012-12`. "" when undated."""
    from maliterm import dates

    if RELATION_TYPES[rtype].lineage and not end:
        return dates.display(start) if start else ""
    return dates.span(start, end)


class Alias(TypedDict):
    """A name with what is known of it: its language and script, and when it was used."""
    name: str
    lang: NotRequired[str]  # BCP 47 / ISO 639: "ar", "fr"
    script: NotRequired[str]  # ISO 15924: "Arab", "Latn"
    translit: NotRequired[str]  # the name in Latin letters, shown beside a non-Latin one
    start: NotRequired[str]  # a date: used from
    end: NotRequired[str]  # a date: used until


class Citation(TypedDict):
    source: str
    loc: NotRequired[str]


class Claim(TypedDict):
    text: str
    cite: NotRequired[list[Citation]]  # without it, the record's own (not in a contested fact)
    value: NotRequired[int | float | str]
    unit: NotRequired[str]
    by: NotRequired[str]
    credibility: NotRequired[int]


class Fact(TypedDict):
    about: str
    claims: list[Claim]
    date: NotRequired[str]
    contested: NotRequired[bool]


class Source(TypedDict):
    id: str
    title: str
    kind: str
    author: NotRequired[str]
    publisher: NotRequired[str]
    published: NotRequired[str]
    url: NotRequired[str]
    reliability: NotRequired[str]
    notes: NotRequired[str]
    short: NotRequired[str]  # its label in citations, when author surname + year will not do
    paragraphs: NotRequired[list[str]]  # its document: `para N` is paragraphs[N-1]
    text_format: NotRequired[str]  # what the paragraphs were split from: one of TEXT_FORMATS
    pages: NotRequired[list[int]]  # a PDF's: pages[k-1] is the first paragraph starting on page k or after


class Actor(TypedDict):
    id: str
    name: str
    kind: str
    cite: list[Citation]
    descriptive_name: NotRequired[bool]
    aliases: NotRequired[list[str | Alias]]
    summary: NotRequired[str]
    nationality: NotRequired[str]
    base: NotRequired[str]
    role: NotRequired[str]
    active: NotRequired[str]
    born: NotRequired[str]  # people only
    died: NotRequired[str]  # people only
    facts: NotRequired[list[Fact]]


class Coords(TypedDict):
    lat: float
    lon: float


class Place(TypedDict):
    id: str
    name: str
    kind: str
    cite: list[Citation]
    aliases: NotRequired[list[str | Alias]]
    country: NotRequired[str]
    within: NotRequired[str]
    coords: NotRequired[Coords]
    summary: NotRequired[str]
    facts: NotRequired[list[Fact]]


class EventActor(TypedDict):
    actor: str
    role: str
    cite: NotRequired[list[Citation]]


class Casualty(TypedDict):
    kind: str
    count: int
    cite: NotRequired[list[Citation]]  # without it, the record's own
    qualifier: NotRequired[str]
    who: NotRequired[str]
    counted_by: NotRequired[str]
    tally: NotRequired[str]  # one count of the event: figures of one tally add up, different tallies disagree


class Event(TypedDict):
    id: str
    date: str
    title: str
    cite: list[Citation]
    summary: NotRequired[str]
    type: NotRequired[str]
    place: NotRequired[str]  # the one place, or
    places: NotRequired[list[str]]  # several, in order (a campaign); never both
    actors: NotRequired[list[EventActor]]
    casualties: NotRequired[list[Casualty]]
    facts: NotRequired[list[Fact]]


Relation = TypedDict(
    "Relation",
    {
        "id": str,
        "from": str,
        "type": str,
        "to": str,
        "cite": list[Citation],
        "start": NotRequired[str],
        "end": NotRequired[str],
        "ended_by": NotRequired[str],  # the actor who ended it (a principal disowning, a member leaving)
        "summary": NotRequired[str],
        "facts": NotRequired[list[Fact]],
    },
)


class Quote(TypedDict):
    id: str
    speaker: str
    text: str
    cite: list[Citation]
    role: NotRequired[str]
    date: NotRequired[str]
    context: NotRequired[str]


# How a code reads to a person where it is not just the code with spaces (JSON keeps the codes).
_WORDS = {"intl_org": "international organisation", "ngo": "NGO"}


def words(code: str) -> str:
    """`armed_group` -> "armed group", `intl_org` -> "international organisation": codes as words."""
    return _WORDS.get(code, code.replace("_", " "))


def alias_name(alias: str | Alias) -> str:
    """The name an alias gives, plain string or object."""
    return alias if isinstance(alias, str) else alias["name"]


def alias_names(record: dict[str, Any]) -> list[str]:
    """Every name a record's aliases give, in order, with the Latin transliteration an alias
    object carries: what search, resolving and merging match on."""
    out: list[str] = []
    for a in record.get("aliases", ()):
        out.append(alias_name(a))
        if not isinstance(a, str) and a.get("translit"):
            out.append(a["translit"])
    return out


def alias_display(alias: str | Alias) -> str:
    """One alias as a person reads it: `جبهة النصرة (Jabhat al-Nusra; ar, Arab; until 2016-07)`."""
    if isinstance(alias, str):
        return alias
    from maliterm import dates

    notes = [alias["translit"]] if alias.get("translit") else []
    if tags := ", ".join(alias[k] for k in ("lang", "script") if alias.get(k)):
        notes.append(tags)
    if when := dates.span(alias.get("start"), alias.get("end")):
        notes.append(when)
    return alias["name"] + (f" ({'; '.join(notes)})" if notes else "")


def aliases_text(record: dict[str, Any]) -> str:
    return ", ".join(alias_display(a) for a in record.get("aliases", ()))


def cites_of(part: dict[str, Any], record: dict[str, Any]) -> list[Any]:
    """The citations a part of a record (a claim, a casualty, an event's actor) rests on: its own, else
    the record's. An imported row cites the row once, on the record, for every field it gave."""
    cites: list[Any] = part.get("cite") or record.get("cite", [])
    return cites


def event_places(event: dict[str, Any]) -> list[str]:
    """The places of an event, the first the main one: `place`, or the list in `places`."""
    if "places" in event:
        places: list[str] = event["places"]
        return places
    return [event["place"]] if event.get("place") else []


def is_contested(record: dict[str, Any]) -> bool:
    """A record is contested when any of its facts is."""
    return any(f.get("contested") for f in record.get("facts", ()))


def label(table: str, record: dict[str, Any]) -> str:
    """The one-line name a person sees for a record of any table."""
    name: str  # what a valid record holds there
    if table == "events":
        name = record.get("title", record["id"])
    elif table == "quotes":
        name = record.get("text", record["id"])
    elif table == "relations":
        name = f"{record.get('from')} {record.get('type')} {record.get('to')}"
    else:
        name = record.get("name") or record.get("title") or record["id"]
    return name
