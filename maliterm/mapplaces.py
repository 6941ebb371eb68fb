"""Which places a map shows for a set of events: points where coordinates are known, a list where not.

Coordinates are never guessed: a place without `coords` is listed beside the map with its count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from maliterm.mapdraw import Point


class MapPlaces(NamedTuple):
    points: list[Point]  # places with coordinates and at least one of the events, by id
    unplaced: list[tuple[str, int]]  # (place id, events) of places without coordinates, most events first


def map_places(store, event_ids: Iterable[str]) -> MapPlaces:
    events, places = store.tables["events"], store.tables["places"]
    counts = Counter(events[e].get("place") for e in event_ids)
    counts.pop(None, None)
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


def highlighted(store, table: str | None, rid: str | None) -> frozenset[str]:
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
