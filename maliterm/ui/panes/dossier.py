"""The dossier pane: everything held on the selected actor, event, place or source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from maliterm.presentation import DossierParts, Item, dossier_parts, event_line
from maliterm.ui.messages import Selection, StoreChange, Target
from maliterm.ui.panes.base import Pane
from maliterm.ui.widgets.line_list import LineList

if TYPE_CHECKING:
    from maliterm.store import Store


class DossierPane(Pane):
    PANE_ID = "dossier"
    BINDING_GROUP_TITLE = "Dossier"
    FOCUS_KEY = "2"
    SHOWS_RECORD = True
    HELP = ("The selected record. Lines naming another record (actors, relations, events, places) "
            "open it with enter, and a citation ([Hammer 2015 ¶13]) opens the source's text at that paragraph; CONTESTED marks facts whose sources disagree, each side shown with its source.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store: Store | None = None
        self.target: Target | None = None
        self._parts = DossierParts([], [], [])
        # Wrapped lines above and below the events; the event lines are drawn only when shown.
        self._head: list[Item] = []
        self._tail: list[Item] = []
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Static("Select an event, an actor or a tree node.", id="dossier-status", classes="pane-status")
        yield LineList(id="dossier-list")

    @property
    def list(self) -> LineList:
        return self.query_one(LineList)

    def store_changed(self, change: StoreChange) -> None:
        self.store = change.store  # drawn again when the screen selects what to show

    def selection_changed(self, selection: Selection) -> None:
        self.show(selection.target)

    def show(self, target: Target) -> None:
        self.target = target
        assert self.store is not None  # a selection comes only once the store is loaded
        rec = self.store.tables[target.table][target.id]
        parts = dossier_parts(self.store, target.table, rec)
        # Our own copy of the event list: a save in a worker changes the store's lists in place.
        self._parts = parts._replace(events=list(parts.events))
        status = Text().append(f"{target.table.rstrip('s').capitalize()} · ", style="bold").append(target.id, style="dim")
        self.query_one("#dossier-status", Static).update(status)
        self._layout(reset=True)

    def on_line_list_resized(self, event: LineList.Resized) -> None:
        event.stop()
        if self.target is not None and event.width != self._width:
            self._layout(reset=False)

    def _layout(self, reset: bool) -> None:
        """Wrap prose to the pane's width; one-record lines (events, relations) stay one line."""
        self._width = self.list.scrollable_content_region.width
        width = max(self._width, 20)
        console = self.app.console

        def wrapped(items: list[Item]) -> list[Item]:
            lines: list[Item] = []
            for text, target in items:
                if (target is not None and len(target) == 2) or text.cell_len <= width:
                    lines.append((text, target))
                else:  # prose, or a line citing a paragraph: every part of it opens the citation
                    lines.extend((part, target) for part in text.wrap(console, width))
            return lines

        self._head, self._tail = wrapped(self._parts.head), wrapped(self._parts.tail)
        count = len(self._head) + len(self._parts.events) + len(self._tail)
        self.list.set_rows(count, self._row, self._target, 0 if reset else self.list.cursor)

    def text(self) -> str:
        """The dossier as plain text (what a person reads), for tests and copying."""
        return "\n".join(self._row(i).plain for i in range(self.list.count))

    def _line(self, index: int) -> tuple[Text | None, tuple[str, str] | tuple[str, str, int] | None]:
        """Line `index` of the dossier and what it opens; the text is None for an event line, drawn by `_row`."""
        if index < len(self._head):
            return self._head[index]
        index -= len(self._head)
        events = self._parts.events
        if index < len(events):
            return None, ("events", events[index])
        return self._tail[index - len(events)]

    def _row(self, index: int) -> Text:
        text, target = self._line(index)
        if text is not None:
            return text
        assert target is not None and self.store is not None  # an event line
        if target[1] not in self.store.tables["events"]:  # deleted by a save not yet shown here
            return Text("  (deleted)", style="dim italic")
        return event_line(self.store, target[1])

    def _target(self, index: int) -> Target | None:
        target = self._line(index)[1]
        return Target(*target) if target else None

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if event.target:
            self.navigate(event.target)

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        event.stop()
