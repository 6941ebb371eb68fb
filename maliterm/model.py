"""The record types of a maliterm database and their vocabularies.

Records stay plain dicts (what TinyDB stores and orjson loads): converting 100k
events into objects at load would cost more than the parse itself. The TypedDicts
document their shape for readers and type checkers; `validate` enforces it.
See docs/data-model.md for the meaning of each field.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

SCHEMA_VERSION = 1

# `changes` is the change log the store appends to on every edit (who, when, what).
TABLES = ("meta", "sources", "actors", "places", "events", "relations", "quotes", "changes")
# Tables whose records the user browses by name, in the order search results list them.
NAMED_TABLES = ("actors", "events", "places", "sources")

ACTOR_KINDS = (
    "person", "armed_group", "state", "armed_force", "intl_org", "ngo", "company", "operation", "other",
)
PLACE_KINDS = ("country", "region", "city", "town", "village", "building", "valley", "area", "other")
SOURCE_KINDS = ("article", "report", "book", "dataset", "interview", "statement", "other")
EVENT_TYPES = (
    "attack", "hostage_taking", "battle", "airstrike", "kidnapping", "military_operation",
    "political", "statement", "other",
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
}
# The relation types that make a group's lineage: each points from the younger group to its origin.
LINEAGE_TYPES = ("splinter_of", "merged_into", "renamed_to")
# Relations whose `to` is an event rather than an actor.
EVENT_RELATION_TYPES = ("claimed",)


class Citation(TypedDict):
    source: str
    loc: NotRequired[str]


class Claim(TypedDict):
    text: str
    cite: list[Citation]
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
    aliases: NotRequired[list[str]]
    summary: NotRequired[str]
    nationality: NotRequired[str]
    base: NotRequired[str]
    role: NotRequired[str]
    active: NotRequired[str]
    facts: NotRequired[list[Fact]]


class Coords(TypedDict):
    lat: float
    lon: float


class Place(TypedDict):
    id: str
    name: str
    kind: str
    cite: list[Citation]
    aliases: NotRequired[list[str]]
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
    cite: list[Citation]
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
    place: NotRequired[str]
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
