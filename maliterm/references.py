"""Which records refer to a record, and what a cascading delete must change so nothing dangles.

Both ask the validator rather than keeping a second list of reference fields: a reference is
whatever the validator reports as dangling once the target is gone. A cascade then repairs
each record with the smallest cut that leaves it valid: drop the field (an optional reference:
an event's place), else the list item holding it (a citation, an event's actor), else the
whole record (a relation's `from`, a record whose last citation went), which may cascade again.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

import orjson

from maliterm.validate import Context, record_problems

_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")

Tables = dict[str, dict[str, dict[str, Any]]]


def steps(sub: str) -> list[str | int]:
    """".facts[0].claims[1].by" -> ["facts", 0, "claims", 1, "by"]."""
    return [int(i) if i else name for name, i in _STEP.findall(sub)]


def value_at(rec: object, path: list[str | int]) -> object:
    for step in path:
        rec = rec[step]  # type: ignore[index]
    return rec


def _mentioning(tables: Tables, ids: set[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(table, id, record) for every record with a string equal to one of `ids` somewhere in it.

    A cheap filter before validation: a whole table is skipped when its JSON has none of them.
    """
    needles = [orjson.dumps(i) for i in ids]
    for table, records in tables.items():
        if not any(n in orjson.dumps(records) for n in needles):
            continue
        for key, rec in records.items():
            blob = orjson.dumps(rec)
            if any(n in blob for n in needles):
                yield table, key, rec


def _context(tables: Tables, gone: set[str]) -> Context:
    return Context({t: set(records) - gone for t, records in tables.items()})


def _dangling(table: str, rec: dict[str, Any], ctx: Context, gone: set[str]) -> list[str]:
    """The ".field" paths in `rec` that refer to a record in `gone`."""
    return [sub for sub, _, _ in record_problems(table, rec, ctx) if _points_into(rec, sub, gone)]


def _points_into(rec: dict[str, Any], sub: str, gone: set[str]) -> bool:
    try:
        v = value_at(rec, steps(sub))
    except (KeyError, IndexError, TypeError):
        return False
    return isinstance(v, str) and v in gone


def references_to(tables: Tables, rid: str) -> list[str]:
    """Every reference to `rid`, as "table/id.field" (".cite[0].source", ".actors[2].actor", ...)."""
    gone = {rid}
    ctx = _context(tables, gone)
    return [f"{t}/{key}{sub}" for t, key, rec in _mentioning(tables, gone) if key != rid
            for sub in _dangling(t, rec, ctx, gone)]


def _repair(table: str, rec: dict[str, Any], ctx: Context, gone: set[str]) -> dict[str, Any] | None:
    """`rec` with its references into `gone` cut out, or None when it cannot stand without them."""
    rec = copy.deepcopy(rec)
    while found := record_problems(table, rec, ctx):
        sub = found[0][0]
        path = steps(sub)
        if path and _points_into(rec, sub, gone):
            del value_at(rec, path[:-1])[path[-1]]  # type: ignore[attr-defined]
            continue
        # What the cut left invalid (a required field now missing, a list now empty):
        # drop the innermost list item around it, or, if there is none, the record.
        items = [i for i, s in enumerate(path) if isinstance(s, int)]
        if not items:
            return None
        i = items[-1]
        del value_at(rec, path[:i])[path[i]]  # type: ignore[attr-defined]
    return rec


def cascade(tables: Tables, table: str, rid: str) -> dict[tuple[str, str], dict[str, Any] | None]:
    """What deleting table/rid with its references changes: {(table, id): new record, or None if deleted}."""
    out: dict[tuple[str, str], dict[str, Any] | None] = {(table, rid): None}
    gone = {rid}
    fresh = {rid}
    while fresh:
        ctx = _context(tables, gone)
        view = {t: {k: now for k, r in recs.items() if (now := out.get((t, k), r)) is not None}
                for t, recs in tables.items()}
        fresh = set()
        for t, key, rec in _mentioning(view, gone):
            if key in gone or not _dangling(t, rec, ctx, gone):
                continue
            fixed = _repair(t, rec, ctx, gone)
            out[(t, key)] = fixed
            if fixed is None:
                fresh.add(key)
        gone |= fresh
    return out
