"""Pure timeline logic: which events, in what order, for the pane and the CLI."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING


if TYPE_CHECKING:
    from maliterm.indexes import ReadView


@dataclass(frozen=True)
class EventFilter:
    """Which events a timeline, an overview or a report shows: every part set must hold.

    `place` takes in every place within it, at any depth; `contested` keeps only events with a
    contested fact."""

    actor: str | None = None
    place: str | None = None
    type: str | None = None
    start: str | None = None
    end: str | None = None
    contested: bool = False

    def is_empty(self) -> bool:
        return not any((self.actor, self.place, self.type, self.start, self.end, self.contested))

    def describe(self, name=lambda x: x) -> str:
        parts = []
        if self.actor:
            parts.append(f"actor {name(self.actor)}")
        if self.place:
            parts.append(f"place {name(self.place)}")
        if self.type:
            parts.append(f"type {self.type}")
        if self.start or self.end:
            parts.append(f"{self.start or '…'} to {self.end or '…'}")
        if self.contested:
            parts.append("contested only")
        return ", ".join(parts) or "all events"


def places_under(store: ReadView, place: str) -> list[str]:
    """`place` and every place within it at any depth, breadth first, each once.

    Validation refuses a cycle in `within`; the seen set keeps even a broken index from looping."""
    seen = {place: None}
    queue = [place]
    for p in queue:  # grows as it goes: breadth first
        for child in store.places_within.get(p, ()):
            if child not in seen:
                seen[child] = None
                queue.append(child)
    return queue


def events_at(store: ReadView, place: str) -> list[str]:
    """Events in timeline order at `place` or at any place within it."""
    lists = [lst for p in places_under(store, place) if (lst := store.events_by_place.get(p))]
    if len(lists) <= 1:
        return lists[0] if lists else []
    return sorted(chain.from_iterable(lists), key=store.event_pos.__getitem__)


def filter_events(store: ReadView, f: EventFilter) -> list[str]:
    """Event ids in timeline order that pass every part of the filter.

    The narrowest index answers first (actor, place, then date range by bisection),
    so filtering 100k events costs what the answer costs, not a full scan.
    """
    if f.is_empty():
        return store.events_in_order()
    pools: list[list[str]] = []
    if f.actor:
        pools.append(store.events_by_actor.get(f.actor, []))
    if f.place:
        pools.append(events_at(store, f.place))
    if f.start or f.end:
        pools.append(store.events_between(f.start, f.end))
    if f.contested:  # a set kept per snapshot: a few thousand of 100k, put in order
        pools.append(sorted(store.contested_events, key=store.event_pos.__getitem__))
    if not pools:
        pools.append(store.events_in_order())
    # Every pool is in timeline order already: walk the smallest, keep what the others hold too.
    # `events_between` is exact (tests/unit/test_index_agrees.py), so no date is checked twice.
    pools.sort(key=len)
    out = list(pools[0])
    for pool in pools[1:]:
        keep = set(pool)
        out = [e for e in out if e in keep]
    if f.type:
        events = store.tables["events"]
        out = [e for e in out if events[e].get("type") == f.type]
    return out


def killed_tallies(killed: list[dict]) -> dict[str, int]:
    """The killed figures of an event added up per tally (one account of the toll, see docs/data-model.md)."""
    tallies: dict[str, int] = {}
    for c in killed:
        tallies[c.get("tally", "")] = tallies.get(c.get("tally", ""), 0) + c["count"]
    return tallies


def fatalities(event: dict) -> int:
    """The deaths every account of an event allows: the smallest tally (0 when none is given)."""
    killed = [c for c in event.get("casualties", ()) if c.get("kind") == "killed"]
    return min(killed_tallies(killed).values()) if killed else 0


def casualty_summary(event: dict) -> str:
    """A short count for a timeline line: `21 killed`, `≥2 killed`, `20–21 killed (contested)` when
    tallies disagree (see docs/data-model.md), `no deaths reported` for a floor of 0; empty when unknown."""
    killed = [c for c in event.get("casualties", ()) if c.get("kind") == "killed"]
    if not killed:
        return ""
    tallies = killed_tallies(killed)
    if len(set(tallies.values())) > 1:
        return f"{min(tallies.values())}–{max(tallies.values())} killed (contested)"
    total = next(iter(tallies.values()))
    qualifiers = {c.get("qualifier", "exact") for c in killed}
    if total == 0:
        return "0 killed" if qualifiers == {"exact"} else "no deaths reported"
    mark = "≥" if qualifiers & {"at_least", "more_than"} else "c. " if "about" in qualifiers else ""
    return f"{mark}{total} killed"


def year_index(store: ReadView, year: int) -> int:
    """Position of the first event in or after `year` in timeline order (for 'jump to year')."""
    return min(bisect.bisect_left(store.event_keys, (year, 0, 0)), max(len(store.event_keys) - 1, 0))
