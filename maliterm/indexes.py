"""The store's in-memory indexes: built once at open, updated record by record after each edit.

`Store` inherits them (`Indexes` holds no state of its own beyond the indexes); the UI and the
CLI read them through the store. Pure Python, no TinyDB and no Textual.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property

from maliterm import dates
from maliterm import model as m
from maliterm.folding import fold
from maliterm.history import RecordChange


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


def _places_within(places: dict[str, dict]) -> dict[str, list[str]]:
    """Enclosing place -> the places directly within it, in id order (the lineage of places)."""
    children: dict[str, list[str]] = defaultdict(list)
    for pid in sorted(places):
        if parent := places[pid].get("within"):
            children[parent].append(pid)
    return children


def _record_id(rec: dict) -> str:
    return rec["id"]


def _drop(index: dict[str, list], key: str, at: object, rank: Callable[[object], object]) -> None:
    """Take the item ranked `at` out of `index[key]`, a list sorted by `rank`, if it is there;
    a list left empty goes, as a full build would not have made it."""
    items = index.get(key)
    if not items:
        return
    i = bisect.bisect_left(items, at, key=rank)
    if i < len(items) and rank(items[i]) == at:
        del items[i]
        if not items:
            del index[key]


def _put(index: dict[str, list], key: str, item: object, rank: Callable[[object], object]) -> None:
    """Put `item` in `index[key]`, a list sorted by `rank`, in its place (replacing one of equal rank)."""
    items = index.setdefault(key, [])
    at = rank(item)
    i = bisect.bisect_left(items, at, key=rank)
    if i < len(items) and rank(items[i]) == at:
        items[i] = item
    else:
        items.insert(i, item)


class Indexes:
    """Lookups over `self.tables` (a mixin of Store, which sets `_db` and calls `_index`)."""

    # `_index` builds them all at open; after an edit `_reindex` updates them for the records it
    # changed. Both go through the same `_*_links` functions, so they cannot disagree
    # (tests/unit/test_incremental_index.py). Lists of events are in timeline order; lists of
    # relations, quotes and of ids under a name are in id order, as in the saved file.

    def _index(self) -> None:
        data = self._db.storage.read()
        self.tables: dict[str, dict[str, dict]] = {t: data.get(t, {}) for t in m.TABLES}
        self.table_of: dict[str, str] = {}
        for t in m.TABLES[1:]:
            self.table_of.update(dict.fromkeys(self.tables[t], t))  # C speed: 100k+ ids
        events = self.tables["events"]
        # One parse per distinct date (100k events share a few thousand), not several per event.
        per_date = Counter(ev["date"] for ev in events.values())
        bounds = {d: (dates.sort_key(d), dates.latest(d)) for d in per_date}
        self._spans: Counter[int] = Counter()
        for d, n in per_date.items():
            self._spans[_span_years(d)] += n
        prefix = {d: _date_prefix(d) for d in per_date}
        # One pass over the records in file order (cache-friendly), then a sort on unique strings.
        keyed = sorted((_order_key(prefix[ev["date"]], ev["title"], eid), eid, ev["date"]) for eid, ev in events.items())
        self.event_order: list[str] = [k[1] for k in keyed]
        self.event_keys = [bounds[k[2]][0] for k in keyed]
        self.event_ends = [bounds[k[2]][1] for k in keyed]  # latest day of each date, for `events_between`
        self.event_pos = {e: i for i, e in enumerate(self.event_order)}
        self.relations_by_actor: dict[str, list[dict]] = defaultdict(list)
        self.relations_by_event: dict[str, list[dict]] = defaultdict(list)
        self.quotes_by_speaker: dict[str, list[dict]] = defaultdict(list)
        for table in ("relations", "quotes"):
            records = self.tables[table]
            for rid in sorted(records):
                for index, key in self._record_links(table, records[rid]):
                    index[key].append(records[rid])
        self.events_by_actor: dict[str, list[str]] = defaultdict(list)
        self.events_by_place: dict[str, list[str]] = defaultdict(list)
        for eid in self.event_order:
            for index, key in self._event_links(eid, events[eid]):
                index[key].append(eid)
        self.places_within = _places_within(self.tables["places"])
        self.__dict__.pop("by_name", None)
        self._search = None

    @property
    def max_span_years(self) -> int:
        """The most years any event's date spans (a range `2012/2014`: 2), 0 without events."""
        return max(self._spans, default=0)

    def _record_links(self, table: str, rec: dict) -> list[tuple[dict, str]]:
        """(index, key) lists a relation or a quote belongs in."""
        if table == "quotes":
            return [(self.quotes_by_speaker, rec["speaker"])]
        to = self.relations_by_event if rec["type"] in m.EVENT_RELATION_TYPES else self.relations_by_actor
        return [(self.relations_by_actor, rec["from"]), (to, rec["to"])]

    def _event_links(self, eid: str, ev: dict) -> list[tuple[dict, str]]:
        """(index, key) lists an event belongs in: each of its actors, claimants too, and its place."""
        actors = ev.get("actors")
        who = {a["actor"] for a in actors} if actors else set()
        if claims := self.relations_by_event.get(eid):  # few events are claimed: skip the generator
            who.update(r["from"] for r in claims)
        links = [(self.events_by_actor, w) for w in who]
        if place := ev.get("place"):
            links.append((self.events_by_place, place))
        return links

    def _name_keys(self, table: str, rec: dict) -> set[str]:
        return {fold(name) for name in (m.label(table, rec), *rec.get("aliases", ()))}

    def _event_key(self, eid: str) -> str:
        ev = self.tables["events"][eid]
        return _order_key(_date_prefix(ev["date"]), ev["title"], eid)

    def _name_rank(self, rid: str) -> tuple[int, str]:
        return m.NAMED_TABLES.index(self.table_of[rid]), rid

    def _reindex(self, changes: Iterable[RecordChange]) -> None:
        """Bring every index up to date after `changes` were saved, touching only what they touch.

        Whatever a changed record was linked to is unlinked (while the indexes still describe the
        old state), then whatever it is linked to now is linked, each list kept in its order.
        """
        net: dict[tuple[str, str], RecordChange] = {}
        for c in changes:  # one record changed twice in an edit: from its first before to its last after
            first = net.get((c.table, c.id), c)
            net[(c.table, c.id)] = RecordChange(c.table, c.id, first.before, c.after)
        changed = [c for c in net.values() if c.table != "meta"]
        events = [c for c in changed if c.table == "events"]
        # Events whose lists may change: the edited ones, and those a changed claim points at.
        affected = {c.id: c.before for c in events}
        for c in changed:
            if c.table == "relations":
                for rel in (c.before, c.after):
                    if rel and rel["type"] in m.EVENT_RELATION_TYPES:
                        affected.setdefault(rel["to"], self.tables["events"].get(rel["to"]))
        for eid, ev in affected.items():  # first: an event's links ask the claims as they were
            if ev is not None and eid in self.event_pos:
                for index, key in self._event_links(eid, ev):
                    _drop(index, key, self.event_pos[eid], self.event_pos.__getitem__)
        for c in changed:
            if c.before is not None:
                self._link(c.table, c.id, c.before, False)

        data = self._db.storage.read()
        self.tables = {t: data.get(t, {}) for t in m.TABLES}
        for c in changed:
            if c.after is None:
                self.table_of.pop(c.id, None)
            else:
                self.table_of[c.id] = c.table
        self._reorder_events(events)
        if any(c.table == "places" for c in changed):  # places are few: rebuilt whole, cheaply
            self.places_within = _places_within(self.tables["places"])

        for c in changed:
            if c.after is not None:
                self._link(c.table, c.id, c.after, True)
        for eid in affected:
            if (ev := self.tables["events"].get(eid)) is not None:
                for index, key in self._event_links(eid, ev):
                    _put(index, key, eid, self.event_pos.__getitem__)

    def _link(self, table: str, rid: str, rec: dict, link: bool) -> None:
        """Put a relation, quote or named record into (`link`) or take it out of the indexes by record."""
        if table in ("relations", "quotes"):
            for index, key in self._record_links(table, rec):
                if link:
                    _put(index, key, rec, _record_id)
                else:
                    _drop(index, key, rid, _record_id)
        if table not in m.NAMED_TABLES:
            return
        if "by_name" in self.__dict__:  # built: keep it; not yet: it will be built from the records
            for key in self._name_keys(table, rec):
                if link:
                    _put(self.by_name, key, rid, self._name_rank)
                else:
                    _drop(self.by_name, key, self._name_rank(rid), self._name_rank)
        if self._search is not None:
            if link:
                self._search.add(self._search.entries_of(table, rid, rec))
            else:
                self._search.remove(table, rid)

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
        return by_name

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
