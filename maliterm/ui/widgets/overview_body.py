"""The overview's body as one line-API widget: summary, chart, top lists and contested facts.

The screen used to stack a Static per part, each `height: auto`; every redraw changed their
content, so Textual measured and laid the screen out again, and Rich rendered tables: 150-560 ms
at 100k events (bench/run.py, overview). Here a redraw makes about a hundred short `Text` lines
and sets the virtual size; only the lines in view are rendered, and the layout never changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maliterm import chart
from maliterm.stats import Overview

if TYPE_CHECKING:
    from maliterm.store import Store

NARROW = 120  # as the main screen: below this many columns, a shorter chart and the top lists stacked
TALL = 40  # rows from which the chart gets its full height
GAP = 2  # columns between the top lists side by side
CONTESTED = 50  # contested facts listed (all are counted): a screenful or two, not thousands


class OverviewBody(ScrollView, can_focus=True):
    """Scrolls by keyboard with the scrolling container's keys (arrows, page up/down, home/end)."""

    COMPONENT_CLASSES = {"overview-body--chart"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._store: Store | None = None
        self._overview: Overview | None = None
        self._lines: list[Text] = []  # one per row
        self._laid_out: tuple[int, int] = (0, 0)  # the (width, screen height) the lines were made for
        self._cache: LRUCache[tuple[int, int, Style], Strip] = LRUCache(256)
        self._paint: tuple[int, Style] = (0, Style())  # the width and base style of this paint

    # ---- content -----------------------------------------------------------------------

    def show(self, store: Store, ov: Overview) -> None:
        """Draw `ov`: its lines are made for the current width; nothing is laid out again."""
        self._store, self._overview = store, ov
        self._lay_out()

    def plain_lines(self) -> list[str]:
        """Every line as plain text, whether scrolled into view or not (what a person reads, for tests)."""
        return [line.plain.rstrip() for line in self._lines]

    def _width(self) -> int:
        return max(self.scrollable_content_region.width, 20)

    def _lay_out(self) -> None:
        ov = self._overview
        width, tall = self._width(), self.screen.size.height
        self._laid_out = (width, tall)
        self._lines = [] if ov is None else self._make_lines(ov, width, tall)
        self._cache.clear()
        size = Size(width, len(self._lines))
        if size != self.virtual_size:
            # Setting `virtual_size` lays the whole screen out again (15 ms of CPU, twice, for the
            # scroll bar). This widget's size never depends on its lines (1fr) and its scroll bar is
            # always there (overflow-y: scroll), so telling the bar the new length is all it needs.
            self.set_reactive(OverviewBody.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            if self.scroll_y > self.max_scroll_y:
                self.scroll_to(y=self.max_scroll_y, animate=False)
        self.refresh()

    def _make_lines(self, ov: Overview, width: int, tall: int) -> list[Text]:
        store, console = self._store, self.app.console
        assert store is not None  # lines are made only once an overview is shown
        narrow = self.app.size.width < NARROW
        summary = chart.summary_line(store, ov)
        summary.append(f"  · per {ov.by}", style="dim")
        lines = _fitted(summary, width, console)
        lines.append(Text())
        period = chart.period_chart(ov, max(width - 1, 10), 4 if narrow or tall < TALL else 10)
        accent = self.get_component_rich_style("overview-body--chart", partial=True)
        for part in _fitted(period, width, console):
            part.style = accent  # under the chart's own styles (bold, the busiest in yellow)
            lines.append(part)
        lines.append(Text())
        tops = (("actors", "Top actors", ov.actors), ("places", "Top places", ov.places),
                ("types", "Top event types", ov.types))
        if narrow:  # one above the other, each the full width
            for kind, title, groups in tops:
                lines += chart.top_lines(store, title, groups, kind, width)
                lines.append(Text())
        else:  # side by side
            column = (width - GAP * (len(tops) - 1)) // len(tops)
            blocks = [chart.top_lines(store, title, groups, kind, column) for kind, title, groups in tops]
            blank = Text(" " * column)
            for row in range(max(map(len, blocks))):
                lines.append(Text(" " * GAP).join(b[row] if row < len(b) else blank for b in blocks))
            lines.append(Text())
        return lines + _fitted(chart.contested_lines(store, ov, limit=CONTESTED), width, console)

    # ---- drawing -----------------------------------------------------------------------

    def on_resize(self) -> None:
        if self._overview is not None and (self._width(), self.screen.size.height) != self._laid_out:
            self._lay_out()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The same for every line of a paint, and asking is most of what drawing a line costs.
        self._paint = (self.scrollable_content_region.width, self.rich_style)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width, base = self._paint
        key = (index, width, base)
        strip = self._cache.get(key)
        if strip is None:
            if 0 <= index < len(self._lines):
                text = self._lines[index]
                strip = Strip(Segment.apply_style(text.render(self.app.console), base), text.cell_len)
            else:
                strip = Strip([])
            strip = strip.crop_extend(0, width, base)
            self._cache[key] = strip
        return strip


def _fitted(text: Text, width: int, console: Console) -> list[Text]:
    """`text`'s lines, each wrapped to `width` only if longer (wrapping costs, and most are short)."""
    out: list[Text] = []
    for line in text.split("\n"):
        out += line.wrap(console, width) if line.cell_len > width else [line]
    return out
