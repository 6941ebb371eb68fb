"""The one writer of an open database: every edit, undo, redo and reload, one at a time, on its own thread.

It owns the undo history, the change log and the file (through `storage`): it applies an edit to
the records as they are now, validates, saves atomically, builds the next `Snapshot` from the last
(copying only what changed) and publishes it by swapping one reference. Readers take
`writer.snapshot` and never wait for any of this. Callers on other threads wait for their own
write only (`call`), so two quick undos are two undos, each of the edit before.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from maliterm import changelog, validation_cache
from maliterm import model as m
from maliterm.errors import InvalidDatabase, NotFound, Problem, ReadOnly, Referenced, SaveFailed
from maliterm.undo import Edit, RecordChange, UndoHistory
from maliterm.indexes import FrozenTable, Snapshot, net_changes
from maliterm.storage import save_failed
from maliterm.validate import validate

if TYPE_CHECKING:
    from maliterm.storage import SlugDB

T = TypeVar("T")
Published = Callable[[Snapshot, Snapshot, list[RecordChange] | None], None]


class Writer:
    """Runs writes in order on one thread; `snapshot` is what every reader sees."""

    def __init__(self, path: Path, db: SlugDB, first: Snapshot, writable: Callable[[], str],
                 published: Published) -> None:
        """`first` is the snapshot of what `db` holds; `writable()` says why writing is refused ("" when
        it is not); `published(old, new, changes)` hears of each new snapshot (changes None: a reload)."""
        self.path = path
        self.undo_history = UndoHistory()  # read and changed on the writer's thread only
        self.snapshot = first
        self._db = db
        self._writable = writable
        self._published = published
        self._pool: ThreadPoolExecutor | None = None
        self._thread: int | None = None
        self._closed = False
        self._start = threading.Lock()

    # ---- running ----------------------------------------------------------------------

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Queue `fn(*args)` to run on the writer's thread after the writes before it."""
        with self._start:
            if self._closed:
                raise ReadOnly(f"{self.path} is closed: reopen it to edit")
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="maliterm-writer", initializer=self._mark)
            return self._pool.submit(fn, *args)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(*args)` as a write and return its result (or raise its error) once it is done."""
        if threading.get_ident() == self._thread:
            return fn(*args)  # a write that makes another (an edit built from the record as it is now)
        return self.submit(fn, *args).result()

    @property
    def digest(self) -> str:
        """The digest of the file as last read or saved (the snapshot's, between writes)."""
        return self._db.storage.identity.digest

    def _mark(self) -> None:
        self._thread = threading.get_ident()

    def close(self) -> None:
        """Finish the writes queued so far, then refuse more (the file's lock is about to go)."""
        with self._start:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=threading.get_ident() != self._thread)

    # ---- writes (on the writer's thread) ---------------------------------------------------

    def check_writable(self) -> None:
        if reason := self._writable():
            raise ReadOnly(f"{self.path} is open read-only: {reason}")

    def write_many(self, records: Iterable[tuple[str, str, dict[str, Any] | None]], summary: str | None = None,
                   handover: bool = False) -> Edit | None:
        """Add or replace (a dict) or delete (None) many records as one edit; see `Store.write_many`."""
        changes = []
        tables = self.snapshot.tables
        for table, rid, after in records:
            if table not in m.TABLES:  # `changes` too: a merge brings in the other side's log entries
                raise ValueError(f"unknown table {table!r}")
            if after is not None and not isinstance(after.get("id"), str):
                raise InvalidDatabase(f"cannot save a record of {table} without an id", [Problem(
                    str(self.path), f"{table}/?.id", f"is {after.get('id')!r}", "a slug naming the record")])
            before = tables[table].get(rid)
            if after != before:  # the caller may go on changing its dicts (unless handed over); ours must not move
                changes.append(RecordChange(table, rid, before, after if handover else copy.deepcopy(after)))
        if not changes:
            return None
        edit = Edit(tuple(changes), summary)
        self.commit(edit)
        return edit

    def edit(self, table: str, rid: str | None, make: Callable[[dict[str, Any] | None], dict[str, Any]]) -> dict[str, Any]:
        """Save `make(the record as it is now)` (None: a new record); `make` may raise (a Conflict)."""
        current = self.snapshot.tables[table].get(rid) if rid else None
        after = make(copy.deepcopy(current))
        self.write_many([(table, after["id"], after)])
        return after

    def delete(self, table: str, rid: str, cascade: bool) -> Edit:
        self.check_writable()
        snap = self.snapshot
        if rid not in snap.tables.get(table, {}) or table == "changes":
            raise NotFound(f"{table}/{rid}", [])
        if not cascade and (refs := snap.references_to(rid)):
            raise Referenced(f"cannot delete {table}/{rid}: other records refer to it", [
                Problem(str(self.path), ref, f"refers to {rid}", "no reference left: remove these, or delete with cascade")
                for ref in refs])
        edit = snap.plan_delete(table, rid)
        self.commit(edit)
        return edit

    def undo(self) -> Edit | None:
        edit = self.undo_history.next_undo()
        if edit is not None:
            self.commit(edit.inverse(), "undo")
            self.undo_history.undone()
        return edit

    def redo(self) -> Edit | None:
        edit = self.undo_history.next_redo()
        if edit is not None:
            self.commit(edit, "redo")
            self.undo_history.redone()
        return edit

    def commit(self, edit: Edit, action: str | None = None) -> None:
        """Apply an edit and its change-log entries: validated as a whole, one atomic save, then
        published and undoable. `action` is "undo" or "redo" when replaying the undo history; otherwise
        the edit is new and clears redo. Nothing changes, in memory or on disk, if any step fails."""
        self.check_writable()
        snap = self.snapshot
        data = snap.tables
        # The tables an edit touches are copied (dict's own methods: a FrozenTable refuses the usual ones),
        # the others shared with the snapshot before.
        trial = {**data, **{t: FrozenTable(data[t]) for t in {c.table for c in edit.changes} | {"changes"}}}
        for c in edit.changes:
            if c.after is None:
                dict.pop(trial[c.table], c.id, None)
            else:
                dict.__setitem__(trial[c.table], c.id, c.after)
        touched = {(c.table, c.id) for c in edit.changes}
        logged = [RecordChange("changes", e["id"], None, e) for e in changelog.entries(edit, action, snap.table_of)]
        for entry in logged:
            dict.__setitem__(trial["changes"], entry.id, entry.after)
            touched.add(("changes", entry.id))
        # What was here is valid; unless an id goes away, only the touched records need a look.
        deletes = any(c.after is None for c in edit.changes)
        problems = validate(trial, str(self.path), only=None if deletes else touched)
        if problems:
            what = ", ".join(c.ref for c in edit.changes[:5]) + (" …" if len(edit.changes) > 5 else "")
            raise InvalidDatabase(f"cannot save {what}", problems)
        try:
            self._db.storage.write(trial)  # FileChanged or OSError: nothing saved, memory unchanged
        except SaveFailed:
            raise
        except OSError as exc:  # storage says SaveFailed itself; anything else it let through, likewise
            raise save_failed(self.path, exc) from exc
        validation_cache.remember(self._db.storage.identity.digest)  # checked above: reopening needs no check
        changes = net_changes(edit.changes + tuple(logged))
        self._publish(snap.evolve(trial, changes), changes)
        if action is None:
            self.undo_history.done(edit)

    def replace(self, db: SlugDB, snapshot: Snapshot) -> None:
        """Take the file as read again (a reload): the undo history is dropped, it was about the old file."""
        self._db = db
        self.undo_history.clear()
        self._publish(snapshot, None)

    def changed_on_disk(self) -> bool:
        return self._db.storage.changed_on_disk()

    def _publish(self, new: Snapshot, changes: list[RecordChange] | None) -> None:
        old, self.snapshot = self.snapshot, new  # one reference: readers see the old or the new, whole
        self._published(old, new, changes)
