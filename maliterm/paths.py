"""How two actors are connected: the shortest chains of relations and shared events between them.

The graph is read from the store's indexes, never built whole: an actor's neighbours are the
other ends of its relations (`relations_by_actor`) and the events it took part in or claimed
(`events_by_actor`); an event's neighbours are its actors and claimants (`event_actors`). So an
actor—event—actor step counts as two hops, like any other pair of edges. Breadth-first from
the first actor gives every shortest path; they are listed in order of the ids along them, so
the same data always gives the same answer. Pure Python: no Textual, no networkx.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from maliterm import dates
from maliterm import model as m

if TYPE_CHECKING:
    from maliterm.store import Store

MAX_PATHS = 20  # shortest paths listed at most (hubs can make thousands of equal length)


@dataclass(frozen=True)
class Link:
    """One record that joins two nodes of a path, read from the step's first node."""

    reads: str  # "founded", "formed from", "perpetrator in", "has as claimant"
    record: str  # the relation's id, or the event's id for a role in an event
    kind: str  # "relation" or "event"
    type: str  # relation type or event role (the code, as in the data)
    when: str  # dates in words ("from 2012-12 until 2013"), or the event's date
    cite: tuple  # the citations, as stored
    contested: bool


@dataclass(frozen=True)
class Step:
    start: str
    end: str
    links: tuple[Link, ...]

    @property
    def contested(self) -> bool:
        return any(link.contested for link in self.links)


@dataclass
class Paths:
    start: str
    end: str
    length: int | None  # hops of the shortest path; None when nothing links them
    paths: list[list[Step]] = field(default_factory=list)
    more: int = 0  # shortest paths left off beyond the limit


def _neighbours(store: Store, node: str, events: bool) -> set[str]:
    """A node's neighbours, unordered: the levels do not depend on the order, and the paths are
    put in order of their ids when they are listed."""
    if store.table_of.get(node) == "events":
        return {a for a, _ in store.event_actors(node)}
    # A claim's other end is an event: it is reached through `events_by_actor`, claimants included.
    out = {rel["to"] if rel["from"] == node else rel["from"] for rel in store.relations_of(node)
           if rel["type"] not in m.EVENT_RELATION_TYPES}
    if events:
        out.update(store.events_by_actor.get(node, ()))
    out.discard(node)
    return out


def _levels(store: Store, start: str, end: str, events: bool) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Breadth-first from `start`, stopping after `end`'s level: each reached node's level, and its
    predecessors on a shortest path."""
    level = {start: 0}
    parents: dict[str, list[str]] = {start: []}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if end in level and level[node] >= level[end]:
            break
        for nxt in _neighbours(store, node, events):
            if nxt not in level:
                level[nxt] = level[node] + 1
                parents[nxt] = [node]
                queue.append(nxt)
            elif level[nxt] == level[node] + 1:
                parents[nxt].append(node)
    return level, parents


def _node_paths(level: dict[str, int], parents: dict[str, list[str]], start: str, end: str,
                limit: int) -> tuple[list[list[str]], int]:
    """Up to `limit` node sequences start..end in order of their ids, and how many shortest paths in all."""
    # The nodes on some shortest path: back from `end` through the parents.
    children: dict[str, set[str]] = {}
    on_path, frontier = {end}, [end]
    while frontier:
        back = []
        for node in frontier:
            for p in parents[node]:
                children.setdefault(p, set()).add(node)
                if p not in on_path:
                    on_path.add(p)
                    back.append(p)
        frontier = back
    ways = {end: 1}  # shortest paths from a node on to `end`, counted without listing them
    for node in sorted(on_path - {end}, key=level.__getitem__, reverse=True):
        ways[node] = sum(ways[c] for c in children[node])
    found: list[list[str]] = []
    stack = [[start]]  # depth first, children by id: paths come out in order
    while stack and len(found) < limit:
        path = stack.pop()
        if path[-1] == end:
            found.append(path)
        else:
            stack.extend(path + [c] for c in sorted(children[path[-1]], reverse=True))
    return found, ways[start]


def _relation_link(rel: dict, node: str) -> Link:
    forward = rel["from"] == node
    reads = m.relation_reads(rel["type"], forward)
    return Link(reads, rel["id"], "relation", rel["type"], m.relation_when(rel["type"], rel.get("start"), rel.get("end")),
                tuple(rel["cite"]), m.is_contested(rel))


def _event_link(store: Store, actor: str, eid: str, from_actor: bool) -> list[Link]:
    ev = store.event(eid)
    out = []
    for a in ev.get("actors", ()):
        if a["actor"] == actor:
            role = m.words(a["role"])
            out.append(Link(f"{role} in" if from_actor else f"has as {role}", eid, "event", a["role"],
                            dates.display(ev["date"]), tuple(m.cites_of(a, ev)), m.is_contested(ev)))
    for rel in store.relations_by_event.get(eid, ()):
        if rel["from"] == actor:  # a claim is a relation: its own dates, citations and sides
            link = _relation_link(rel, actor)
            reads = link.reads if from_actor else m.relation_reads(rel["type"], False)
            out.append(Link(reads, rel["id"], "relation", rel["type"], link.when or dates.display(ev["date"]),
                            link.cite, link.contested))
    return out


def links(store: Store, a: str, b: str) -> tuple[Link, ...]:
    """Every record joining node `a` to node `b`, read from `a`, in id order."""
    if store.table_of.get(b) == "events":
        found = _event_link(store, a, b, True)
    elif store.table_of.get(a) == "events":
        found = _event_link(store, b, a, False)
    else:
        found = [_relation_link(r, a) for r in store.relations_of(a) if b in (r["from"], r["to"]) and a != b
                 and r["type"] not in m.EVENT_RELATION_TYPES]
    return tuple(sorted(found, key=lambda link: (link.record, link.type)))


def shortest(store: Store, start: str, end: str, events: bool = True, limit: int = MAX_PATHS) -> Paths:
    """The shortest chains from actor `start` to actor `end` (through shared events unless `events`
    is False), at most `limit` of them, in order of the ids along them."""
    if start == end:
        return Paths(start, end, 0, [[]])
    level, parents = _levels(store, start, end, events)
    if end not in level:
        return Paths(start, end, None)
    nodes, total = _node_paths(level, parents, start, end, limit)
    paths = [[Step(x, y, links(store, x, y)) for x, y in zip(seq, seq[1:])] for seq in nodes]
    return Paths(start, end, level[end], paths, total - len(paths))


def to_json(store: Store, found: Paths) -> dict:
    """The `path --json` shape (README, `--json` shapes)."""
    def node(rid: str) -> dict:
        return {"id": rid, "table": store.table_of.get(rid), "name": store.name(rid)}

    return {
        "from": node(found.start), "to": node(found.end), "length": found.length, "more": found.more,
        "paths": [[{"from": node(s.start), "to": node(s.end), "contested": s.contested, "links": [
            {"kind": link.kind, "record": link.record, "type": link.type, "reads": link.reads, "when": link.when,
             "cite": list(link.cite), "contested": link.contested} for link in s.links]} for s in path]
            for path in found.paths],
    }
