"""How is one actor connected to another? Two actors picked by name, the shortest chains between them."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from typing import TYPE_CHECKING

from maliterm.paths import shortest
from maliterm.presentation import path_lines
from maliterm.ui.messages import Target
from maliterm.ui.widgets.ref_picker import RefPicker
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store


class PathScreen(ReportsWorkerErrors, ModalScreen[Target | None]):
    """Dismisses with the actor or event picked in a chain (Enter), or None (escape)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store, start: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog dialog-wide"):
            yield Label("How is one actor connected to another?", classes="dialog-title")
            yield Label("From")
            yield RefPicker(self.store, ("actors",), self.start, id="path-from")
            yield Label("To")
            yield RefPicker(self.store, ("actors",), id="path-to")
            yield Static("Pick two actors: the shortest chains of relations and shared events show here; "
                         "Enter on a name opens it.", classes="dialog-hint", markup=False, id="path-hint")
            yield OptionList(id="path-result")

    def on_mount(self) -> None:
        self.query_one("#path-to" if self.start else "#path-from", RefPicker).query_one("Input").focus()
        self.query_one("#path-result").display = False

    @on(RefPicker.Changed)
    def picked(self) -> None:
        a, b = (self.query_one(f"#path-{k}", RefPicker).value for k in ("from", "to"))
        if a and b:
            self.find(a, b)

    @work(thread=True, exclusive=True, group="path", exit_on_error=False, description="Paths not found")
    def find(self, a: str, b: str) -> None:
        lines = path_lines(self.store, shortest(self.store, a, b))  # breadth-first over 100k events: off the UI thread
        self.app.call_from_thread(self.show, lines)

    def show(self, lines) -> None:
        result = self.query_one("#path-result", OptionList)
        result.clear_options()
        # A name may be in several paths: the line number keeps each option's id unique.
        result.add_options([Option(text, id=f"{i}/{target[0]}/{target[1]}") if target else Option(text, disabled=True)
                            for i, (text, target) in enumerate(lines)])
        result.display = True
        result.highlighted = next((i for i, (_, target) in enumerate(lines) if target), None)
        result.focus()

    @on(OptionList.OptionSelected, "#path-result")
    def open(self, message: OptionList.OptionSelected) -> None:
        _, table, rid = (message.option.id or "").split("/", 2)
        self.dismiss(Target(table, rid))

    def action_cancel(self) -> None:
        self.dismiss(None)
