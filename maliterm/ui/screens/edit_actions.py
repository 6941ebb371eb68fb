"""Editing from the main screen: add, edit, delete, add a claim, undo and redo.

A mixin of MainScreen (its bindings live in MainScreen.BINDINGS, where Textual reads them).
Every confirmed edit is saved at once, atomically, by the store, in a worker thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from maliterm import editing
from maliterm.errors import FileChanged, MalitermError
from maliterm.paragraphs import refuse_unquoted
from maliterm.safe import clean, literal_line, one_line
from maliterm.ui.dialogs.choice import ChoiceScreen
from maliterm.ui.messages import Target

if TYPE_CHECKING:
    from maliterm.ui.widgets.ref_picker import RefPicker

ADDABLE = ("actors", "events", "places", "relations", "quotes", "sources")
CHANGES_SHOWN = 200  # the newest entries of the change log; older ones stay in the file


class EditActions:
    def _writable(self) -> bool:
        if self.store is None:
            return False
        if self.store.read_only:
            self.notify(one_line(f"Read-only: {self.store.read_only_reason}"), severity="warning", markup=False)
            return False
        return True

    def _shown(self) -> Target | None:
        from maliterm.ui.panes.dossier import DossierPane

        return self.query_one(DossierPane).target

    # ---- add and edit ------------------------------------------------------------------------

    def action_new(self) -> None:
        if not self._writable():
            return
        choices = [(t, f"New {editing.TITLES[t]}") for t in ADDABLE]
        self.app.push_screen(ChoiceScreen("Add what?", choices),
                             lambda t: t and self.open_form(t, None, self._after_form))

    def action_edit(self) -> None:
        target = self._shown()
        if not self._writable() or target is None:
            return
        if target.table not in editing.FORMS:
            self.notify(f"{target.table} records are not edited by hand.", severity="warning")
            return
        self.open_form(target.table, self.store.tables[target.table][target.id], self._after_form)

    def open_form(self, table: str, original: dict | None, done, preset: dict | None = None) -> None:
        values = editing.values_of(table, original) if original else dict(preset or {})
        title = f"{'Edit' if original else 'New'} {editing.TITLES[table]}"
        fields = editing.fields_for(table)
        if original is None and table != "sources":
            # a new record must say where it comes from
            fields = tuple(editing.Field(f.name, f.label, f.kind, True, f.choices, f.tables, f.hint)
                           if f.name == "cite_source" else f for f in fields)

        def save(values: dict) -> Target:
            record = editing.build(table, values, original, self.store.table_of)
            if table == "quotes":
                refuse_unquoted(self.store.tables, record, str(self.store.path))
            self.store.put(table, record)
            return Target(table, record["id"])

        self._push_form(title, fields, values, save, done)

    def _push_form(self, title: str, fields, values: dict, save, done) -> None:
        from maliterm.ui.dialogs.record_form import RecordForm  # loaded on the first edit: a quicker start

        self.app.push_screen(RecordForm(self.store, title, fields, values, save, self._new_from_picker), done)

    def _new_from_picker(self, picker: RefPicker, typed: str) -> None:
        """"+ new source…" in a picker: the source's own form, then the picker holds the new record."""
        table = picker.tables[0]
        key = "title" if table in ("sources", "events") else "name"
        self.open_form(table, None, lambda t: t and picker.set_value(t.id), preset={key: typed})

    # ---- claims --------------------------------------------------------------------------------

    def action_claim(self, preset: dict | None = None) -> None:
        """Add a claim: a new fact, or a second side to an existing fact (which makes it contested);
        `preset` fills in fields (the reader gives the citation)."""
        target = self._shown()
        if not self._writable() or target is None or target.table not in ("actors", "events", "places", "relations"):
            return
        record = self.store.tables[target.table][target.id]
        choices = [("new", "A new fact")] + [
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

            def save(values: dict) -> Target:
                current = self.store.tables[target.table][target.id]
                self.store.put(target.table, editing.add_claim(current, values, index))
                return target

            self._push_form("Add a claim", fields, dict(preset or {}), save, self._after_form)

        self.app.push_screen(ChoiceScreen("Add a claim to which fact?", choices), chosen)

    # ---- delete --------------------------------------------------------------------------------

    def action_delete(self) -> None:
        target = self._shown()
        if not self._writable() or target is None:
            return
        refs = self.store.references_to(target.id)
        name = self.store.name(target.id)
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
        if choice in ("delete", "cascade"):
            self._run_edit(lambda: self.store.delete(target.table, target.id, cascade=choice == "cascade"), None)

    # ---- the change log ---------------------------------------------------------------------------

    def action_changes(self) -> None:
        """The latest entries of the file's change log (who changed what, when); enter opens the record."""
        if self.store is None:
            return
        log = sorted(self.store.tables["changes"].values(), key=lambda c: c["when"], reverse=True)[:CHANGES_SHOWN]
        if not log:
            self.notify("No edits are logged in this file yet.", timeout=3)
            return
        choices = []
        for i, c in enumerate(log):
            label = Text().append(f"{c['when'][:19].replace('T', ' ')}  ", style="cyan")
            label.append_text(literal_line(c["who"], "bold")).append(f"  {c['action']:<6} ")
            table, _, rid = c["record"].partition("/")
            name = self.store.name(rid) if self.store.get(rid) else f"{rid} (gone)"
            # who, the record and the field names come from the file: one line each, never markup
            label.append_text(literal_line(name)).append_text(literal_line(f"  {', '.join(c.get('fields', []))[:60]}", "dim"))
            choices.append((f"{i}:{c['record']}", label))

        def chosen(key: str | None) -> None:
            table, _, rid = (key or "").partition(":")[2].partition("/")
            if rid and self.store.get(rid) is not None:
                self.show(Target(table, rid))
                self.remember(Target(table, rid))

        self.app.push_screen(ChoiceScreen(f"Latest changes to {self.store.path.name} (newest first)", choices), chosen)

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
        self._run_edit(getattr(self.store, which), self._shown(), {"undo": "Undone", "redo": "Redone"}[which])

    @work(thread=True, exclusive=True, group="save", exit_on_error=False, description="Saving")
    def _run_edit(self, edit, target: Target | None, verb: str = "Saved") -> None:
        try:
            edit()
        except FileChanged as exc:
            self.app.call_from_thread(self._offer_reload, exc)
            return
        except MalitermError as exc:
            self.app.call_from_thread(self.notify, clean(exc.text()), title="Not saved", severity="error", markup=False)
            return
        self.app.call_from_thread(self._saved, target, verb)

    def _offer_reload(self, exc: FileChanged) -> None:
        def answer(choice: str | None) -> None:
            if choice == "reload":
                self.store.reload()
                self._saved(self._shown(), "Reloaded")

        self.app.push_screen(ChoiceScreen("The file changed on disk since it was opened", [
            ("reload", "Reload it (this session's undo history is dropped), then redo your edit"),
            ("cancel", "Leave it for now: nothing was saved")], exc.text()), answer)

    def _after_form(self, target: Target | None) -> None:
        if target is not None:  # None: the form was cancelled, nothing changed
            self._saved(target)

    def _saved(self, target: Target | None, verb: str = "Saved") -> None:
        """After any edit: every pane shows the data as it now is, and the record the edit was about."""
        self.refresh_panes(target)
        if target is not None and self.store.get(target.id) is not None:
            self.remember(target)
        self.set_saved_state(f"{verb.lower()} {datetime.now():%H:%M:%S}")

    def refresh_panes(self, target: Target | None = None) -> None:
        """Redraw every pane from the store, then show `target`, else what was shown, else (it went) the first event."""
        from maliterm.ui.panes.relations import RelationsPane
        from maliterm.ui.panes.timeline import TimelinePane

        timeline = self.query_one(TimelinePane)
        timeline.apply_filter(timeline.filter)
        relations = self.query_one(RelationsPane)
        relations.set_as_of(relations.as_of)
        self.history = [t for t in self.history if self.store.get(t.id) is not None]
        self.position = min(self.position, len(self.history) - 1)
        for candidate in (target, self._shown()):
            if candidate is not None and self.store.get(candidate.id) is not None:
                self.show(candidate)  # an actor also gets its relations and timeline marks here
                return
        first = self.store.events_in_order()
        if first:
            self.show(Target("events", first[0]))

    def set_saved_state(self, state: str) -> None:
        counts = self.store.counts()
        self.app.sub_title = (f"{one_line(self.store.path.name)} · {state} · {counts['events']} events · "
                              f"{counts['actors']} actors")

