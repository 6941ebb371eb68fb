"""Choose an existing record by typing part of its name: references are picked, never typed as slugs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from typing import TYPE_CHECKING

from maliterm.untrusted import literal_line
from maliterm.ui.widgets.plain_fields import PlainInput

if TYPE_CHECKING:
    from maliterm.store import Store


class RefPicker(Vertical):
    """An input with a list of matching records under it; `value` is the chosen record's id."""

    DEFAULT_CSS = """
    RefPicker { height: auto; }
    RefPicker OptionList { height: auto; max-height: 6; display: none; }
    RefPicker.-open OptionList { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next match", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
    ]
    NEW = "+new"  # the option that asks for a new record of the first table

    class Changed(Message):
        def __init__(self, picker: "RefPicker") -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> "RefPicker":
            return self.picker

    class WantsNew(Changed):
        """The person chose "new …": the form opens that record's own form."""

    def __init__(self, store: Store, tables: tuple[str, ...], value: str | None = None, offer_new: bool = False,
                 placeholder: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.tables = tables
        self.value = value
        self.offer_new = offer_new
        self.placeholder = placeholder or f"type to find a{'n' if tables[0][0] in 'aeiou' else ''} {tables[0].rstrip('s')}"
        self._ids: list[str] = []

    def compose(self) -> ComposeResult:
        yield PlainInput(value=self.store.name(self.value) if self.value else "", placeholder=self.placeholder)
        yield OptionList()

    def set_value(self, rid: str | None) -> None:
        self.value = rid
        self.query_one(Input).value = self.store.name(rid) if rid else ""
        self.remove_class("-open")
        self.post_message(self.Changed(self))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self.value and event.value == self.store.name(self.value):
            return  # our own set_value
        self.value = None  # typing again un-picks
        hits = [h for h in self.store.search(event.value, 40) if h.table in self.tables][:8] if event.value.strip() else []
        self._ids = [h.id for h in hits]
        options = self.query_one(OptionList)
        options.clear_options()
        for h in hits:
            label = Text().append(f"{h.table.rstrip('s')}: ", style="dim").append_text(literal_line(self.store.name(h.id)))
            options.add_option(Option(label, id=h.id))
        if self.offer_new and event.value.strip():
            options.add_option(Option(Text(f"+ new {self.tables[0].rstrip('s')}…", style="italic"), id=self.NEW))
            self._ids.append(self.NEW)
        if self._ids:
            options.highlighted = 0
        self.set_class(bool(self._ids), "-open")
        self.post_message(self.Changed(self))

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if self._ids:
            options.highlighted = ((options.highlighted or 0) + step) % len(self._ids)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if self.has_class("-open") and self._ids:
            event.stop()
            self._choose(self._ids[options.highlighted or 0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        assert event.option.id is not None  # every option is made with its record's id
        self._choose(event.option.id)

    def _choose(self, rid: str) -> None:
        if rid == self.NEW:
            self.remove_class("-open")
            self.post_message(self.WantsNew(self))
        else:
            self.set_value(rid)

    @property
    def typed(self) -> str:
        return self.query_one(Input).value.strip()
