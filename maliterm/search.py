"""Ranked, forgiving search over names, aliases, summaries and event titles.

Case, accents and punctuation never matter (`sevare` finds Sévaré). Romanisation
variants meet on a "skeleton" (the table in `spellings.py`, no spaces, doubled letters single),
so Mourabitoun, Murabitun and al-Murabitoun, Hurras al-Deen and Hurras ad-Din, or Belmokhtar and
Bel Mokhtar, are one key; a word also matches one of the same consonants (Fath, Fateh, Fatah).
Typos fall to rapidfuzz. Exact and substring hits are found by `str.find` over one joined string
per field (C speed), so the fuzzy pass only ranks what is left. Ties are broken by id, and nothing
depends on set order: the same query gives the same answer in every run.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Protocol

from rapidfuzz import fuzz, process

from maliterm import model as m
from maliterm import schema
from maliterm.spellings import fold
from maliterm.spellings import ARTICLES, romanise, skeleton, sound

if TYPE_CHECKING:
    from maliterm.indexes import ReadView

# Words that never carry a match on their own: English function words and the name particles of
# the languages conflict data is written in (the Arabic article in all its forms, French de/du/la/le,
# Spanish del).
STOP_WORDS = frozenset("""
a an and are as at be by for from has have in is it its of on or that the this to was were what which
who with de des du la le les d l ag bin del da di dos y et en
""".split()) | ARTICLES


def content_words(folded: str) -> list[str]:
    """The words of a folded text that can carry a match; all of them if every one is a stop-word."""
    words = folded.split()
    return [w for w in words if w not in STOP_WORDS] or words


def no_match(text: str) -> tuple[str, str]:
    """What to say when a search finds nothing: the fact, and what might help."""
    return (f"No name, alias, title or summary matches {text.strip()!r}.",
            "Try fewer words, or one distinctive word; quotations and notes are not searched.")


def sounds(text: str) -> str:
    """The consonant keys of a name's words, each between spaces: ` jbht ft shm `."""
    return " " + " ".join(k for w in romanise(text).split() if (k := sound(w))) + " "


FUZZY_POOL = 2000  # names sharing the most trigrams with the query that the fuzzy scorer sees


def _trigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True, order=True)
class Hit:
    score: float
    table: str
    id: str
    field: str  # "name", "alias", "title" or "summary": where it matched
    text: str  # the matched text, as in the data


@functools.lru_cache(maxsize=64)
def _name_search_fields(table: str, generation: int) -> tuple[tuple[str, str], ...]:
    """(field, "alias" or "summary") of the fields the schema marks for the name search, in order;
    worked out once per table and schema `generation`, not once per record."""
    return tuple((f.name, f.search) for f in schema.fields(table) if f.search in ("alias", "summary"))


Entry = tuple[str, str, str, str]  # (table, id, field, text)


class Scan(Protocol):
    """A searchable field across all entries: its keys by entry index, and the substring scan."""

    @property
    def keys(self) -> Sequence[str]: ...

    def containing(self, needle: str, cap: int, dead: set[int]) -> list[int]: ...


class _Column:
    """One searchable field across all records, joined for fast substring scans."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.blob = ""
        self.starts: list[int] = []

    def extend(self, keys: list[str]) -> None:
        if not keys:
            return
        # Each key starts one past the end of the one before (C-speed loops: 200k keys at a CLI search).
        self.starts += accumulate(map((1).__add__, map(len, keys[:-1])), initial=len(self.blob))
        self.keys += keys
        self.blob += "\n".join(keys) + "\n"

    def containing(self, needle: str, cap: int, dead: set[int]) -> list[int]:
        """Indexes of keys that contain `needle`, at most `cap` of them, none of those in `dead`."""
        found: list[int] = []
        if not needle:
            return found
        at = self.blob.find(needle)
        while at != -1 and len(found) < cap:
            i = bisect.bisect_right(self.starts, at) - 1
            if i not in dead:
                found.append(i)
            at = self.blob.find(needle, self.starts[i] + len(self.keys[i]) + 1)
        return found


class SearchIndex:
    """Built once; after an edit, a record's entries are dropped (`remove`) and its new ones
    appended (`add`), so an edit costs what the record costs, not a rebuild."""

    def __init__(self, entries: list[tuple[str, str, str, str]]) -> None:
        """`entries` are (table, id, field, text)."""
        self.entries: list[tuple[str, str, str, str]] = []
        self.folded = _Column()
        # Names, aliases and titles alone (a summary is ""), aligned with `folded`: the word pass scans
        # this once per word, which over the summaries too costs 10-20 ms a word at 100k events.
        self.names = _Column()
        self.skeletons = _Column()
        self.sounds = _Column()
        self.dead: set[int] = set()  # entries of records since removed
        self.first: dict[str, int] = {}  # record id -> its first entry; a record's entries are contiguous
        # Typos are forgiven in names, not in prose: a summary's many words would match anything.
        # Names repeat (100k event titles share a few thousand), so the fuzzy pass scores each once.
        self.fuzzy_entries: dict[str, list[int]] = {}
        self.fuzzy_keys: list[str] = []
        # Trigram postings narrow the fuzzy pass to the names that share most with the query;
        # WRatio over every name costs 120-140 ms a keystroke at 100k events.
        self.grams: dict[str, list[int]] = defaultdict(list)
        self.add(entries)

    def add(self, entries: list[tuple[str, str, str, str]]) -> None:
        """Index more entries, each record's together (those of a record already here: `remove` them first)."""
        base = len(self.entries)
        self.entries += entries
        folded = [fold(e[3]) for e in entries]
        self.folded.extend(folded)
        self.names.extend([k if e[2] != "summary" else "" for e, k in zip(entries, folded)])
        self.skeletons.extend([skeleton(e[3]) if e[2] != "summary" else "" for e in entries])
        self.sounds.extend([sounds(e[3]) if e[2] != "summary" else "" for e in entries])
        for i, (e, k) in enumerate(zip(entries, folded), base):
            self.first.setdefault(e[1], i)
            if e[2] == "summary" or not k:
                continue
            if k not in self.fuzzy_entries:
                self.fuzzy_entries[k] = []
                for g in _trigrams(k):
                    self.grams[g].append(len(self.fuzzy_keys))
                self.fuzzy_keys.append(k)
            self.fuzzy_entries[k].append(i)

    def remove(self, table: str, rid: str) -> None:
        """Stop finding a record (its entries stay in place, marked dead, so no index moves)."""
        i = self.first.pop(rid, len(self.entries))
        while i < len(self.entries) and self.entries[i][:2] == (table, rid):
            self.dead.add(i)
            if (same := self.fuzzy_entries.get(self.folded.keys[i])) and i in same:
                same.remove(i)
            i += 1

    @staticmethod
    def entries_of(table: str, rid: str, rec: dict[str, Any]) -> list[tuple[str, str, str, str]]:
        """What a record is found by: its name or title, its aliases, its summary (as `schema` marks them)."""
        out = [(table, rid, "title" if table == "events" else "name", m.label(table, rec))]
        for name, how in _name_search_fields(table, schema.generation):
            if how == "alias":
                out.extend((table, rid, "alias", a) for a in m.alias_names(rec))
            elif rec.get(name):
                out.append((table, rid, "summary", rec[name]))
        return out

    @classmethod
    def from_store(cls, store: ReadView) -> "SearchIndex":
        entries: list[tuple[str, str, str, str]] = []
        for table in m.NAMED_TABLES:
            for rid, rec in store.tables[table].items():
                entries.extend(cls.entries_of(table, rid, rec))
        return cls(entries)

    @classmethod
    def from_parts(cls, entries: Sequence[Entry], folded: Scan, names: Scan, skeletons: Scan, sounds: Scan,
                   fuzzy_keys: Sequence[str], fuzzy_entries: Mapping[str, list[int]],
                   grams: Mapping[str, list[int]]) -> "SearchIndex":
        """A read-only index whose parts are kept elsewhere (the derived index keeps them as SQLite
        tables: the summaries are most of an index and a CLI search reads few of them, so it scans
        and looks up there rather than reading the whole back). It answers `query` as the index its
        parts were taken from; it is never `add`ed to or `remove`d from."""
        index = cls([])
        # Sequences, scans and mappings in place of the lists, joined columns and dicts: read only.
        index.entries = entries  # type: ignore[assignment]
        index.folded, index.names = folded, names  # type: ignore[assignment]
        index.skeletons, index.sounds = skeletons, sounds  # type: ignore[assignment]
        index.fuzzy_keys, index.fuzzy_entries, index.grams = fuzzy_keys, fuzzy_entries, grams  # type: ignore[assignment]
        return index

    def query(self, text: str, limit: int = 20) -> list[Hit]:
        q = fold(text)
        if not q:
            return []
        words = content_words(q)
        best: dict[tuple[str, str], Hit] = {}

        def offer(i: int, score: float) -> None:
            table, rid, field, raw = self.entries[i]
            if field == "summary":
                score -= 25  # a word in a summary matters less than the name itself
            hit = Hit(score, table, rid, field, raw)
            if (cur := best.get((table, rid))) is None or cur.score < score:
                best[(table, rid)] = hit

        cap = max(limit * 20, 200)
        for i in self.folded.containing(q, cap, self.dead):
            key = self.folded.keys[i]
            # A word that starts with the query beats one that merely contains it; among those,
            # the name the query covers most (a full name, for a surname) ranks first.
            cover = 8 * len(q) / len(key)
            offer(i, 100 if key == q else (90 if key.startswith(q) or f" {q}" in key else 80) + cover)
        if len(words) > 1 or words[0] != q:
            self._words(words, cap, offer)
        sq = skeleton(text)
        if len(sq) >= 3:
            for i in self.skeletons.containing(sq, cap, self.dead):
                key = self.skeletons.keys[i]
                offer(i, 98 if key == sq else 78 + 8 * len(sq) / len(key))
        cq = " ".join(words)
        if len(best) < limit and len(cq) >= 3:
            shared: Counter[int] = Counter()
            for g in _trigrams(cq):
                shared.update(self.grams.get(g, ()))
            # Names sharing as many trigrams go in data order, never set order: the same pool every run.
            first = heapq.nlargest(FUZZY_POOL, shared, key=lambda j: (shared[j] << 32) - j)
            pool = [self.fuzzy_keys[j] for j in first]
            pool = [k for k in pool if self.fuzzy_entries[k]]  # names no record bears any more
            offered = 0
            for key, score, _ in process.extract(cq, pool, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=72):
                # Among names the typo matches equally, the one it covers most (the person, not the
                # groups named after them) comes first.
                cover = 8 * min(len(key), len(cq)) / max(len(key), len(cq))
                for i in self.fuzzy_entries[key][: limit * 3 - offered]:
                    offer(i, score * 0.85 + cover)
                    offered += 1
        # Ties go to the table order (things before the sources about them), then the id: same input, same order.
        ranked = sorted(best.values(), key=lambda h: (-h.score, m.NAMED_TABLES.index(h.table), h.id))
        return ranked[:limit]

    def _words(self, words: list[str], cap: int, offer: Callable[[int, float], None]) -> None:
        """Score each name by the query's words it holds as whole words or word starts.

        A rare word weighs more than a common one (inverse document frequency, counted up to
        `cap`), so `bamako attack` ranks what is about both above everything with "attack" in it.
        """
        found: dict[int, set[str]] = defaultdict(set)
        alike: dict[int, set[str]] = defaultdict(set)  # names with a word of the same consonants
        weight: dict[str, float] = {}
        n = len(self.entries) - len(self.dead) + 1  # live entries: an edited index must score as a fresh one
        for w in words:
            hits = self.names.containing(w, cap, self.dead)
            keys = [k for part in romanise(w).split() if (k := sound(part))]
            near = self.sounds.containing(f" {max(keys, key=len)} ", cap, self.dead) if keys else []
            weight[w] = math.log(n / (len(set(hits) | set(near)) + 0.5)) + 1
            for i in hits:
                found[i].add(w)
            for i in near:
                alike[i].add(w)
        total = sum(weight.values())
        for i in sorted(found.keys() | alike.keys()):
            key_words = content_words(self.folded.keys[i])
            got = 0.0
            matched = 0
            for w in weight:  # in the query's order: the same float sum every run
                if w in found.get(i, ()) and w in key_words:
                    got += weight[w]
                elif w in found.get(i, ()) and any(k.startswith(w) for k in key_words):
                    got += 0.9 * weight[w]
                elif w in alike.get(i, ()):
                    got += 0.8 * weight[w]
                else:
                    continue  # inside a word only: "de" in "dainville" is no match
                matched += 1
            if matched:
                offer(i, 60 + 30 * got / total + 8 * matched / len(key_words))
