"""Which places a map shows for a set of events: points where coordinates are known, a list where not.

Coordinates are never guessed: a place without `coords` is listed beside the map with its count.
"""

from __future__ import annotations

import bisect
import weakref
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple

from maliterm.mapdraw import Point

if TYPE_CHECKING:
    from maliterm.store import Store


class MapPlaces(NamedTuple):
    points: list[Point]  # places with coordinates and at least one of the events, by id
    unplaced: list[tuple[str, int]]  # (place id, events) of places without coordinates, most events first


SLICE_FROM = 1000  # fewer events than this are simply counted


class _Positions(NamedTuple):
    events: dict  # the events table these were read from: an edit replaces it, and these with it
    place_of: dict[str, str]  # event id -> place id
    positions: dict[str, list[int]]  # place id -> its events' positions in timeline order, ascending


_CACHE: "weakref.WeakKeyDictionary[object, _Positions]" = weakref.WeakKeyDictionary()


def _positions(store: Store) -> _Positions:
    """Read from the store's place index, never from the records: a map at 100k events must not
    touch 100k records each time the filter changes (measured: half a second on a busy laptop)."""
    cached = _CACHE.get(store)
    if cached is None or cached.events is not store.tables["events"]:
        pos = store.event_pos
        by_place = {p: es for p, es in store.events_by_place.items() if es}
        cached = _Positions(store.tables["events"], {e: p for p, es in by_place.items() for e in es},
                            {p: [pos[e] for e in es] for p, es in by_place.items()})
        _CACHE[store] = cached
    return cached


def _slice_start(store: Store, ids: list[str]) -> int:
    """How many of `ids` come before a tail that is one stretch of the timeline order (what a date
    filter gives: a few long events that began earlier, then a slice); len(ids) if there is none.
    `ids` are distinct and in timeline order, so a tail of n ids spanning n positions is a slice:
    checked from two positions, without reading the ids between."""
    pos = store.event_pos
    last = pos[ids[-1]]
    for k in range(min(len(ids), 1024)):  # a head longer than that: count it all
        if last - pos[ids[k]] + 1 == len(ids) - k:
            return k
    return len(ids)


def place_counts(store: Store, event_ids: list[str]) -> Counter[str]:
    """Events per place among `event_ids` (in timeline order, as `filter_events` gives them)."""
    if event_ids is store.events_in_order():  # no filter: the index holds the counts
        return Counter({p: len(es) for p, es in store.events_by_place.items() if es})
    cache = _positions(store)
    k = _slice_start(store, event_ids) if len(event_ids) > SLICE_FROM else len(event_ids)
    counts = Counter(filter(None, map(cache.place_of.get, event_ids[:k])))  # None: an event at no place
    if k < len(event_ids):  # a stretch of the timeline: two binary searches a place
        lo, hi = store.event_pos[event_ids[k]], store.event_pos[event_ids[-1]] + 1
        for p, ps in cache.positions.items():
            if n := bisect.bisect_left(ps, hi) - bisect.bisect_left(ps, lo):
                counts[p] += n
    return counts


def map_places(store: Store, event_ids: list[str]) -> MapPlaces:
    """The places of these events (the timeline's filtered list), with how many events each has."""
    counts = place_counts(store, event_ids)
    places = store.tables["places"]
    points, unplaced = [], []
    for pid, n in counts.items():
        coords = places.get(pid, {}).get("coords")
        if coords:
            points.append(Point(pid, coords["lon"], coords["lat"], n))
        else:
            unplaced.append((pid, n))
    points.sort(key=lambda p: p.id)
    unplaced.sort(key=lambda u: (-u[1], u[0]))
    return MapPlaces(points, unplaced)


def highlighted(store: Store, table: str | None, rid: str | None) -> frozenset[str]:
    """The places to mark for a selection: the place itself, an event's place, an actor's places."""
    if table == "places" and rid:
        return frozenset({rid})
    if table == "events" and rid:
        place = store.tables["events"].get(rid, {}).get("place")
        return frozenset({place} if place else ())
    if table == "actors" and rid:
        events = store.tables["events"]
        return frozenset(p for e in store.events_by_actor.get(rid, ()) if (p := events[e].get("place")))
    return frozenset()
