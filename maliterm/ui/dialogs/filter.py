"""The timeline filter: actor, place, type and a date range, each checked as you type."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from typing import TYPE_CHECKING

from maliterm import dates
from maliterm.errors import Ambiguous, NotFound
from maliterm.untrusted import clean, literal_line, one_line
from maliterm.timeline import EventFilter
from maliterm.ui.widgets.plain_fields import PlainInput

if TYPE_CHECKING:
    from maliterm.store import Store

FIELDS = (
    ("actor", "Actor", "name, alias or id"),
    ("place", "Place", "name, alias or id"),
    ("type", "Type", "event type"),
    ("start", "From", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("end", "To", "YYYY, YYYY-MM or YYYY-MM-DD"),
)


class FilterScreen(ModalScreen[EventFilter | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "apply", "Apply")]

    def __init__(self, store: Store, current: EventFilter) -> None:
        super().__init__()
        self.store = store
        self.current = current
        self.types = sorted({e.get("type") for e in store.tables["events"].values() if e.get("type")})

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Label("Filter the timeline (enter applies, empty fields match all)", classes="dialog-title")
            for key, label, placeholder in FIELDS:
                value = getattr(self.current, key) or ""
                if key in ("actor", "place") and value:
                    value = self.store.name(value)
                if key == "type":
                    placeholder = one_line(", ".join(self.types)) or placeholder
                with Horizontal(classes="filter-row"):  # label beside its field: five fields fit at 80x24
                    yield Label(label, markup=False)
                    yield PlainInput(value=value, placeholder=placeholder, id=f"filter-{key}")
                # messages echo what was typed and names from the file: text, never markup
                yield Static("", id=f"filter-{key}-error", classes="field-error", markup=False)
                if key == "actor":
                    # When a name fits several actors, they are offered here to pick from.
                    yield OptionList(id="filter-actor-choices")
            yield Checkbox("Contested only: events with a contested fact", self.current.contested,
                           id="filter-contested")

    def _check(self, key: str, value: str) -> tuple[str | None, str | None]:
        """(resolved value, error) for one field."""
        if not value:
            return None, None
        if key in ("actor", "place"):
            try:
                return self.store.resolve(value, (key + "s",))[1]["id"], None
            except Ambiguous as exc:
                return None, f"{len(exc.candidates)} {key}s match: pick one below"
            except NotFound as exc:
                return None, exc.msg
        if key == "type":
            return (value, None) if value in self.types else (None, f"no events of type {value!r}; known: {', '.join(self.types)}")
        why = dates.problem(value)
        return (None, f"{why} (expected {dates.FORMAT_HINT})") if why else (value, None)

    def on_mount(self) -> None:
        self.query_one("#filter-actor-choices").display = False

    def on_input_changed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("filter-")
        value, error = self._check(key, event.value.strip())
        self.query_one(f"#filter-{key}-error", Static).update(self._said(key, event.value.strip(), value, error))
        if key == "actor":
            self._offer(event.value.strip())

    def _said(self, key: str, typed: str, value: str | None, error: str | None) -> Text | str:
        """The error, or which record a partial name was taken for (names must never be guessed silently)."""
        if error or not value or key not in ("actor", "place"):
            return clean(error or "")
        if typed == self.store.name(value):
            return ""
        return Text("→ ", style="green").append_text(literal_line(f"{self.store.name(value)} ({value})", "green"))

    def _offer(self, typed: str) -> None:
        """List the actors a name fits when it fits several; hide the list otherwise."""
        choices = self.query_one("#filter-actor-choices", OptionList)
        choices.clear_options()
        try:
            self.store.resolve(typed, ("actors",)) if typed else None
            candidates: list[str] = []
        except Ambiguous as exc:
            candidates = exc.candidates
        except NotFound:
            candidates = []
        for rid in candidates:
            choices.add_option(Option(literal_line(f"{self.store.name(rid)} ({rid})"), id=rid))
        choices.display = bool(candidates)
        if candidates:
            choices.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A picked actor goes into the field by id: exact, whatever names it shares."""
        event.stop()
        field = self.query_one("#filter-actor", Input)
        field.value = event.option.id or ""
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        values, ok = {}, True
        for key, _, _ in FIELDS:
            value, error = self._check(key, self.query_one(f"#filter-{key}", Input).value.strip())
            self.query_one(f"#filter-{key}-error", Static).update(clean(error or ""))
            ok = ok and error is None
            values[key] = value
        if ok:
            self.dismiss(EventFilter(**values, contested=self.query_one("#filter-contested", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
