"""The one way in to the data: open a file once, index it, answer queries, save edits.

Only this module (with `storage`) touches TinyDB. Records are the plain dicts from the
file; indexes are built once at open and updated for the changed records after each edit.
"""

from __future__ import annotations

import bisect
import copy
import gc
import os
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

from maliterm import changelog, dates, references, validated
from maliterm import model as m
from maliterm.errors import InvalidDatabase, NotFound, Problem, ReadOnly, Referenced
from maliterm.folding import fold
from maliterm.history import Edit, History, RecordChange
from maliterm.locking import Holder, LockUnavailable, Locked, WriterLock
from maliterm.storage import (FileIdentity, check_duplicate_keys, digest, open_tinydb, parse, read_raw,
                              save_atomic)
from maliterm.validate import validate

DEFAULT_DB = Path(__file__).parent / "data" / "db.json"


def default_path() -> Path:
    """MALITERM_DB if set, else the dataset shipped with maliterm (the repo's db.json)."""
    env = os.environ.get("MALITERM_DB")
    return Path(env) if env else DEFAULT_DB.resolve()


def empty_database(title: str = "") -> dict:
    meta = {"id": "meta", "schema_version": m.SCHEMA_VERSION}
    if title:
        meta["title"] = title
    return {"meta": {"meta": meta}, **{t: {} for t in m.TABLES if t != "meta"}}


def init(path: Path, title: str = "") -> None:
    """Create an empty valid database; never overwrite an existing file."""
    if path.exists():
        raise InvalidDatabase(f"{path} exists", [Problem(str(path), "", "already exists", "a new path (init never overwrites)")])
    if not path.parent.is_dir():
        raise InvalidDatabase(f"{path.parent} is not a folder",
                              [Problem(str(path), "", f"folder {path.parent} does not exist", "an existing folder")])
    save_atomic(path, empty_database(title))


def load_valid(path: Path) -> dict:
    """Read and validate a file; raises InvalidDatabase listing every problem."""
    return load_valid_with_identity(path)[0]


def load_valid_with_identity(path: Path, progress: Callable[[str], None] | None = None) -> tuple[dict, FileIdentity]:
    """Read, parse and check a file; contents that passed before (see `validated`) are not checked again."""
    say = progress or (lambda phase: None)
    say("reading")
    raw, st = read_raw(path)
    with ThreadPoolExecutor(1) as pool:
        hashing = pool.submit(digest, raw)  # hashlib lets go of the GIL: it runs on the other core
        data = parse(raw, path, check_keys=False)
        identity = FileIdentity.known(st, hashing.result())
    if not validated.known_valid(identity.digest):
        say("checking")
        check_duplicate_keys(raw, data, path)
        problems = validate(data, str(path))
        if problems:
            raise InvalidDatabase(f"{path} is not a valid maliterm database", problems)
        validated.remember(identity.digest)
    return data, identity  # type: ignore[return-value]


def not_writable(path: Path) -> str:
    """Why this process could not save `path`, or "" if it could (saves also write beside it)."""
    if path.exists() and not os.access(path, os.W_OK):
        return f"you have no permission to write {path}"
    if path.parent.is_dir() and not os.access(path.parent, os.W_OK | os.X_OK):
        return f"you have no permission to write in the folder {path.parent} (saves write a temporary file there)"
    return ""


@contextmanager
def bulk_load() -> Iterator[None]:
    """Parse, check and index with the cyclic garbage collector off, then freeze what was built.

    A 100k-event file is millions of dicts and lists; the collector would scan them again and
    again while they are made (measured: orjson.loads takes 3-4x longer with it on). Records
    form no reference cycles, so nothing is lost; frozen, later collections skip them too.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _span_years(date: str) -> int:
    """How many years past its first a date can reach (a range `2012/2014`: 2)."""
    d = dates.parse(date)
    return (d.end or d.start).year - d.start.year


def _date_prefix(date: str) -> str:
    """`2015-06` -> `20150600`: the date's place in time as text (coarser first, as `dates.sort_key`)."""
    return "%04d%02d%02d" % dates.sort_key(date)


def _order_key(date_prefix: str, title: str, eid: str) -> str:
    """Timeline order (date, title, id) as one string: sorting 100k strings is C work, tuples are not."""
    return f"{date_prefix}\x00{title}\x00{eid}"


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


class Store:
    """An open database: the records, their indexes, and the only write path.

    Opened for writing, it holds the file's writer lock until `close` (or the end of a
    `with` block, or of the process). When it cannot be written, `read_only` is true and
    `read_only_reason` says why in a sentence; `lock_holder` names the writer, if that is why.
    """

    def __init__(self, path: Path, data: dict, read_only: bool = False, identity: FileIdentity | None = None) -> None:
        self.path = path
        self.read_only = read_only
        self.read_only_reason = "opened read-only" if read_only else ""
        self.lock_holder: Holder | None = None
        self.took_over_lock_from: Holder | None = None  # a writer that died without closing
        self.history = History()
        self._busy = threading.RLock()  # edits and the background search-index build take turns
        self._release = lambda: None
        self._db = open_tinydb(path, data, read_only, identity)
        self._index()

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, read_only: bool = False,
             progress: Callable[[str], None] | None = None) -> "Store":
        """Open a file; `progress(phase)` hears "reading", "checking" and "indexing" as they start."""
        p = Path(path) if path is not None else default_path()
        reason, holder, lock = ("opened read-only", None, None) if read_only else cls._take_lock(p)
        try:
            with bulk_load():
                data, identity = load_valid_with_identity(p, progress)
                if progress:
                    progress("indexing")
                store = cls(p, data, bool(reason), identity)
        except BaseException:
            if lock:
                lock.release()
            raise
        store.read_only_reason, store.lock_holder = reason, holder
        if lock:
            store.took_over_lock_from = lock.took_over
            store._release = weakref.finalize(store, lock.release)  # also at exit, if never closed
        return store

    @staticmethod
    def _take_lock(path: Path) -> tuple[str, Holder | None, WriterLock | None]:
        """(why read-only or "", who holds the lock, our lock) for a store that wants to write."""
        if reason := not_writable(path):
            return reason, None, None
        if not path.is_file():
            return "", None, None  # opening will fail and say why; leave no lock file beside it
        try:
            return "", None, WriterLock.acquire(path)
        except Locked as exc:
            return exc.title, exc.holder, None
        except LockUnavailable as exc:
            return exc.title, None, None

    def close(self) -> None:
        """Give up the writer lock (reading still works); safe to call twice."""
        self._release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- indexes -------------------------------------------------------------------
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

    # ---- reading ---------------------------------------------------------------------

    @property
    def meta(self) -> dict:
        return self.tables["meta"].get("meta", {})

    @property
    def title(self) -> str:
        return self.meta.get("title") or self.path.name

    def counts(self) -> dict[str, int]:
        return {t: len(self.tables[t]) for t in m.TABLES if t != "meta"}

    def get(self, rid: str) -> dict | None:
        t = self.table_of.get(rid)
        return self.tables[t][rid] if t else None

    def actor(self, rid: str) -> dict:
        return self.tables["actors"][rid]

    def event(self, rid: str) -> dict:
        return self.tables["events"][rid]

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

    def relations_of(self, rid: str) -> list[dict]:
        return self.relations_by_actor.get(rid, [])

    def resolve(self, query: str, tables: Iterable[str] = m.NAMED_TABLES) -> tuple[str, dict]:
        """Find one record by id, name or alias (folded); NotFound with suggestions otherwise."""
        tables = tuple(tables)
        if query in self.table_of and self.table_of[query] in tables:
            return self.table_of[query], self.get(query)  # type: ignore[return-value]
        for rid in self.by_name.get(fold(query), ()):
            if self.table_of[rid] in tables:
                return self.table_of[rid], self.get(rid)  # type: ignore[return-value]
        # A fuzzy match is offered, never taken: a script must not act on a guess.
        hits = [h for h in self.search(query, limit=8) if h.table in tables][:5]
        raise NotFound(query, [f"{self.name(h.id)} ({h.id})" for h in hits])

    def prepare_search(self):
        """The search index, built now if not yet (the TUI builds it in the background after opening)."""
        from maliterm.search import SearchIndex

        with self._busy:  # an edit saved meanwhile would leave the new index describing the old data
            if self._search is None:
                self._search = SearchIndex.from_store(self)
                gc.freeze()  # as at load: a million long-lived objects the collector need not rescan
        return self._search

    def search(self, text: str, limit: int = 20):
        return self.prepare_search().query(text, limit)

    # ---- writing ---------------------------------------------------------------------

    def _check_writable(self) -> None:
        if self.read_only:
            raise ReadOnly(f"{self.path} is open read-only: {self.read_only_reason}")

    def put(self, table: str, record: dict) -> None:
        """Add or replace one whole record: validated, saved atomically, logged, undoable."""
        if table not in m.TABLES or table == "changes":  # the log is written by the store alone
            raise ValueError(f"unknown table {table!r}")
        rid = record.get("id")
        if not isinstance(rid, str):
            raise InvalidDatabase(f"cannot save a record of {table} without an id", [Problem(
                str(self.path), f"{table}/?.id", f"is {rid!r}", "a slug naming the record")])
        before = self.tables[table].get(rid)
        after = copy.deepcopy(record)  # the caller may go on changing its dict; ours must not move
        if after != before:
            self._commit(Edit((RecordChange(table, rid, before, after),)))

    def write_many(self, records: Iterable[tuple[str, str, dict | None]]) -> None:
        """Add or replace (a dict) or delete (None) many records as one edit: validated together,
        one atomic save, one undo step. For imports and merges, where `put` per record would
        validate the whole database once per record."""
        changes = []
        for table, rid, after in records:
            if table not in m.TABLES:
                raise ValueError(f"unknown table {table!r}")
            before = self.tables[table].get(rid)
            if after != before:
                changes.append(RecordChange(table, rid, before, copy.deepcopy(after)))
        if changes:
            self._commit(Edit(tuple(changes)))

    def delete(self, table: str, rid: str, cascade: bool = False) -> Edit:
        """Delete one record. Without `cascade`, refuses (Referenced) while others refer to it;
        with it, removes those references too (see `plan_delete`), all in one save and one undo step."""
        self._check_writable()
        if rid not in self.tables.get(table, {}) or table == "changes":
            raise NotFound(f"{table}/{rid}", [])
        if not cascade and (refs := self.references_to(rid)):
            raise Referenced(f"cannot delete {table}/{rid}: other records refer to it", [
                Problem(str(self.path), ref, f"refers to {rid}", "no reference left: remove these, or delete with cascade")
                for ref in refs])
        edit = self.plan_delete(table, rid)
        self._commit(edit)
        return edit

    def references_to(self, rid: str) -> list[str]:
        """Every place that refers to record `rid`, as "table/id.field" (".cite[0].source", ...)."""
        return references.references_to(self.tables, rid)

    def plan_delete(self, table: str, rid: str) -> Edit:
        """What `delete(table, rid, cascade=True)` would change, record by record, for a confirm dialog:
        references dropped (a citation, an event's actor, an optional field), and records that cannot
        stand without the target deleted too (a relation from or to it, a record left with no citation)."""
        plan = references.cascade(self.tables, table, rid)
        return Edit(tuple(RecordChange(t, i, self.tables[t][i], after) for (t, i), after in plan.items()))

    def _commit(self, edit: Edit, action: str | None = None) -> None:
        """Apply an edit and its change-log entries: validated as a whole, one atomic save, then undoable.

        `action` is "undo" or "redo" when replaying history; otherwise the edit is new and clears redo.
        """
        with self._busy:  # the search index may be being built in another thread from these tables
            self._apply(edit, action)

    def _apply(self, edit: Edit, action: str | None) -> None:
        self._check_writable()
        data = self._db.storage.read()
        trial = {**data, **{t: dict(data.get(t, {})) for t in {c.table for c in edit.changes} | {"changes"}}}
        for c in edit.changes:
            if c.after is None:
                trial[c.table].pop(c.id, None)
            else:
                trial[c.table][c.id] = c.after
        touched = {(c.table, c.id) for c in edit.changes}
        logged = [RecordChange("changes", e["id"], None, e) for e in changelog.entries(edit, action, self.table_of)]
        for entry in logged:
            trial["changes"][entry.id] = entry.after
            touched.add(("changes", entry.id))
        # What was here is valid; unless an id goes away, only the touched records need a look.
        deletes = any(c.after is None for c in edit.changes)
        problems = validate(trial, str(self.path), only=None if deletes else touched)
        if problems:
            what = ", ".join(c.ref for c in edit.changes)
            raise InvalidDatabase(f"cannot save {what}", problems)
        self._db.storage.write(trial)  # FileChanged or OSError: nothing saved, memory unchanged
        validated.remember(self._db.storage.identity.digest)  # checked above: reopening needs no check
        self._reindex(edit.changes + tuple(logged))
        if action is None:
            self.history.done(edit)

    @property
    def can_undo(self) -> bool:
        return self.history.can_undo

    @property
    def can_redo(self) -> bool:
        return self.history.can_redo

    def undo(self) -> Edit | None:
        """Take back the last edit of this session (saved, and logged as "undo"); None if there is none."""
        edit = self.history.next_undo()
        if edit is not None:
            self._commit(edit.inverse(), "undo")
            self.history.undone()
        return edit

    def redo(self) -> Edit | None:
        """Make again the last undone edit; None if there is none."""
        edit = self.history.next_redo()
        if edit is not None:
            self._commit(edit, "redo")
            self.history.redone()
        return edit

    def changed_on_disk(self) -> bool:
        """Whether another program changed the file since this store loaded or saved it."""
        return self._db.storage.changed_on_disk()

    def reload(self) -> None:
        """Read the file again (after `FileChanged`). Undo history is dropped: it was about the old file."""
        data, identity = load_valid_with_identity(self.path)
        self._db = open_tinydb(self.path, data, self.read_only, identity)
        self.history.clear()
        self._index()

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
