"""A form for one record: fields checked as you type, the store's verdict shown beside the field.

Saving happens in a worker (a whole-file rewrite at 100k events takes a moment); the form
stays open, with the messages, until the save succeeds. It hands on only the fields the user
changed, {field: (old, new)}, so a save applies them to the record as it is by then: a field
someone else changed meanwhile is kept, or, if the user changed it too, asked about (`Conflict`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea
from textual.worker import Worker, WorkerState

from maliterm.editing import Field, changed_fields, problem
from maliterm.errors import Conflict, FileChanged, InvalidDatabase, MalitermError
from maliterm.lists import join_list
from maliterm.untrusted import clean
from maliterm.ui.dialogs.choice import ChoiceScreen
from maliterm.ui.widgets.plain_fields import PlainInput, PlainTextArea
from maliterm.ui.widgets.ref_picker import RefPicker
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store


def field_of(where: str) -> str:
    """The form field a store problem is about: `actors/x.name` -> name, `.cite[0].source` -> cite_source."""
    sub = where.partition(".")[2]
    if sub.startswith("cite"):
        return "cite_source" if sub.endswith("source") else "cite_loc"
    if sub.startswith("coords"):
        return "lat"
    return sub.split("[")[0].split(".")[0]


class RecordForm(ReportsWorkerErrors, ModalScreen):
    """Dismisses with whatever `save(values, changes, mine)` returned, or None when cancelled.

    `changes` are the fields changed from `values` as {field: (old, new)}; `mine` the fields the
    user chose to save over someone else's change (after a `Conflict`)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", tooltip="Check and save (also enter on the last field)"),
    ]

    def __init__(self, store: Store, title: str, fields: tuple[Field, ...], values: dict,
                 save: Callable[[dict, dict, frozenset], object], new_record: Callable[[RefPicker, str], None] | None = None) -> None:
        """`new_record(table, typed)` opens a form for a new record of that table (a new source, say)."""
        super().__init__()
        self.store = store
        self.title_text = title
        self.fields = fields
        self.values = values
        self.save = save
        self.new_record = new_record

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide form"):
            yield Label(f"{self.title_text}   (ctrl+s saves, escape cancels)", classes="dialog-title", markup=False)
            for f in self.fields:
                if f.kind != "bool":
                    yield Label(f.label + (" *" if f.required else ""), classes="field-label", markup=False)
                yield self._widget(f)
                if f.hint:
                    yield Static(f.hint, classes="dialog-hint", markup=False)
                # messages echo what was typed and what the file holds: text, never markup
                yield Static("", id=f"e-{f.name}", classes="field-error", markup=False)
            yield Static("", id="e-form", classes="field-error", markup=False)

    def _widget(self, f: Field):
        value = self.values.get(f.name)
        wid = f"f-{f.name}"
        if f.kind == "choice":
            options = [(str(c), c) for c in f.choices]
            chosen = value in f.choices
            # a required choice starts blank on a new record; the check then asks for it
            return Select(options, value=value if chosen else Select.NULL, allow_blank=not (f.required and chosen),
                          id=wid, prompt=f"choose: {f.label.lower()}")
        if f.kind == "ref":
            return RefPicker(self.store, f.tables, value, offer_new=f.tables == ("sources",), id=wid)
        if f.kind == "bool":
            return Checkbox(f.label, bool(value), id=wid)
        if f.kind == "longtext":
            area = PlainTextArea(value or "", id=wid, soft_wrap=True, tab_behavior="focus", classes="longtext")
            return area
        text = join_list(value) if isinstance(value, list) else "" if value is None else str(value)
        # the cursor goes to the end: typing adds to a value instead of silently replacing it
        return PlainInput(text, id=wid, select_on_focus=False)

    def on_mount(self) -> None:
        first = self.query(f"#f-{self.fields[0].name}").first()
        (first.query_one(Input) if isinstance(first, RefPicker) else first).focus()

    # ---- values and checks -----------------------------------------------------------------

    def collect(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for f in self.fields:
            w = self.query_one(f"#f-{f.name}")
            if isinstance(w, RefPicker):
                values[f.name] = w.value
            elif isinstance(w, Select):
                values[f.name] = None if w.value is Select.NULL else w.value
            elif isinstance(w, Checkbox):
                values[f.name] = w.value
            elif isinstance(w, TextArea):
                values[f.name] = w.text.strip()
            else:
                assert isinstance(w, Input)  # the only other field widget
                values[f.name] = w.value.strip()
        return values

    def _show(self, name: str, message: str | None) -> None:
        target = self.query(f"#e-{name}")
        (target.first(Static) if target else self.query_one("#e-form", Static)).update(clean(message or ""))

    def check(self) -> bool:
        values, ok = self.collect(), True
        for f in self.fields:
            msg = problem(f, values[f.name])
            if f.kind == "ref" and values[f.name] is None and self.query_one(f"#f-{f.name}", RefPicker).typed:
                msg = "pick one of the matches (typed text is not a reference)"
            self._show(f.name, msg)
            ok = ok and msg is None
        return ok

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("f-")
        f = next((f for f in self.fields if f.name == name), None)
        if f is not None:
            self._show(f.name, problem(f, event.value.strip()))

    def on_ref_picker_changed(self, event: RefPicker.Changed) -> None:
        self._show((event.picker.id or "").removeprefix("f-"), None)

    def on_ref_picker_wants_new(self, event: RefPicker.WantsNew) -> None:
        if self.new_record is not None:
            self.new_record(event.picker, event.picker.typed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    # ---- saving -------------------------------------------------------------------------

    def action_save(self) -> None:
        self._show("form", None)
        if self.check():
            self._save(self.collect())

    @work(thread=True, group="save", exit_on_error=False, description="Not saved")
    def _save(self, values: dict, reload_first: bool = False, mine: frozenset = frozenset(),
              theirs: frozenset = frozenset()) -> tuple[object] | None:
        """The save, off the UI thread: `(result,)` once saved (the form closes when the worker has
        finished: closing it from inside would cancel the worker still running), None if it stays open."""
        changes = {k: v for k, v in changed_fields(self.fields, self.values, values).items() if k not in theirs}
        try:
            if reload_first:
                self.store.reload()
            result = self.save(values, changes, mine)
        except FileChanged as exc:
            self.app.call_from_thread(self._ask_reload, values, exc)
            return None
        except Conflict as exc:
            self.app.call_from_thread(self._ask_conflict, values, exc, mine, theirs)
            return None
        except MalitermError as exc:
            self.app.call_from_thread(self._failed, exc)  # beside the fields it is about; the form stays open
            if not isinstance(exc, InvalidDatabase):
                raise  # the disk or the file refused: the app's handler shows it and marks the header
            return None
        return (result,)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)  # a failure goes to the app's one handler
        if event.worker.group == "save" and event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.dismiss(event.worker.result[0])

    def _failed(self, exc: MalitermError) -> None:
        general = []
        for p in exc.problems:
            name = field_of(p.where)
            text = f"{p.what}" + (f" (expected {p.expected})" if p.expected else "")
            if any(f.name == name for f in self.fields):
                self._show(name, text)
            else:
                general.append(f"{p.where}: {text}" if p.where else text)
        if general or not exc.problems:
            self._show("form", "\n".join(general) or exc.text())

    def _ask_reload(self, values: dict, exc: FileChanged) -> None:
        def answer(choice: str | None) -> None:
            if choice == "reload":
                self._save(values, reload_first=True)
            else:
                self._show("form", "Not saved: the file changed on disk. Save again to reload it first.")

        self.app.push_screen(ChoiceScreen(
            "The file changed on disk since it was opened", [
                ("reload", "Reload it, then save this edit on top (nothing else of yours is lost)"),
                ("cancel", "Do not save now"),
            ], exc.text()), answer)

    def _ask_conflict(self, values: dict, exc: Conflict, mine: frozenset, theirs: frozenset) -> None:
        names = ", ".join(exc.fields)

        def answer(choice: str | None) -> None:
            if choice == "theirs":
                self._save(values, mine=mine, theirs=theirs | set(exc.fields))
            elif choice == "mine":
                self._save(values, mine=mine | set(exc.fields), theirs=theirs)
            else:
                self._show("form", f"Not saved: {names} changed meanwhile.")

        self.app.push_screen(ChoiceScreen(f"Someone else changed {names} meanwhile", [
            ("theirs", f"Keep their {names}; save my other changes"),
            ("mine", f"Save my {names} over theirs"),
            ("cancel", "Do not save now"),
        ], exc.text()), answer)

    def action_cancel(self) -> None:
        self.dismiss(None)
