"""The relations pane: group lineage as a tree, and the selected actor's relations.

Children are added when a node is expanded, never before, so a graph of 10k actors
opens at once and each expand costs one level.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from maliterm import dates
from maliterm import model as m
from maliterm.lineage import Edge, Lineage
from maliterm.render import relation_line
from maliterm.safe import literal
from maliterm.ui.messages import Navigate, Target

EDGE_WORDS = {"splinter_of": "split off", "merged_into": "merger", "renamed_to": "renamed"}


@dataclass
class NodeData:
    target: Target | None  # what enter opens
    kind: str  # "lineage" (children are lineage edges) or "relations" (children are relations)
    loaded: bool = False


class RelationsTree(Tree[NodeData]):
    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("right,l", "expand", "Expand", show=False),
        Binding("left,h", "collapse", "Collapse", show=False),
        Binding("space", "toggle_node", "Expand/collapse", tooltip="Expand or collapse this node"),
    ]

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


class RelationsPane(Vertical, can_focus=False):
    BINDING_GROUP_TITLE = "Relations"
    BINDINGS = [Binding("A", "clear_as_of", "All time", tooltip="Show the lineage of all time again")]
    HELP = ("Lineage: groups under the group they came from (split off, merger, renamed), with dates; "
            "a merger appears under each of its parents, marked with both. Below it, every relation of the "
            "selected actor. space expands, enter opens.")
    allow_maximize = True
    UNFOLD_UP_TO = 40  # lineage members; more than this and the tree opens one level at a time

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = None
        self.as_of: str | None = None
        self.lineage: Lineage | None = None
        self.focus_actor: str | None = None

    def on_mount(self) -> None:
        self.border_title = "3 Relations"

    def compose(self) -> ComposeResult:
        yield Static("", id="relations-status", classes="pane-status")
        tree = RelationsTree(Text("all"), id="relations-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree

    @property
    def tree(self) -> RelationsTree:
        return self.query_one(RelationsTree)

    def show_store(self, store) -> None:
        self.store = store
        self.set_as_of(None)

    def set_as_of(self, as_of: str | None) -> None:
        self.as_of = as_of
        self.lineage = Lineage.of_store(self.store, as_of)
        self._rebuild()

    def action_clear_as_of(self) -> None:
        self.set_as_of(None)

    def show_actor(self, actor: str | None) -> None:
        """Show the actor's relations and bring its place in the lineage into view."""
        self.focus_actor = actor
        self._show_relations()  # the lineage stays: rebuilding thousands of roots per selection is slow
        if actor:
            self.reveal(actor)

    def _show_relations(self) -> None:
        """Replace the section that lists the focused actor's relations (below the lineage)."""
        tree = self.tree
        for old in [n for n in tree.root.children if n.data and n.data.kind == "relations"]:
            old.remove()
        if self.focus_actor:
            label = Text().append("Relations of ", style="bold").append_text(literal(self.store.name(self.focus_actor), "bold"))
            section = tree.root.add(label, NodeData(Target("actors", self.focus_actor), "relations"), expand=False)
            self._load(section)
            section.expand()

    def _rebuild(self) -> None:
        tree = self.tree
        tree.clear()
        title = Text().append("Lineage", style="bold")
        title.append(f" as of {dates.display(self.as_of)}" if self.as_of else " (all time)", style="dim")
        top = tree.root.add(title, NodeData(None, "section"), expand=True)
        roots = self.lineage.roots()
        # A small lineage opens fully; a large one opens one level at a time.
        unfold = len(self.lineage.members()) <= self.UNFOLD_UP_TO
        for r in roots:
            node = self._add_actor(top, r, None)
            if unfold:
                self._unfold(node)
        if not roots:
            top.add_leaf(Text("no lineage" + (" as of this date" if self.as_of else ""), style="dim italic"))
        self._show_relations()
        status = Text().append(f"{len(self.lineage.members())} groups in lineage", style="bold")
        if self.as_of:
            status.append(f" · as of {self.as_of}", style="yellow")
        self.query_one("#relations-status", Static).update(status)

    def _unfold(self, node: TreeNode[NodeData], seen: frozenset = frozenset()) -> None:
        actor = node.data.target.id
        if actor in seen:  # a cycle in the data: stop rather than loop
            return
        self._load(node)
        node.expand()
        for child in node.children:
            if child.allow_expand:
                self._unfold(child, seen | {actor})

    def _add_actor(self, parent: TreeNode, actor: str, edge: Edge | None) -> TreeNode:
        label = literal(self.lineage.name(actor), "bold")
        if edge:
            label.append(f"  {EDGE_WORDS[edge.type]}", style="cyan")
            if edge.date:
                label.append(f" {dates.display(edge.date)}", style="cyan")
        parents = self.lineage.parents(actor)
        if len(parents) > 1:
            label.append("  ⇐ merger of ", style="yellow").append_text(
                literal(" + ".join(self.lineage.name(p) for p in parents), "yellow"))
        has_children = bool(self.lineage.children(actor))
        return parent.add(label, NodeData(Target("actors", actor), "lineage"), allow_expand=has_children)

    def _load(self, node: TreeNode[NodeData]) -> None:
        data = node.data
        if data is None or data.loaded or data.target is None:
            return
        data.loaded = True
        actor = data.target.id
        if data.kind == "lineage":
            for edge in self.lineage.children(actor):
                self._add_actor(node, edge.child, edge)
            return
        for rel in self.store.relations_of(actor):
            other = rel["to"] if rel["from"] == actor else rel["from"]
            table = self.store.table_of.get(other, "actors")
            expandable = table == "actors" and bool(self.store.relations_of(other))
            node.add(relation_line(self.store, actor, rel), NodeData(Target(table, other), "relations"),
                     allow_expand=expandable)
        if not node.children:
            node.add_leaf(Text().append("no relations", style="dim italic"))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        event.stop()
        self._load(event.node)

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        event.stop()
        if event.node.data and event.node.data.target:
            self.post_message(Navigate(event.node.data.target))

    def reveal(self, actor: str) -> None:
        """Expand the lineage down to `actor` (first parent at each step) and put the cursor on it."""
        if actor not in self.lineage.members():
            return
        path = [actor]
        while (parents := self.lineage.parents(path[-1])) and parents[0] not in path:
            path.append(parents[0])
        node = self.tree.root.children[0]
        for step in reversed(path):
            match = next((c for c in node.children if c.data and c.data.target and c.data.target.id == step), None)
            if match is None:
                return
            node = match
            if step != actor:
                self._load(node)
                node.expand()
        self.tree.move_cursor(node)

    def node_labels(self) -> list[str]:
        """Every visible node's text, indented by depth: what a person sees (tests read this)."""
        out: list[str] = []

        def walk(node: TreeNode, depth: int) -> None:
            for child in node.children:
                out.append("  " * depth + child.label.plain)
                if child.is_expanded:
                    walk(child, depth + 1)

        walk(self.tree.root, 0)
        return out
