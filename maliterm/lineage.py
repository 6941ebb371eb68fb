"""Pure lineage logic: where groups came from, as a forest, optionally as of a date.

Lineage relations point from the younger group to its origin (`splinter_of`: child ->
parent, `merged_into`: constituent -> successor, `renamed_to`: old -> new). The tree a
person reads runs the other way, origin first, so a merger's successor appears under
each of its constituents, marked with all its parents.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from maliterm import dates
from maliterm import model as m

if TYPE_CHECKING:
    from maliterm.indexes import ReadView


class Edge(NamedTuple):  # a tuple: thousands are made each time the lineage is drawn
    parent: str  # the origin: the group split from, merged from, renamed from
    child: str  # the younger group
    type: str
    date: str | None
    relation: str  # the relation's id
    contested: bool = False  # the relation holds a contested fact (its date, say): shown wherever the edge is


@dataclass
class Node:
    id: str
    edge: Edge | None = None  # how this node came from its parent in the tree; None for a root
    parents: list[str] = field(default_factory=list)  # every lineage parent, for mergers
    children: list["Node"] = field(default_factory=list)
    cycle: bool = False  # the node already appears above itself (bad data): not expanded again


class Lineage:
    """The lineage graph of a store, filtered to what existed as of a date (or all time)."""

    def __init__(self, actors: dict[str, dict], relations, as_of: str | None = None) -> None:
        self.as_of = as_of
        self.actors = actors
        self.children_of: dict[str, list[Edge]] = defaultdict(list)
        self.parents_of: dict[str, list[Edge]] = defaultdict(list)
        for rel in relations:
            kind = rel["type"]
            if kind not in m.LINEAGE_TYPES:
                continue
            # splinter_of points young -> old; merged_into and renamed_to point old -> young.
            young, old = (rel["from"], rel["to"]) if kind == "splinter_of" else (rel["to"], rel["from"])
            if as_of and not (self.exists(young) and self.exists(old)
                              and dates.may_have_begun_by(rel.get("start"), as_of)):
                continue
            edge = Edge(old, young, kind, rel.get("start"), rel["id"], m.is_contested(rel))
            self.children_of[old].append(edge)
            self.parents_of[young].append(edge)
        for edges in self.children_of.values():
            if len(edges) > 1:
                edges.sort(key=lambda e: (dates.sort_key(e.date), self.name(e.child)))

    @classmethod
    def of_store(cls, store: ReadView, as_of: str | None = None) -> "Lineage":
        return cls(store.tables["actors"], store.tables["relations"].values(), as_of)

    def name(self, rid: str) -> str:
        return self.actors.get(rid, {}).get("name", rid)

    def exists(self, rid: str) -> bool:
        active = self.actors.get(rid, {}).get("active")
        return self.as_of is None or dates.may_have_begun_by(active, self.as_of)

    def members(self) -> set[str]:
        return set(self.children_of) | set(self.parents_of)

    def roots(self) -> list[str]:
        """Groups with lineage but no origin within it, oldest first."""
        return sorted((a for a in self.children_of if not self.parents_of.get(a)), key=self.name)

    def parents(self, rid: str) -> list[str]:
        return [e.parent for e in self.parents_of.get(rid, ())]

    def component(self, rid: str) -> set[str]:
        """Every group connected to `rid` by lineage, in either direction."""
        seen, todo = {rid}, [rid]
        while todo:
            cur = todo.pop()
            for nxt in [e.child for e in self.children_of.get(cur, ())] + self.parents(cur):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def children(self, rid: str) -> list[Edge]:
        """One level below `rid`, for trees that expand lazily."""
        return self.children_of.get(rid, [])

    def tree(self, rid: str, edge: Edge | None = None, _path: frozenset = frozenset()) -> Node:
        """The full subtree under `rid` (for printing; the TUI expands level by level)."""
        node = Node(rid, edge, self.parents(rid))
        if rid in _path:
            node.cycle = True
            return node
        for e in self.children(rid):
            node.children.append(self.tree(e.child, e, _path | {rid}))
        return node

    def forest(self, focus: str | None = None) -> list[Node]:
        """Trees from every root, or only those in `focus`'s lineage."""
        roots = self.roots()
        if focus is not None:
            comp = self.component(focus)
            roots = [r for r in roots if r in comp] or ([focus] if focus in comp else [])
        if not roots and focus is None and self.members():
            roots = sorted(self.members(), key=self.name)[:1]  # a pure cycle still shows
        return [self.tree(r) for r in roots]


def node_json(lin: Lineage, node: Node) -> dict:
    """The documented `lineage --json` shape of one node."""
    out: dict = {"id": node.id, "name": lin.name(node.id)}
    if node.edge:
        out["relation"] = node.edge.type
        out["date"] = node.edge.date
    if len(node.parents) > 1:
        out["merger_of"] = node.parents
    if node.cycle:
        out["cycle"] = True
    out["children"] = [node_json(lin, c) for c in node.children]
    return out
