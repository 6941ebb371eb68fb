"""A virtual list drawn with the line API: only the visible lines are ever rendered.

Measured with 100k rows, a ScrollView that renders lines on demand paints in about
0.16 s where DataTable takes 15 s, so every long list in maliterm is one of these.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from maliterm.ui.messages import Target


class LineList(ScrollView, can_focus=True):
    """Rows come from callables, so the widget never holds more than a screenful of rendering."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open", tooltip="Open the record on this line"),
    ]
    COMPONENT_CLASSES = {"line-list--cursor"}
    DEFAULT_CSS = """
    LineList > .line-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; }
    LineList:blur > .line-list--cursor {
        background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, line_list: "LineList", index: int, target: Target | None) -> None:
            super().__init__()
            self.line_list = line_list
            self.index = index
            self.target = target

        @property
        def control(self) -> "LineList":
            return self.line_list

    class Selected(Highlighted):
        pass

    class Resized(Message):
        """The width rows are drawn in changed (a resize, or a scrollbar came or went): rewrap here."""

        def __init__(self, line_list: "LineList", width: int) -> None:
            super().__init__()
            self.line_list = line_list
            self.width = width

        @property
        def control(self) -> "LineList":
            return self.line_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._count = 0
        self._row: Callable[[int], Text] = lambda i: Text()
        self._target: Callable[[int], Target | None] = lambda i: None
        self._cache: LRUCache[tuple[int, bool, tuple[int, Style, Style]], Strip] = LRUCache(512)
        self._paint: tuple[int, Style, Style] = (0, Style(), Style())  # width, base and cursor styles of a paint
        self._width = 0  # the width rows were last drawn for; a change is told to the owner

    # ---- data --------------------------------------------------------------------------

    def set_rows(self, count: int, row: Callable[[int], Text], target: Callable[[int], Target | None],
                 cursor: int = 0) -> None:
        """Replace the rows; `row(i)` draws line i, `target(i)` says what it opens (or None)."""
        self._count, self._row, self._target = count, row, target
        self._cache.clear()
        self.virtual_size = Size(self.size.width, count)
        self.set_reactive(LineList.cursor, max(0, min(cursor, count - 1)))
        self.scroll_to(y=max(0, self.cursor - self.scrollable_content_region.height // 3), animate=False)
        self.refresh()

    @property
    def count(self) -> int:
        return self._count

    def row_text(self, index: int) -> Text:
        return self._row(index)

    def target_at(self, index: int) -> Target | None:
        return self._target(index) if 0 <= index < self._count else None

    # ---- cursor ------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, self._count - 1)) if self._count else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self, new, self.target_at(new)))

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif height and self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def refresh_line(self, index: int) -> None:
        self.refresh_lines(index - self.scroll_offset.y)

    def refresh_row(self, index: int) -> None:
        """Draw row `index` again: what `row(index)` returns has changed."""
        for cursor in (False, True):
            self._cache.discard((index, cursor, self._paint))
        self.refresh_line(index)

    def shown_rows(self) -> range:
        """The rows on screen now."""
        top = self.scroll_offset.y
        return range(top, min(self._count, top + self.scrollable_content_region.height))

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * max(1, self.scrollable_content_region.height - 1)

    def action_jump(self, index: int) -> None:
        self.cursor = index if index >= 0 else self._count - 1

    def action_select(self) -> None:
        if self._count:
            self.post_message(self.Selected(self, self.cursor, self.target_at(self.cursor)))

    def on_click(self, event: events.Click) -> None:
        index = event.y + self.scroll_offset.y
        if 0 <= index < self._count:
            self.cursor = index
            self.action_select()

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, self._count)
        # After a resize (say to 60x20 and back) the cursor row must still be on screen.
        self.call_after_refresh(self._scroll_cursor_into_view)
        self._tell_width()

    def on_hide(self) -> None:
        self._width = 0  # hidden, there is no width: rows laid out now are laid out again once shown

    def on_show(self) -> None:
        # Shown again (narrow layout, dossier and relations take turns): rows may have been laid out hidden.
        self.call_after_refresh(self._tell_width)

    def _tell_width(self) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self.post_message(self.Resized(self, width))

    def fit(self, text: Text, width: int) -> Text:
        """A row as painted in `width` cells: a longer one is cut and ends in `…`, never cut silently."""
        if text.cell_len <= width:
            return text
        text = text.copy()
        text.truncate(width, overflow="ellipsis")
        return text

    # ---- drawing -----------------------------------------------------------------------

    def render_lines(self, crop):
        # The styles are the same for every line of one paint, and asking for them is most of
        # the cost of drawing a line, so they are asked once here.
        base: Style = self.rich_style
        self._paint = (self.scrollable_content_region.width, base,
                       self.get_component_rich_style("line-list--cursor"))
        self._tell_width()  # a scrollbar shown or hidden changes the width without a resize
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width, base, _ = self._paint
        if index >= self._count:
            return Strip.blank(width, base)
        key = (index, index == self.cursor, self._paint)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._draw(index, index == self.cursor)
            self._cache[key] = strip
        return strip

    def _draw(self, index: int, cursor: bool) -> Strip:
        width, base, cursor_style = self._paint
        text = self.fit(self._row(index), width)
        if cursor:  # one line a paint: a copy, as rows may be kept by their owner
            text = text.copy()
            text.stylize(cursor_style)
        strip = Strip(Segment.apply_style(text.render(self.app.console), base), text.cell_len)
        return strip.crop_extend(0, width, base + cursor_style if cursor else base)

    def on_focus(self) -> None:
        self._cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._cache.clear()
        self.refresh()
