"""The relations pane: group lineage as a tree, and the selected actor's relations.

Children are added when a node is expanded, never before, and more than `PAGE` siblings
are grouped into pages (pages of pages if need be) that open the same way, so the tree
holds a bounded number of nodes however large the file: Textual's Tree costs time in
proportion to the lines it shows, at every repaint.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, Tree
from textual.widgets.tree import TreeNode

from maliterm import dates
from maliterm import model as m
from maliterm.lineage import REVISIT, Edge, Lineage, in_time_order
from maliterm.presentation import relation_line
from maliterm.untrusted import literal_line
from maliterm.ui.messages import Selection, StoreChange, Target
from maliterm.ui.panes.base import Pane

if TYPE_CHECKING:
    from maliterm.store import Store
PAGE = 100  # siblings shown at most under one node; more are grouped into pages


@dataclass
class Page:
    """Siblings shown together under one node: `add` adds one of them, `actor` names it."""

    items: Sequence[Any]  # actor ids, lineage edges or relation records
    add: Callable[[TreeNode[NodeData], Any], TreeNode[NodeData]]
    actor: Callable[[Any], str]

    def holds(self, actor: str) -> bool:
        return any(self.actor(item) == actor for item in self.items)


@dataclass
class NodeData:
    target: Target | None  # what enter opens
    kind: str  # "lineage" (children are lineage edges), "relations" (children are relations), "page", "section"
    loaded: bool = False
    page: Page | None = None  # for a page: the siblings it holds
    edge: Edge | None = None  # for a lineage node: the edge it came by


class RelationsTree(Tree[NodeData]):
    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("right,l", "expand", "Expand", show=False),
        Binding("left,h", "collapse", "Collapse", show=False),
        Binding("space", "toggle_node", "Expand/collapse", tooltip="Expand or collapse this node"),
    ]

    def __init__(self, label: Text, load: Callable[[TreeNode[NodeData]], None], **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.load = load  # adds a node's children (once)

    def open_node(self, node: TreeNode[NodeData]) -> None:
        """Expand `node` with its children added first, so the frame that shows it open shows them."""
        self.load(node)
        node.expand()
        self.last_line  # noqa: B018 (numbers the lines now: the new size goes into the same layout)

    def render_label(self, node: TreeNode[NodeData], base_style, style) -> Text:
        """The label cut to the room left of its guides, ending in `…` (the detail line shows it whole)."""
        label = super().render_label(node, base_style, style)
        depth, up = (0 if self.show_root else -1), node  # guides drawn before it: one a level below the top
        while up.parent is not None:
            depth, up = depth + 1, up.parent
        room = self.scrollable_content_region.width - depth * self.guide_depth
        if 0 < room < label.cell_len:
            label.truncate(room, overflow="ellipsis")
        return label

    def move_cursor(self, node: TreeNode[NodeData] | None, animate: bool = False) -> None:
        # Tree numbers its lines when it next paints, so a node added since has no line yet:
        # number them now, and the cursor lands in the same frame as the new nodes.
        self.last_line  # noqa: B018 (a property that numbers the lines)
        super().move_cursor(node, animate)

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            self.open_node(node)

    def action_toggle_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            self.open_node(node)
        else:
            super().action_toggle_node()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)


class RelationsPane(Pane):
    PANE_ID = "relations"
    BINDING_GROUP_TITLE = "Relations"
    FOCUS_KEY = "3"
    FOCUS_TOOLTIP = "Focus the relations tree"
    BINDINGS = [Binding("A", "clear_as_of", "All time", tooltip="Show the lineage of all time again")]
    HELP = ("Lineage: groups under the group they came from (split off, merger, renamed), with dates; "
            "a merger appears under each of its parents, marked with both. Below it, every relation of the "
            "selected actor. space expands, enter opens.")
    UNFOLD_UP_TO = 40  # lineage members; more than this and the tree opens one level at a time

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store: Store | None = None
        self.as_of: str | None = None
        self.lineage: Lineage | None = None
        self.focus_actor: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="relations-status", classes="pane-status")
        tree = RelationsTree(Text("all"), self._load, id="relations-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree
        yield Static("", id="relations-detail")  # the highlighted line whole, wrapped, when the tree cuts it

    @property
    def relations_tree(self) -> RelationsTree:  # not `tree`: Textual's DOMNode has one
        return self.query_one(RelationsTree)

    def store_changed(self, change: StoreChange) -> None:
        self.store = change.store
        self.set_as_of(None if change.opened else self.as_of)

    def selection_changed(self, selection: Selection) -> None:
        if selection.target.table == "actors":
            self.show_actor(selection.target.id)

    def set_as_of(self, as_of: str | None) -> None:
        self.as_of = as_of
        assert self.store is not None  # show_store comes first
        self.lineage = Lineage.of_store(self.store.snapshot, as_of)
        self._rebuild()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # False hides the key from the footer: the lineage already shows all time.
        return not (action == "clear_as_of" and self.as_of is None)

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
        tree = self.relations_tree
        for old in [n for n in tree.root.children if n.data and n.data.kind == "relations"]:
            old.remove()
        if self.focus_actor:
            assert self.store is not None
            label = Text().append("Relations of ", style="bold").append_text(literal_line(self.store.name(self.focus_actor), "bold"))
            section = tree.root.add(label, NodeData(Target("actors", self.focus_actor), "relations"), expand=False)
            self._load(section)
            section.expand()

    def _rebuild(self) -> None:
        assert self.lineage is not None  # set_as_of comes first
        tree = self.relations_tree
        tree.clear()
        title = Text().append("Lineage", style="bold")
        title.append(f" as of {dates.display(self.as_of)}" if self.as_of else " (all time)", style="dim")
        top = tree.root.add(title, NodeData(None, "section"), expand=True)
        roots = self.lineage.tops()
        self._add_all(top, Page(roots, lambda parent, r: self._add_actor(parent, r, None), lambda r: r))
        # A small lineage opens fully; a large one opens one level at a time.
        if len(self.lineage.members()) <= self.UNFOLD_UP_TO:
            unfolded: set[str] = set()
            for node in top.children:
                self._unfold(node, unfolded)
        if not roots:
            top.add_leaf(Text("no lineage" + (" as of this date" if self.as_of else ""), style="dim italic"))
        self._show_relations()
        status = Text().append(f"{len(self.lineage.members())} groups in lineage", style="bold")
        if self.as_of:
            status.append(f" · as of {self.as_of}", style="yellow")
        self.query_one("#relations-status", Static).update(status)

    def _unfold(self, node: TreeNode[NodeData], unfolded: set[str]) -> None:
        """Open `node` and what is below it, each group once: a merger's subtree opens under its first
        parent only (nested mergers would multiply it), and a cycle stops. The rest open on demand."""
        assert node.data is not None and node.data.target is not None  # a lineage node
        actor = node.data.target.id
        if actor in unfolded:
            return
        unfolded.add(actor)
        self._load(node)
        node.expand()
        for child in node.children:
            if child.allow_expand:
                self._unfold(child, unfolded)

    def _add_actor(self, parent: TreeNode[NodeData], actor: str, edge: Edge | None) -> TreeNode[NodeData]:
        assert self.lineage is not None
        label = literal_line(self.lineage.name(actor), "bold")
        if edge:
            label.append(f"  {m.RELATION_TYPES[edge.type].lineage}", style="cyan")
            if when := self.lineage.when(edge):
                label.append(f" {when}", style="cyan")
            if edge.contested:
                label.append(" CONTESTED", style="bold yellow")
        parents = self.lineage.parents(actor)
        if len(parents) > 1:
            label.append(f"  {m.MERGER_OF} ", style="yellow").append_text(
                literal_line(" + ".join(self.lineage.name(p) for p in parents), "yellow"))
        has_children = bool(self.lineage.children(actor))
        if (loop := self._loop_to(parent, actor, edge)) is not None:  # met again: marked, never expanded
            cycle = not in_time_order(loop)
            label.append(f"  {REVISIT['cycle' if cycle else 'again']}", style="red" if cycle else "dim")
            has_children = False
        return parent.add(label, NodeData(Target("actors", actor), "lineage", edge=edge), allow_expand=has_children)

    @staticmethod
    def _loop_to(parent: TreeNode[NodeData], actor: str, edge: Edge | None) -> list[Edge | None] | None:
        """The edges from `actor`'s appearance above `parent` down to `edge`, or None if it is not above."""
        loop: list[Edge | None] = [edge]
        node: TreeNode[NodeData] | None = parent
        while node is not None and node.data is not None and node.data.kind in ("lineage", "page"):
            if node.data.kind == "lineage":
                if node.data.target is not None and node.data.target.id == actor:
                    return loop
                loop.insert(0, node.data.edge)
            node = node.parent
        return None

    def _add_all(self, parent: TreeNode[NodeData], page: Page) -> None:
        """Add a page's items under `parent`, or, past `PAGE` of them, pages of them in the same order."""
        items = page.items
        if len(items) <= PAGE:
            for item in items:
                page.add(parent, item)
            return
        size = PAGE
        while len(items) > size * PAGE:  # pages of pages: still at most PAGE nodes per level
            size *= PAGE
        for lo in range(0, len(items), size):
            part = Page(items[lo:lo + size], page.add, page.actor)
            assert self.store is not None
            first, last = (self.store.name(part.actor(part.items[i])) for i in (0, -1))
            label = (literal_line(first, "bold").append(" … ", style="dim").append_text(literal_line(last, "bold"))
                     .append(f"  ({len(part.items)})", style="dim"))
            parent.add(label, NodeData(None, "page", page=part))

    def _load(self, node: TreeNode[NodeData]) -> None:
        data = node.data
        if data is None or data.loaded:
            return
        if data.page is not None:
            data.loaded = True
            self._add_all(node, data.page)
            return
        if data.target is None:
            return
        data.loaded = True
        actor = data.target.id
        lineage, store = self.lineage, self.store
        assert lineage is not None and store is not None
        if data.kind == "lineage":
            self._add_all(node, Page(lineage.children(actor), lambda parent, e: self._add_actor(parent, e.child, e),
                                     lambda e: e.child))
            return

        def other(rel: dict[str, Any]) -> str:
            return rel["to"] if rel["from"] == actor else rel["from"]

        def add_relation(parent: TreeNode[NodeData], rel: dict[str, Any]) -> TreeNode[NodeData]:
            table = store.table_of.get(other(rel), "actors")
            expandable = table == "actors" and bool(store.relations_of(other(rel)))
            return parent.add(relation_line(store, actor, rel), NodeData(Target(table, other(rel)), "relations"),
                              allow_expand=expandable)

        self._add_all(node, Page(store.relations_of(actor), add_relation, other))
        if not node.children:
            node.add_leaf(Text().append("no relations", style="dim italic"))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeData]) -> None:
        event.stop()
        self._load(event.node)  # a click on the arrow expands before anyone loads

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        event.stop()
        self._detail(event.node)

    def on_resize(self) -> None:
        self._detail(self.relations_tree.cursor_node)

    def _detail(self, node: TreeNode[NodeData] | None) -> None:
        """Below the tree, the highlighted line in full when it is too long for the pane (mergers are)."""
        detail = self.query_one("#relations-detail", Static)
        depth, up = -1, node
        while up is not None and up.parent is not None:
            depth, up = depth + 1, up.parent
        cut = node is not None and cell_len(str(node.label)) + 2 > self.relations_tree.size.width - depth * self.relations_tree.guide_depth
        detail.display = cut
        if cut and node is not None:
            detail.update(node.label)

    def on_tree_node_selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        event.stop()
        if event.node.data and event.node.data.page:  # a page opens nothing: enter shows what it holds
            event.node.toggle()
        elif event.node.data and event.node.data.target:
            self.navigate(event.node.data.target)

    def reveal(self, actor: str) -> None:
        """Expand the lineage down to `actor` (first parent at each step) and put the cursor on it."""
        assert self.lineage is not None
        if actor not in self.lineage.members():
            return
        path = [actor]
        while (parents := self.lineage.parents(path[-1])) and parents[0] not in path:
            path.append(parents[0])
        node = self.relations_tree.root.children[0]
        for step in reversed(path):
            match = self._child(node, step)
            if match is None:
                return
            node = match
            if step != actor:
                self._load(node)
                node.expand()
        self.relations_tree.move_cursor(node)

    def _child(self, node: TreeNode[NodeData], actor: str) -> TreeNode[NodeData] | None:
        """The child of `node` showing `actor`, opening the page (and page of pages) that holds it."""
        for child in node.children:
            data = child.data
            if data is None:
                continue
            if data.page is not None and data.page.holds(actor):
                self._load(child)
                child.expand()
                return self._child(child, actor)
            if data.target is not None and data.target.id == actor:
                return child
        return None

    def node_labels(self) -> list[str]:
        """Every visible node's text, indented by depth: what a person sees (tests read this)."""
        out: list[str] = []

        def walk(node: TreeNode[NodeData], depth: int) -> None:
            for child in node.children:
                out.append("  " * depth + str(child.label))  # a Text's str is its plain text
                if child.is_expanded:
                    walk(child, depth + 1)

        walk(self.relations_tree.root, 0)
        return out
