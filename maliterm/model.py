"""The record types of a maliterm database and their vocabularies.

Records stay plain dicts (what TinyDB stores and orjson loads): converting 100k
events into objects at load would cost more than the parse itself. The TypedDicts
document their shape for readers and type checkers; `validate` enforces it.
See docs/data-model.md for the meaning of each field.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

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

# Relation type -> (how it reads from -> to, symmetric?). Direction is part of the type,
# never left to field order: child -> parent for splits, constituent -> successor for mergers.
RELATION_TYPES: dict[str, tuple[str, bool]] = {
    "splinter_of": ("split from", False),
    "merged_into": ("merged into", False),
    "affiliate_of": ("affiliate of", False),
    "allied_with": ("allied with", True),
    "rival_of": ("rival of", True),
    "renamed_to": ("renamed to", False),
    "leads": ("leads", False),
    "founded": ("founded", False),
    "member_of": ("member of", False),
    "commands": ("commands", False),
    "part_of": ("part of", False),
    "trained": ("trained", False),
    "employed_by": ("employed by", False),
    "claimed": ("claimed", False),
    "dissolved_into": ("dissolved into", False),
}
# How each type reads from the `to` side, for dossiers that list relations both ways.
RELATION_INVERSE = {
    "splinter_of": "splinter",
    "merged_into": "formed from",
    "affiliate_of": "affiliate",
    "allied_with": "allied with",
    "rival_of": "rival of",
    "renamed_to": "formerly",
    "leads": "led by",
    "founded": "founded by",
    "member_of": "member",
    "commands": "commanded by",
    "part_of": "includes",
    "trained": "trained by",
    "employed_by": "employs",
    "claimed": "claimed by",
    "dissolved_into": "absorbed",
}
# The relation types that make a group's lineage: each points from the younger group to its origin.
LINEAGE_TYPES = ("splinter_of", "merged_into", "renamed_to")
# Relations whose `to` is an event rather than an actor.
EVENT_RELATION_TYPES = ("claimed",)


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


def alias_names(record: dict) -> list[str]:
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


def aliases_text(record: dict) -> str:
    return ", ".join(alias_display(a) for a in record.get("aliases", ()))


def cites_of(part: dict, record: dict) -> list:
    """The citations a part of a record (a claim, a casualty, an event's actor) rests on: its own, else
    the record's. An imported row cites the row once, on the record, for every field it gave."""
    return part.get("cite") or record.get("cite", [])


def event_places(event: dict) -> list[str]:
    """The places of an event, the first the main one: `place`, or the list in `places`."""
    if "places" in event:
        return event["places"]
    return [event["place"]] if event.get("place") else []


def is_contested(record: dict) -> bool:
    """A record is contested when any of its facts is."""
    return any(f.get("contested") for f in record.get("facts", ()))


def label(table: str, record: dict) -> str:
    """The one-line name a person sees for a record of any table."""
    if table == "events":
        return record.get("title", record["id"])
    if table == "quotes":
        return record.get("text", record["id"])
    if table == "relations":
        return f"{record.get('from')} {record.get('type')} {record.get('to')}"
    return record.get("name") or record.get("title") or record["id"]
