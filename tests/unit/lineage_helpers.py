"""What the lineage tests read out of a `lineage --json` answer."""

from __future__ import annotations


def under(tree: dict, parent: str) -> set[str]:
    """Every id shown directly under `parent`, anywhere in a `lineage --json` answer."""
    found, todo = set(), list(tree["roots"])
    while todo:
        node = todo.pop()
        if node["id"] == parent:
            found |= {c["id"] for c in node["children"]}
        todo.extend(node["children"])
    return found


def merger_family(constituents: int, depth: int) -> dict:
    """A database whose one family grows fast when a merger is redrawn under each of its parents:
    `constituents` founding groups merge into one successor, which two groups split from, and below
    them a ladder `depth` rungs deep where each rung's two groups are both mergers of the two above
    (every rung doubles the paths down), ending in a renaming."""
    cite = [{"source": "s", "loc": "para 1"}]
    actors: dict[str, dict] = {}
    relations: dict[str, dict] = {}

    def group(rid: str) -> str:
        actors[rid] = {"id": rid, "name": f"Group {rid}", "kind": "armed_group", "cite": cite}
        return rid

    def relate(young_or_old: str, kind: str, other: str, year: int) -> None:
        rid = f"r{len(relations)}"
        relations[rid] = {"id": rid, "from": young_or_old, "type": kind, "to": other, "start": str(year), "cite": cite}

    big = group("merger")
    for i in range(constituents):
        relate(group(f"c{i:03}"), "merged_into", big, 2000)
    rung = [group("l0a"), group("l0b")]
    for g in rung:
        relate(g, "splinter_of", big, 2001)
    for level in range(1, depth + 1):
        below = [group(f"l{level}a"), group(f"l{level}b")]
        for young in below:
            for old in rung:
                relate(old, "merged_into", young, 2001 + level)
        rung = below
    relate(rung[0], "renamed_to", group("last"), 2001 + depth + 1)
    return {"meta": {"meta": {"id": "meta", "schema_version": 2}},
            "sources": {"s": {"id": "s", "title": "S", "kind": "other"}},
            "actors": actors, "relations": relations}


def walk_json(nodes: list[dict]):
    """Every node of a `lineage --json` forest, in the order printed."""
    todo = list(reversed(nodes))
    while todo:
        node = todo.pop()
        yield node
        todo.extend(reversed(node["children"]))
