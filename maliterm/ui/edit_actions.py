"""Editing from the main screen: add, edit, delete, add a claim, undo and redo.

A mixin of MainScreen (its bindings live in MainScreen.BINDINGS, where Textual reads them); what it needs
from the screen is `EditsHost`.
Every confirmed edit is saved at once, atomically, by the store's one writer; the screen waits
for it in a worker thread (never its own), and a failure reaches the app's one error handler.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from rich.text import Text
from textual import work

from maliterm import editing
from maliterm.errors import FileChanged, NotFound
from maliterm.undo import Edit, RecordChange
from maliterm.paragraphs import refuse_unquoted
from maliterm.untrusted import literal_line, one_line
from maliterm.ui.dialogs.choice import ChoiceScreen
from maliterm.ui.messages import Target

if TYPE_CHECKING:
    from textual.app import App
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from maliterm.store import Store
    from maliterm.ui.widgets.ref_picker import RefPicker

    _Host = Screen[None]  # the screen this mixes into: MainScreen
else:
    _Host = object

ADDABLE = ("actors", "events", "places", "relations", "quotes", "sources")
CHANGES_SHOWN = 200  # the newest entries of the change log; older ones stay in the file
ACTION_WORDS = {"add": "addition", "edit": "edit", "delete": "deletion"}


@runtime_checkable
class EditsHost(Protocol):
    """What `EditActions` needs from the screen it is mixed into (MainScreen), beyond Textual's `Screen`."""

    store: Store | None
    selected: Target | None  # the record the panes show: what edit, delete and claim act on
    trail: list[Target]  # the records visited, for back and forward; pruned of deleted records after an edit
    trail_at: int

    @property
    def app(self) -> App[object]: ...

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...

    def show(self, target: Target, origin: str = "") -> None: ...

    def remember(self, target: Target) -> None: ...

    def refresh_panes(self, target: Target | None = None) -> None: ...

    def refresh_bindings(self) -> None: ...


class EditActions(_Host):
    """Mixed into a screen that is an `EditsHost` (tests/ui/test_toy_pane.py checks MainScreen is)."""

    if TYPE_CHECKING:  # what the mixin uses of MainScreen, as `EditsHost` declares it
        store: Store | None
        selected: Target | None
        trail: list[Target]
        trail_at: int

        def show(self, target: Target, origin: str = "") -> None: ...
        def remember(self, target: Target) -> None: ...
        def refresh_panes(self, target: Target | None = None) -> None: ...

    def _writable(self) -> bool:
        if self.store is None:
            return False
        if self.store.read_only:
            self.notify(one_line(f"Read-only: {self.store.read_only_reason}"), severity="warning", markup=False)
            return False
        return True

    # ---- add and edit ------------------------------------------------------------------------

    def action_new(self) -> None:
        if not self._writable():
            return
        choices: list[tuple[str, str | Text]] = [(t, f"New {editing.TITLES[t]}") for t in ADDABLE]
        self.app.push_screen(ChoiceScreen("Add what?", choices),
                             lambda t: None if t is None else self.open_form(t, None, self._after_form))

    def action_edit(self) -> None:
        target = self.selected
        if not self._writable() or target is None:
            return
        if target.table not in editing.FORMS:
            self.notify(f"{target.table} records are not edited by hand.", severity="warning")
            return
        assert self.store is not None  # _writable
        self.open_form(target.table, self.store.tables[target.table][target.id], self._after_form)

    def open_form(self, table: str, original: dict[str, Any] | None, done: Callable[[Target | None], None],
                  preset: dict[str, Any] | None = None) -> None:
        values = editing.values_of(table, original) if original else dict(preset or {})
        title = f"{'Edit' if original else 'New'} {editing.TITLES[table]}"
        fields = editing.fields_for(table)
        if original is None and table != "sources":
            # a new record must say where it comes from
            fields = tuple(editing.Field(f.name, f.label, f.kind, True, f.choices, f.tables, f.hint)
                           if f.name == "cite_source" else f for f in fields)

        store = self.store
        assert store is not None  # the actions that open a form check it

        def checked(record: dict) -> dict:
            if table == "quotes":  # a quotation must be word for word in the paragraph it cites
                refuse_unquoted(store.tables, record, str(store.path))
            return record

        def save(values: dict, changes: dict, mine: frozenset) -> Target:
            # Run by the store's writer on the record as it is at the save, not as the form found it.
            if original is None:
                record = store.edit(table, None, lambda _: checked(editing.build(table, values, None, store.table_of)))
            else:
                record = store.edit(table, original["id"], lambda current: checked(editing.apply_changes(
                    table, current, changes, store.table_of, mine, str(store.path))))
            return Target(table, record["id"])

        self._push_form(title, fields, values, save, done)

    def _push_form(self, title: str, fields: tuple[editing.Field, ...], values: dict[str, Any],
                   save: Callable[[dict[str, Any], dict[str, Any], frozenset[str]], Target],
                   done: Callable[[Target | None], None]) -> None:
        from maliterm.ui.dialogs.record_form import RecordForm  # loaded on the first edit: a quicker start

        assert self.store is not None  # the actions that open a form check it
        self.app.push_screen(RecordForm(self.store, title, fields, values, save, self._new_from_picker), done)

    def _new_from_picker(self, picker: RefPicker, typed: str) -> None:
        """"+ new source…" in a picker: the source's own form, then the picker holds the new record."""
        table = picker.tables[0]
        key = "title" if table in ("sources", "events") else "name"
        self.open_form(table, None, lambda t: None if t is None else picker.set_value(t.id), preset={key: typed})

    # ---- claims --------------------------------------------------------------------------------

    def action_claim(self, preset: dict | None = None) -> None:
        """Add a claim: a new fact, or a second side to an existing fact (which makes it contested);
        `preset` fills in fields (the reader gives the citation)."""
        target = self.selected
        if not self._writable() or target is None or target.table not in ("actors", "events", "places", "relations"):
            return
        store = self.store
        assert store is not None  # _writable
        record = store.tables[target.table][target.id]
        choices: list[tuple[str, str | Text]] = [("new", "A new fact")] + [
            (str(i), Text("Another side of: ").append_text(literal_line(f["about"], "bold")))
            for i, f in enumerate(record.get("facts", []))]

        def chosen(key: str | None) -> None:
            if key is None:
                return
            index = None if key == "new" else int(key)
            fields = editing.CLAIM_FIELDS + tuple(
                editing.Field(f.name, f.label, f.kind, f.name == "cite_source", f.choices, f.tables, f.hint)
                for f in editing.CITE_FIELDS)
            if index is not None:  # the fact exists: only the claim is asked for
                fields = tuple(f for f in fields if f.name not in ("about", "date"))

            def save(values: dict[str, Any], changes: dict[str, Any], mine: frozenset[str]) -> Target:
                def claimed(current: dict[str, Any] | None) -> dict[str, Any]:
                    if current is None:  # deleted since the form opened: say so, in the form
                        raise NotFound(f"{target.table}/{target.id}", [])
                    return editing.add_claim(current, values, index)

                store.edit(target.table, target.id, claimed)
                return target

            self._push_form("Add a claim", fields, dict(preset or {}), save, self._after_form)

        self.app.push_screen(ChoiceScreen("Add a claim to which fact?", choices), chosen)

    # ---- delete --------------------------------------------------------------------------------

    def action_delete(self) -> None:
        target = self.selected
        if not self._writable() or target is None:
            return
        assert self.store is not None  # _writable
        refs = self.store.references_to(target.id)
        name = self.store.name(target.id)
        choices: list[tuple[str, str | Text]]
        if not refs:
            choices = [("delete", Text("Delete ").append_text(literal_line(name, "bold"))), ("cancel", "Cancel")]
            detail = Text("Nothing refers to it. Undo (u) brings it back.")
        else:
            plan = self.store.plan_delete(target.table, target.id)
            gone = [c.ref for c in plan.changes if c.after is None and c.ref != f"{target.table}/{target.id}"]
            changed = [c.ref for c in plan.changes if c.after is not None]
            detail = Text(f"{len(refs)} reference(s) point at it:\n", style="bold")
            for r in refs[:12]:
                detail.append("  ").append_text(literal_line(r)).append("\n")
            if len(refs) > 12:
                detail.append(f"  … and {len(refs) - 12} more\n")
            detail.append(f"Deleting removes them: {len(changed)} record(s) changed, "
                          f"{len(gone)} more deleted (records that cannot stand without it). Undo (u) restores all.")
            choices = [("cancel", "Cancel: keep it"),
                       ("cascade", Text("Delete ").append_text(literal_line(name, "bold")).append(" and remove the references"))]
        self.app.push_screen(ChoiceScreen(f"Delete {editing.TITLES.get(target.table, 'record')}?", choices, detail),
                             lambda choice: self._delete(target, choice))

    def _delete(self, target: Target, choice: str | None) -> None:
        store = self.store
        assert store is not None  # action_delete checked it
        if choice in ("delete", "cascade"):
            self._run_edit(lambda: store.delete(target.table, target.id, cascade=choice == "cascade"), None)

    # ---- the change log ---------------------------------------------------------------------------

    def action_changes(self) -> None:
        """The latest entries of the file's change log (who changed what, when); enter opens the record."""
        store = self.store
        if store is None:
            return
        log = sorted(store.tables["changes"].values(), key=lambda c: c["when"], reverse=True)[:CHANGES_SHOWN]
        if not log:
            self.notify("No edits are logged in this file yet.", timeout=3)
            return
        choices: list[tuple[str, str | Text]] = []
        for i, c in enumerate(log):
            label = Text().append(f"{c['when'][:19].replace('T', ' ')}  ", style="cyan")
            label.append_text(literal_line(c["who"], "bold")).append(f"  {c['action']:<6} ")
            table, _, rid = c["record"].partition("/")
            if table not in store.tables:  # one entry for a whole import or merge: its summary
                name = c["record"]
            else:
                name = store.name(rid) if store.get(rid) else f"{rid} (gone)"
            # who, the record and the field names come from the file: one line each, never markup
            label.append_text(literal_line(name)).append_text(literal_line(f"  {', '.join(c.get('fields', []))[:60]}", "dim"))
            choices.append((f"{i}:{c['record']}", label))

        def chosen(key: str | None) -> None:
            table, _, rid = (key or "").partition(":")[2].partition("/")
            if table in store.tables and store.tables[table].get(rid) is not None:
                self.show(Target(table, rid))
                self.remember(Target(table, rid))

        self.app.push_screen(ChoiceScreen(f"Latest changes to {store.path.name} (newest first)", choices), chosen)

    # ---- undo and redo --------------------------------------------------------------------------

    def action_undo(self) -> None:
        self._replay("undo")

    def action_redo(self) -> None:
        self._replay("redo")

    def _replay(self, which: str) -> None:
        if not self._writable():
            return
        if not getattr(self.store, f"can_{which}"):
            self.notify(f"Nothing to {which}.", timeout=2)
            return
        # No target: the record to show is the one the edit was about, found when it is done.
        self._run_edit(getattr(self.store, which), None, {"undo": "Undid", "redo": "Redid"}[which])

    # Not `exclusive`: cancelling a save would drop its outcome; the store's writer runs them in order.
    @work(thread=True, group="save", exit_on_error=False, description="Not saved")
    def _run_edit(self, edit: Callable[[], object], target: Target | None, verb: str = "Saved") -> None:
        try:
            done = edit()
        except FileChanged as exc:
            self.app.call_from_thread(self._offer_reload, exc)
            return
        self.app.call_from_thread(self._saved, target, verb, done if isinstance(done, Edit) else None)

    @work(thread=True, group="save", exit_on_error=False, description="Not reloaded")
    def _reload(self) -> None:
        assert self.store is not None  # only offered after a save
        self.store.reload()  # reads and checks the whole file: never on the UI thread
        self.app.call_from_thread(self._saved, None, "Reloaded")

    def _offer_reload(self, exc: FileChanged) -> None:
        def answer(choice: str | None) -> None:
            if choice == "reload":
                self._reload()

        self.app.push_screen(ChoiceScreen("The file changed on disk since it was opened", [
            ("reload", "Reload it (this session's undo history is dropped), then redo your edit"),
            ("cancel", "Leave it for now: nothing was saved")], exc.text()), answer)

    def _after_form(self, target: Target | None) -> None:
        if target is not None:  # None: the form was cancelled, nothing changed
            self._saved(target)

    def _saved(self, target: Target | None, verb: str = "Saved", edit: Edit | None = None) -> None:
        """After any edit: every pane shows the data as it now is, and the record the edit was about."""
        store = self.store
        assert store is not None  # an edit was made
        if target is None and edit is not None:  # an undo may be about a record out of sight: show it
            target = next((Target(c.table, c.id) for c in edit.changes if store.get(c.id) is not None), None)
        self.refresh_panes(target)
        if target is not None and store.get(target.id) is not None:
            self.remember(target)
        self.set_saved_state(f"{verb.lower()} {datetime.now():%H:%M:%S}")
        # The header is cut at 80 columns: a notice says what was saved or undone, where it can be read.
        self.notify(self._said(verb, target, edit), timeout=5, markup=False)
        self.refresh_bindings()  # undo and redo show in the footer only while they can act

    def _said(self, verb: str, target: Target | None, edit: Edit | None) -> str:
        """"Undid: edit of event x (Its title)": the words of the notice after a save."""
        store = self.store
        assert store is not None  # an edit was made

        def record(table: str, rid: str, data: dict[str, Any] | None) -> str:
            name = store.name(rid) if store.get(rid) is not None else (data or {}).get("name") or \
                (data or {}).get("title")
            return f"{editing.TITLES.get(table, table)} {rid}" + (f" ({one_line(name)})" if name else "")

        if edit is not None and edit.changes:
            first: RecordChange = edit.changes[0]
            more = f" and {len(edit.changes) - 1} more record(s)" if len(edit.changes) > 1 else ""
            return (f"{verb}: {ACTION_WORDS[first.action]} of "
                    f"{record(first.table, first.id, first.after or first.before)}{more}")
        if target is not None:
            return f"{verb}: {record(target.table, target.id, None)}"
        return f"{verb}."

    def set_saved_state(self, state: str) -> None:
        assert self.store is not None
        counts = self.store.counts()
        self.app.sub_title = (f"{one_line(self.store.path.name)} · {state} · {counts['events']} events · "
                              f"{counts['actors']} actors")

