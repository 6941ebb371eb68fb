"""Merge two copies of a database (two-way), or two edits of a common ancestor (three-way).

Records are matched by table and id. Identical records stay; a record on one side
only comes in; within a record each field merges on its own: changed on one side,
that side wins; changed on both sides differently, a `Conflict`. Lists (aliases,
citations, facts, actors...) merge item by item, so additions from both sides are
kept. Two facts about the same thing (same `about` and `date`) that differ are a
conflict too, which `contested` resolves by keeping every claim of both.

Nothing is lost: without a base no deletion can be inferred, so nothing is deleted;
with one, a record is removed only when one side deleted it and the other left it
as it was. A record deleted on one side and changed on the other is kept.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field

POLICIES = ("ours", "theirs", "contested")


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


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
class MergeReport:
    added: list[str] = field(default_factory=list)  # table/id that came in
    updated: dict[str, list[str]] = field(default_factory=dict)  # table/id -> fields taken from theirs
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # deleted on one side, changed on the other
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
        for c in self.conflicts:
            outcome = {"ours": "kept ours", "theirs": "took theirs", "contested": "kept both as a contested fact",
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


class Merger:
    def __init__(self, ours: dict, theirs: dict, base: dict | None) -> None:
        self.ours, self.theirs, self.base = ours, theirs, base
        self.report = MergeReport()

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
        if isinstance(o, list) and isinstance(t, list):
            merged = merge_list(b if isinstance(b, list) else None, copy.deepcopy(o), copy.deepcopy(t))
            return self.fact_conflicts(table, rid, merged, o) if name == "facts" else merged
        self.report.conflicts.append(Conflict(table, rid, name, copy.deepcopy(o), copy.deepcopy(t)))
        return copy.deepcopy(o)

    def fact_conflicts(self, table: str, rid: str, facts: list, ours: list) -> list:
        """Two versions of one fact (same about and date) are a conflict; ours stays until resolved."""
        out, first = [], {}
        for f in facts:
            key = fact_key(f)
            if key in first and (f in ours) != (first[key] in ours):
                self.report.conflicts.append(Conflict(table, rid, f"facts[{key[0]}]", first[key], f))
                continue
            first.setdefault(key, f)
            out.append(f)
        return out


def merge(ours: dict, theirs: dict, base: dict | None = None) -> tuple[dict, MergeReport]:
    """The merged data and what happened; conflicts hold ours until `resolve`d."""
    m = Merger(ours, theirs, base)
    return m.run(), m.report


def _claim(value: object, side: str, name: str, cite: list) -> dict:
    if isinstance(value, _Missing):
        return {"text": f"No {name} in {side} copy.", "cite": copy.deepcopy(cite)}
    claim = {"text": f"{name} in {side} copy: {show(value)}", "cite": copy.deepcopy(cite)}
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        claim["value"] = value
    return claim


def resolve(merged: dict, report: MergeReport, choose: Callable[[Conflict], str],
            theirs_data: dict) -> None:
    """Apply a choice (ours, theirs or contested) to every unresolved conflict, in place."""
    for c in report.unresolved:
        rec = merged[c.table][c.rid]
        choice = choose(c)
        t_rec = theirs_data[c.table][c.rid]
        if choice == "contested" and not (rec.get("cite") and t_rec.get("cite")):
            choice = "ours"  # a contested claim needs citations on both sides; sources and meta have none
        c.resolution = choice
        if c.field.startswith("facts["):
            facts = rec["facts"]
            i = facts.index(c.ours)
            if choice == "theirs":
                facts[i] = c.theirs
            elif choice == "contested":
                claims = merge_list(None, c.ours["claims"], c.theirs["claims"])
                facts[i] = {**c.ours, "claims": claims, **({"contested": True} if len(claims) > 1 else {})}
            continue
        if choice == "theirs":
            if isinstance(c.theirs, _Missing):
                rec.pop(c.field, None)
            else:
                rec[c.field] = c.theirs
        elif choice == "contested":
            rec.setdefault("facts", []).append({"about": c.field, "contested": True, "claims": [
                _claim(c.ours, "our", c.field, rec["cite"]), _claim(c.theirs, "their", c.field, t_rec["cite"])]})
