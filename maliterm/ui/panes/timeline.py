"""The timeline pane: every event in date order, one line each, virtual at any size."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from maliterm import dates
from maliterm import model as m
from maliterm.presentation import counted
from maliterm.untrusted import literal_line, one_line
from maliterm.timeline import EventFilter, casualty_summary, filter_events, year_index
from maliterm.ui.messages import Selection, StoreChange, Target
from maliterm.ui.panes.base import Pane
from maliterm.ui.widgets.line_list import LineList

if TYPE_CHECKING:
    from maliterm.store import Store

DATE_COLUMN = 14
MIN_PLACE = 8  # cells: a place shorter than this once cut says nothing, and is left out


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` cells; a cut one ends at a word boundary if one is near, and in `…`."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = set_cell_size(text, width - 1).rstrip()
    if text[len(head):len(head) + 1].isalnum():  # cut inside a word: go back to its start
        start = max(head.rfind(" "), head.rfind("("))
        if start >= width // 2:
            head = head[:start]
    return head.rstrip(" ,;:(-–") + "…"


class TimelinePane(Pane):
    """Owns the event list and its filter; tells the screen what the person picks."""

    PANE_ID = "timeline"
    BINDING_GROUP_TITLE = "Timeline"
    FOCUS_KEY = "1"
    LISTS = frozenset({"events"})
    ON_TOP_WHEN_NARROW = True
    BINDINGS = [
        Binding("F", "clear_filter", "Clear filter", tooltip="Show every event again"),
        Binding("y", "screen.jump_year", "Year", tooltip="Jump to a year"),
    ]
    HELP = "Events in date order. A coarse date (a year, a month) heads its period; c. marks approximate dates."

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store: Store | None = None
        self.filter = EventFilter()
        self.ids: list[str] = []
        self.marked_actor: str | None = None  # whose events are marked

    def compose(self) -> ComposeResult:
        yield Static("", id="timeline-status", classes="pane-status")
        yield LineList(id="timeline-list")

    @property
    def list(self) -> LineList:
        return self.query_one(LineList)

    def store_changed(self, change: StoreChange) -> None:
        self.store = change.store
        self.apply_filter(EventFilter() if change.opened else self.filter)

    def selection_changed(self, selection: Selection) -> None:
        """An actor's events are marked; an event selected elsewhere gets the cursor; a place clears the marks."""
        target = selection.target
        if target.table == "actors":
            self.mark_actor(target.id)
        elif target.table == "events":
            if selection.origin != self.id:  # picked here: the cursor is on it already
                self.select_event(target.id)
        elif target.table == "places":
            self.mark_actor(None)

    def apply_filter(self, f: EventFilter, keep: str | None = None) -> None:
        self.filter = f
        assert self.store is not None  # show_store comes first
        # One snapshot, never changed: a save publishes the next one, and the panes are told.
        self.ids = filter_events(self.store.snapshot, f)
        current = keep or self.current()
        try:  # one scan at C speed, not a dict of 100k positions made to ask one
            at = self.ids.index(current) if current else 0
        except ValueError:  # filtered out: the top
            at = 0
        self.list.set_rows(len(self.ids), self._row, self._target, at)
        self._status()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # False hides the key from the footer: with no filter, clearing one does nothing.
        return not (action == "clear_filter" and self.filter.is_empty())

    def action_clear_filter(self) -> None:
        self.apply_filter(EventFilter())

    def current(self) -> str | None:
        lst = self.list
        return self.ids[lst.cursor] if self.ids and lst.cursor < len(self.ids) else None

    def mark_actor(self, actor: str | None) -> None:
        """Highlight the events of the actor shown in the dossier; only the lines that change are drawn again."""
        before, self.marked_actor = self.marked_actor, actor
        if before == actor:
            return
        lst = self.list
        for index in lst.shown_rows():
            eid = self.ids[index]
            if self._involves(eid, before) != self._involves(eid, actor):
                lst.refresh_row(index)
        self._status()

    def _involves(self, eid: str, actor: str | None) -> bool:
        # An event names a handful of actors: asking it is cheaper than a set of the actor's thousands of events.
        assert self.store is not None
        return actor is not None and any(a == actor for a, _ in self.store.event_actors(eid))

    def select_event(self, eid: str) -> None:
        """Move the cursor to an event, widening the filter if it hides that event."""
        if eid not in self.ids:
            self.apply_filter(EventFilter(), keep=eid)
        self.list.set_rows(len(self.ids), self._row, self._target, self.ids.index(eid))

    def jump_to_year(self, year: int) -> None:
        assert self.store is not None
        target = self.store.event_order[year_index(self.store, year)] if self.store.event_order else None
        if target is None:
            return
        if target not in self.ids:
            # the filter hides it: go to the first shown event on or after that year
            later = [i for i, e in enumerate(self.ids) if dates.sort_key(self.store.event(e)["date"]) >= (year, 0, 0)]
            self.list.cursor = later[0] if later else len(self.ids) - 1
        else:
            self.list.cursor = self.ids.index(target)

    def _status(self) -> None:
        text = Text().append(counted(len(self.ids), "event"), style="bold")
        assert self.store is not None
        if not self.filter.is_empty():
            text.append(" · ").append_text(literal_line(self.filter.describe(self.store.name), "italic"))
        # No actor marked: the events' lists are not asked for (built on first use, a second at 100k).
        if self.marked_actor and (marked := len(self.store.events_by_actor.get(self.marked_actor, ()))):
            text.append(f" · ● {marked} of the selected actor", style="dim")
        self.query_one("#timeline-status", Static).update(text)

    def _target(self, index: int) -> Target:
        return Target("events", self.ids[index])

    def _row(self, index: int) -> Text:
        eid = self.ids[index]
        assert self.store is not None
        ev = self.store.tables["events"].get(eid)
        if ev is None:  # deleted by a save whose refresh has not reached us yet
            return Text("  (deleted)", style="dim italic")
        marked = self._involves(eid, self.marked_actor)
        # Fixed columns: marker, date, title (and place), casualties right-aligned and never cut.
        width = self.list.scrollable_content_region.width
        cas = f" {cas}" if (cas := casualty_summary(ev)) else ""
        title = one_line(ev["title"])
        places = m.event_places(ev)
        place = f" · {one_line(', '.join(map(self.store.name, places)))}" if places else ""
        room = width - 2 - DATE_COLUMN - cell_len(cas)
        if cell_len(title) + cell_len(place) > room:  # the title first; the place gets what is left
            place = shorten(place, room - cell_len(title)) if room - cell_len(title) >= MIN_PLACE else ""
            title = shorten(title, room - cell_len(place))
        line = Text().append("● " if marked else "  ", style="bold")
        line.append(f"{dates.display_short(ev['date']):<{DATE_COLUMN}}", style="cyan")
        line.append(title, style="bold" if marked else "")
        line.append(place, style="dim")
        if cas:
            line.append(" " * max(0, room - cell_len(title) - cell_len(place)))
            line.append(cas, style="red")
        return line

    def on_line_list_highlighted(self, event: LineList.Highlighted) -> None:
        event.stop()
        if event.target:
            self.navigate(event.target, remember=False)

    def on_line_list_selected(self, event: LineList.Selected) -> None:
        event.stop()
        if event.target:
            self.navigate(event.target)
