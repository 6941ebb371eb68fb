"""The one way in to the data: open a file once, index it, answer queries, save edits.

Only this module (with `storage`) touches TinyDB. Records are the plain dicts from the
file; indexes are built once at open and updated for the changed records after each edit.
"""

from __future__ import annotations

import copy
import gc
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from maliterm import changelog, references, validated
from maliterm import model as m
from maliterm.errors import Ambiguous, InvalidDatabase, NotFound, Problem, ReadOnly, Referenced
from maliterm.folding import fold
from maliterm.history import Edit, History, RecordChange
from maliterm.indexes import Indexes
from maliterm.locking import Holder, LockUnavailable, Locked, WriterLock
from maliterm.storage import (FileIdentity, cannot_keep_owner, check_duplicate_keys, digest, open_tinydb, parse,
                              read_raw, remove_leftovers, save_atomic)
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
    """Why this process could not save `path`, or "" if it could (saves also write beside it,
    beside the real file when `path` is a symlink, and keep its owner and group)."""
    real = Path(os.path.realpath(path))
    if os.path.exists(real) and not os.access(real, os.W_OK):  # os.path: False, not an error, for odd paths
        return f"you have no permission to write {path}"
    if os.path.isdir(real.parent) and not os.access(real.parent, os.W_OK | os.X_OK):
        return f"you have no permission to write in the folder {real.parent} (saves write a temporary file there)"
    return cannot_keep_owner(real)


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


class Resolved(NamedTuple):
    table: str
    record: dict
    exact: bool  # an id, name or alias; False when the words of a name matched


def _holds_words(name_words: list[str], words: list[str]) -> bool:
    """Every query word is one of the name's words or the start of one."""
    return all(any(n.startswith(w) for n in name_words) for w in words)


class Store(Indexes):
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
        self.leftovers_removed: list[Path] = []  # temp files of saves that died, deleted at open
        self.leftovers_kept: list[str] = []  # ... or why one could not be
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
            store.leftovers_removed, store.leftovers_kept = remove_leftovers(store._db.storage.target,
                                                                             lock.acquired_at)
            store._release = weakref.finalize(store, lock.release)  # also at exit, if never closed
        return store

    @staticmethod
    def _take_lock(path: Path) -> tuple[str, Holder | None, WriterLock | None]:
        """(why read-only or "", who holds the lock, our lock) for a store that wants to write."""
        if reason := not_writable(path):
            return reason, None, None
        if not os.path.isfile(path):
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

    # ---- reading ---------------------------------------------------------------------

    @property
    def meta(self) -> dict:
        return self.tables["meta"].get("meta", {})

    @property
    def digest(self) -> str:
        """The digest of the file as this store last read or saved it: what derived indexes are keyed by."""
        return self._db.storage.identity.digest

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
        """(table, record) of `resolve_match`."""
        found = self.resolve_match(query, tables)
        return found.table, found.record

    def resolve_match(self, query: str, tables: Iterable[str] = m.NAMED_TABLES) -> "Resolved":
        """The one record a person means by `query`, for every command that takes a name.

        In order: an id (case ignored); a whole name or alias (folded: case, accents and
        punctuation ignored); else the records one of whose names holds every word of the query
        as a whole word or the start of one (`dacko` -> Didier Dacko), which must be exactly one.
        `exact` is False for that last kind, so callers can say which record they took.
        Several: Ambiguous listing them. None: NotFound with the closest search hits, never taken.
        """
        tables = tuple(tables)
        q = query.strip()
        for rid in (q, q.lower()):
            if self.table_of.get(rid) in tables:
                return Resolved(self.table_of[rid], self.get(rid), True)  # type: ignore[arg-type]
        folded = fold(q)
        for rid in self.by_name.get(folded, ()):
            if self.table_of[rid] in tables:
                return Resolved(self.table_of[rid], self.get(rid), True)  # type: ignore[arg-type]
        words = folded.split()
        found = {rid for key, rids in self.by_name.items() if words and _holds_words(key.split(), words)
                 for rid in rids if self.table_of[rid] in tables}
        ranked = sorted(found, key=lambda r: (tables.index(self.table_of[r]), r))
        if len(ranked) == 1:
            return Resolved(self.table_of[ranked[0]], self.get(ranked[0]), False)  # type: ignore[arg-type]
        if ranked:
            raise Ambiguous(query, ranked, [self.name(r) for r in ranked])
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

    def write_many(self, records: Iterable[tuple[str, str, dict | None]], summary: str = "") -> None:
        """Add or replace (a dict) or delete (None) many records as one edit: validated together,
        one atomic save, one undo step. For imports and merges, where `put` per record would
        validate the whole database once per record. With a `summary` ("import of FILE: ...") the
        change log gets that one entry instead of one per record."""
        changes = []
        for table, rid, after in records:
            if table not in m.TABLES:
                raise ValueError(f"unknown table {table!r}")
            before = self.tables[table].get(rid)
            if after != before:
                changes.append(RecordChange(table, rid, before, copy.deepcopy(after)))
        if changes:
            self._commit(Edit(tuple(changes), summary))

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
