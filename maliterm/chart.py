"""Overview pictures as rich renderables, for `maliterm stats` and the TUI overview alike.

Bars are block characters (eighths of a cell), so a chart needs no graphics and reads over SSH.
Every name from the data goes through `untrusted`: text, never markup.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from typing import TYPE_CHECKING

from maliterm import dates
from maliterm.presentation import counted
from maliterm.untrusted import literal_line
from maliterm.stats import PERIODS, Group, Overview, type_label

if TYPE_CHECKING:
    from maliterm.store import Store

EIGHTHS = " ▏▎▍▌▋▊▉█"  # horizontal: 0 to 8 eighths of a cell
RISING = " ▁▂▃▄▅▆▇█"  # vertical: 0 to 8 eighths of a cell


def hbar(value: int, most: int, width: int) -> str:
    """A horizontal bar of `value` out of `most` in `width` cells; a non-zero value shows at least a sliver."""
    if most <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / most * width * 8))
    return "█" * (eighths // 8) + (EIGHTHS[eighths % 8] if eighths % 8 else "")


def binned(groups: list[Group], width: int) -> list[tuple[str, str, int, int]]:
    """Consecutive periods put together so they fit `width` columns: (first, last, events, killed)."""
    if not groups:
        return []
    size = -(-len(groups) // max(width, 1))
    out = []
    for i in range(0, len(groups), size):
        part = groups[i:i + size]
        out.append((part[0].key, part[-1].key, sum(g.events for g in part), sum(g.killed or 0 for g in part)))
    return out


def columns(values: list[int], height: int, cell: int = 1) -> list[str]:
    """A vertical bar chart, one bar `cell` characters wide per value, `height` rows, top row first."""
    most = max(values, default=0)
    eighths = [max(1, round(v / most * height * 8)) if most and v else 0 for v in values]
    return ["".join(RISING[min(max(e - (row - 1) * 8, 0), 8)] * cell for e in eighths) for row in range(height, 0, -1)]


def period_chart(ov: Overview, width: int, height: int) -> Text:
    """Events per period as bars across `width` cells, ▲ under the busiest, then the span and the busiest
    named with their events and deaths."""
    bins = binned(ov.groups, width)
    text = Text()
    if not bins:
        return text.append("no events", style="dim")
    cell = max(1, min(3, width // len(bins)))  # few periods: wider bars, easier to tell apart
    for line in columns([b[2] for b in bins], height, cell):
        text.append(line + "\n", style="bold")
    busiest = ov.busiest()
    at = {g.key: i for i, g in enumerate(ov.groups)}
    top = [at[g.key] for g in busiest]
    marks = "".join(("▲" if any(at[b[0]] <= t <= at[b[1]] for t in top) else " ") * cell for b in bins)
    text.append(marks.rstrip() + "\n", style="bold yellow")
    first, last = bins[0][0], bins[-1][1]
    per = "" if len(bins) == len(ov.groups) else f" ({-(-len(ov.groups) // len(bins))} {ov.by}s a bar)"
    text.append(f"{first} … {last}{per}", style="dim")
    if busiest:
        text.append("\n▲ busiest: ", style="bold yellow")
        text.append(", ".join(f"{g.key} ({counted(g.events, 'event')}, {g.killed} killed)" for g in busiest))
    return text


def group_name(store: Store, ov: Overview, key: str) -> Text:
    if ov.by in PERIODS:
        return Text(key)
    return Text(type_label(key)) if ov.by == "type" else literal_line(store.name(key))


def groups_table(store: Store, ov: Overview, bar_width: int = 30) -> Table:
    """One row per period, actor, place or type: its events as a bar and in figures, and its deaths;
    the busiest periods marked."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column(ov.by.capitalize(), no_wrap=True, overflow="ellipsis", max_width=40)
    table.add_column("Events", justify="right", no_wrap=True, min_width=6)
    table.add_column("Killed", justify="right", style="red", no_wrap=True, min_width=6)
    table.add_column("", style="cyan", no_wrap=True, overflow="crop")
    most = max((g.events for g in ov.groups), default=0)
    busiest = {g.key for g in ov.busiest()} if ov.by in PERIODS else set()
    for g in ov.groups:
        bar = Text(hbar(g.events, most, bar_width))
        if g.key in busiest:
            bar.append(" ◀ busiest", style="bold yellow")
        table.add_row(group_name(store, ov, g.key), str(g.events), str(g.killed), bar)
    return table


def top_name(store: Store, kind: str, key: str) -> Text:
    """How an actor, a place or an event type is named in a top list (names from the data: literal)."""
    return Text(type_label(key)) if kind == "types" else literal_line(store.name(key))


def top_table(store: Store, title: str, groups: list[Group], kind: str, expand: bool = False) -> Table:
    """The most frequent actors, places or event types, with their event counts; `expand` fills the
    width given (a pane), else as wide as the names (a terminal's columns of tables)."""
    table = Table(title=title, title_justify="left", title_style="bold", box=None, header_style="bold",
                  pad_edge=False, show_header=False, expand=expand)
    # The name gives way (cut with …), never the count.
    table.add_column("Name", overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column("Events", justify="right", no_wrap=True)
    for g in groups:
        table.add_row(top_name(store, kind, g.key), str(g.events))
    if not groups:
        table.add_row(Text("none", style="dim"), "")
    return table


def top_lines(store: Store, title: str, groups: list[Group], kind: str, width: int) -> list[Text]:
    """`top_table` as lines of exactly `width` cells, for a widget that draws line by line: the title,
    then each name (cut with … when it must give way, never the count) and its count at the right."""
    lines = [Text(title, style="bold")]
    for g in groups:
        name, count = top_name(store, kind, g.key), str(g.events)
        room = max(width - len(count) - 1, 1)
        if name.cell_len > room:
            name.truncate(room, overflow="ellipsis")
        lines.append(name.append(" " * (width - name.cell_len - len(count))).append(count))
    if not groups:
        lines.append(Text("none", style="dim"))
    for line in lines:
        line.align("left", width)
    return lines


def contested_lines(store: Store, ov: Overview, limit: int | None = None) -> Text:
    """'Contested facts (N)' and one line per fact: date, event, what is disputed, how many sides."""
    text = Text().append(f"Contested facts ({len(ov.contested)})", style="bold")
    for c in ov.contested[:limit]:
        text.append("\n  ").append(f"{dates.display_short(c.date) if c.date else '':<11}", style="cyan").append(" ")
        text.append_text(literal_line(store.name(c.event)))
        text.append(": ").append_text(literal_line(c.about, "yellow")).append(f" ({c.sides} sides)", style="dim")
    if limit is not None and len(ov.contested) > limit:
        text.append(f"\n  … and {len(ov.contested) - limit} more", style="dim")
    return text


def summary_line(store: Store, ov: Overview) -> Text:
    """`12 events, 40 killed (place Mali)`: the totals and the filter they are for."""
    text = Text().append(counted(ov.events, "event"), style="bold").append(", ")
    text.append(f"at least {ov.killed} killed", style="red")  # the smallest tally of each event
    return text.append(" (").append_text(literal_line(ov.filter.describe(store.name), "italic")).append(")")
