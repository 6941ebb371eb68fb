"""The timeline filter: actor, place, type and a date range, each checked as you type."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from maliterm import dates
from maliterm.errors import NotFound
from maliterm.timeline import EventFilter

FIELDS = (
    ("actor", "Actor", "name, alias or id"),
    ("place", "Place", "name, alias or id"),
    ("type", "Type", "event type"),
    ("start", "From", "YYYY, YYYY-MM or YYYY-MM-DD"),
    ("end", "To", "YYYY, YYYY-MM or YYYY-MM-DD"),
)


class FilterScreen(ModalScreen[EventFilter | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "apply", "Apply")]

    def __init__(self, store, current: EventFilter) -> None:
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
                    placeholder = ", ".join(self.types) or placeholder
                with Horizontal(classes="filter-row"):  # label beside its field: five fields fit at 80x24
                    yield Label(label)
                    yield Input(value=value, placeholder=placeholder, id=f"filter-{key}")
                yield Static("", id=f"filter-{key}-error", classes="field-error")

    def _check(self, key: str, value: str) -> tuple[str | None, str | None]:
        """(resolved value, error) for one field."""
        if not value:
            return None, None
        if key in ("actor", "place"):
            try:
                return self.store.resolve(value, (key + "s",))[1]["id"], None
            except NotFound as exc:
                return None, exc.msg
        if key == "type":
            return (value, None) if value in self.types else (None, f"no events of type {value!r}; known: {', '.join(self.types)}")
        why = dates.problem(value)
        return (None, f"{why} (expected {dates.FORMAT_HINT})") if why else (value, None)

    def on_input_changed(self, event: Input.Changed) -> None:
        key = event.input.id.removeprefix("filter-")
        _, error = self._check(key, event.value.strip())
        self.query_one(f"#filter-{key}-error", Static).update(error or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    def action_apply(self) -> None:
        values, ok = {}, True
        for key, _, _ in FIELDS:
            value, error = self._check(key, self.query_one(f"#filter-{key}", Input).value.strip())
            self.query_one(f"#filter-{key}-error", Static).update(error or "")
            ok = ok and error is None
            values[key] = value
        if ok:
            self.dismiss(EventFilter(**values))

    def action_cancel(self) -> None:
        self.dismiss(None)
