"""The change log kept inside the database (`changes` table): who changed which record, when, how.

One entry per record an edit touched, so a cascading delete lists everything it removed; an
edit with a `summary` (an import, a merge: thousands of records) logs one entry saying what it
did, with its counts per table and action as its fields ("events: 30 add").
Entries are only ever added: undoing an edit logs an `undo`, it does not erase the edit's entry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Container
from datetime import datetime
from typing import Any

from maliterm.undo import Edit
from maliterm.locking import current_user, now_utc


def entries(edit: Edit, action: str | None, taken: Container[str], when: datetime | None = None) -> list[dict[str, Any]]:
    """Log records for `edit`; `action` overrides each change's own (add/edit/delete) for undo and redo.

    Ids are `change-<UTC time to the microsecond>-<n>`, n counting up past any id in `taken`.
    """
    when = when or now_utc()
    stamp = when.strftime("%Y%m%dt%H%M%S%fz")  # lower case: ids are slugs
    iso = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    who = current_user()
    if edit.summary:
        # `fields` holds the counts per table and action: "events: 30 add", "places: 2 edit".
        counts = Counter((c.table, c.action) for c in edit.changes)
        actions = {c.action for c in edit.changes}
        n = _next(stamp, 1, taken)
        return [{"id": f"change-{stamp}-{n}", "who": who, "when": iso,
                 "action": action or (actions.pop() if len(actions) == 1 else "edit"), "record": edit.summary,
                 "fields": [f"{t}: {k} {a}" for (t, a), k in sorted(counts.items())]}]
    out = []
    n = 0
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
