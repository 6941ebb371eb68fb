"""Snapshots: the records and every index over them, as of one save, never changed once published.

The store's writer builds the first at open and each next one from the last (`evolve`), copying
only what an edit changes; readers (the UI, the CLI, `timeline`, `lineage`, `search`) take the
current one with one attribute read and never wait for a write. Pure Python, no TinyDB, no Textual.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeVar
from functools import cached_property

from maliterm import dates, references
from maliterm import model as m
from maliterm.spellings import fold
from maliterm.undo import Edit, RecordChange


_T = TypeVar("_T")  # what an index's lists hold


def _span_years(date: str) -> int:
    """How many years past its first a date can reach (a range `2012/2014`: 2)."""
    d = dates.parse(date)
    return (d.end or d.start).year - d.start.year


def _date_prefix(date: str) -> str:
    """`2015-06` -> `20150600`: the date's place in time as text (coarser first, as `dates.sort_key`)."""
    return dates.order_prefix(date)


def _order_key(date_prefix: str, title: str, eid: str) -> str:
    """Timeline order (date, title, id) as one string: sorting 100k strings is C work, tuples are not."""
    return f"{date_prefix}\x00{title}\x00{eid}"


def _places_within(places: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Enclosing place -> the places directly within it, in id order (the lineage of places)."""
    children: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(places):
        if parent := places[pid].get("within"):
            children[parent].append(pid)
    return dict(children)  # a reader asking for a missing key must not add one


def _is_contested_event(ev: dict[str, Any]) -> bool:
    return "facts" in ev and m.is_contested(ev)  # most events have no facts: skip the call


def _record_id(rec: dict[str, Any]) -> str:
    rid: str = rec["id"]
    return rid


def _drop(index: dict[str, list[_T]], key: str, at: Any, rank: Callable[[_T], Any]) -> None:
    """Take the item ranked `at` out of `index[key]`, a list sorted by `rank`, if it is there;
    a list left empty goes, as a full build would not have made it. The list is replaced, never
    changed in place: an earlier snapshot may share it."""
    items = index.get(key)
    if not items:
        return
    i = bisect.bisect_left(items, at, key=rank)
    if i < len(items) and rank(items[i]) == at:
        if len(items) == 1:
            del index[key]
        else:
            index[key] = items[:i] + items[i + 1:]


def _put(index: dict[str, list[_T]], key: str, item: _T, rank: Callable[[_T], Any]) -> None:
    """Put `item` in `index[key]`, a list sorted by `rank`, in its place (replacing one of equal rank);
    a new list, as in `_drop`."""
    items = index.get(key, [])
    at = rank(item)
    i = bisect.bisect_left(items, at, key=rank)
    j = i + 1 if i < len(items) and rank(items[i]) == at else i
    index[key] = [*items[:i], item, *items[j:]]


_EventLists = tuple[dict[str, list[str]], dict[str, list[str]]]  # events by actor, by place

REBUILD_AT = 1000  # changed records above which (and above an eighth of all) `evolve` builds anew


class ReadView(Protocol):
    """What `timeline`, `lineage` and `search` read: a `Snapshot` (or the `Store`, which answers
    from its current one). Pass `store.snapshot` when several reads must see the same state."""

    @property
    def tables(self) -> Mapping[str, Mapping[str, dict[str, Any]]]: ...
    @property
    def events_by_actor(self) -> Mapping[str, list[str]]: ...
    @property
    def events_by_place(self) -> Mapping[str, list[str]]: ...
    @property
    def event_keys(self) -> list[tuple[int, int, int]]: ...
    @property
    def event_pos(self) -> Mapping[str, int]: ...
    @property
    def places_within(self) -> Mapping[str, list[str]]: ...
    @property
    def contested_events(self) -> frozenset[str]: ...

    def events_in_order(self) -> list[str]: ...
    def events_between(self, start: str | None, end: str | None) -> list[str]: ...


class FrozenTable(dict[str, Any]):
    """A dict that refuses to change: a snapshot's tables, shared by every reader and by later
    snapshots. Still a dict for orjson, json and `isinstance`; a copy (`dict(t)`, `copy.deepcopy`)
    is an ordinary dict. The writer builds a new one with `frozen` (or dict's own methods)."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a snapshot's table is read-only: copy it (dict(table)) or edit through the store")

    __setitem__ = __delitem__ = pop = popitem = clear = update = setdefault = __ior__ = _refuse  # type: ignore[assignment]

    def copy(self) -> dict[str, Any]:
        return dict(self)

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        import copy

        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[dict[str, Any]]]:
        return dict, (dict(self),)


def frozen(records: Mapping[str, object]) -> FrozenTable:
    return records if isinstance(records, FrozenTable) else FrozenTable(records)


class Snapshot:
    """The database as of one save: `tables` (read-only mappings of plain dicts) and the indexes.

    Nothing here changes after the writer publishes it: an edit makes the next snapshot, sharing
    every table, list and record it did not touch. The records are the file's own dicts: read them,
    never change them (copy first, as `Store.put` does).
    """

    # `__init__` builds every index; `evolve` updates a copy for the records an edit changed.
    # Both go through the same `_*_links` functions, so they cannot disagree
    # (tests/unit/test_incremental_index.py). Lists of events are in timeline order; lists of
    # relations, quotes and of ids under a name are in id order, as in the saved file.

    def __init__(self, data: Mapping[str, dict[str, Any]], version: int = 0) -> None:
        self.version = version
        self._set_tables(data)
        self.table_of: dict[str, str] = {}
        for t in m.TABLES[1:]:
            self.table_of.update(dict.fromkeys(self.tables[t], t))  # C speed: 100k+ ids
        events = self.tables["events"]
        # One parse per distinct date (100k events share a few thousand), not several per event.
        ids, records = list(events), list(events.values())
        on = [ev["date"] for ev in records]
        per_date = Counter(on)
        self._spans: Counter[int] = Counter()
        for d, n in per_date.items():
            self._spans[_span_years(d)] += n
        prefix = {d: _date_prefix(d) for d in per_date}
        # One pass over the records in file order (cache-friendly), then a sort of unique strings by
        # index (comparing strings, not tuples), the lists then taken in that order by C-level maps.
        keys = [_order_key(prefix[d], ev["title"], eid) for d, ev, eid in zip(on, records, ids)]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        del keys
        self.event_order: list[str] = list(map(ids.__getitem__, order))
        on = list(map(on.__getitem__, order))
        starts = {d: dates.sort_key(d) for d in per_date}
        ends = {d: dates.latest(d) for d in per_date}
        self.event_keys = list(map(starts.__getitem__, on))
        self.event_ends = list(map(ends.__getitem__, on))  # latest day of each date, for `events_between`
        self.event_pos = dict(zip(self.event_order, range(len(order))))
        relations_by_actor: dict[str, list[dict[str, Any]]] = defaultdict(list)
        relations_by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
        quotes_by_speaker: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.relations_by_actor, self.relations_by_event = relations_by_actor, relations_by_event
        self.quotes_by_speaker = quotes_by_speaker
        for table in ("relations", "quotes"):
            records = self.tables[table]
            for rid in sorted(records):
                for index, key in self._record_links(table, records[rid]):
                    index[key].append(records[rid])
        # Plain dicts from here: a reader asking for a missing key must not add one.
        self.relations_by_actor, self.relations_by_event = dict(relations_by_actor), dict(relations_by_event)
        self.quotes_by_speaker = dict(quotes_by_speaker)
        # The events of each actor and place (`_event_lists`), the names (`by_name`), the places within
        # places and the contested events are built on first use: the first screen (the timeline and
        # its first event) needs none of them, and the events' lists alone are a second at 100k.

    def _set_tables(self, data: Mapping[str, dict[str, Any]]) -> None:
        self.tables: FrozenTable = FrozenTable({t: frozen(data.get(t, {})) for t in m.TABLES})

    # ---- reading ---------------------------------------------------------------------

    @property
    def meta(self) -> dict[str, Any]:
        meta: dict[str, Any] = self.tables["meta"].get("meta", {})
        return meta

    def counts(self) -> dict[str, int]:
        return {t: len(self.tables[t]) for t in m.TABLES if t != "meta"}

    def get(self, rid: str) -> dict[str, Any] | None:
        t = self.table_of.get(rid)
        return self.tables[t][rid] if t else None

    def actor(self, rid: str) -> dict[str, Any]:
        record: dict[str, Any] = self.tables["actors"][rid]
        return record

    def event(self, rid: str) -> dict[str, Any]:
        record: dict[str, Any] = self.tables["events"][rid]
        return record

    def name(self, rid: str) -> str:
        """The display name of any record id; the id itself when it names nothing."""
        t = self.table_of.get(rid)
        return m.label(t, self.tables[t][rid]) if t else rid

    def events_in_order(self) -> list[str]:
        return self.event_order

    def event_actors(self, eid: str) -> list[tuple[str, str]]:
        """(actor id, role) for everyone in an event, claimants included."""
        ev = self.event(eid)
        out = [(a["actor"], a["role"]) for a in ev.get("actors", ())]
        out += [(r["from"], "claimant") for r in self.relations_by_event.get(eid, ())]
        return out

    def relations_of(self, rid: str) -> list[dict[str, Any]]:
        return self.relations_by_actor.get(rid, [])

    def references_to(self, rid: str) -> list[str]:
        """Every place that refers to record `rid`, as "table/id.field" (".cite[0].source", ...)."""
        return references.references_to(self.tables, rid)

    def plan_delete(self, table: str, rid: str) -> Edit:
        """What deleting `table/rid` with cascade would change, record by record, for a confirm dialog:
        references dropped (a citation, an event's actor, an optional field), and records that cannot
        stand without the target deleted too (a relation from or to it, a record left with no citation)."""
        plan = references.cascade(self.tables, table, rid)
        return Edit(tuple(RecordChange(t, i, self.tables[t][i], after) for (t, i), after in plan.items()))

    @property
    def max_span_years(self) -> int:
        """The most years any event's date spans (a range `2012/2014`: 2), 0 without events."""
        return max(self._spans, default=0)

    def _record_links(self, table: str, rec: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
        """(index, key) lists a relation or a quote belongs in."""
        if table == "quotes":
            return [(self.quotes_by_speaker, rec["speaker"])]
        to = self.relations_by_event if rec["type"] in m.EVENT_RELATION_TYPES else self.relations_by_actor
        return [(self.relations_by_actor, rec["from"]), (to, rec["to"])]

    def _event_links(self, eid: str, ev: dict[str, Any], lists: "_EventLists") -> list[tuple[dict[str, Any], str]]:
        """(index, key) lists an event belongs in: each of its actors, claimants too, and its place."""
        by_actor, by_place = lists
        actors = ev.get("actors")
        who = {a["actor"] for a in actors} if actors else set()
        if claims := self.relations_by_event.get(eid):  # few events are claimed: skip the generator
            who.update(r["from"] for r in claims)
        links = [(by_actor, w) for w in who]
        links.extend((by_place, place) for place in m.event_places(ev))
        return links

    @cached_property
    def _event_lists(self) -> "_EventLists":
        """(events of each actor, claimants included; events at each place), in timeline order.

        Built on first use, once per snapshot. Two threads asking at once may both build it (Python
        3.12 dropped `cached_property`'s lock): from the same immutable records they build equal
        dicts, and either is kept. `evolve` updates a built one and leaves one not built unbuilt."""
        by_actor: dict[str, list[str]] = defaultdict(list)
        by_place: dict[str, list[str]] = defaultdict(list)
        events = self.tables["events"]
        for eid in self.event_order:
            for index, key in self._event_links(eid, events[eid], (by_actor, by_place)):
                index[key].append(eid)
        return dict(by_actor), dict(by_place)  # plain dicts: a reader asking for a missing key must not add one

    def prepare(self) -> None:
        """Build now the indexes a person's first clicks ask for (`_event_lists`, `places_within`):
        for a worker after the first frame, so that a click does not wait for them."""
        for lazy in ("_event_lists", "places_within"):
            getattr(self, lazy)  # a cached_property keeps what it built

    # cached_property, not property: an instance's own attribute wins over it, as `derived.IndexedSnapshot`
    # sets its lists over SQLite; each is that of this snapshot's `_event_lists`, set once asked.
    @cached_property
    def events_by_actor(self) -> dict[str, list[str]]:
        return self._event_lists[0]

    @cached_property
    def events_by_place(self) -> dict[str, list[str]]:
        return self._event_lists[1]

    @cached_property
    def places_within(self) -> dict[str, list[str]]:
        """Enclosing place -> the places directly within it (built on first use, as `_event_lists`)."""
        return _places_within(self.tables["places"])

    def _name_keys(self, table: str, rec: dict[str, Any]) -> set[str]:
        return {fold(name) for name in (m.label(table, rec), *m.alias_names(rec))}

    def _event_key(self, eid: str) -> str:
        ev = self.tables["events"][eid]
        return _order_key(_date_prefix(ev["date"]), ev["title"], eid)

    def _name_rank(self, rid: str) -> tuple[int, str]:
        return m.NAMED_TABLES.index(self.table_of[rid]), rid

    # ---- the next snapshot -------------------------------------------------------------

    def evolve(self, data: Mapping[str, dict[str, Any]], changes: Iterable[RecordChange]) -> "Snapshot":
        """The snapshot after `changes` made `data` from this one's: this one's indexes, copied
        where the changes touch them (a table of ids, the timeline order, the lists of the records
        they link), the rest shared. This snapshot itself is left as it was.

        An edit of many records (an import) builds the next snapshot whole instead: one sort beats
        100k insertions into the timeline and the lists of the biggest actors (seconds at 100k)."""
        changes = tuple(changes)  # read more than once: by the indexes and the contested events
        if len(changes) > REBUILD_AT and len(changes) * 8 > len(self.table_of):
            return Snapshot(data, self.version + 1)
        new = object.__new__(Snapshot)
        new.version = self.version + 1
        new.tables = self.tables  # the state before, until the links are undone
        new.table_of, new.event_pos = dict(self.table_of), dict(self.event_pos)
        new.event_order, new.event_keys, new.event_ends = list(self.event_order), list(self.event_keys), list(self.event_ends)
        new._spans = Counter(self._spans)
        new.relations_by_actor, new.relations_by_event = dict(self.relations_by_actor), dict(self.relations_by_event)
        new.quotes_by_speaker = dict(self.quotes_by_speaker)
        # An index built here is kept up to date; one not yet built is left to be built from the new
        # snapshot's records on first use (asking `self` for it here would build it for nothing).
        if "_event_lists" in self.__dict__:
            by_actor, by_place = self._event_lists
            new.__dict__["_event_lists"] = (dict(by_actor), dict(by_place))
        if "places_within" in self.__dict__:  # never changed in place: replaced when places change
            new.__dict__["places_within"] = self.places_within
        if "by_name" in self.__dict__:  # built: keep it up to date; not yet: built from the records on first use
            new.__dict__["by_name"] = dict(self.by_name)
        new._reindex(data, changes)
        if "contested_events" in self.__dict__:  # as `by_name`: kept up to date once built
            edited = {c.id: c.after for c in changes if c.table == "events"}
            now = {eid for eid, ev in edited.items() if ev is not None and _is_contested_event(ev)}
            new.__dict__["contested_events"] = (self.contested_events - edited.keys()) | now
        return new

    def _reindex(self, data: Mapping[str, dict[str, Any]], changes: Iterable[RecordChange]) -> None:
        """Bring every index up to date after `changes`, touching only what they touch.

        Whatever a changed record was linked to is unlinked (while the indexes still describe the
        old state), then whatever it is linked to now is linked, each list kept in its order.
        """
        changed = [c for c in net_changes(changes) if c.table != "meta"]
        events = [c for c in changed if c.table == "events"]
        # Events whose lists may change: the edited ones, and those a changed claim points at.
        affected = {c.id: c.before for c in events}
        for c in changed:
            if c.table == "relations":
                for rel in (c.before, c.after):
                    if rel and rel["type"] in m.EVENT_RELATION_TYPES:
                        affected.setdefault(rel["to"], self.tables["events"].get(rel["to"]))
        lists: _EventLists | None = self.__dict__.get("_event_lists")  # not built: nothing to keep up to date
        if lists is not None:  # first: an event's links ask the claims as they were
            for eid, ev in affected.items():
                if ev is not None and eid in self.event_pos:
                    for index, key in self._event_links(eid, ev, lists):
                        _drop(index, key, self.event_pos[eid], self.event_pos.__getitem__)
        for c in changed:
            if c.before is not None:
                self._link(c.table, c.id, c.before, False)

        self._set_tables(data)
        for c in changed:
            if c.after is None:
                self.table_of.pop(c.id, None)
            else:
                self.table_of[c.id] = c.table
        self._reorder_events(events)
        if any(c.table == "places" for c in changed) and "places_within" in self.__dict__:
            self.__dict__["places_within"] = _places_within(self.tables["places"])  # places are few: rebuilt whole

        for c in changed:
            if c.after is not None:
                self._link(c.table, c.id, c.after, True)
        if lists is not None:
            for eid in affected:
                if (ev := self.tables["events"].get(eid)) is not None:
                    for index, key in self._event_links(eid, ev, lists):
                        _put(index, key, eid, self.event_pos.__getitem__)

    def _link(self, table: str, rid: str, rec: dict[str, Any], link: bool) -> None:
        """Put a relation, quote or named record into (`link`) or take it out of the indexes by record."""
        if table in ("relations", "quotes"):
            for index, key in self._record_links(table, rec):
                if link:
                    _put(index, key, rec, _record_id)
                else:
                    _drop(index, key, rid, _record_id)
        if table in m.NAMED_TABLES and "by_name" in self.__dict__:
            for key in self._name_keys(table, rec):
                if link:
                    _put(self.by_name, key, rid, self._name_rank)
                else:
                    _drop(self.by_name, key, self._name_rank(rid), self._name_rank)

    def _reorder_events(self, changes: list[RecordChange]) -> None:
        """Take the changed events out of the timeline order and put them back where they now go."""
        gone = sorted((self.event_pos.pop(c.id) for c in changes if c.before is not None), reverse=True)
        for i in gone:
            del self.event_order[i], self.event_keys[i], self.event_ends[i]
        lo = gone[-1] if gone else len(self.event_order)
        for c in changes:
            if c.before is not None:
                self._spans[_span_years(c.before["date"])] -= 1
            if c.after is not None:
                self._spans[_span_years(c.after["date"])] += 1
                key = self._event_key(c.id)
                i = bisect.bisect_left(self.event_order, key, key=self._event_key)
                self.event_order.insert(i, c.id)
                self.event_keys.insert(i, dates.sort_key(c.after["date"]))
                self.event_ends.insert(i, dates.latest(c.after["date"]))
                lo = min(lo, i)
        self._spans = +self._spans  # no zero counts: the most years spanned is that of an event still here
        self.event_pos.update(zip(self.event_order[lo:], range(lo, len(self.event_order))))

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Folded name or alias -> ids; built on first use (folding 100k titles is a tenth of the load)."""
        by_name: dict[str, list[str]] = defaultdict(list)
        for t in m.NAMED_TABLES:
            records = self.tables[t]
            for rid in sorted(records):
                for key in self._name_keys(t, records[rid]):
                    by_name[key].append(rid)
        return dict(by_name)

    @cached_property
    def contested_events(self) -> frozenset[str]:
        """Events with a contested fact: "contested only" is a lookup here, not a scan of 100k events
        (200 ms); built on first use, as few sessions ask."""
        return frozenset(eid for eid, ev in self.tables["events"].items() if _is_contested_event(ev))

    def events_between(self, start: str | None, end: str | None) -> list[str]:
        """Events that may fall in [start, end], by binary search on the date order."""
        lo = 0 if not start else bisect.bisect_left(self.event_keys, dates.sort_key(dates.earliest(start)))
        hi = len(self.event_order) if not end else bisect.bisect_right(self.event_keys, dates.sort_key(dates.latest(end)))
        head: list[str] = []
        if start:
            # A coarse date or a range sorts at its beginning, so it may start before `start`
            # and still overlap it; only the last `max_span_years` before `lo` can.
            # Of those, only a date that ends on or after `start` begins can (end too is checked on that few).
            back = bisect.bisect_left(self.event_keys, (dates.parse(start).start.year - self.max_span_years, 0, 0))
            first, events = dates.earliest(start), self.tables["events"]
            head = [e for e, last in zip(self.event_order[back:lo], self.event_ends[back:lo]) if last >= first]
            head = [e for e in head if dates.overlaps(events[e]["date"], start, end)]
        return head + self.event_order[lo:hi]


def net_changes(changes: Iterable[RecordChange]) -> list[RecordChange]:
    """One change per record: a record changed twice goes from its first `before` to its last `after`."""
    net: dict[tuple[str, str], RecordChange] = {}
    for c in changes:
        first = net.get((c.table, c.id), c)
        net[(c.table, c.id)] = RecordChange(c.table, c.id, first.before, c.after)
    return list(net.values())
