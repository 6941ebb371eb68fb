"""The overview's body as one line-API widget: summary, chart, top lists and contested facts.

The screen used to stack a Static per part, each `height: auto`; every redraw changed their
content, so Textual measured and laid out the screen again, which cost 100-400 ms at 100k
events (bench/run.py, overview). Here the parts are rendered once into lines for the width,
and a redraw only swaps the lines and the virtual size: the screen's layout never changes.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maliterm import chart
from maliterm.stats import Overview

NARROW = 120  # as the main screen: below this many columns, a shorter chart and the top lists stacked
TALL = 40  # rows from which the chart gets its full height
TOP_GAP = 2  # columns between the top lists side by side


class OverviewBody(ScrollView, can_focus=True):
    """Scrolls by keyboard (arrows, page keys, home/end: the scrolling container's bindings)."""

    COMPONENT_CLASSES = {"overview-body--chart"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._store: object = None
        self._overview: Overview | None = None
        self._lines: list[list[Segment]] = []
        self._plain: list[str] = []
        self._laid_out: tuple[int, int] = (0, 0)  # the (width, screen height) the lines were made for
        self._cache: LRUCache[tuple[int, int, Style], Strip] = LRUCache(256)

    # ---- content -----------------------------------------------------------------------

    def show(self, store: object, ov: Overview) -> None:
        """Draw `ov`: the lines are made again for the current width, nothing is laid out again."""
        self._store, self._overview = store, ov
        self._lay_out()

    @property
    def overview(self) -> Overview | None:
        return self._overview

    def plain_lines(self) -> list[str]:
        """Every line as plain text, scrolled out of view or not (what a person reads, for tests)."""
        return list(self._plain)

    def _width(self) -> int:
        return max(self.scrollable_content_region.width, 20)

    def _lay_out(self) -> None:
        ov = self._overview
        width, tall = self._width(), self.screen.size.height
        self._laid_out = (width, tall)
        self._lines = [] if ov is None else self._render(ov, width, tall)
        self._plain = ["".join(s.text for s in line).rstrip() for line in self._lines]
        self._cache.clear()
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def _render(self, ov: Overview, width: int, tall: int) -> list[list[Segment]]:
        store = self._store
        narrow = self.app.size.width < NARROW
        summary = chart.summary_line(store, ov)
        summary.append(f"  · per {ov.by}", style="dim")
        height = 4 if narrow or tall < TALL else 10
        period = chart.period_chart(ov, max(width - 1, 10), height)
        tops = [chart.top_table(store, title, groups, kind, expand=True)
                for kind, title, groups in (("actors", "Top actors", ov.actors), ("places", "Top places", ov.places),
                                            ("types", "Top event types", ov.types))]
        parts: list[tuple[RenderableType, Style | None]] = [(summary, None), (period, self._chart_style())]
        if narrow:
            parts += [(t, None) for t in tops]
        else:
            row = Table.grid(expand=True, padding=(0, TOP_GAP, 0, 0))
            for _ in tops:
                row.add_column(ratio=1)
            row.add_row(*tops)
            parts.append((row, None))
        parts.append((chart.contested_lines(store, ov, limit=50), None))
        console = self.app.console
        options = console.options.update(width=width, height=None, highlight=False)
        lines: list[list[Segment]] = []
        for i, (renderable, style) in enumerate(parts):
            if i:
                lines.append([])  # a blank line between parts
            lines += console.render_lines(renderable, options, style=style, pad=False, new_lines=False)
        return lines

    def _chart_style(self) -> Style:
        return self.get_component_rich_style("overview-body--chart", partial=True)

    # ---- drawing -----------------------------------------------------------------------

    def on_resize(self) -> None:
        if (self._width(), self.screen.size.height) != self._laid_out and self._overview is not None:
            self._lay_out()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.scrollable_content_region.width
        base = self.rich_style
        key = (index, width, base)
        strip = self._cache.get(key)
        if strip is None:
            line = self._lines[index] if 0 <= index < len(self._lines) else []
            strip = Strip(Segment.apply_style(line, base)).crop_extend(0, width, base)
            self._cache[key] = strip
        return strip
