"""The change log kept inside the database (`changes` table): who changed which record, when, how.

One entry per record an edit touched, so a cascading delete lists everything it removed; an
edit with a `summary` (an import, a merge: thousands of records) logs one entry saying what it
did, with the tables it touched as its fields. Entries are only ever added: undoing an edit logs an `undo`, it does not erase the edit's entry.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import datetime

from maliterm.history import Edit
from maliterm.locking import current_user, now_utc


def entries(edit: Edit, action: str | None, taken: Container[str], when: datetime | None = None) -> list[dict]:
    """Log records for `edit`; `action` overrides each change's own (add/edit/delete) for undo and redo.

    Ids are `change-<UTC time to the microsecond>-<n>`, n counting up past any id in `taken`.
    """
    when = when or now_utc()
    stamp = when.strftime("%Y%m%dt%H%M%S%fz")  # lower case: ids are slugs
    iso = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    who = current_user()
    out = []
    n = 0
    if edit.summary is not None:
        kinds = {c.action for c in edit.changes}
        n = _next(stamp, 1, taken)
        return [{"id": f"change-{stamp}-{n}", "who": who, "when": iso,
                 "action": action or (kinds.pop() if len(kinds) == 1 else "edit"),
                 "record": edit.summary, "fields": sorted({c.table for c in edit.changes})}]
    for change in edit.changes:
        n += 1
        while f"change-{stamp}-{n}" in taken:
            n += 1
        out.append({"id": f"change-{stamp}-{n}", "who": who, "when": iso, "action": action or change.action,
                    "record": change.ref, "fields": change.fields()})
    return out


def _next(stamp: str, n: int, taken: Container[str]) -> int:
    while f"change-{stamp}-{n}" in taken:
        n += 1
    return n
