"""Search as you type over names and every text (facts, claims, quotations, notes, summaries,
source paragraphs); enter jumps to the hit.

Name hits show at once (the name index is warm); the full-text hits come from a worker, since
the full-text index may still be building and a query reads SQLite: each keystroke starts one,
the newer cancelling the older, and an answer is shown only if it is for the text in the field.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker
from typing import TYPE_CHECKING

from maliterm import fulltext
from maliterm.presentation import marked
from maliterm.untrusted import literal_line
from maliterm.ui.messages import Target
from maliterm.ui.widgets.plain_fields import PlainInput
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store

MATCH_STYLE = "bold underline"  # the matched words: seen without colour too
NAME_ONLY = ("name", "title")  # a hit in these needs no field: the name shows where it is


class TextsFound(Message):
    """The worker's answer for `text`: every hit, names and texts, in their final order."""

    def __init__(self, text: str, hits: list) -> None:
        super().__init__()
        self.text = text
        self.hits = hits


def hit_label(store: Store, h) -> Text:
    """Kind, name and where the hit is; below, its snippet with the matched words styled. A hit in
    the text a record is named by (a name, a title, a quotation) is marked in the name itself."""
    name = store.name(h.id)
    in_name = h.text == name
    head = marked(h.snippet, h.marks, MATCH_STYLE) if in_name else literal_line(name)
    head.stylize("bold")
    label = Text().append(f"{h.table.rstrip('s'):<7}", style="dim").append_text(head)
    if h.field not in NAME_ONLY:
        label.append("  ").append(fulltext.field_words(h.table, h.field), style="italic")
    if not in_name:
        label.append("\n       ").append_text(marked(h.snippet, h.marks, MATCH_STYLE))
    return label


class SearchScreen(ReportsWorkerErrors, ModalScreen[Target | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "to_results", "Results", show=False),
    ]
    LIMIT = 30  # a short list: typing more narrows it, scrolling 100k hits helps nobody

    def __init__(self, store: Store, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.initial = query
        self.asked = ""  # the text whose hits are awaited or shown
        self.shown_for = ""  # the text whose hits are shown
        self.hits: list[fulltext.TextHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label("Search names and texts (case, accents, plurals and spelling forgiven)",
                        classes="dialog-title", markup=False)
            yield PlainInput(value=self.initial, placeholder="a name, or words of a fact, quotation or source",
                             id="search-input")
            yield OptionList(id="search-results")
            yield Label("searching texts…", id="search-pending", classes="dialog-hint", markup=False)
            yield Label("", id="search-empty", classes="dialog-hint")

    def on_mount(self) -> None:
        self._update(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update(event.value)

    def _update(self, text: str) -> None:
        self.asked = text
        if not text.strip():
            self.workers.cancel_group(self, "search")
            self._show(text, [], pending=False)
            return
        self._show(text, fulltext.name_hits(self.store, text, self.LIMIT), pending=True)
        self._search_texts(text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="Search of texts failed")
    def _search_texts(self, text: str) -> None:
        hits = fulltext.search(self.store, text, self.LIMIT)  # waits for the index if it is being built
        if not get_current_worker().is_cancelled:
            self.post_message(TextsFound(text, hits))

    def on_texts_found(self, message: TextsFound) -> None:
        if message.text == self.asked:  # else a newer query is on its way: this answer is stale
            self._show(message.text, message.hits, pending=False)

    def _show(self, text: str, hits: list, pending: bool) -> None:
        options = self.query_one(OptionList)
        at = options.highlighted
        # Texts found below the names must not move a cursor a person already moved; a new query starts at the top.
        same = text == self.shown_for and at is not None and at < len(self.hits)
        before = self.hits[at] if same and at is not None else None
        self.hits, self.shown_for = hits, text
        options.clear_options()
        options.add_options(Option(hit_label(self.store, h)) for h in hits)
        if hits:
            keys = [(h.table, h.id, h.field) for h in hits]
            old = (before.table, before.id, before.field) if before is not None else None
            options.highlighted = keys.index(old) if old in keys else 0
        self.query_one("#search-pending", Label).display = pending
        # An empty list alone reads as "still searching" or "broken": say that nothing matched.
        empty = self.query_one("#search-empty", Label)
        empty.display = bool(text.strip()) and not hits and not pending
        if empty.display:
            fact, hint = fulltext.no_match(text)
            empty.update(literal_line(fact).append("\n").append(hint))

    def action_to_results(self) -> None:
        self.query_one(OptionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if self.hits:
            self._pick(options.highlighted or 0)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(event.option_index)

    def _pick(self, index: int) -> None:
        hit = self.hits[index]  # a source paragraph's hit selects its source
        self.dismiss(Target(hit.table, hit.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
