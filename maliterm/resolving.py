"""Which record a person means by a name: one rule for the loaded store and the derived index.

`Store.resolve_match` and `derived.IndexedStore.resolve_match` both answer with `resolve`, so a
command finds the same record whichever of the two reads the data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from maliterm.errors import Ambiguous, NotFound
from maliterm.spellings import fold

if TYPE_CHECKING:
    from maliterm.indexes import Snapshot
    from maliterm.search import Hit


class Resolved(NamedTuple):
    table: str
    record: dict[str, Any]
    exact: bool  # an id, name or alias; False when the words of a name matched


def _holds_words(name_words: list[str], words: list[str]) -> bool:
    """Every query word is one of the name's words or the start of one."""
    return all(any(n.startswith(w) for n in name_words) for w in words)


def resolve(snap: Snapshot, search: Callable[[str, int], list[Hit]], query: str, tables: tuple[str, ...]) -> Resolved:
    """The one record a person means by `query`, for every command that takes a name.

    In order: an id (case ignored); a whole name or alias (folded: case, accents and
    punctuation ignored); else the records one of whose names holds every word of the query
    as a whole word or the start of one (`dacko` -> Didier Dacko), which must be exactly one.
    `exact` is False for that last kind, so callers can say which record they took.
    Several: Ambiguous listing them. None: NotFound with the closest `search` hits, never taken.
    """
    q = query.strip()
    for rid in (q, q.lower()):
        if snap.table_of.get(rid) in tables:
            return Resolved(snap.table_of[rid], snap.get(rid), True)  # type: ignore[arg-type]
    folded = fold(q)
    for rid in snap.by_name.get(folded, ()):
        if snap.table_of[rid] in tables:
            return Resolved(snap.table_of[rid], snap.get(rid), True)  # type: ignore[arg-type]
    words = folded.split()
    found = {rid for key, rids in snap.by_name.items() if words and _holds_words(key.split(), words)
             for rid in rids if snap.table_of[rid] in tables}
    ranked = sorted(found, key=lambda r: (tables.index(snap.table_of[r]), r))
    if len(ranked) == 1:
        return Resolved(snap.table_of[ranked[0]], snap.get(ranked[0]), False)  # type: ignore[arg-type]
    if ranked:
        raise Ambiguous(query, ranked, [snap.name(r) for r in ranked])
    # A fuzzy match is offered, never taken: a script must not act on a guess.
    hits = [h for h in search(query, 8) if h.table in tables][:5]
    raise NotFound(query, [f"{snap.name(h.id)} ({h.id})" for h in hits])
