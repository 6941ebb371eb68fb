"""Merge two copies of a database (two-way), or two edits of a common ancestor (three-way).

Records are matched by table and id. Identical records stay; a record on one side
only comes in; within a record each field merges on its own: changed on one side,
that side wins; changed on both sides differently, a `Conflict`. Lists (aliases,
citations, facts, actors...) merge item by item, so additions from both sides are
kept. Two facts about the same thing (same `about` and `date`) that differ are a
conflict too, which `contested` resolves by keeping every claim of both.

Nothing is lost: without a base no deletion can be inferred, so nothing is deleted;
with one, a record is removed only when one side deleted it and the other left it
as it was. A record deleted on one side and changed on the other is kept, and so is
one deleted on one side that a record of the other side refers to.

One id may name two different things when two laptops each created a record with
the same slug (`Kidal` the town and `Kidal` the region). Such a pair, new on both sides
(no base holds it) and judged different by `same_thing` (kind and name), is a
collision: ours keeps the id, theirs gets a new one, with every reference in their
records rewritten before the records are merged.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from maliterm import model as m
from maliterm.spellings import fold
from maliterm.slugs import unique_slug
from maliterm.references import references_to, steps, value_at

POLICIES = ("ours", "theirs", "contested")  # what a user may choose; `resolve` may also record "noted"


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"

    def __deepcopy__(self, memo: dict) -> "_Missing":
        # One sentinel: a copy would not be `MISSING`, and a field one side removed would come
        # back as an object (found by tests/safety/test_store_model.py: a place deleted with
        # cascade made the event that named it a whole-record conflict).
        return self


MISSING = _Missing()  # a field or record that a side does not have


@dataclass
class Conflict:
    table: str
    rid: str
    field: str  # a field name, or `facts[about]` for two versions of one fact
    ours: object
    theirs: object
    resolution: str = ""  # one of POLICIES once resolved; "ours" also when contesting is impossible

    @property
    def where(self) -> str:
        return f"{self.table}/{self.rid}.{self.field}"


@dataclass
class Restored:
    """A record one side deleted, kept because a record of the merge refers to it."""

    where: str  # table/id
    deleted_by: str  # "ours" or "theirs"
    referrers: list[str]  # "table/id.field" of each reference


@dataclass
class Collision:
    """One id naming two different things: theirs was renamed `new_id`."""

    table: str  # theirs' table (ours may hold the id in another table)
    rid: str
    new_id: str
    ours: str  # what each side's record is, for the report
    theirs: str
    rewritten: int  # references to it in their records, now pointing at new_id


@dataclass
class MergeReport:
    added: list[str] = field(default_factory=list)  # table/id that came in
    updated: dict[str, list[str]] = field(default_factory=dict)  # table/id -> fields taken from theirs
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # deleted on one side, changed on the other
    restored: list[Restored] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.resolution]

    def lines(self, theirs: str) -> list[str]:
        out = [f"From {theirs}: {len(self.added)} new, {len(self.updated)} updated, {len(self.removed)} removed, "
               f"{len(self.conflicts)} conflicts"]
        out += [f"  new      {r}" for r in self.added]
        out += [f"  updated  {r}: {', '.join(fields)}" for r, fields in self.updated.items()]
        out += [f"  removed  {r} (deleted there, unchanged here)" for r in self.removed]
        out += [f"  kept     {r} (deleted on one side, changed on the other)" for r in self.kept]
        out += [f"  kept     {r.where} (deleted in {r.deleted_by}; kept because {', '.join(r.referrers)} "
                f"refer{'s' if len(r.referrers) == 1 else ''} to it)" for r in self.restored]
        out += [f"  collision {c.table}/{c.rid}: ours {c.ours} and theirs {c.theirs} are different: theirs is now "
                f"{c.table}/{c.new_id}, {c.rewritten} reference{'' if c.rewritten == 1 else 's'} rewritten"
                for c in self.collisions]
        for c in self.conflicts:
            outcome = {"ours": "kept ours", "theirs": "took theirs", "contested": "kept both as a contested fact",
                       "noted": f"kept ours, theirs noted in {NOTE_FIELDS.get(c.table)}",
                       "": "UNRESOLVED (kept ours for now)"}[c.resolution]
            out.append(f"  conflict {c.where}: ours {show(c.ours)} | theirs {show(c.theirs)} -> {outcome}")
        return out


def show(value: object) -> str:
    text = repr(value) if isinstance(value, _Missing) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def merge_list(base: list | None, ours: list, theirs: list) -> list:
    """Ours in order, minus what theirs removed from the base, plus what theirs added."""
    base = base or []
    kept = [x for x in ours if x in theirs or x not in base]
    return kept + [x for x in theirs if x not in ours and x not in base]


def fact_key(fact: dict) -> tuple:
    return fact.get("about"), fact.get("date")


def names(rec: dict) -> set[str]:
    """A record's name, title and aliases, folded and without spaces: `J.N.I.M.` and `Jnim` are one name."""
    found = (rec.get("name"), rec.get("title"), *m.alias_names(rec))
    return {fold(n).replace(" ", "") for n in found if isinstance(n, str)} - {""}


def same_thing(table: str, a: dict, b: dict) -> bool:
    """Whether two records with one id, each new on its side, are one thing (merged) or two (a collision).

    Judged by kind and name: a slug comes from a name, so a shared slug with a different kind
    (Kidal the town, Kidal the region) or no name in common is two things.
    """
    if table in ("actors", "places", "sources"):
        same_url = a.get("url") is not None and a.get("url") == b.get("url")
        return a.get("kind") == b.get("kind") and (bool(names(a) & names(b)) or same_url)
    if table == "events":  # one event retitled on one side keeps its date
        return a.get("type") == b.get("type") and (a.get("date") == b.get("date") or bool(names(a) & names(b)))
    if table == "relations":
        return all(a.get(k) == b.get(k) for k in ("from", "type", "to"))
    if table == "quotes":
        return a.get("speaker") == b.get("speaker")
    if table == "changes":
        return a == b  # log entries never change: two different ones are two entries
    return True  # meta: one per file


def describe(table: str, rec: dict) -> str:
    from maliterm.model import label

    kind = rec.get("kind") or rec.get("type") or rec.get("date")
    return show(label(table, rec)) + (f" ({kind})" if isinstance(kind, str) else "")


def _all_ids(*copies: dict | None) -> set[str]:
    return {rid for data in copies if data for recs in data.values() for rid in recs}


def separate(base: dict | None, ours: dict, theirs: dict, report: MergeReport) -> dict:
    """`theirs`, with each record whose id names a different thing in `ours` moved to a new id."""
    owner = {rid: table for table, recs in ours.items() if table != "meta" for rid in recs}
    found = []
    for table in sorted(theirs):
        b_tab = (base or {}).get(table, {})
        for rid in sorted(theirs[table]) if table != "meta" else ():
            o_table = owner.get(rid)
            if o_table is None:
                continue
            o_rec, t_rec = ours[o_table][rid], theirs[table][rid]
            if o_table == table and (rid in b_tab or o_rec == t_rec or same_thing(table, o_rec, t_rec)):
                continue  # one record (the base says so, or kind and name do): merged field by field
            found.append((table, rid, o_table))
    if not found:
        return theirs
    theirs = copy.deepcopy(theirs)
    taken = _all_ids(base, ours, theirs)
    for table, rid, o_table in found:
        new = unique_slug(rid, taken)
        taken.add(new)
        rewritten = rename(theirs, table, rid, new, ours.get("changes", {}))
        report.collisions.append(Collision(table, rid, new, describe(o_table, ours[o_table][rid]),
                                           describe(table, theirs[table][new]), rewritten))
    return theirs


def rename(data: dict, table: str, rid: str, new: str, old_log: dict) -> int:
    """Move data[table][rid] to `new` and point every reference to it there; returns how many."""
    refs = references_to(data, rid)
    for ref in refs:
        where, _, sub = ref.partition(".")  # "events/x", "actors[0].actor"
        t, _, key = where.partition("/")
        path = steps("." + sub)
        value_at(data[t][key], path[:-1])[path[-1]] = new  # type: ignore[index]
    rec = data[table].pop(rid)
    rec["id"] = new
    data[table][new] = rec
    for key, entry in data.get("changes", {}).items():  # their own log entries about it follow it
        if key not in old_log and entry.get("record") == f"{table}/{rid}":
            entry["record"] = f"{table}/{new}"
    return len(refs)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class Merger:
    def __init__(self, ours: dict, theirs: dict, base: dict | None, report: MergeReport) -> None:
        self.ours, self.theirs, self.base = ours, theirs, base
        self.report = report
        self.dropped: dict[tuple[str, str], tuple[dict, str]] = {}  # deletions honoured: record, who deleted

    def run(self) -> dict:
        merged: dict = {}
        for table in sorted(set(self.ours) | set(self.theirs)):
            o_tab, t_tab = self.ours.get(table, {}), self.theirs.get(table, {})
            b_tab = None if self.base is None else self.base.get(table, {})
            out = merged.setdefault(table, {})
            for rid in sorted(set(o_tab) | set(t_tab)):
                o, t = o_tab.get(rid, MISSING), t_tab.get(rid, MISSING)
                b = MISSING if b_tab is None else b_tab.get(rid, MISSING)
                rec = self.record(table, rid, b, o, t)
                if rec is not MISSING:
                    out[rid] = rec
        return merged

    def record(self, table: str, rid: str, b, o, t):
        where = f"{table}/{rid}"
        if o == t:
            return copy.deepcopy(o)
        if t is MISSING or o is MISSING:
            present, gone_here = (o, False) if t is MISSING else (t, True)
            if b is MISSING:  # new on one side
                if gone_here:
                    self.report.added.append(where)
                return copy.deepcopy(present)
            if b == present:  # the other side deleted it and this side did not touch it
                if not gone_here:
                    self.report.removed.append(where)
                self.dropped[(table, rid)] = (copy.deepcopy(present), "ours" if gone_here else "theirs")
                return MISSING
            self.report.kept.append(where)
            return copy.deepcopy(present)
        base = b if isinstance(b, dict) else {}
        out, taken = {}, []
        for name in sorted(set(o) | set(t)):
            bv = base.get(name, MISSING) if b is not MISSING else MISSING
            ov, tv = o.get(name, MISSING), t.get(name, MISSING)
            value = self.field(table, rid, name, bv, ov, tv)
            if value != ov:
                taken.append(name)
            if value is not MISSING:
                out[name] = value
        if taken:
            self.report.updated[where] = taken
        return out

    def field(self, table: str, rid: str, name: str, b, o, t):
        if o == t:
            return copy.deepcopy(o)
        if b is MISSING and (o is MISSING or t is MISSING):
            return copy.deepcopy(t if o is MISSING else o)  # added on one side only
        if b == o:
            return copy.deepcopy(t)
        if b == t:
            return copy.deepcopy(o)
        # A source's paragraphs are numbered by position (`para N`): a blend of two edits would renumber them.
        if isinstance(o, list) and isinstance(t, list) and name != "paragraphs":
            merged = merge_list(b if isinstance(b, list) else None, copy.deepcopy(o), copy.deepcopy(t))
            return self.fact_conflicts(table, rid, merged, o) if name == "facts" else merged
        self.report.conflicts.append(Conflict(table, rid, name, copy.deepcopy(o), copy.deepcopy(t)))
        return copy.deepcopy(o)

    def fact_conflicts(self, table: str, rid: str, facts: list, ours: list) -> list:
        """Two versions of one fact (same about and date) are a conflict; ours stays until resolved."""
        out: list[dict[str, Any]] = []
        first: dict[tuple[object, object], dict[str, Any]] = {}
        for f in facts:
            key = fact_key(f)
            if key in first and (f in ours) != (first[key] in ours):
                self.report.conflicts.append(Conflict(table, rid, f"facts[{key[0]}]", first[key], f))
                continue
            first.setdefault(key, f)
            out.append(f)
        return out

    def keep_referenced(self, merged: dict) -> None:
        """Put back each deleted record that a merged record refers to, and what those need in turn."""
        pending = self.dropped  # what is put back leaves it: a second call only looks at the rest
        mentioned = set(_strings(merged)) if pending else set()  # a cheap filter before asking the validator
        progress = True
        while progress:
            progress = False
            for table, rid in sorted(k for k in pending if k[1] in mentioned):
                refs = references_to(merged, rid)
                if not refs:
                    continue  # the id appears only as text; a record put back later may still refer to it
                rec, side = pending.pop((table, rid))
                merged.setdefault(table, {})[rid] = rec
                merged[table] = dict(sorted(merged[table].items()))  # the same order as a plain merge
                where = f"{table}/{rid}"
                self.report.restored.append(Restored(where, side, refs))
                if where in self.report.removed:
                    self.report.removed.remove(where)
                mentioned.update(_strings(rec))
                progress = True


WHOLE = "(whole record)"  # the field of a conflict over a record whose merged fields do not fit together


def settle_invalid(merged: dict, ours: dict, theirs: dict, report: MergeReport) -> bool:
    """A record merged field by field may be invalid as a whole (a new start after a new end): keep ours
    whole and report a conflict over the record, so the merge still completes and theirs can be kept."""
    from maliterm.validate import validate

    bad = set()
    for problem in validate(merged, "merge"):
        table, _, rest = problem.where.partition("/")
        rid = re.split(r"[.\[]", rest, maxsplit=1)[0]
        if rid in merged.get(table, {}):
            bad.add((table, rid))
    for table, rid in sorted(bad):
        o, t = ours.get(table, {}).get(rid, MISSING), theirs.get(table, {}).get(rid, MISSING)
        if o is MISSING or t is MISSING:
            continue  # one side's record, valid in its own file: the problem is elsewhere
        merged[table][rid] = copy.deepcopy(o)
        report.conflicts = [c for c in report.conflicts if (c.table, c.rid) != (table, rid)]
        report.conflicts.append(Conflict(table, rid, WHOLE, copy.deepcopy(o), copy.deepcopy(t)))
    return bool(bad)


def merge(base: dict | None, ours: dict, theirs: dict) -> tuple[dict, MergeReport]:
    """The merged data and what happened; conflicts hold ours until `resolve`d.

    Pure: the three inputs are not changed. `base` None is a two-way merge (nothing deleted).
    """
    report = MergeReport()
    theirs = separate(base, ours, theirs, report)
    m = Merger(ours, theirs, base, report)
    merged = m.run()
    m.keep_referenced(merged)
    if settle_invalid(merged, ours, theirs, report):
        m.keep_referenced(merged)  # ours kept whole may refer to what theirs deleted
    return merged, report


def full(value: object) -> str:
    """A value as JSON, whole: what a contested claim or a note keeps of a side must not be cut."""
    return repr(value) if isinstance(value, _Missing) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _claim(value: object, side: str, name: str, cite: list) -> dict:
    if isinstance(value, _Missing):
        return {"text": f"No {name} in {side} copy.", "cite": copy.deepcopy(cite)}
    claim: dict[str, Any] = {"text": f"{name} in {side} copy: {full(value)}", "cite": copy.deepcopy(cite)}
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        claim["value"] = value
    return claim


# Tables without citations cannot hold a contested fact: their side of a conflict goes in a note.
NOTE_FIELDS = {"sources": "notes", "meta": "description"}


def _note(rec: dict, c: Conflict) -> None:
    """Ours stays in the field; theirs is written, whole, at the end of the record's note field."""
    name = NOTE_FIELDS[c.table]
    line = f"Merge conflict: {c.field} in their copy: {full(c.theirs)}"
    rec[name] = f"{rec[name]}\n\n{line}" if isinstance(rec.get(name), str) and rec[name].strip() else line


def resolve(merged: dict, report: MergeReport, choose: Callable[[Conflict], str],
            theirs_data: dict) -> None:
    """Apply a choice (ours, theirs or contested) to every unresolved conflict, in place.

    `contested` keeps both sides: a contested fact (ours stays in the field), or, in a record
    that cannot cite (a source, meta), ours in the field and theirs noted (resolution `noted`).
    """
    for c in report.unresolved:
        rec = merged[c.table][c.rid]
        choice = choose(c)
        t_rec = theirs_data[c.table][c.rid]
        if choice == "contested" and not (rec.get("cite") and t_rec.get("cite")):
            choice = "noted" if c.table in NOTE_FIELDS and not c.field.startswith("facts[") else "ours"
        c.resolution = choice
        if choice == "noted":
            _note(rec, c)
            continue
        if c.field.startswith("facts["):
            assert isinstance(c.ours, dict) and isinstance(c.theirs, dict)  # a fact's conflict holds both versions
            facts = rec["facts"]
            i = facts.index(c.ours)
            if choice == "theirs":
                facts[i] = c.theirs
            elif choice == "contested":
                # Each side of a contested fact cites its own source: a claim that rested on its record's
                # citation takes that record's with it (ours: the merged record's, which holds ours).
                claims = merge_list(None, [{"cite": copy.deepcopy(rec["cite"]), **x} for x in c.ours["claims"]],
                                    [{"cite": copy.deepcopy(t_rec["cite"]), **x} for x in c.theirs["claims"]])
                facts[i] = {**c.ours, "claims": claims, **({"contested": True} if len(claims) > 1 else {})}
            continue
        if choice == "theirs" and c.field == WHOLE:
            merged[c.table][c.rid] = copy.deepcopy(c.theirs)
        elif choice == "theirs":
            if isinstance(c.theirs, _Missing):
                rec.pop(c.field, None)
            else:
                rec[c.field] = c.theirs
        elif choice == "contested":
            rec.setdefault("facts", []).append({"about": c.field, "contested": True, "claims": [
                _claim(c.ours, "our", c.field, rec["cite"]), _claim(c.theirs, "their", c.field, t_rec["cite"])]})
