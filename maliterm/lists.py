"""The one way a list is written in one line of text: items separated by `;`.

A semicolon and not a comma, because names hold commas ("Hammer, Joshua", "Ansar Dine, Timbuktu
branch") and almost never semicolons, and because ACLED's cells (associated actors, outlets) and
our CSV export separate names with `;` already: a list typed in a form and one read from a CSV
cell are read by the same rule, and an ACLED import and export round trip is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = ";"


def split_list(text: str) -> list[str]:
    """`"Katiba Test; KT"` -> `["Katiba Test", "KT"]`: items trimmed, empty ones dropped."""
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def join_list(items: Iterable[str]) -> str:
    """The line `split_list` reads back as `items`."""
    return f"{SEPARATOR} ".join(items)
