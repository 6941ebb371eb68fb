"""The dossier pane: everything held on the selected actor, event, place or source."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from maliterm.render import dossier_items
from maliterm.ui.messages import Navigate, Target
from maliterm.ui.widgets.line_list import LineList


class DossierPane(Vertical, can_focus=False):
    BINDING_GROUP_TITLE = "Dossier"
    HELP = ("The selected record. Lines naming another record (actors, relations, events, places) "
            "open it with enter; CONTESTED marks facts whose sources disagree, each side shown with its source.")
    allow_maximize = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.store = None
        self.target: Target | None = None
        self._items: list[tuple[Text, tuple[str, str] | None]] = []
        self._lines: list[tuple[Text, tuple[str, str] | None]] = []
        self._width = 0

    def on_mount(self) -> None:
        self.border_title = "2 Dossier"

    def compose(self) -> ComposeResult:
        yield Static("Select an event, an actor or a tree node.", id="dossier-status", classes="pane-status")
        yield LineList(id="dossier-list")

    @property
    def list(self) -> LineList:
        return self.query_one(LineList)

    def show(self, store, target: Target) -> None:
        self.store = store
        self.target = target
        rec = store.tables[target.table][target.id]
        self._items = dossier_items(store, target.table, rec, lazy=True)
        status = Text().append(f"{target.table.rstrip('s').capitalize()} · ", style="bold").append(target.id, style="dim")
        self.query_one("#dossier-status", Static).update(status)
        self._layout(reset=True)

    def on_resize(self) -> None:
        if self._items and self.list.size.width != self._width:
            self._layout(reset=False)

    def _layout(self, reset: bool) -> None:
        """Wrap prose to the pane's width; one-record lines (events, relations) stay one line."""
        width = max(self.list.scrollable_content_region.width, 20)
        self._width = self.list.size.width
        console = self.app.console
        lines: list[tuple[Text, tuple[str, str] | None]] = []
        for text, target in self._items:
            if target is not None or text.cell_len <= width:
                lines.append((text, target))
            else:
                lines.extend((part, None) for part in text.wrap(console, width))
        self._lines = lines
        self.list.set_rows(len(lines), self._row, lambda i: Target(*t) if (t := self._lines[i][1]) else None,
                           0 if reset else self.list.cursor)

    def text(self) -> str:
        """The dossier as plain text (what a person reads), for tests and copying."""
        return "\n".join(self._row(i).plain for i in range(len(self._lines)))

    def _row(self, index: int) -> Text:
        text = self._lines[index][0]
        return text if isinstance(text, Text) else text()  # a lazy event line (see dossier_items)

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if event.target:
            self.post_message(Navigate(event.target))

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        event.stop()
