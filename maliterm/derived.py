"""The derived index of a database file: what the CLI's reading commands ask, in one SQLite file.

`show`, `search`, `timeline` and `lineage` on a 100k-event file would otherwise read, check and
index all of it (seconds, over a gigabyte) to print a few records. The index holds every record
as its JSON bytes keyed by table and id, the snapshot's indexes (timeline order, events by actor
and place, places within places, relations and quotes by record, names), the name search's index
(its entries and columns as tables, scanned in SQLite and read row by row), and the full-text
tables of `fulltext` (the same file: `index_path`). `IndexedSnapshot` answers a `Snapshot`'s
reads from it, decoding only the records a command touches, so the commands run the same code,
and print the same bytes, whichever answers.

It is DERIVED and never the truth. It lives in the user's cache folder, named by the database's
real path, never beside the database (a repository never sees it, nothing to .gitignore); the
issue's "beside the database" is met by that key, not by the folder. It is trusted only for the
file it was built from: the real path, size, mtime, ctime, inode and device of the file as it was
stat'ed before being read and validated, and the versions of maliterm, the schema and this layout.
Any write to a file changes its ctime, which no user can set back. A change within the same tick
of a coarse file clock as that stat could go unseen (git's "racy" case): an index of a file
changed less than `RACY_NS` before it was stat'ed is checked against the file's digest at each use.
Missing, stale, corrupt, locked or unreadable: `open_indexed` says None and the caller loads
the file; `build` writes a new one aside and renames it in, so no reader sees half of one.

Size: about the file's size again for the records, plus the indexes and the full text (twice
to three times the database file in all; see README).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import orjson

from maliterm import model as m
from maliterm.indexes import FrozenTable, Snapshot

if TYPE_CHECKING:
    from maliterm.resolving import Resolved
    from maliterm.search import Hit, SearchIndex

LAYOUT = "4"  # bump when what is stored, or how, changes: every index is then rebuilt
RACY_NS = 2_000_000_000  # a file changed this recently when stat'ed may change again unseen (coarse clocks)
V = TypeVar("V")

# (kind, the snapshot index it stores, table its items are ids of or None for plain ids)
_LINKS: tuple[tuple[str, str, str | None], ...] = (
    ("rel_actor", "relations_by_actor", "relations"),
    ("rel_event", "relations_by_event", "relations"),
    ("quote", "quotes_by_speaker", "quotes"),
    ("ev_actor", "events_by_actor", None),
    ("ev_place", "events_by_place", None),
    ("within", "places_within", None),
    ("name", "by_name", None),
)


def index_path(db: Path) -> Path:
    """Where the index of the database at `db` lives: named by its real path, in the cache folder."""
    from maliterm.validation_cache import cache_path

    key = hashlib.sha256(os.path.realpath(db).encode()).hexdigest()[:24]
    return cache_path().parent / "index" / f"{key}.sqlite"


def layout_key() -> str:
    """What an index must have been built by to be read: this layout, this maliterm, this schema.
    (The full-text tables carry their own version, checked by `fulltext` when a search opens them.)"""
    from maliterm import __version__

    return f"{LAYOUT}/{__version__}/{m.SCHEMA_VERSION}"


def identity(db: Path, st: os.stat_result) -> str:
    """The file as stat'ed: a change to it changes one of these (ctime above all)."""
    return orjson.dumps([os.path.realpath(db), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino,
                         st.st_dev]).decode()


def file_digest(db: Path) -> str:
    """The SHA-256 of the file's bytes, as `storage.digest` (without loading TinyDB for it)."""
    h = hashlib.sha256()
    with open(db, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# ---- building ------------------------------------------------------------------------------

def build(db: Path, snap: Snapshot, digest: str, st: os.stat_result, stat_time_ns: int) -> Path:
    """Write the index of `snap`, read from the file `db` that was `st` at `stat_time_ns` with
    `digest`, aside, then rename it into place. Raises OSError or sqlite3.Error when it cannot."""
    from maliterm import fulltext  # here: its imports (rapidfuzz) would slow every quick command
    from maliterm.search import SearchIndex

    path = index_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")  # lost to a crash, it costs a rebuild, nothing else
            fulltext.create(conn, snap.tables, digest)
            meta: dict[str, object] = {}
            conn.execute("CREATE TABLE rec (tbl TEXT, id TEXT, body BLOB)")
            for t in m.TABLES:  # each table's rows are one rowid range, in file order
                lo = _next_rowid(conn, "rec")
                conn.executemany("INSERT INTO rec (tbl, id, body) VALUES (?, ?, ?)",
                                 ((t, rid, orjson.dumps(rec)) for rid, rec in snap.tables[t].items()))
                meta[f"rows:{t}"] = [lo, _next_rowid(conn, "rec") - 1, len(snap.tables[t])]
            conn.execute("CREATE UNIQUE INDEX rec_id ON rec (tbl, id)")
            conn.execute("CREATE TABLE ids (id TEXT PRIMARY KEY, tbl TEXT) WITHOUT ROWID")
            conn.executemany("INSERT INTO ids VALUES (?, ?)", snap.table_of.items())
            meta["ids"] = len(snap.table_of)
            conn.execute("CREATE TABLE timeline (pos INTEGER PRIMARY KEY, id TEXT, y INT, m INT, d INT, last TEXT)")
            conn.executemany("INSERT INTO timeline VALUES (?, ?, ?, ?, ?, ?)",
                             ((i, eid, *key, last) for i, (eid, key, last)
                              in enumerate(zip(snap.event_order, snap.event_keys, snap.event_ends))))
            conn.execute("CREATE UNIQUE INDEX timeline_id ON timeline (id)")
            meta["events"] = len(snap.event_order)
            conn.execute("CREATE TABLE links (kind TEXT, key TEXT, item TEXT)")
            for kind, attr, table in _LINKS:
                index: Mapping[str, list[Any]] = getattr(snap, attr)
                lo = _next_rowid(conn, "links")
                conn.executemany("INSERT INTO links VALUES (?, ?, ?)",
                                 ((kind, key, item["id"] if table else item)
                                  for key, items in index.items() for item in items))
                meta[f"links:{kind}"] = [lo, _next_rowid(conn, "links") - 1, len(index)]
            conn.execute("CREATE INDEX links_key ON links (kind, key)")
            meta["names"] = _build_names(conn, SearchIndex.from_store(snap))
            meta["max_span"] = snap.max_span_years
            meta["version"] = snap.version
            meta["racy"] = stat_time_ns - st.st_ctime_ns < RACY_NS or stat_time_ns - st.st_mtime_ns < RACY_NS
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("layout", layout_key()), ("identity", identity(db, st)), ("reader", orjson.dumps(meta).decode())])
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # gone already once renamed; else a failed build leaves nothing
    return path


# The name search's substring columns, each a table of (entry index, key) scanned in SQLite.
_SCANS = ("folded", "names", "skeletons", "sounds")


def _build_names(conn: sqlite3.Connection, index: SearchIndex) -> list[int]:
    """Store the name search's index as tables: its entries, its columns, its fuzzy names and their
    trigrams. Returns how many entries and fuzzy names it has."""
    conn.execute("CREATE TABLE name_entry (i INTEGER PRIMARY KEY, tbl TEXT, id TEXT, field TEXT, text TEXT)")
    conn.executemany("INSERT INTO name_entry VALUES (?, ?, ?, ?, ?)", ((i, *e) for i, e in enumerate(index.entries)))
    for column in _SCANS:
        conn.execute(f"CREATE TABLE name_{column} (i INTEGER PRIMARY KEY, key TEXT)")
        conn.executemany(f"INSERT INTO name_{column} VALUES (?, ?)",  # an empty key contains nothing
                         ((i, k) for i, k in enumerate(getattr(index, column).keys) if k))
    conn.execute("CREATE TABLE name_fuzzy (i INTEGER PRIMARY KEY, key TEXT UNIQUE, entries BLOB)")
    conn.executemany("INSERT INTO name_fuzzy VALUES (?, ?, ?)",
                     ((j, k, orjson.dumps(index.fuzzy_entries[k])) for j, k in enumerate(index.fuzzy_keys)))
    conn.execute("CREATE TABLE name_gram (gram TEXT PRIMARY KEY, names BLOB) WITHOUT ROWID")
    conn.executemany("INSERT INTO name_gram VALUES (?, ?)", ((g, orjson.dumps(js)) for g, js in index.grams.items()))
    return [len(index.entries), len(index.fuzzy_keys), len(index.grams)]


def _next_rowid(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(rowid), 0) + 1 FROM {table}").fetchone()[0])


# ---- reading -------------------------------------------------------------------------------

class _Table(Mapping[str, dict[str, Any]]):
    """One table of records, each decoded from its JSON on first use (then kept: the same object)."""

    def __init__(self, conn: sqlite3.Connection, name: str, rows: list[int]) -> None:
        self._conn, self._name = conn, name
        self._lo, self._hi, self._len = rows
        self._cache: dict[str, dict[str, Any]] = {}
        self._whole = False

    def __getitem__(self, rid: str) -> dict[str, Any]:
        rec = self._cache.get(rid)
        if rec is not None or self._whole:
            if rec is None:
                raise KeyError(rid)
            return rec
        row = self._conn.execute("SELECT body FROM rec WHERE tbl = ? AND id = ?", (self._name, rid)).fetchone()
        if row is None:
            raise KeyError(rid)
        rec = self._cache[rid] = orjson.loads(row[0])
        return rec  # type: ignore[no-any-return]  # a record: a JSON object

    def __contains__(self, rid: object) -> bool:
        if rid in self._cache or self._whole:
            return rid in self._cache
        return self._conn.execute("SELECT 1 FROM rec WHERE tbl = ? AND id = ?", (self._name, rid)).fetchone() is not None

    def __len__(self) -> int:
        return self._len

    def whole(self) -> dict[str, dict[str, Any]]:
        """Every record, in file order (read once, in one scan)."""
        if not self._whole:
            rows = self._conn.execute("SELECT id, body FROM rec WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                                      (self._lo, self._hi))
            cache = self._cache
            self._cache = {rid: cache[rid] if rid in cache else orjson.loads(body) for rid, body in rows}
            self._whole = True
        return self._cache

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def items(self) -> ItemsView[str, dict[str, Any]]:  # dict_items: what a snapshot's table gives
        return self.whole().items()

    def values(self) -> ValuesView[dict[str, Any]]:
        return self.whole().values()

    def keys(self) -> KeysView[str]:
        return self.whole().keys()


class _Links(Mapping[str, list[V]]):
    """One index by key (events by actor, relations by actor, ...): lists in the snapshot's order."""

    def __init__(self, conn: sqlite3.Connection, kind: str, rows: list[int], item: Callable[[str], V]) -> None:
        self._conn, self._kind, self._item = conn, kind, item
        self._lo, self._hi, self._len = rows
        self._cache: dict[str, list[V]] = {}
        self._whole = False

    def __getitem__(self, key: str) -> list[V]:
        found = self._cache.get(key)
        if found is None:
            if self._whole:
                raise KeyError(key)
            rows = self._conn.execute("SELECT item FROM links WHERE kind = ? AND key = ? ORDER BY rowid",
                                      (self._kind, key)).fetchall()
            if not rows:  # a snapshot keeps no empty list
                raise KeyError(key)
            found = self._cache[key] = [self._item(r[0]) for r in rows]
        return found

    def __len__(self) -> int:
        return self._len

    def whole(self) -> dict[str, list[V]]:
        if not self._whole:
            rows = self._conn.execute("SELECT key, item FROM links WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
                                      (self._lo, self._hi))
            cache = self._cache
            self._cache = {key: cache[key] if key in cache else [self._item(r[1]) for r in group]
                           for key, group in groupby(rows, key=lambda r: r[0])}
            self._whole = True
        return self._cache

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def items(self) -> ItemsView[str, list[V]]:
        return self.whole().items()


class _Lookup(Mapping[str, V]):
    """A dict of the snapshot kept as a two-column table (`table_of`, `event_pos`)."""

    def __init__(self, conn: sqlite3.Connection, sql: str, all_sql: str, n: int) -> None:
        self._conn, self._sql, self._all_sql, self._len = conn, sql, all_sql, n

    def __getitem__(self, key: str) -> V:
        row = self._conn.execute(self._sql, (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]  # type: ignore[no-any-return]

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self._conn.execute(self._all_sql))


class _Column(Sequence[V]):
    """A list of the snapshot in timeline order (`event_order`, `event_keys`, `event_ends`): bisect,
    slices and scans go to SQLite."""

    def __init__(self, conn: sqlite3.Connection, columns: str, n: int, row: Callable[[tuple[Any, ...]], V],
                 table: str = "timeline", pos: str = "pos") -> None:
        self._conn, self._len, self._row = conn, n, row
        self._one = f"SELECT {columns} FROM {table} WHERE {pos} = ?"
        self._range = f"SELECT {columns} FROM {table} WHERE {pos} >= ? AND {pos} < ? ORDER BY {pos}"

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, i: int) -> V: ...
    @overload
    def __getitem__(self, i: slice) -> list[V]: ...

    def __getitem__(self, i: int | slice) -> V | list[V]:
        if isinstance(i, slice):
            start, stop, step = i.indices(self._len)
            if step != 1:
                return self[start:stop][::step] if start <= stop else [self[j] for j in range(start, stop, step)]
            return self._between(start, stop)
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        return self._at(i)

    def _at(self, i: int) -> V:
        return self._row(self._conn.execute(self._one, (i,)).fetchone())

    def _between(self, start: int, stop: int) -> list[V]:
        return [self._row(r) for r in self._conn.execute(self._range, (start, stop))]

    def __iter__(self) -> Iterator[V]:
        return iter(self[0:self._len])


class _Rows(_Column[V]):
    """A list of the name search's index kept as a table by entry index (`i`): each row read when
    asked, then kept; a row the table lacks is `missing` (an empty key, which the table leaves out)."""

    def __init__(self, conn: sqlite3.Connection, columns: str, table: str, n: int,
                 row: Callable[[tuple[Any, ...]], V], missing: V | None = None) -> None:
        super().__init__(conn, columns, n, row, table, "i")
        self._missing = missing
        self.cache: dict[int, V] = {}

    def _at(self, i: int) -> V:
        found = self.cache.get(i)
        if found is None:
            row = self._conn.execute(self._one, (i,)).fetchone()
            if row is not None:
                found = self._row(row)
            elif self._missing is not None:
                found = self._missing
            else:
                raise IndexError(i)
            self.cache[i] = found
        return found

    def _between(self, start: int, stop: int) -> list[V]:
        return [self._at(j) for j in range(start, stop)]


class _Json(Mapping[str, Any]):
    """A dict of the name search's index kept as a table of (key, JSON value): each read when asked."""

    def __init__(self, conn: sqlite3.Connection, table: str, key: str, value: str, n: int) -> None:
        self._conn, self._len = conn, n
        self._one, self._all = f"SELECT {value} FROM {table} WHERE {key} = ?", f"SELECT {key} FROM {table}"
        self._cache: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._cache:
            row = self._conn.execute(self._one, (key,)).fetchone()
            if row is None:
                raise KeyError(key)
            self._cache[key] = orjson.loads(row[0])
        return self._cache[key]

    def __len__(self) -> int:
        return self._len

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self._conn.execute(self._all))


class _Scan:
    """One column of the name search (`search._Column`'s keys and substring scan) as a table of
    (entry index, key): the scan is SQLite's `instr`, in index order, so it finds what `str.find`
    over the joined keys finds, in the same order."""

    def __init__(self, conn: sqlite3.Connection, column: str, n: int) -> None:
        self._conn, self._table = conn, f"name_{column}"
        self.keys: _Rows[str] = _Rows(conn, "key", self._table, n, lambda r: r[0], "")

    def containing(self, needle: str, cap: int, dead: set[int]) -> list[int]:
        found: list[int] = []
        if not needle:
            return found
        for i, key in self._conn.execute(f"SELECT i, key FROM {self._table} WHERE instr(key, ?) > 0 ORDER BY i",
                                         (needle,)):
            if len(found) >= cap:
                break
            self.keys.cache[i] = key
            if i not in dead:
                found.append(i)
        return found


class IndexedSnapshot(Snapshot):
    """A `Snapshot` whose tables and indexes are read from the derived index as asked.

    Its methods are the snapshot's own (`get`, `name`, `event_actors`, `events_between`, ...):
    only where the data comes from differs, so the answers are the same. Read-only, like any
    snapshot; the records are decoded once each and then shared, as in a loaded one."""

    def __init__(self, conn: sqlite3.Connection, meta: dict[str, Any]) -> None:  # noqa: not Snapshot's build
        self.version = int(meta["version"])
        self.tables = FrozenTable({t: _Table(conn, t, meta[f"rows:{t}"]) for t in m.TABLES})
        # The snapshot's dicts and lists, as mappings and sequences over SQLite (same reads, same answers):
        self.table_of = _Lookup(conn, "SELECT tbl FROM ids WHERE id = ?", "SELECT id FROM ids", meta["ids"])  # type: ignore[assignment]
        n = meta["events"]
        self.event_order = _Column(conn, "id", n, lambda r: r[0])  # type: ignore[assignment]
        self.event_keys = _Column(conn, "y, m, d", n, tuple)  # type: ignore[assignment]
        self.event_ends = _Column(conn, "last", n, lambda r: r[0])  # type: ignore[assignment]
        self.event_pos = _Lookup(conn, "SELECT pos FROM timeline WHERE id = ?", "SELECT id FROM timeline ORDER BY pos", n)  # type: ignore[assignment]
        for kind, attr, table in _LINKS:
            item: Callable[[str], Any] = self.tables[table].__getitem__ if table else str
            # by_name too goes in __dict__: it is a cached_property of Snapshot, built on first use there.
            self.__dict__[attr] = _Links(conn, kind, meta[f"links:{kind}"], item)
        self._max_span = int(meta["max_span"])

    @property
    def max_span_years(self) -> int:
        return self._max_span


class IndexedStore:
    """What the reading commands ask of a `Store` (its snapshot's reads, `resolve_match`, `search`,
    `saved_state`), answered from the derived index. Read-only: it has no writer."""

    read_only = True
    read_only_reason = "opened read-only"

    def __init__(self, path: Path, conn: sqlite3.Connection, snap: IndexedSnapshot, digest: str, names: list[int]) -> None:
        self.path = path
        self._names = names  # sizes of the name search's index: entries, fuzzy names, trigrams
        self._conn = conn
        self._snap = snap
        self._digest = digest
        self._search: SearchIndex | None = None

    @property
    def snapshot(self) -> IndexedSnapshot:
        return self._snap

    def __getattr__(self, name: str) -> Any:
        # Every other read (`tables`, `get`, `name`, `events_by_actor`, ...) from the snapshot, as `Store` does.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._snap, name)

    @property
    def title(self) -> str:
        return self._snap.meta.get("title") or self.path.name

    def saved_state(self) -> tuple[Snapshot, str]:
        """The snapshot and the digest of the file it describes (checked at open), for `fulltext`."""
        return self._snap, self._digest

    def resolve_match(self, query: str, tables: tuple[str, ...] = m.NAMED_TABLES) -> Resolved:
        from maliterm.resolving import resolve

        return resolve(self._snap, self.search, query, tuple(tables))

    def search(self, text: str, limit: int = 20) -> list[Hit]:
        """`Store.search`: the same index, as it was built from the file (building it costs seconds)."""
        if self._search is None:
            from maliterm.search import SearchIndex

            conn, (n, keys, grams) = self._conn, self._names
            entries: _Rows[tuple[str, str, str, str]] = _Rows(
                conn, "tbl, id, field, text", "name_entry", n, tuple)
            folded, names, skeletons, sounds = (_Scan(conn, c, n) for c in _SCANS)
            self._search = SearchIndex.from_parts(
                entries, folded, names, skeletons, sounds,
                _Rows(conn, "key", "name_fuzzy", keys, lambda r: r[0]),
                _Json(conn, "name_fuzzy", "key", "entries", keys), _Json(conn, "name_gram", "gram", "names", grams))
        return self._search.query(text, limit)

    def close(self) -> None:
        self._conn.close()


def open_indexed(db: Path) -> IndexedStore | None:
    """The derived index of the file `db` when it is there, readable, built by this maliterm and
    built from this very file; else None (the caller loads the file). Never raises for the index's
    sake; costs a stat, opening SQLite, one query (and, for a racy index, hashing the file)."""
    try:
        st = os.stat(db)
        path = index_path(db)
        if not path.is_file():
            return None
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if meta.get("layout") != layout_key() or meta.get("identity") != identity(db, st) or "reader" not in meta:
            raise LookupError("another file, or another maliterm's index")
        reader = orjson.loads(meta["reader"])
        digest = meta["digest"]
        if reader["racy"]:
            if file_digest(db) != digest:
                raise LookupError("changed within the file clock's tick")
            if now_ns() - max(st.st_ctime_ns, st.st_mtime_ns) >= RACY_NS:
                _settle(path, reader)
        return IndexedStore(db, conn, IndexedSnapshot(conn, reader), digest, reader["names"])
    except (OSError, sqlite3.Error, LookupError, ValueError, TypeError):
        conn.close()
        return None


def _settle(path: Path, reader: dict[str, Any]) -> None:
    """Mark a racy index checked: its file matched the digest just now, and is old enough that any
    later write shows in its stat (ctime moves past the tick), so it need not be hashed again.
    Best effort: a cache that cannot be written keeps hashing, nothing worse."""
    try:
        with sqlite3.connect(path, timeout=0.1) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'reader'", (orjson.dumps({**reader, "racy": False}).decode(),))
        conn.close()
    except sqlite3.Error:
        pass


def now_ns() -> int:
    """The clock file times are compared with (a function, so tests can move it)."""
    return time.time_ns()
