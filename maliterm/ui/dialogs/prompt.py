"""A one-line question whose answer is checked as you type, the error shown under the field.

A check that asks the disk (does this path exist?) runs in a worker: a slow or hung mount never
freezes a keystroke; the answer is taken once that check has passed for what is in the field."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from maliterm.untrusted import clean, one_line
from maliterm.ui.widgets.plain_fields import PlainInput
from maliterm.ui.worker_errors import ReportsWorkerErrors


class PromptScreen(ReportsWorkerErrors, ModalScreen[str | None]):
    """Dismisses with the answer, "" to clear, or None when cancelled with escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, placeholder: str = "", value: str = "",
                 check: Callable[[str], str | None] | None = None, hint: str = "",
                 check_disk: Callable[[str], str | None] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.check = check or (lambda s: None)
        self.check_disk = check_disk  # run off the UI thread, after `check` passes
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
        self._show(problem := self._problem(event.value))
        if problem is None and event.value.strip():
            self._ask_disk(event.value.strip(), submit=False)

    def _problem(self, value: str) -> str | None:
        return self.check(value.strip()) if value.strip() else None

    def _show(self, problem: str | None) -> None:
        self.query_one("#prompt-error", Static).update(clean(problem or ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if problem := self._problem(value):
            self._show(problem)
            return
        self._ask_disk(value, submit=True)

    def _ask_disk(self, value: str, submit: bool) -> None:
        if self.check_disk is None:
            if submit:
                self.dismiss(value)
            return
        self._check_disk(value, submit)

    @work(thread=True, exclusive=True, group="prompt-check", exit_on_error=False, description="Could not check")
    def _check_disk(self, value: str, submit: bool) -> None:
        assert self.check_disk is not None  # started only with one
        problem = self.check_disk(value)
        self.app.call_from_thread(self._disk_checked, value, problem, submit)

    def _disk_checked(self, value: str, problem: str | None, submit: bool) -> None:
        if value != self.query_one(PlainInput).value.strip():
            return  # typed on since: a later check answers for what is there now
        self._show(problem)
        if submit and problem is None:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
