"""The overview of a set of events: counts and deaths per period, actor, place and type, and the
contested facts among them. Pure Python, no Textual: the CLI's `stats` and the TUI overview share it.

It counts exactly the events it is given (`timeline.filter_events` for a filter), so its totals
are what `timeline` lists for the same filter. Ties are broken by id: same input, same output.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from typing import NamedTuple
from weakref import WeakKeyDictionary

from maliterm import dates
from maliterm import model as m
from maliterm.timeline import EventFilter, fatalities, filter_events

BY = ("month", "year", "actor", "place", "type")
PERIODS = ("month", "year")


@dataclass(frozen=True)
class Group:
    """One bar of the overview: a period, an actor, a place or a type, with its events and deaths."""

    key: str  # `2015-11`, `2015`, or an actor, place or type id
    events: int
    killed: int | None = None  # None in the top lists, which count events only


@dataclass(frozen=True)
class Contested:
    event: str
    about: str
    date: str | None
    sides: int


@dataclass(frozen=True)
class Overview:
    filter: EventFilter
    by: str
    events: int
    killed: int
    groups: list[Group]  # periods in time order (months or years with no event included); others by count
    actors: list[Group]  # the most frequent first, ties by id; events counted, not deaths
    places: list[Group]
    types: list[Group]
    contested: list[Contested] = field(default_factory=list)

    def busiest(self, n: int = 3) -> list[Group]:
        """The `n` groups with the most events (ties: the earlier), for labels on a chart."""
        return sorted((g for g in self.groups if g.events), key=lambda g: (-g.events, g.key))[:n]


def period_key(date: str, by: str) -> str:
    """The month (`2015-11`) or year (`2015`) an event counts under: where its date begins.

    A date coarser than a month counts under its year even by month (`2015`, listed before
    `2015-01`, as in the timeline): a year-only fact is never put in a month it may not be in."""
    start = dates.parse(date).start
    if by == "month" and start.month:
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.year:04d}"


def _fill(counts: dict[str, list[int]], by: str) -> list[Group]:
    """Periods in order, with the empty months or years between the first and the last."""
    keys = set(counts)
    if keys:
        years = sorted(int(k[:4]) for k in keys)
        keys |= {f"{y:04d}" for y in range(years[0], years[-1] + 1)} if by == "year" else set()
        if by == "month":
            months = sorted(k for k in keys if len(k) == 7)
            if months:
                (y0, m0), (y1, m1) = (map(int, months[0].split("-")), map(int, months[-1].split("-")))
                for i in range(y0 * 12 + m0 - 1, y1 * 12 + m1):
                    keys.add(f"{i // 12:04d}-{i % 12 + 1:02d}")
    return [Group(k, *counts.get(k, (0, 0))) for k in sorted(keys)]


def _ranked(counts: dict[str, list[int]], limit: int | None) -> list[Group]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [Group(k, n, killed) for k, (n, killed) in ranked[:limit]]


class Row(NamedTuple):
    """What the overview needs of one event, read once per snapshot of the events."""

    month: str
    year: str
    killed: int
    type: str
    place: str | None
    actors: tuple[str, ...]  # everyone in it, claimants too, each once
    contested: tuple[Contested, ...]


class _Cache(NamedTuple):
    tables: tuple[dict, ...]  # the tables the rows were read from
    rows: dict[str, Row]
    overviews: dict[tuple, Overview]  # (filter, by, top) -> overview, the last few asked for


_CACHE: "WeakKeyDictionary[object, _Cache]" = WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()
_KEEP = 8  # overviews kept per snapshot: flipping between a few filters costs nothing


def _tables(store) -> tuple[dict, ...]:
    return store.tables["events"], store.tables["relations"], store.tables["places"]


def _cached(store) -> _Cache | None:
    """The rows and overviews of the store's current records, if built since its last edit.

    A save replaces the tables it touches (it never changes a dict in place), so the tables
    themselves say whether the cache still describes the records; kept in the cache, their ids
    cannot be reused by other dicts."""
    with _CACHE_LOCK:
        cached = _CACHE.get(store)
    if cached is not None and all(a is b for a, b in zip(cached.tables, _tables(store))):
        return cached
    return None


def rows(store) -> dict[str, Row]:
    """Event id -> Row for the store's current records, built on first use and kept until an edit."""
    if (cached := _cached(store)) is not None:
        return cached.rows
    tables = _tables(store)
    events, relations = tables[0], tables[1]
    claims: dict[str, list[str]] = {}
    for rel in relations.values():
        if rel["type"] in m.EVENT_RELATION_TYPES:
            claims.setdefault(rel["to"], []).append(rel["from"])
    keys: dict[str, tuple[str, str]] = {}  # a few thousand distinct dates among 100k events: parse each once
    # One string object per distinct value (the parsed file has one per occurrence): counting then
    # compares pointers with hashes already known, several times faster at 100k.
    one: dict[str, str] = {}
    built: dict[str, Row] = {}
    for eid, ev in events.items():
        d = ev["date"]
        if (key := keys.get(d)) is None:
            key = keys[d] = (period_key(d, "month"), period_key(d, "year"))
        who = dict.fromkeys(one.setdefault(a["actor"], a["actor"]) for a in ev.get("actors", ()))
        who.update(dict.fromkeys(one.setdefault(a, a) for a in claims.get(eid, ())))
        contested = tuple(Contested(eid, f["about"], f.get("date") or d, len(f["claims"]))
                          for f in ev.get("facts", ()) if f.get("contested"))
        kind, place = ev.get("type") or "unknown", ev.get("place")
        built[eid] = Row(*key, fatalities(ev) if "casualties" in ev else 0, one.setdefault(kind, kind),
                         place and one.setdefault(place, place), tuple(who), contested)
    with _CACHE_LOCK:
        _CACHE[store] = _Cache(tables, built, {})
    return built


def _sums(keys: Iterable[str | None], killed: Iterable[int]) -> dict[str, list[int]]:
    """key -> [events, killed] over paired keys and deaths (None keys skipped)."""
    out: dict[str, list[int]] = {}
    for key, k in zip(keys, killed):
        if key is not None:
            c = out.get(key)
            if c is None:
                out[key] = [1, k]
            else:
                c[0] += 1
                c[1] += k
    return out


def overview(store, f: EventFilter = EventFilter(), by: str = "month", top: int | None = 10,
             ids: list[str] | None = None) -> Overview:
    """The overview of the events `f` lets through (or of `ids`, already filtered by `f`).

    Per event it reads one precomputed `Row`; counting is done by `Counter` and `groupby` over
    columns, so a filter change at 100k events costs milliseconds once the rows are built."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    table = rows(store)
    cache = _cached(store)
    if cache is not None and (found := cache.overviews.get((f, by, top))) is not None:
        return found
    if ids is None:
        ids = filter_events(store, f)
    picked = [table[e] for e in ids if e in table]  # an id an edit deleted meanwhile is not counted
    killed = list(map(attrgetter("killed"), picked))
    periods: dict[str, list[int]] = {}
    # Timeline order keeps each period's events together: one group per period, summed in C.
    column = attrgetter(by if by in PERIODS else "month")
    for key, same in groupby(zip(map(column, picked), killed), itemgetter(0)):
        pairs = list(same)
        c = periods.setdefault(key, [0, 0])
        c[0] += len(pairs)
        c[1] += sum(map(itemgetter(1), pairs))

    def counted(column: Iterable[str | None], limit: int | None) -> list[Group]:
        counts = Counter(column)
        counts.pop(None, None)
        return [Group(key, n) for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    actor_column = list(chain.from_iterable(map(attrgetter("actors"), picked)))
    tops = {"actor": counted(actor_column, top), "place": counted(map(attrgetter("place"), picked), top),
            "type": counted(map(attrgetter("type"), picked), top)}
    if by in PERIODS:
        groups = _fill(periods, by)
    elif by == "actor":  # deaths per actor: each event's toll counts for everyone in it
        per = [(a, r.killed) for r in picked for a in r.actors]
        groups = _ranked(_sums((a for a, _ in per), (k for _, k in per)), None)
    else:
        groups = _ranked(_sums(map(attrgetter(by), picked), killed), None)
    ov = Overview(
        filter=f, by=by, events=len(picked), killed=sum(killed), groups=groups,
        actors=tops["actor"], places=tops["place"], types=tops["type"],
        contested=list(chain.from_iterable(map(attrgetter("contested"), picked))),
    )
    if cache is not None:
        with _CACHE_LOCK:
            while len(cache.overviews) >= _KEEP:
                cache.overviews.pop(next(iter(cache.overviews)))
            cache.overviews[(f, by, top)] = ov
    return ov


def to_json(store, ov: Overview) -> dict:
    """The numbers of an overview for `stats --json`: names beside ids, every list in its order."""
    def named(gs: list[Group]) -> list[dict]:
        return [{"id": g.key, "name": store.name(g.key), "events": g.events, "killed": g.killed} for g in gs]

    def grouped(gs: list[Group]) -> list[dict]:
        if ov.by in PERIODS:
            return [{"period": g.key, "events": g.events, "killed": g.killed} for g in gs]
        if ov.by == "type":
            return [{"type": g.key, "events": g.events, "killed": g.killed} for g in gs]
        return named(gs)

    f = ov.filter
    return {
        "filter": {"actor": f.actor, "place": f.place, "type": f.type, "from": f.start, "to": f.end,
                   "contested": f.contested},
        "by": ov.by,
        "events": ov.events,
        "killed": ov.killed,
        "groups": grouped(ov.groups),
        "busiest": [g.key for g in ov.busiest()],
        "top": {"actors": [{"id": g.key, "name": store.name(g.key), "events": g.events} for g in ov.actors],
                "places": [{"id": g.key, "name": store.name(g.key), "events": g.events} for g in ov.places],
                "types": [{"type": g.key, "events": g.events} for g in ov.types]},
        "contested": {"count": len(ov.contested),
                      "facts": [{"event": c.event, "title": store.name(c.event), "about": c.about, "date": c.date,
                                 "sides": c.sides} for c in ov.contested]},
    }


def type_label(key: str) -> str:
    return m.words(key) if key in m.EVENT_TYPES else key
