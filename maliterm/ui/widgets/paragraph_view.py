"""A document as numbered paragraphs, drawn with the line API: a 10 MB text opens at once.

Only what is shown is wrapped. A document too big to wrap before the first frame is laid out
first for a window of paragraphs around the cursor; the whole layout (line counts only, by a
C regex: about 0.15 s for 10 MB) follows from a worker and replaces it, the top line and the
cursor kept where they were. Beside each paragraph: the records that cite it.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maliterm.paragraphs import sentences
from maliterm.untrusted import one_line
from maliterm.ui.worker_errors import ReportsWorkerErrors

GUTTER = 6  # "  13 " and a space
MARGIN = 22  # the citing records beside the text
AT_ONCE = 1_000_000  # characters: a document this small is wholly laid out before the first frame
WINDOW = 1  # screens laid out above the cursor (two below) until the whole layout is in: each costs the first frame


@lru_cache(maxsize=8)
def _line_pattern(width: int) -> re.Pattern[str]:
    # Up to `width` characters ending at a space (or the end); a longer word is cut.
    return re.compile(r"[^\n]{1,%d}(?:\s+|$)|\S{%d}" % (width, width))


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of `text` wrapped at `width` characters; at least one line."""
    return [m.span() for m in _line_pattern(width).finditer(text) if m.end() > m.start()] or [(0, len(text))]


def line_count(text: str, width: int) -> int:
    return max(1, len(_line_pattern(width).findall(text)))  # findall: the loop runs in C


@dataclass(frozen=True)
class Layout:
    """Lines of `shown[first:first + len(counts)]` at `width`; `starts[k]` is the first line of the k-th."""

    width: int
    first: int
    counts: list[int]
    starts: list[int]

    @classmethod
    def of(cls, counts: list[int], width: int, first: int = 0) -> "Layout":
        return cls(width, first, counts, [0, *accumulate(counts)])

    @property
    def lines(self) -> int:
        return self.starts[-1]

    def covers(self, k: int) -> bool:
        return self.first <= k < self.first + len(self.counts)

    def at(self, y: int) -> tuple[int, int]:
        """(shown index, line within it) of line y."""
        i = bisect_right(self.starts, y) - 1
        return self.first + i, y - self.starts[i]

    def top(self, k: int) -> int:
        return self.starts[k - self.first]

    def end(self, k: int) -> int:
        return self.starts[k - self.first + 1]


class ParagraphView(ReportsWorkerErrors, ScrollView, can_focus=False):
    # Its screen binds these keys and runs them here (focus would restyle the view before the first frame).
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("s", "sentence(1)", "Sentence", tooltip="Select the next sentence of the paragraph"),
        Binding("S", "sentence(-1)", "Previous sentence", show=False, tooltip="Select the previous sentence"),
    ]
    COMPONENT_CLASSES = {"paragraph-view--cursor", "paragraph-view--mark", "paragraph-view--sentence",
                         "paragraph-view--number", "paragraph-view--margin", "paragraph-view--uncited"}
    DEFAULT_CSS = """
    ParagraphView { height: 1fr; }
    ParagraphView > .paragraph-view--cursor { background: $boost; }
    ParagraphView > .paragraph-view--mark { background: $warning 20%; }
    ParagraphView > .paragraph-view--sentence { text-style: reverse; }
    ParagraphView > .paragraph-view--number { color: $text-muted; }
    ParagraphView > .paragraph-view--margin { color: $accent; }
    ParagraphView > .paragraph-view--uncited { color: $text-muted; text-style: italic; }
    """

    @dataclass
    class Moved(Message):
        """The cursor is on paragraph `para` (1-based), sentence `sentence` (0-based) selected."""

        view: "ParagraphView"
        para: int
        sentence: int

        @property
        def control(self) -> "ParagraphView":
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.paras: list[str] = []
        self.shown: list[int] = []  # indexes of the paragraphs shown (all, or the uncited ones)
        self.cursor = 0  # an index into `shown`
        self.sentence = 0
        self.mark: int | None = None  # a paragraph index highlighted (the one a citation opened)
        self.margins: dict[int, list[str]] | None = None  # 1-based paragraph -> citing records; None: not yet known
        self._layout = Layout(1, 0, [], [0])
        self._styles: dict[str, Style] = {}
        self._width = 0
        self._wrapped: dict[tuple[int, int], tuple[str, list[tuple[int, int]], list[tuple[int, int]]]] = {}

    # ---- data ------------------------------------------------------------------------------

    def set_document(self, paras: list[str], para: int = 0, mark: int | None = None) -> None:
        """Show `paras`, the cursor on paragraph index `para`."""
        self.paras, self.mark = paras, mark
        self._wrapped.clear()
        self.shown = list(range(len(paras)))
        self.cursor, self.sentence = min(max(para, 0), max(len(paras) - 1, 0)), 0
        self._lay_out()
        self._moved()

    def set_margins(self, margins: dict[int, list[str]]) -> None:
        self.margins = margins
        self.refresh()

    def show_only(self, shown: list[int]) -> None:
        """Show only these paragraph indexes; the cursor moves to the nearest one at or after it."""
        here = self.para_index
        self.shown = shown
        self.cursor = min(bisect_right(shown, here - 1), max(len(shown) - 1, 0))
        self.sentence = 0
        self._lay_out()
        self._moved()

    @property
    def para_index(self) -> int:
        """The paragraph under the cursor (0-based); -1 when nothing is shown."""
        return self.shown[self.cursor] if self.shown else -1

    def paragraph_line(self, index: int) -> str:  # not `display`: that is Textual's visibility property
        """Paragraph `index` as shown: one line of text, escapes visible, never markup."""
        return one_line(self.paras[index])

    def shown_text(self) -> str:
        """The lines on screen now, as plain text (for tests and copying)."""
        height = self.scrollable_content_region.height
        return "\n".join(self._text_of(y + self.scroll_offset.y)[0] for y in range(height))

    # ---- layout ----------------------------------------------------------------------------

    @property
    def viewport(self) -> Size:
        """The size of the text area; before the first layout, the app's size less a scroll bar, so a
        document opened in a new screen is laid out for its first frame (a wrong guess is redone on resize)."""
        if self.size.width:
            return self.scrollable_content_region.size
        return Size(max(self.app.size.width - self.styles.scrollbar_size_vertical, 1), self.app.size.height)

    @property
    def text_width(self) -> int:
        return max(self.viewport.width - GUTTER - MARGIN, 20)

    def _lay_out(self, keep_top: bool = False) -> None:
        """A layout for the current width: the whole one if small, else a window and a worker."""
        width = self.text_width
        anchor = self._anchor() if keep_top else None
        if self._small():
            self._apply(Layout.of([line_count(self.paragraph_line(i), width) for i in self.shown], width), anchor)
            return
        # Paragraphs either side of the cursor, a few screens each way.
        want = WINDOW * max(self.viewport.height, 10)
        before: list[int] = []
        after: list[int] = []
        lo = hi = self.cursor
        above = below = 0
        while above < want and lo > 0:
            lo -= 1
            before.append(line_count(self.paragraph_line(self.shown[lo]), width))
            above += before[-1]
        while below < 2 * want and hi < len(self.shown):
            after.append(line_count(self.paragraph_line(self.shown[hi]), width))
            below += after[-1]
            hi += 1
        self._apply(Layout.of(before[::-1] + after, width, lo), anchor)
        # After the first frame: the worker holds the GIL often enough to slow that frame down.
        self.call_after_refresh(self._lay_out_all, tuple(self.shown), width)

    def _small(self) -> bool:
        """Whether the shown paragraphs hold at most AT_ONCE characters: counted only until they pass it,
        as walking every paragraph of a big document costs milliseconds of the first frame."""
        total = 0
        for i in self.shown:
            total += len(self.paras[i])
            if total > AT_ONCE:
                return False
        return True

    @work(thread=True, exclusive=True, group="reader-layout", exit_on_error=False, description="Text not laid out")
    def _lay_out_all(self, shown: tuple[int, ...], width: int) -> None:
        counts = []
        for n, i in enumerate(shown):
            counts.append(line_count(one_line(self.paras[i]), width))
            if n % 256 == 255:
                time.sleep(0)  # let the UI thread draw: this loop would otherwise hold the GIL for long
        self.app.call_from_thread(self._whole, shown, Layout.of(counts, width))

    def _whole(self, shown: tuple[int, ...], layout: Layout) -> None:
        if tuple(self.shown) == shown and layout.width == self.text_width:
            self._apply(layout, self._anchor())

    def _anchor(self) -> tuple[int, int]:
        """(shown index, line within it) at the top of the view, to keep it there across layouts."""
        if not self._layout.counts:
            return self.cursor, 0
        return self._layout.at(min(self.scroll_offset.y, self._layout.lines - 1))

    def _apply(self, layout: Layout, anchor: tuple[int, int] | None) -> None:
        self._layout = layout
        self.virtual_size = Size(0, layout.lines)  # no horizontal scrolling: lines are wrapped to the width
        if anchor is not None and layout.covers(anchor[0]):
            y = layout.top(anchor[0]) + min(anchor[1], layout.counts[anchor[0] - layout.first] - 1)
            self.scroll_to(y=y, animate=False, immediate=True, force=True)
        else:
            self._scroll_cursor_into_view(center=True)
        self.refresh()

    def on_resize(self) -> None:
        if self.paras and self._layout.width != self.text_width:
            self._lay_out(keep_top=bool(self._layout.counts))
        else:
            self.virtual_size = Size(0, self._layout.lines)

    # ---- cursor ----------------------------------------------------------------------------

    def go_to(self, k: int) -> None:
        """Move the cursor to shown index `k` and bring it into view."""
        if not self.shown:
            return
        old, self.cursor = self.cursor, max(0, min(k, len(self.shown) - 1))
        if old != self.cursor:
            self.sentence = 0
        if not self._layout.covers(self.cursor):
            self._lay_out()
        else:
            self._scroll_cursor_into_view()
        self.refresh()
        self._moved()

    def _scroll_cursor_into_view(self, center: bool = False) -> None:
        if not self._layout.covers(self.cursor):
            return
        height = self.viewport.height or 1
        top, end = self._layout.top(self.cursor), self._layout.end(self.cursor)
        view = self.scroll_offset.y
        if center:
            y = max(0, top - height // 3)
        elif top < view or end - top > height:
            y = top
        elif end > view + height:
            y = end - height
        else:
            return
        self.scroll_to(y=y, animate=False, immediate=True, force=True)

    def _moved(self) -> None:
        if self.shown:
            self.post_message(self.Moved(self, self.para_index + 1, self.sentence))

    def action_move(self, step: int) -> None:
        self.go_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        if not self._layout.covers(self.cursor):
            return
        y = self._layout.top(self.cursor) + direction * height
        y = max(0, min(y, self._layout.lines - 1))
        k = self._layout.at(y)[0]
        self.go_to(k if k != self.cursor else self.cursor + direction)

    def action_jump(self, k: int) -> None:
        self.go_to(k if k >= 0 else len(self.shown) - 1)

    def action_sentence(self, step: int) -> None:
        if self.shown:
            count = len(sentences(self.paragraph_line(self.para_index)))
            self.sentence = (self.sentence + step) % count
            self.refresh()
            self._moved()

    def on_click(self, event: events.Click) -> None:
        y = event.y + self.scroll_offset.y
        if self._layout.counts and 0 <= y < self._layout.lines:
            self.go_to(self._layout.at(y)[0])

    # ---- drawing ---------------------------------------------------------------------------

    def render_lines(self, crop):
        # The styles are the same for every line of one paint; asking for them is the slow part.
        self._styles = {name.rpartition("--")[2]: self.get_component_rich_style(name) for name in self.COMPONENT_CLASSES}
        self._styles["base"] = self.rich_style
        self._width = self.scrollable_content_region.width  # the same for every line too, and not free
        return super().render_lines(crop)

    def _text_of(self, y: int) -> tuple[str, int, int]:
        """Line y as plain text, with the shown index and line number it comes from (-1 if none)."""
        pieces = self._pieces(y)
        return ("".join(t for t, _ in pieces), *self._layout.at(y)) if pieces is not None else ("", -1, -1)

    def _pieces(self, y: int) -> list[tuple[str, Style]] | None:
        """Line y as runs of text and their styles (number, text, sentence, margin; the cursor and
        mark over them), drawn as segments directly: a Rich Text per line costs most of a paint."""
        layout = self._layout
        if not layout.counts or not 0 <= y < layout.lines:
            return None
        k, j = layout.at(y)
        index = self.shown[k]
        text, spans, sents = self._wrap(index, layout.width)
        start, end = spans[j] if j < len(spans) else (len(text), len(text))
        styles = self._styles
        null = Style()
        over = (styles.get("mark", null) if index == self.mark else null) + (
            styles.get("cursor", null) if k == self.cursor else null)
        body = text[start:end].rstrip().ljust(layout.width)
        pieces = [(f"{index + 1:>4}  " if j == 0 else " " * GUTTER, styles.get("number", null) + over)]
        s = e = 0
        if k == self.cursor:
            s, e = sents[min(self.sentence, len(sents) - 1)]
            s, e = max(s - start, 0), min(e - start, len(body))
        if s < e:
            pieces += [(body[:s], over), (body[s:e], styles.get("sentence", Style(reverse=True)) + over),
                       (body[e:], over)]
        else:
            pieces.append((body, over))
        uncited = self.margins is not None and not self.margins.get(index + 1)
        pieces.append((" " + self._margin(index, j, len(spans))[: MARGIN - 1].ljust(MARGIN - 1),
                       styles.get("uncited" if uncited else "margin", null) + over))
        return pieces

    def _wrap(self, index: int, width: int) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
        """Paragraph `index` as shown, its lines and its sentences; kept for the few paragraphs on screen."""
        key = (index, width)
        if key not in self._wrapped:
            if len(self._wrapped) > 256:
                self._wrapped.clear()
            text = self.paragraph_line(index)
            self._wrapped[key] = (text, wrap(text, width), sentences(text))
        return self._wrapped[key]

    def _margin(self, index: int, j: int, lines: int) -> str:
        if self.margins is None:
            return "…" if j == 0 else ""
        names = self.margins.get(index + 1, [])
        if not names:
            return "· uncited" if j == 0 else ""
        if len(names) > lines and j == lines - 1:
            return f"+{len(names) - j} more"
        return names[j] if j < len(names) else ""

    def render_line(self, y: int) -> Strip:
        width = self._width
        base = self._styles.get("base", Style())
        pieces = self._pieces(y + self.scroll_offset.y)
        if pieces is None:
            return Strip.blank(width, base)
        strip = Strip([Segment(t, base + style) for t, style in pieces if t])
        # Lines are laid out to the width; wide characters (or a view narrower than the least text width) are not.
        return strip if strip.cell_length == width else strip.crop_extend(0, width, base)
