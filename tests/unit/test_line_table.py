"""`LineTable` (the timeline's long table) draws what a rich `Table` of the same columns draws,
at every console width: the same column widths, wrapping, truncation and padding."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.style import Style
from rich.text import Text

from maliterm.presentation import LineTable

COLUMNS = (("Date", "cyan", True), ("Event", "", False), ("Place", "dim", False), ("Casualties", "red", True))
# Words of every width: short, long enough to force a fold, wide (CJK) characters, empty cells.
WORD = st.sampled_from(["a", "Attack", "on", "Sévaré", "Mourabitoun-al-Murabitun-Belmokhtar", "東京都", "≥18", "c.", ""])
CELL = st.lists(WORD, max_size=8).map(" ".join)


def drawn(renderable: object, width: int) -> tuple[str, list[tuple[str, Style]]]:
    """What a pipe receives (bytes, no styles), and what a terminal shows: each character in its
    style (a terminal's escape codes may be grouped differently for the same look)."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    console.print(renderable)
    looks = [(ch, seg.style or Style.null()) for seg in console.render(renderable) for ch in seg.text]
    return console.file.getvalue(), looks  # type: ignore[attr-defined]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(CELL, CELL, CELL, CELL), max_size=6), width=st.integers(8, 120),
       headers=st.sampled_from([[c[0] for c in COLUMNS], ["Date", "Where it happened", "Place", "Toll"]]))
def test_a_line_table_draws_what_a_rich_table_draws(rows, width, headers):
    """(The second headers wrap in a narrow column: a header sits at the bottom of its row.)"""
    columns = [(header, style, no_wrap) for header, (_, style, no_wrap) in zip(headers, COLUMNS)]
    table = Table(box=None, header_style="bold", pad_edge=False)
    lines = LineTable(*columns)
    for header, style, no_wrap in columns:
        table.add_column(header, style=style or None, no_wrap=no_wrap)
    for date, title, place, toll in rows:  # untrusted cells as Text, our own as strings
        table.add_row(date, Text(title), Text(place), toll)
        lines.add_row(date, Text(title), Text(place), toll)
    assert drawn(lines, width) == drawn(table, width)
