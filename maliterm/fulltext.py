"""Full-text search over every text a database holds, beside the fuzzy name search.

Facts, claims, quotations, casualty notes, summaries, notes and source paragraphs are indexed
with SQLite's FTS5 (in Python's standard library): the `porter` stemmer over `unicode61
remove_diacritics 2`, so peacekeepers finds peacekeeper, and case and accents never matter.

The index is DERIVED: a file in the user's cache folder (beside `validated.json`, see
`maliterm.derived.index_path`, whose tables share the file), one per database path, holding
the digest of the database file it was built from. Opened for a store whose file has another digest, it is rebuilt; it is
never read as the truth and never lives in the repository (so nothing to add to .gitignore).
When the cache folder cannot be written, the index is built in memory and lost at exit.
Building it costs seconds at 100k events: the TUI does it in a worker (`prepare`).

`search(store, text)` merges these hits with `Store.search` (names, aliases, titles, typos
forgiven): a full-text hit scores below 60, under any name hit, so an exact name comes first.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from maliterm import model as m
from maliterm import schema
from maliterm.derived import index_path
from maliterm.spellings import fold
from maliterm.search import content_words

if TYPE_CHECKING:
    from maliterm.store import Store

INDEX_VERSION = "1"  # bump when what is indexed, or how, changes: every index is then rebuilt
TOKENIZER = "porter unicode61 remove_diacritics 2"
# The order hits of equal score are listed in: the browsed tables first, then relations and quotes.
TABLE_ORDER = m.NAMED_TABLES + ("relations", "quotes")
NAME_FIELDS = ("name", "title", "alias")
REFRESH_MAX = 2000  # records changed at most for an index to be updated rather than built anew
RANKED = 1000  # matches ranked by relevance at most (see `FullText.query`)
SNIPPET = 160  # characters of context a hit shows at most
BEFORE = 60  # of which before the first matched word
# Markers FTS5's highlight() puts around matched words: private-use characters; a text that
# holds one is highlighted again with others (see `_marks`).
_OPEN, _CLOSE = "\ue000", "\ue001"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class TextHit:
    score: float
    table: str
    id: str
    field: str  # where it matched: "name", "alias", "facts[0].claims[1].text", "paragraphs[12]", ...
    text: str  # the whole text of that field
    snippet: str  # a part of it around the match, cut between words ("…" where cut)
    marks: tuple[tuple[int, int], ...] = ()  # (start, end) of each matched word in `snippet`
    loc: str = ""  # "para N" for a source paragraph

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(self.snippet[a:b] for a, b in self.marks))


def texts_of(table: str, rec: dict) -> list[tuple[str, str]]:
    """(field path, text) of everything in a record that full text finds it by: the fields `schema`
    marks `search`, nested ones too (a fact's claims)."""
    out: list[tuple[str, str]] = []
    _collect(table, _plan(table, schema.generation), rec, "", out)
    return out


# A step of a plan: (field, how to read it, the plan of the objects it holds).
_Step = tuple[str, str, tuple]


@functools.lru_cache(maxsize=64)
def _plan(table: str, generation: int) -> tuple[_Step, ...]:
    """What `texts_of` reads in a record of `table` (or a nested object): worked out once per
    schema `generation`, and objects with nothing searchable in them are never walked."""
    steps: list[_Step] = []
    for f in schema.fields(table):
        if f.search in ("name", "alias"):
            steps.append((f.name, f.search, ()))
        elif f.search:
            steps.append((f.name, "texts" if f.many else "text", ()))
        elif f.kind == "object" and (inner := _plan(f.struct, generation)):
            steps.append((f.name, "objects" if f.many else "object", inner))
    return tuple(steps)


def _collect(table: str, plan: tuple[_Step, ...], rec: dict, prefix: str, out: list[tuple[str, str]]) -> None:
    def add(path: str, value: object) -> None:
        if isinstance(value, str) and value.strip():
            out.append((path, value))

    for name, how, inner in plan:
        value = rec.get(name)
        if value is None:
            continue
        if how == "name":
            add("title" if table == "events" else "name", value)  # the path the name search's hits use
        elif how == "alias":
            for i, a in enumerate(value):
                add(f"{prefix}{name}[{i}]", m.alias_name(a))  # a plain string or, in schema 2, an object
        elif how == "text":
            add(prefix + name, value)
        elif how == "texts":
            for i, x in enumerate(value):
                add(f"{prefix}{name}[{i}]", x)
        elif how == "objects":
            for i, x in enumerate(value):
                _collect(table, inner, x, f"{prefix}{name}[{i}].", out)
        else:
            _collect(table, inner, value, f"{prefix}{name}.", out)


def index_version() -> str:
    """INDEX_VERSION and the fields searched: an index built before a field was made searchable is stale."""
    return f"{INDEX_VERSION}-{hashlib.sha256(schema.search_signature().encode()).hexdigest()[:12]}"


def create(conn: sqlite3.Connection, tables: dict[str, dict[str, dict]], digest: str) -> None:
    conn.execute(f"CREATE VIRTUAL TABLE doc USING fts5(tbl UNINDEXED, rid UNINDEXED, field UNINDEXED, body, "
                 f"tokenize='{TOKENIZER}')")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    rows = ((table, rid, path, text) for table in TABLE_ORDER for rid in sorted(tables[table])
            for path, text in texts_of(table, tables[table][rid]))
    conn.executemany("INSERT INTO doc (tbl, rid, field, body) VALUES (?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("digest", digest), ("version", index_version())])
    conn.commit()


def _fresh(conn: sqlite3.Connection, digest: str) -> bool:
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError:  # not built, half-built, or not an index at all
        return False
    return meta.get("digest") == digest and meta.get("version") == index_version()


class FullText:
    """An open index, known to describe the database whose file digest it holds."""

    def __init__(self, conn: sqlite3.Connection, digest: str, path: Path | None, seen) -> None:
        self.conn = conn
        self.digest = digest
        self.path = path  # None: in memory
        self.lock = threading.Lock()  # one connection, used by one thread at a time
        # The snapshot's tables the index describes: immutable, and a later snapshot shares every
        # record an edit did not touch, so `is` tells which records changed since.
        self.seen = seen
        self._rowids: dict[tuple[str, str], list[int]] | None = None  # (table, id) -> its rows, read when first needed

    @classmethod
    def open(cls, db: Path, tables, digest: str, on_build: Callable[[], None] = lambda: None) -> "FullText":
        """The index of the database at `db` holding `tables` (saved with `digest`): the cached one if
        it is fresh, else built now (`on_build()` is called first, to say so)."""
        path = index_path(db)
        seen = tables
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, check_same_thread=False)
            if _fresh(conn, digest):
                return cls(conn, digest, path, seen)
            conn.close()
            on_build()
            # Built aside and renamed in: another process never sees half an index.
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.unlink(missing_ok=True)
            conn = sqlite3.connect(tmp, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")  # losing it to a crash costs a rebuild, nothing else
            create(conn, seen, digest)
            conn.close()
            os.replace(tmp, path)
            return cls(sqlite3.connect(path, check_same_thread=False), digest, path, seen)
        except (OSError, sqlite3.Error):
            # The cache cannot be written (read-only home, full disk): search still works, from memory.
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            create(conn, seen, digest)
            return cls(conn, digest, None, seen)

    def refresh(self, tables, digest: str) -> bool:
        """Bring the index up to the store after edits made through it: the rows of the records that
        changed are replaced, nothing else is touched. False (nothing done) when too much changed
        (a reload, a big import): building anew is then as quick."""
        changed: list[tuple[str, str]] = []
        gone: list[tuple[str, str]] = []
        for t in TABLE_ORDER:
            now, before = tables[t], self.seen[t]
            if now is before:
                continue  # a table no edit touched is the same object in the next snapshot
            changed += [(t, rid) for rid, rec in now.items() if before.get(rid) is not rec]
            gone += [(t, rid) for rid in before.keys() - now.keys()]
        if len(changed) + len(gone) > REFRESH_MAX:
            return False
        with self.lock:
            if self._rowids is None:
                self._rowids = {}
                for rowid, t, rid in self.conn.execute("SELECT rowid, tbl, rid FROM doc"):
                    self._rowids.setdefault((t, rid), []).append(rowid)
            for key in changed + gone:
                self.conn.executemany("DELETE FROM doc WHERE rowid = ?", [(r,) for r in self._rowids.pop(key, ())])
            rowid = (self.conn.execute("SELECT max(rowid) FROM doc").fetchone()[0] or 0) + 1
            for t, rid in sorted(changed):
                for path, text in texts_of(t, tables[t][rid]):
                    self.conn.execute("INSERT INTO doc (rowid, tbl, rid, field, body) VALUES (?, ?, ?, ?, ?)",
                                      (rowid, t, rid, path, text))
                    self._rowids.setdefault((t, rid), []).append(rowid)
                    rowid += 1
            self.conn.execute("UPDATE meta SET value = ? WHERE key = 'digest'", (digest,))
            # The records `derived` keeps in the same file describe the file before: no longer its index.
            self.conn.execute("DELETE FROM meta WHERE key = 'identity'")
            self.conn.commit()
        self.digest = digest
        self.seen = tables
        return True

    def query(self, text: str, limit: int = 20, aliases: Sequence[str] = ()) -> list[TextHit]:
        """Best hits first; `aliases` are other names of what `text` names, found as phrases too."""
        expr = match_expression(text, aliases)
        if not expr:
            return []
        with self.lock:
            # bm25 over every match costs 2 µs a row: 300 ms for a word in half of 100k events. So
            # only the first RANKED matches (in rowid order: table, then id) are ranked; a rarer
            # query, the usual kind, has fewer and is ranked whole.
            found = self.conn.execute("SELECT rowid, bm25(doc), tbl, rid, field FROM doc WHERE doc MATCH ? LIMIT ?",
                                      (expr, RANKED)).fetchall()
            # Ties: table, id, field (not the rowid, which an edit changes)
            top = [r[:2] for r in sorted(found, key=lambda r: (r[1], TABLE_ORDER.index(r[2]), r[3], r[4]))[:limit]]
            # Each hit's text apart, by rowid: bm25 here would count the query's words in every row again.
            rows = [self.conn.execute("SELECT tbl, rid, field, body, highlight(doc, 3, ?, ?) FROM doc "
                                      "WHERE doc MATCH ? AND rowid = ?", (_OPEN, _CLOSE, expr, rowid)).fetchone()
                    + (rank,) for rowid, rank in top]
        if not rows:
            return []
        best = rows[0][5] or -1.0
        hits = []
        for table, rid, path, body, marked, rank in rows:
            markers = (_OPEN, _CLOSE)
            if _OPEN in body or _CLOSE in body:
                marked, markers = self._rehighlight(expr, table, rid, path, body)
            snippet, marks = snip(body, _marks(marked, *markers))
            loc = f"para {int(path[11:-1]) + 1}" if path.startswith("paragraphs[") else ""
            hits.append(TextHit(round(50 + 9.9 * (rank / best if best else 1), 3), table, rid, path, body,
                                snippet, marks, loc))
        return hits

    def _rehighlight(self, expr: str, table: str, rid: str, path: str, body: str) -> tuple[str, tuple[str, str]]:
        """highlight() with markers the text does not hold (which the text's own would be mistaken for)."""
        free = (chr(c) for c in range(0xE002, 0xF900) if chr(c) not in body)
        a, b = next(free), next(free)
        with self.lock:
            row = self.conn.execute("SELECT highlight(doc, 3, ?, ?) FROM doc WHERE doc MATCH ? AND tbl = ? "
                                    "AND rid = ? AND field = ?", (a, b, expr, table, rid, path)).fetchone()
        return (row[0] if row else body), (a, b)


def _marks(marked: str, opening: str, closing: str) -> list[tuple[int, int]]:
    """Offsets in the plain text of the spans highlight() marked with `opening` and `closing`."""
    out, pos, start = [], 0, 0
    for part in re.split(f"([{opening}{closing}])", marked):
        if part == opening:
            start = pos
        elif part == closing:
            out.append((start, pos))
        else:
            pos += len(part)
    return out


def match_expression(text: str, aliases: Sequence[str] = ()) -> str:
    """An FTS5 query for `text`: its content words, all required, each quoted (the user's text is
    never FTS5 syntax: `"`, `*`, `NEAR`, `OR` in it are words); or any alias as a phrase."""
    words = content_words(fold(text)) if fold(text) else []
    if not words:
        return ""
    quoted = " ".join(f'"{w}"' for w in words)
    phrases = [" ".join(fold(a).split()) for a in aliases]
    phrases = [p for p in dict.fromkeys(phrases) if p and p != " ".join(words)]
    return " OR ".join([f"({quoted})"] + [f'"{p}"' for p in phrases]) if phrases else quoted


def snip(text: str, marks: list[tuple[int, int]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """At most SNIPPET characters of `text` around its first mark, never cut inside a word,
    "…" where cut; the marks that fall inside, moved to the snippet's offsets."""
    if len(text) <= SNIPPET:
        return text, tuple(marks)
    first = marks[0] if marks else (0, 0)
    start = max(0, first[0] - BEFORE)
    if start and not text[start - 1].isspace():  # inside a word: go to its end, unless that passes the match
        nxt = next((i for i in range(start, first[0]) if text[i].isspace()), first[0])
        start = nxt
    end = min(len(text), start + SNIPPET)
    if end < len(text) and not text[end].isspace():
        back = next((i for i in range(end - 1, first[1], -1) if text[i].isspace()), None)
        end = back if back is not None else next((i for i in range(end, len(text)) if text[i].isspace()), len(text))
    while start < first[0] and text[start].isspace():
        start += 1
    while end > first[1] and text[end - 1].isspace():
        end -= 1
    lead = "…" if start else ""
    body = text[start:end]
    shift = len(lead) - start
    inside = tuple((a + shift, b + shift) for a, b in marks if a >= start and b <= end)
    return lead + body + ("…" if end < len(text) else ""), inside


def name_marks(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """Where the query's words (folded: case and accents ignored) start words of a name."""
    words = set(content_words(fold(query))) if fold(query) else set()
    out = []
    for mt in _WORD.finditer(text):
        w = fold(mt.group())
        if any(w.startswith(q) for q in words):
            out.append(mt.span())
    return tuple(out)


def no_match(text: str) -> tuple[str, str]:
    """What to say when a search finds nothing: the fact, and what might help."""
    return (f"Nothing matches {text.strip()!r}: no name, title, fact, claim, quotation, note or source text.",
            "Try fewer words, or one distinctive word.")


# One index per open store, checked against the store's file digest at each use.
_open: "weakref.WeakKeyDictionary[object, FullText]" = weakref.WeakKeyDictionary()
_opening = threading.Lock()


def prepare(store: Store, on_build: Callable[[], None] = lambda: None) -> FullText:
    """The store's full-text index, fresh: opened from the cache, updated after edits, or built
    (seconds at 100k events, after `on_build()`: call it in a worker)."""
    snap, digest = store.saved_state()
    with _opening:
        ft = _open.get(store)
        if ft is None or (ft.seen is not snap.tables and not ft.refresh(snap.tables, digest)):
            ft = _open[store] = FullText.open(store.path, snap.tables, digest, on_build)
        return ft


def alias_names(store: Store, text: str) -> list[str]:
    """Every name and alias of the records `text` names exactly (an abbreviation finds the full name)."""
    names: list[str] = []
    for rid in store.by_name.get(fold(text), ()):
        rec = store.get(rid)
        if rec is not None:
            names += [m.label(store.table_of[rid], rec), *m.alias_names(rec)]
    return names


def name_hits(store: Store, text: str, limit: int = 20) -> list[TextHit]:
    """The name search's hits (`Store.search`: quick, no full-text index needed), as TextHits."""
    hits = []
    for h in store.search(text, limit):
        snippet, marks = snip(h.text, list(name_marks(h.text, text)))
        hits.append(TextHit(h.score, h.table, h.id, h.field, h.text, snippet, marks))
    return hits


# What a field path (see `texts_of`) is called in words, by its first part.
_FIELD_WORDS = {"facts": "fact", "casualties": "casualty note", "aliases": "alias", "notes": "note"}


def field_words(table: str, field: str) -> str:
    """Where a hit is, for a person: "summary", "fact", "claim", "quotation", "source text ¶13"."""
    if field.startswith("paragraphs["):
        return f"source text ¶{int(field[11:field.index(']')]) + 1}"
    if ".claims[" in field:
        return "claim"
    if table == "quotes" and field == "text":
        return "quotation"
    head = re.split(r"[\[.]", field, maxsplit=1)[0]
    return _FIELD_WORDS.get(head, head)


def search(store: Store, text: str, limit: int = 20) -> list[TextHit]:
    """Names (fuzzy, typos forgiven) and every text (stemmed), best first, ties by table and id.
    Builds the index if it is not ready: in the TUI, `prepare` it in a worker first."""
    hits = {(h.table, h.id, h.field): h for h in name_hits(store, text, limit)}
    named = {(h.table, h.id) for h in hits.values() if h.field in NAME_FIELDS}
    for h in prepare(store).query(text, limit, alias_names(store, text)):
        name_field = h.field in ("name", "title") or h.field.startswith("aliases[")
        if name_field and (h.table, h.id) in named:
            continue  # the name search found it already, typo-forgiving and scored as a name
        key = (h.table, h.id, h.field)
        if key in hits:  # a summary both found: the name search's score, full text's marks
            hits[key] = TextHit(max(hits[key].score, h.score), *key, h.text, h.snippet, h.marks, h.loc)
        else:
            hits[key] = h
    ranked = sorted(hits.values(), key=lambda h: (-h.score, TABLE_ORDER.index(h.table), h.id, h.field))
    return ranked[:limit]

