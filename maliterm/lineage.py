"""Pure lineage logic: where groups came from, as a forest, optionally as of a date.

Lineage relations point from the younger group to its origin (`splinter_of`: child ->
parent, `merged_into`: constituent -> successor, `renamed_to`: old -> new). The tree a
person reads runs the other way, origin first, so a merger's successor appears under
each of its constituents, marked with all its parents. Its subtree is drawn once, at its
first appearance; later ones are a line that says so (`see above`): drawn again under each
constituent, nested mergers multiply, and one 3,562-group family ran to millions of lines.

Memberships have a time: as of a date, a relation counts from its `start` until its `end`
(a group that joined a merger and left it is under the merger only in between). Over all
time a group can meet itself again down a branch (it joined a merger, then split from it);
it is shown there once more, marked, and never expanded again, so no tree is endless.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

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
    end: str | None = None  # when it ended (a member left the merger), if it did
    ended_by: str | None = None  # the actor who ended it


@dataclass
class Node:
    id: str
    edge: Edge | None = None  # how this node came from its parent in the tree; None for a root
    parents: list[str] = field(default_factory=list)  # every lineage parent, for mergers
    children: list["Node"] = field(default_factory=list)
    cycle: bool = False  # the node already appears above itself and no dates explain it (bad data)
    again: bool = False  # the node appears above itself, later in time (joined, then left): a history
    above: bool = False  # shown at an earlier appearance in the forest, with its subtree: not repeated here


class Lineage:
    """The lineage graph of a store, filtered to what existed as of a date (or all time)."""

    def __init__(self, actors: Mapping[str, dict[str, Any]], relations: Iterable[dict[str, Any]],
                 as_of: str | None = None) -> None:
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
                              and dates.may_have_begun_by(rel.get("start"), as_of)
                              and not dates.ended_before(rel.get("end"), as_of)):
                continue
            edge = Edge(old, young, kind, rel.get("start"), rel["id"], m.is_contested(rel), rel.get("end"),
                        rel.get("ended_by"))
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
        """Groups with lineage but no origin within it, by name; also a group whose every recorded
        origin came after it had already given rise to another (it merged into HTS in 2017-01 and
        split from HTS in 2017-07: its history starts before that split)."""
        return sorted((a for a in self.children_of if self._is_root(a)), key=lambda a: (self.name(a), a))

    def _is_root(self, rid: str) -> bool:
        parents = self.parents_of.get(rid)
        if not parents:
            return True
        if any(e.date is None for e in parents):
            return False
        first_origin = min(dates.earliest(e.date) for e in parents)
        return any(e.date is not None and dates.latest(e.date) < first_origin for e in self.children_of[rid])

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

    def tree(self, rid: str, drawn: set[str] | None = None) -> Node:
        """The subtree under `rid` (for printing; the TUI expands level by level), each group's own
        subtree in full only where it first appears, depth first; a group already in `drawn` (shared
        by the trees of one forest) is one node with `above` set and nothing under it. A group met
        again down its own branch is marked `again` or `cycle` instead.
        A loop, not recursion: a family can run thousands of groups deep."""
        drawn = set() if drawn is None else drawn
        root = Node(rid, None, self.parents(rid))
        path: list[str] = []  # the groups above the node in hand
        path_edges: list[Edge | None] = []  # path_edges[i]: the edge into path[i]
        todo: list[Node | None] = [root]  # None: the last child of path[-1] is done
        while todo:
            node = todo.pop()
            if node is None:
                path.pop()
                path_edges.pop()
                continue
            if node.id in path:  # met again down this branch: shown, marked, not expanded
                loop = [*path_edges[path.index(node.id) + 1:], node.edge]
                node.again = in_time_order(loop)
                node.cycle = not node.again
                continue
            if node.id in drawn:
                node.above = True
                continue
            drawn.add(node.id)
            node.children = [Node(e.child, e, self.parents(e.child)) for e in self.children(node.id)]
            path.append(node.id)
            path_edges.append(node.edge)
            todo.append(None)
            todo.extend(reversed(node.children))
        return root

    def tops(self) -> list[str]:
        """Where trees start so that every group shows: the roots, then, for a loop with no way in
        (bad data: A split from B, B split from A), the group whose name sorts first."""
        tops = self.roots()
        reached = self._below(tops)
        while left := self.members() - reached:
            first = min(left, key=lambda a: (self.name(a), a))
            tops.append(first)
            reached |= self._below([first])
        return tops

    def _below(self, starts: list[str]) -> set[str]:
        seen, todo = set(starts), list(starts)
        while todo:
            for e in self.children_of.get(todo.pop(), ()):
                if e.child not in seen:
                    seen.add(e.child)
                    todo.append(e.child)
        return seen

    def forest(self, focus: str | None = None) -> list[Node]:
        """Trees from every top, or only those in `focus`'s lineage; every group shows in one of them."""
        tops = self.tops()
        if focus is not None:
            comp = self.component(focus)
            tops = [t for t in tops if t in comp] or ([focus] if focus in comp else [])
        drawn: set[str] = set()
        return [self.tree(t, drawn) for t in tops]

    def when(self, edge: Edge) -> str:
        """An edge's dates in words: `2012`; `from 2017-01 until 2017-07, ended by Zenki`."""
        text = m.relation_when(edge.type, edge.date, edge.end)
        if edge.ended_by:
            text += f", ended by {self.name(edge.ended_by)}"
        return text


NAMED_AGAIN_UP_TO = 6  # a merger's parents named at its later appearances (HTS had six); more are counted


def parent_names(lin: Lineage, node: Node) -> str:
    """Who a merger was formed from: every name; at a later appearance of a merger of many, their
    number (named where it is drawn in full), so each appearance stays a line or two."""
    if node.above and len(node.parents) > NAMED_AGAIN_UP_TO:
        return f"{len(node.parents)} groups"
    return " + ".join(lin.name(p) for p in node.parents)


REVISIT = {"cycle": "(cycle in the data)", "again": "(again: see above)", "above": "(see above)"}


def revisit(node: Node) -> str:
    """The mark of a node shown again below itself, or whose subtree is drawn above, or ""."""
    return next((REVISIT[k] for k in ("cycle", "again", "above") if getattr(node, k)), "")


def in_time_order(loop: list[Edge | None]) -> bool:
    """Whether the edges of a loop, read round from some edge, run forward in time: a group that
    joined a merger in 2017-01 and split from it in 2017-07 did both, in that order. A loop with an
    undated edge, or all on one date, or whose dates run forward from no edge, is bad data."""
    if any(e is None or e.date is None for e in loop):
        return False
    starts = [dates.earliest(e.date) for e in loop]  # type: ignore[union-attr]
    if len(set(starts)) < 2:
        return False
    return any(all(a <= b for a, b in zip(turn, turn[1:]))
               for turn in (starts[i:] + starts[:i] for i in range(len(starts))))


def node_json(lin: Lineage, node: Node) -> dict:
    """The documented `lineage --json` shape of one node."""
    out: dict = {"id": node.id, "name": lin.name(node.id)}
    if node.edge:
        out["relation"] = node.edge.type
        out["date"] = node.edge.date
        if node.edge.end:
            out["end"] = node.edge.end
        if node.edge.ended_by:
            out["ended_by"] = node.edge.ended_by
    if len(node.parents) > 1:
        out["merger_of"] = node.parents
    if node.cycle:
        out["cycle"] = True
    if node.again:
        out["again"] = True
    if node.above:
        out["drawn_above"] = True
    out["children"] = [node_json(lin, c) for c in node.children]
    return out
