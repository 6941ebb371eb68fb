"""Edits as before/after pairs of whole records, so each can be undone and redone exactly.

An `Edit` is what one user action changed: usually one record, several for a cascading
delete. Undo applies the `before` sides, redo the `after` sides; both are ordinary edits
for the store (validated, saved atomically, logged), so a crash never leaves half of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordChange:
    table: str
    id: str
    before: dict[str, Any] | None  # None: the record did not exist
    after: dict[str, Any] | None  # None: the record is deleted

    @property
    def action(self) -> str:
        return "add" if self.before is None else "delete" if self.after is None else "edit"

    @property
    def ref(self) -> str:
        return f"{self.table}/{self.id}"

    def fields(self) -> list[str]:
        """The fields whose value differs between before and after (all of them for an add or delete)."""
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))

    def inverse(self) -> "RecordChange":
        return RecordChange(self.table, self.id, self.after, self.before)


@dataclass(frozen=True)
class Edit:
    changes: tuple[RecordChange, ...]
    summary: str | None = None  # logged as one entry for the whole edit (an import, a merge) when set

    def inverse(self) -> "Edit":
        return Edit(tuple(c.inverse() for c in reversed(self.changes)), self.summary)


class UndoHistory:
    """The session's undo and redo stacks, used by the writer alone (on its thread), and moved only once a save succeeded."""

    def __init__(self) -> None:
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def done(self, edit: Edit) -> None:
        """A new edit: the redo stack no longer follows from the current state."""
        self._undo.append(edit)
        self._redo.clear()

    def next_undo(self) -> Edit | None:
        return self._undo[-1] if self._undo else None

    def next_redo(self) -> Edit | None:
        return self._redo[-1] if self._redo else None

    def undone(self) -> None:
        self._redo.append(self._undo.pop())

    def redone(self) -> None:
        self._undo.append(self._redo.pop())

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
