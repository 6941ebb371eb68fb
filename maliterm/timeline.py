"""Pure timeline logic: which events, in what order, for the pane and the CLI."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maliterm.indexes import ReadView


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None
    place: str | None = None
    type: str | None = None
    start: str | None = None
    end: str | None = None

    def is_empty(self) -> bool:
        return not any((self.actor, self.place, self.type, self.start, self.end))

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
        return ", ".join(parts) or "all events"


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
        pools.append(store.events_by_place.get(f.place, []))
    if f.start or f.end:
        pools.append(store.events_between(f.start, f.end))
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


def casualty_summary(event: dict) -> str:
    """A short count for a timeline line: `21 killed`, `≥2 killed`, `20–21 killed (contested)` when
    tallies disagree (see docs/data-model.md), `no deaths reported` for a floor of 0; empty when unknown."""
    killed = [c for c in event.get("casualties", ()) if c.get("kind") == "killed"]
    if not killed:
        return ""
    tallies: dict[str, int] = {}
    for c in killed:
        tallies[c.get("tally", "")] = tallies.get(c.get("tally", ""), 0) + c["count"]
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
