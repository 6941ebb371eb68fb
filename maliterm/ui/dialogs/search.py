"""Search as you type over names, aliases, summaries and titles; enter jumps to the hit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from maliterm.safe import literal_line
from maliterm.search import no_match
from maliterm.ui.messages import Target
from maliterm.ui.widgets.plain_fields import PlainInput


class SearchScreen(ModalScreen[Target | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "to_results", "Results", show=False),
    ]
    LIMIT = 30  # a short list: typing more narrows it, scrolling 100k hits helps nobody

    def __init__(self, store, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.initial = query
        self.hits = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label("Search (case, accents and spelling variants forgiven)", classes="dialog-title", markup=False)
            yield PlainInput(value=self.initial, placeholder="name, alias, title or words of a summary", id="search-input")
            yield OptionList(id="search-results")
            yield Label("", id="search-empty", classes="dialog-hint")

    def on_mount(self) -> None:
        if self.initial:
            self._update(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._update(event.value)

    def _update(self, text: str) -> None:
        self.hits = self.store.search(text, self.LIMIT) if text.strip() else []
        options = self.query_one(OptionList)
        options.clear_options()
        for h in self.hits:
            label = Text().append(f"{h.table.rstrip('s'):<7}", style="dim").append_text(literal_line(self.store.name(h.id), "bold"))
            if h.field != "name" and h.field != "title":
                label.append("  ").append_text(literal_line(h.text[:50], "dim italic"))
            options.add_option(Option(label, id=f"{h.table}:{h.id}"))
        if self.hits:
            options.highlighted = 0
        # An empty list alone reads as "still searching" or "broken": say that nothing matched.
        empty = self.query_one("#search-empty", Label)
        empty.display = bool(text.strip()) and not self.hits
        if empty.display:
            fact, hint = no_match(text)
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
        hit = self.hits[index]
        self.dismiss(Target(hit.table, hit.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
