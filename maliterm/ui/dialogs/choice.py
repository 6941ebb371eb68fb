"""Pick one of a few choices (what to add, what to do with references); escape cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from maliterm.untrusted import literal, literal_line, one_line


class ChoiceScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str | Text]], detail: Text | str = "") -> None:
        """`choices` are (key returned, label shown). A str is shown as written, never parsed as markup."""
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label(one_line(self.title_text), classes="dialog-title", markup=False)
            if self.detail:
                yield Static(self.detail if isinstance(self.detail, Text) else literal(self.detail), id="choice-detail")
            yield OptionList(*(Option(label if isinstance(label, Text) else literal_line(label), id=key)
                               for key, label in self.choices), id="choice-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
