"""The overview of a set of events: counts and deaths per period, actor, place and type, and the
contested facts among them. Pure Python, no Textual: the CLI's `stats` and the TUI overview share it.

It counts exactly the events `timeline.filter_events` lists for a filter (found from position
lists of its own, checked to agree by tests/unit/test_stats.py), so its totals are what `timeline`
lists for the same filter. Ties are broken by id: same input, same output.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain, groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from weakref import WeakKeyDictionary

from maliterm import dates
from maliterm import model as m
from maliterm.timeline import EventFilter, fatalities, places_under

if TYPE_CHECKING:
    from maliterm.store import Store

BY = ("month", "year", "actor", "place", "type")
PERIODS = ("month", "year")


class Group(NamedTuple):
    """One bar of the overview: a period, an actor, a place or a type, with its events and deaths.
    (A tuple: 500 months are made per count, ten times faster than a frozen dataclass.)"""

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


def _most(items: Iterable[tuple[str, Any]], limit: int | None) -> list[tuple[str, Any]]:
    """(key, count) pairs, the largest count first, ties by key; all in C (11k actors at 100k events).

    With a limit, only the pairs that can make it (a count at least the limit-th largest) are sorted."""
    pairs = list(items)
    if limit is not None and len(pairs) > limit:
        floor = heapq.nlargest(limit, map(itemgetter(1), pairs))[-1] if limit > 0 else None
        pairs = [kv for kv in pairs if floor is not None and kv[1] >= floor]
    pairs.sort()  # by key; then a stable sort by count keeps the keys in order within a count
    pairs.sort(key=itemgetter(1), reverse=True)
    return pairs[:limit]


def _most_within(at: dict[str, list[int]], order: list[str], lo: int, hi: int, limit: int,
                 extra: Mapping[str, int]) -> list:
    """`_most` of how many positions in [lo, hi) each key has (plus its `extra` count, of positions
    outside), from each key's sorted positions, without counting every event: keys are tried the
    most frequent overall first, and once a key has fewer positions in all than the limit-th
    count found, no key after it can make the list."""
    found: list[tuple[str, int]] = []
    best: list[int] = []  # the largest counts so far (a heap, at most `limit`)
    for key in order:
        positions = at[key]
        if len(best) >= limit and (not best or len(positions) < best[0]):
            break
        n = bisect.bisect_left(positions, hi) - bisect.bisect_left(positions, lo) + extra.get(key, 0)
        if n:
            found.append((key, n))
            if len(best) < limit:
                heapq.heappush(best, n)
            elif n > best[0]:
                heapq.heapreplace(best, n)
    return _most(found, limit)


def _ranked(counts: dict[str, list[int]], limit: int | None) -> list[Group]:
    return [Group(k, n, killed) for k, (n, killed) in _most(((k, v) for k, v in counts.items()), limit)]



def _busiest_first(at: dict[str, list[int]]) -> list[str]:
    """Keys by how many positions they have, most first, ties by key."""
    return sorted(at, key=lambda k: (-len(at[k]), k))


class Columns(NamedTuple):
    """What the overview needs of every event, one list per field, in timeline order; read once per
    snapshot of the records. A filter's events are then counted from slices of these lists (a date
    range, or no filter, is one run of the order) or from the positions of its events."""

    tables: tuple[dict, ...]  # the tables these were read from: the cache is good while they are
    pos: dict[str, int]  # event id -> its index in the lists
    month: list[str]  # the period each event counts under (see `period_key`)
    year: list[str]
    killed: list[int]  # deaths every account allows (`timeline.fatalities`)
    upto: list[int]  # deaths of the events before each index, and of all at the end: slices sum in O(1)
    type: list[str]
    place: list[str | None]
    actors: list[tuple[str, ...]]  # everyone in the event, claimants too, each once
    contested: list[tuple[Contested, ...]]
    runs: dict[str, list[tuple[str, int, int]]]  # month/year -> (period, first index, index past the last)
    # Positions (ascending) per value, and the values the most frequent first (ties by value): what
    # `positions` filters with and `_most_within` counts a run of the order from.
    by_actor: dict[str, list[int]]  # everyone in the event, as `actors`
    by_place: dict[str, list[int]]  # every place of the event (`model.event_places`), as the timeline filters
    by_type: dict[str | None, list[int]]  # the type as written (None when absent), as the timeline filters
    contested_at: list[int]  # events with a contested fact
    top_at: dict[str, tuple[dict[str, list[int]], list[str]]]  # actors/places/types, as counted -> (positions, order)
    overviews: dict[tuple, Overview]  # (filter, by, top) -> overview, the last few asked for


def _positions_of(values: Iterable[tuple[str, ...]]) -> dict[str, list[int]]:
    """value -> the positions whose tuple holds it, ascending."""
    out: dict[str, list[int]] = {}
    for i, vs in enumerate(values):
        for v in vs:
            at = out.get(v)
            if at is None:
                out[v] = [i]
            else:
                at.append(i)
    return out


_CACHE: "WeakKeyDictionary[object, Columns]" = WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()
_KEEP = 8  # overviews kept per snapshot: flipping between a few filters costs nothing


def _tables(view) -> tuple[dict, ...]:
    return view.tables["events"], view.tables["relations"], view.tables["places"]


def _runs(keys: list[str]) -> list[tuple[str, int, int]]:
    """(key, start, end) of each run of equal keys (timeline order keeps a period's events together)."""
    out, start = [], 0
    for key, same in groupby(keys):
        n = sum(1 for _ in same)
        out.append((key, start, start + n))
        start += n
    return out


def columns(store, view=None) -> Columns:
    """The `Columns` of the store's records (as of `view`, a snapshot of it; its current one if
    None), built on first use and kept until an edit.

    A save replaces the tables it touches (it never changes a dict in place), so the tables
    themselves say whether the cache still describes the records; kept in the cache, their ids
    cannot be reused by other dicts."""
    view = view if view is not None else getattr(store, "snapshot", store)
    tables = _tables(view)
    with _CACHE_LOCK:
        cached = _CACHE.get(store)
    if cached is not None and all(a is b for a, b in zip(cached.tables, tables)):
        return cached
    events, relations = tables[0], tables[1]
    order = list(view.events_in_order())
    claims: dict[str, list[str]] = {}
    for rel in relations.values():
        if rel["type"] in m.EVENT_RELATION_TYPES:
            claims.setdefault(rel["to"], []).append(rel["from"])
    keys: dict[str, tuple[str, str]] = {}  # a few thousand distinct dates among 100k events: parse each once
    # One string object per distinct value (the parsed file has one per occurrence): counting then
    # compares pointers with hashes already known, several times faster at 100k.
    one: dict[str, str] = {}
    month, year, killed, kinds, places, actors, contested = [], [], [], [], [], [], []
    by_place: dict[str, list[int]] = {}
    by_type: dict[str | None, list[int]] = {}
    for i, eid in enumerate(order):
        ev = events[eid]
        d = ev["date"]
        if (key := keys.get(d)) is None:
            key = keys[d] = (period_key(d, "month"), period_key(d, "year"))
        month.append(key[0])
        year.append(key[1])
        killed.append(fatalities(ev) if "casualties" in ev else 0)
        kind, place = ev.get("type") or "unknown", ev.get("place")
        kinds.append(one.setdefault(kind, kind))
        places.append(place and one.setdefault(place, place))
        who = dict.fromkeys(one.setdefault(a["actor"], a["actor"]) for a in ev.get("actors", ()))
        if eid in claims:
            who.update(dict.fromkeys(one.setdefault(a, a) for a in claims[eid]))
        actors.append(tuple(who))
        contested.append(tuple(Contested(eid, f["about"], f.get("date") or d, len(f["claims"]))
                               for f in ev.get("facts", ()) if f.get("contested")) if "facts" in ev else ())
        for p in dict.fromkeys(m.event_places(ev)):
            by_place.setdefault(p, []).append(i)
        by_type.setdefault(ev.get("type"), []).append(i)
    by_actor = _positions_of(actors)
    top_at = {"actors": by_actor, "places": _positions_of((p,) if p else () for p in places),
              "types": _positions_of((k,) for k in kinds)}
    built = Columns(tables, {e: i for i, e in enumerate(order)}, month, year, killed,
                    [0, *accumulate(killed)], kinds, places, actors, contested,
                    {"month": _runs(month), "year": _runs(year)},
                    by_actor, by_place, by_type, [i for i, c in enumerate(contested) if c],
                    {kind: (at, _busiest_first(at)) for kind, at in top_at.items()},
                    {})
    with _CACHE_LOCK:
        _CACHE[store] = built
    gc.freeze()  # as the store does after loading: 100k long-lived tuples the collector need not rescan
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


class Span(NamedTuple):
    """Positions in the columns, ascending: a few looked up one by one, then a run of the order."""

    head: list[int]  # each before the run
    run: range

    def size(self) -> int:
        return len(self.head) + len(self.run)

    def listed(self) -> list[int]:
        return [*self.head, *self.run] if self.head else list(self.run)


def positions(view, cols: Columns, f: EventFilter) -> Span:
    """Where in `cols` the events `filter_events(view, f)` lists are: the same parts, each answered
    from the columns' position lists (mapping 27k event ids to positions alone costs 30 ms;
    tests/unit/test_index_agrees.py checks the two agree). No filter, or a date range, is a run."""
    pools: list[Span] = []
    if f.actor:
        pools.append(Span(cols.by_actor.get(f.actor, []), range(0)))
    if f.place:
        lists = [at for p in places_under(view, f.place) if (at := cols.by_place.get(p))]
        pools.append(Span(lists[0] if len(lists) == 1 else sorted(set(chain.from_iterable(lists))), range(0)))
    if f.type:
        pools.append(Span(cols.by_type.get(f.type, []), range(0)))
    if f.contested:
        pools.append(Span(cols.contested_at, range(0)))
    if f.start or f.end:
        pools.append(_located(cols, view.events_between(f.start, f.end)))
    if not pools:
        return Span([], range(len(cols.month)))
    if len(pools) == 1:
        return pools[0]
    pools.sort(key=Span.size)
    out = pools[0].listed()
    for pool in pools[1:]:
        keep, run = set(pool.head), pool.run
        out = [p for p in out if p in run or p in keep]
    return Span(out, range(0))


def _located(cols: Columns, ids: list[str]) -> Span:
    """Positions of `ids` (in timeline order): a date range is a run of the order, perhaps after a
    few coarse dates that begin before it (`events_between`), so only those are looked up."""
    if not ids:
        return Span([], range(0))
    end, n = cols.pos[ids[-1]] + 1, len(ids)
    head: list[int] = []
    for i, eid in enumerate(ids):
        p = cols.pos[eid]
        if p == end - (n - i):  # from here on, a run: positions only go up, one at a time
            return Span(head, range(p, end))
        head.append(p)
    return Span(head, range(0))


def overview(store, f: EventFilter = EventFilter(), by: str = "month", top: int | None = 10) -> Overview:
    """The overview of the events `f` lets through (`filter_events`: `timeline` lists the same).

    Counting is done in C (`Counter`, slices, sums) over the precomputed `Columns`; no filter or
    a date range is one run of them: per-period counts and deaths then come from the runs and
    running sums, and the top lists from each value's positions, without touching each event."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}")
    view = getattr(store, "snapshot", store)  # one state of the records for every read below
    cols = columns(store, view)
    if (found := cols.overviews.get((f, by, top))) is not None:
        return found
    head, run = positions(view, cols, f)
    lo, hi = run.start, run.stop
    period = by if by in PERIODS else "month"
    # Two filters with the same run of events (no filter, a range wider than the data) share one count.
    shared = ("run", lo, hi, by, top) if not head else (f, by, top)
    if (found := cols.overviews.get(shared)) is not None:
        return replace(found, filter=f)

    def of_head(values: list) -> list:
        return list(map(values.__getitem__, head))

    def column(values: list) -> list:  # every filtered event's value, in order
        return [*of_head(values), *values[lo:hi]] if head else values[lo:hi]

    # Per period, from the runs of the order: the run's events and deaths by running sums, those
    # looked up by bisection into them (their deaths summed the same way): no event touched one by one.
    head_upto = [0, *accumulate(of_head(cols.killed))]
    total = cols.upto[hi] - cols.upto[lo] + head_upto[-1]
    periods: dict[str, list[int]] = {}
    for key, a, b in cols.runs[period]:
        n = k = 0
        if a < hi and b > lo:
            n, k = min(b, hi) - max(a, lo), cols.upto[min(b, hi)] - cols.upto[max(a, lo)]
        if head:
            i, j = bisect.bisect_left(head, a), bisect.bisect_left(head, b)
            n, k = n + j - i, k + head_upto[j] - head_upto[i]
        if n:
            c = periods.setdefault(key, [0, 0])
            c[0] += n
            c[1] += k

    def counted(kind: str, values: Callable[[Callable[[list], list]], Iterable[str | None]]) -> list[Group]:
        """The top `kind`: `values(part)` gives the keys of the events `part` selects."""
        keys = Counter(values(of_head if run and top is not None else column))
        keys.pop(None, None)  # no actor, place or type
        counts = cast("Counter[str]", keys)
        if run and top is not None:
            return [Group(k, n) for k, n in _most_within(*cols.top_at[kind], lo, hi, top, counts)]
        return [Group(k, n) for k, n in _most(counts.items(), top)]

    if by in PERIODS:
        groups = _fill(periods, by)
    elif by == "actor":  # deaths per actor: each event's toll counts for everyone in it
        per = [(a, k) for who, k in zip(column(cols.actors), column(cols.killed)) for a in who]
        groups = _ranked(_sums((a for a, _ in per), (k for _, k in per)), None)
    else:
        groups = _ranked(_sums(column(getattr(cols, by)), column(cols.killed)), None)
    ov = Overview(
        filter=f, by=by, events=sum(g[0] for g in periods.values()), killed=total, groups=groups,
        actors=counted("actors", lambda part: chain.from_iterable(part(cols.actors))),
        places=counted("places", lambda part: part(cols.place)), types=counted("types", lambda part: part(cols.type)),
        contested=list(chain.from_iterable(map(cols.contested.__getitem__, [
            *(p for p in head if cols.contested[p]),
            *cols.contested_at[bisect.bisect_left(cols.contested_at, lo):bisect.bisect_left(cols.contested_at, hi)]]))),
    )
    with _CACHE_LOCK:
        while len(cols.overviews) >= _KEEP:
            cols.overviews.pop(next(iter(cols.overviews)))
        cols.overviews[shared] = ov
    return ov


def to_json(store: Store, ov: Overview) -> dict:
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
