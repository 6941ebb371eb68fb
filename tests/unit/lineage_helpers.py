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
