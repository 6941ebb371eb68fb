"""A one-line question whose answer is checked as you type, the error shown under the field."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from maliterm.untrusted import clean, one_line
from maliterm.ui.widgets.plain_fields import PlainInput


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the answer, "" to clear, or None when cancelled with escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "",
                 check: Callable[[str], str | None] | None = None, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.check = check or (lambda s: None)
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(one_line(self.title_text), classes="dialog-title", markup=False)
            yield PlainInput(value=self.value, placeholder=one_line(self.placeholder), id="prompt-input")
            # the message may echo what was typed: text, never markup
            yield Static("", id="prompt-error", classes="field-error", markup=False)
            if self.hint:
                yield Static(self.hint, classes="dialog-hint", markup=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#prompt-error", Static).update(clean(self._problem(event.value) or ""))

    def _problem(self, value: str) -> str | None:
        return self.check(value.strip()) if value.strip() else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if problem := self._problem(value):
            self.query_one("#prompt-error", Static).update(clean(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
