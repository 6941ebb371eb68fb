"""The one way in to the data: open a file once, index it, answer queries, save edits.

Only this module (with `storage` and its `writer`) touches TinyDB. Reads come from an immutable
`Snapshot` (indexes.py); writes go through the one `Writer` (writer.py), which saves, builds the
next snapshot from the changed records and publishes it.
"""

from __future__ import annotations

import gc
import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from maliterm import validation_cache
from maliterm import model as m
from maliterm.errors import InvalidDatabase, Problem, ReadOnly
from maliterm.undo import Edit, RecordChange
from maliterm.indexes import Snapshot
from maliterm.migrate import SchemaTooNew, migrate
from maliterm.resolving import Resolved, resolve
from maliterm.locking import Holder, LockUnavailable, Locked, WriterLock
from maliterm.storage import (FileIdentity, cannot_keep_owner, check_duplicate_keys, digest, open_tinydb, parse,
                              read_raw, remove_leftovers, save_atomic)
from maliterm.validate import validate
from maliterm.writer import Writer

if TYPE_CHECKING:
    from maliterm.search import Hit, SearchIndex

DEFAULT_DB = Path(__file__).parent / "data" / "db.json"


def default_path() -> Path:
    """MALITERM_DB if set, else the dataset shipped with maliterm (the repo's db.json)."""
    env = os.environ.get("MALITERM_DB")
    return Path(env) if env else DEFAULT_DB.resolve()


def empty_database(title: str = "") -> dict[str, Any]:
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


def load_valid(path: Path) -> dict[str, Any]:
    """Read and validate a file; raises InvalidDatabase listing every problem."""
    return load_valid_with_identity(path)[0]


def load_valid_with_identity(path: Path, progress: Callable[[str], None] | None = None) -> tuple[dict[str, Any], FileIdentity]:
    """Read, parse and check a file; contents that passed before (see `validated`) are not checked again."""
    say = progress or (lambda phase: None)
    say("reading")
    raw, st = read_raw(path)
    with ThreadPoolExecutor(1) as pool:
        hashing = pool.submit(digest, raw)  # hashlib lets go of the GIL: it runs on the other core
        data = parse(raw, path, check_keys=False)
        identity = FileIdentity.known(st, hashing.result())
    try:
        # Before the cache is asked: a digest remembered as valid is of the file as migrated.
        data = migrate(data)
    except SchemaTooNew as exc:
        raise InvalidDatabase(f"{path} needs a newer maliterm", [Problem(
            str(path), "meta/meta.schema_version", exc.title, "a newer maliterm to open it")]) from None
    if not validation_cache.known_valid(identity.digest):
        say("checking")
        check_duplicate_keys(raw, data, path)
        problems = validate(data, str(path))
        if problems:
            raise InvalidDatabase(f"{path} is not a valid maliterm database", problems)
        validation_cache.remember(identity.digest)
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


class Store:
    """An open database: the facade over its current snapshot (reads) and its writer (writes).

    Reads (`tables`, `get`, `events_between`, every index) come from `snapshot`, the immutable
    state as of the last save, taken with one attribute read and never waiting for a write;
    a caller needing several reads to agree takes `store.snapshot` once and reads from it.
    Writes (`put`, `write_many`, `edit`, `delete`, `undo`, `redo`, `reload`) go through the one
    writer thread and return once done (or raise why not): call them from a worker or the CLI,
    never on the UI's thread.

    Opened for writing, it holds the file's writer lock until `close` (or the end of a
    `with` block, or of the process). When it cannot be written, `read_only` is true and
    `read_only_reason` says why in a sentence; `lock_holder` names the writer, if that is why.
    """

    def __init__(self, path: Path, data: dict[str, Any], read_only: bool = False, identity: FileIdentity | None = None) -> None:
        self.path = path
        self.read_only = read_only
        self.read_only_reason = "opened read-only" if read_only else ""
        self.lock_holder: Holder | None = None
        self.took_over_lock_from: Holder | None = None  # a writer that died without closing
        self.leftovers_removed: list[Path] = []  # temp files of saves that died, deleted at open
        self.leftovers_kept: list[str] = []  # ... or why one could not be
        self._release: Callable[[], object] = lambda: None
        self._search: SearchIndex | None = None
        self._search_of: Snapshot | None = None  # the snapshot `_search` describes
        self._search_lock = threading.Lock()  # a query and the update after a save take turns (milliseconds)
        self._search_build = threading.Lock()  # one build at a time; writes never wait for it
        first = Snapshot(data)
        # The storage keeps the snapshot's tables, not the parsed ones: one copy of each in memory.
        # The writer reaches back through a weak reference: a cycle would keep an unused store (and
        # its writer lock) alive until the garbage collector ran, and a second open would find it held.
        me = weakref.ref(self)

        def refusal() -> str:
            store = me()
            return store.read_only_reason if store is not None and store.read_only else ""

        def published(old: Snapshot, new: Snapshot, changes: list[RecordChange] | None) -> None:
            if (store := me()) is not None:
                store._published(old, new, changes)

        self._writer = Writer(path, open_tinydb(path, dict(first.tables), read_only, identity), first,
                              refusal, published)

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None, read_only: bool = False,
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
            store.leftovers_removed, store.leftovers_kept = remove_leftovers(Path(os.path.realpath(p)),
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
        """Finish the writes under way, then give up the writer lock (reading still works); safe twice."""
        self._writer.close()
        self._release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- reading ---------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        """The records and indexes as of the last save: immutable, safe to read from any thread."""
        return self._writer.snapshot

    def __getattr__(self, name: str) -> Any:
        # Every read the snapshot answers (`tables`, `get`, `name`, `event_order`, ...), from the current one.
        if name.startswith("__") or name in ("_writer",):
            raise AttributeError(name)
        return getattr(self._writer.snapshot, name)

    def saved_state(self) -> tuple[Snapshot, str]:
        """The current snapshot and the digest of the file it was read or saved as, taken together
        (on the writer's thread, between writes): what a derived index such as `fulltext` is keyed by."""
        w = self._writer

        def now() -> tuple[Snapshot, str]:
            return w.snapshot, w.digest

        try:
            return w.call(now)
        except ReadOnly:  # closed: no write can come any more
            return now()

    @property
    def title(self) -> str:
        return self.snapshot.meta.get("title") or self.path.name

    def resolve(self, query: str, tables: Iterable[str] = m.NAMED_TABLES) -> tuple[str, dict[str, Any]]:
        """(table, record) of `resolve_match`."""
        found = self.resolve_match(query, tables)
        return found.table, found.record

    def resolve_match(self, query: str, tables: Iterable[str] = m.NAMED_TABLES) -> "Resolved":
        """The one record a person means by `query`: see `resolving.resolve`."""
        return resolve(self.snapshot, self.search, query, tuple(tables))

    def prepare_search(self) -> SearchIndex:
        """The search index, built now if not yet (the TUI builds it in the background after opening).

        Built from one snapshot without holding anything a write needs; saves made meanwhile are
        then added to it (`_catch_up`), so it describes the newest snapshot when it is put in use."""
        from maliterm.search import SearchIndex  # loaded on first search: a quicker start

        with self._search_build:
            if self._search is None:
                built_from = self.snapshot
                index = SearchIndex.from_store(built_from)
                gc.freeze()  # as at load: a million long-lived objects the collector need not rescan
                with self._search_lock:
                    self._search, self._search_of = index, built_from
                    self._catch_up(self.snapshot, None)
        return self._search

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        index = self.prepare_search()
        with self._search_lock:
            return index.query(text, limit)

    def _published(self, old: Snapshot, new: Snapshot, changes: list[RecordChange] | None) -> None:
        """On the writer's thread, right after a new snapshot: the search index follows it."""
        with self._search_lock:
            if self._search is not None:
                self._catch_up(new, changes if self._search_of is old else None)

    def _catch_up(self, new: Snapshot, changes: list[RecordChange] | None) -> None:
        """Bring the search index from `_search_of` to `new`: by the changes when the writer knows
        them, else by the records that are not the same objects in both (tables share them)."""
        old, index = self._search_of, self._search
        if old is new or index is None or old is None:
            return
        if changes is None:
            changes = []
            for t in m.NAMED_TABLES:
                before, after = old.tables[t], new.tables[t]
                if before is not after:
                    changes += [RecordChange(t, rid, before.get(rid), after.get(rid)) for rid in before.keys() | after.keys()
                                if before.get(rid) is not after.get(rid)]
        for c in changes:
            if c.table in m.NAMED_TABLES:
                if c.before is not None:
                    index.remove(c.table, c.id)
                if c.after is not None:
                    index.add(index.entries_of(c.table, c.id, c.after))
        self._search_of = new

    # ---- writing (through the one writer) --------------------------------------------------

    def put(self, table: str, record: dict[str, Any]) -> None:
        """Add or replace one whole record: validated, saved atomically, logged, undoable."""
        if table not in m.TABLES or table == "changes":  # the log is written by the store alone
            raise ValueError(f"unknown table {table!r}")
        rid = record.get("id")
        if not isinstance(rid, str):
            raise InvalidDatabase(f"cannot save a record of {table} without an id", [Problem(
                str(self.path), f"{table}/?.id", f"is {rid!r}", "a slug naming the record")])
        self._writer.call(self._writer.write_many, [(table, rid, record)])

    def write_many(self, records: Iterable[tuple[str, str, dict[str, Any] | None]], summary: str | None = None,
                   handover: bool = False) -> Edit | None:
        """Add or replace (a dict) or delete (None) many records as one edit: validated together,
        one atomic save, one undo step. For imports and merges, where `put` per record would
        validate the whole database once per record. With `summary` ("import of x.csv: 20 events,
        3 actors added") the change log gets that one entry instead of one per record.
        With `handover` the caller gives its dicts up (it never touches them again): they are kept
        as they are instead of copied (an import of 100k rows: seconds and a copy of every record)."""
        return self._writer.call(self._writer.write_many, list(records), summary, handover)

    def edit(self, table: str, rid: str | None, make: Callable[[dict[str, Any] | None], dict[str, Any]]) -> dict[str, Any]:
        """Save `make(record)`, given the record as it is at the moment of the save (None for a new
        one), and return what was saved. `make` raises (a `Conflict`) to refuse."""
        return self._writer.call(self._writer.edit, table, rid, make)

    def delete(self, table: str, rid: str, cascade: bool = False) -> Edit:
        """Delete one record. Without `cascade`, refuses (Referenced) while others refer to it;
        with it, removes those references too (see `plan_delete`), all in one save and one undo step."""
        return self._writer.call(self._writer.delete, table, rid, cascade)

    @property
    def can_undo(self) -> bool:
        """A hint for the UI (the writer decides when the undo runs)."""
        return self._writer.undo_history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._writer.undo_history.can_redo

    def undo(self) -> Edit | None:
        """Take back the last edit of this session (saved, and logged as "undo"); None if there is none."""
        return self._writer.call(self._writer.undo)

    def redo(self) -> Edit | None:
        """Make again the last undone edit; None if there is none."""
        return self._writer.call(self._writer.redo)

    def changed_on_disk(self) -> bool:
        """Whether another program changed the file since this store loaded or saved it (reads the file)."""
        return self._writer.call(self._writer.changed_on_disk)

    def reload(self) -> None:
        """Read the file again (after `FileChanged`). Undo history is dropped: it was about the old file."""

        def reread() -> None:
            data, identity = load_valid_with_identity(self.path)
            snap = Snapshot(data, self._writer.snapshot.version + 1)
            self._writer.replace(open_tinydb(self.path, dict(snap.tables), self.read_only, identity), snap)

        self._writer.call(reread)
