"""Reading sources from the main screen: open the reader, and add records cited from it.

A mixin of MainScreen (its `r` binding lives in MainScreen.BINDINGS, where Textual reads them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from maliterm.paragraphs import paragraphs
from maliterm.presentation import cited_sources
from maliterm.ui.messages import Target

if TYPE_CHECKING:
    from maliterm.ui.edit_actions import EditActions as _Host  # MainScreen mixes in both
else:
    _Host = object


class ReadingActions(_Host):
    if TYPE_CHECKING:  # what the mixin uses of MainScreen
        def open_record(self, target: Target | None, origin: str = "", remember: bool = True) -> None: ...

    def read(self, target: Target) -> None:
        """Open the reader on source `target.id` at paragraph `target.para` (None: the top)."""
        from maliterm.ui.screens.reader import ReaderScreen  # loaded when first read: a quicker start

        if self.store is not None and self.store.get(target.id) is not None:
            self.app.push_screen(ReaderScreen(self.store, target.id, target.para, self), self._read_done)

    def _read_done(self, target: Target | None) -> None:
        if target is not None:  # a record opened from the reader's margin
            self.open_record(target)

    def action_read(self) -> None:
        """The source in the dossier, else the first source the record there cites that holds text."""
        shown = self.selected
        if self.store is None or shown is None:
            return
        if shown.table == "sources":
            self.read(Target("sources", shown.id))
            return
        sources = cited_sources(self.store.get(shown.id))
        with_text = [s for s in sources if paragraphs(self.store.get(s))]
        if with_text or sources:
            self.read(Target("sources", (with_text or sources)[0]))
        else:
            self.notify("This record cites no source.", severity="warning", timeout=2)

    def new_cited(self, table: str, preset: dict) -> None:
        """A new record's form, its citation (and for a quotation, its words) filled in."""
        if not self._writable():
            return
        shown = self.selected
        if table == "quotes" and shown is not None and shown.table == "actors":
            preset = {"speaker": shown.id, **preset}  # the person whose dossier we came from
        self.open_form(table, None, self._after_form, preset=preset)

    def claim_cited(self, preset: dict) -> None:
        """A claim on the record in the dossier, cited to the reader's paragraph."""
        self.action_claim(preset)
