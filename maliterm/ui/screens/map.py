"""The map screen: the timeline's events on country outlines, panned and zoomed by keyboard.

It is given what to show (places with their counts under the timeline's filter, the places
to highlight) and dismisses with the place to open, or None; the main screen does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from maliterm import mapdraw
from maliterm.mapdraw import View, draw, nearest
from maliterm.mapplaces import MapPlaces, map_places
from maliterm.presentation import counted
from maliterm.untrusted import literal_line, one_line
from maliterm.timeline import EventFilter, filter_events
from maliterm.ui.messages import Target
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store

PAN = 4  # a key pans by this fraction of the view
ZOOM = 1.5


class MapView(Widget, can_focus=True):
    """The map itself; its centre (`+`) picks the point that Enter opens."""

    BINDINGS = [
        Binding("left,h", "pan(-1, 0)", "Pan", tooltip="Move the view west (arrow keys: every way)"),
        Binding("right,l", "pan(1, 0)", "East", show=False, tooltip="Move the view east"),
        Binding("up,k", "pan(0, -1)", "North", show=False, tooltip="Move the view north"),
        Binding("down,j", "pan(0, 1)", "South", show=False, tooltip="Move the view south"),
        Binding("plus,equals_sign", "zoom(1.5)", "Zoom in", tooltip="Zoom in (+)"),
        Binding("minus", "zoom(0.6666666666666666)", "Zoom out", tooltip="Zoom out (-)"),
        Binding("0", "fit", "Fit", tooltip="Fit every place in view again"),
        Binding("enter", "open", "Open", tooltip="Open the place nearest the centre (+)"),
    ]
    view: reactive[View | None] = reactive(None)

    @dataclass
    class Moved(Message):
        """The view changed: `near` is the place Enter would open now (None: none in view)."""

        near: mapdraw.Point | None

    @dataclass
    class Opened(Message):
        place: str

    def __init__(self, highlight: frozenset[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.places = MapPlaces([], [])
        self.highlight = highlight
        self.ready = False  # places and outlines are read in a worker: no file I/O, no long count on the UI thread
        self.outlines = True  # False: they could not be read, the points are drawn alone

    def show_places(self, places: MapPlaces, outlines: bool) -> None:
        """New places (a new filter): the view fits them the first time, then stays where the person left it."""
        first = not self.ready
        self.places, self.ready, self.outlines = places, True, outlines
        if first or self.view is None:
            self.action_fit()
        else:
            self.refresh()
            self.post_message(self.Moved(nearest(self.view, *self.cells(), places.points)))

    def on_resize(self) -> None:
        if self.ready and self.view is None:
            self.action_fit()
        else:
            self.refresh()

    def cells(self) -> tuple[int, int]:
        return max(self.size.width, 1), max(self.size.height, 1)

    def render(self) -> Text:
        if not self.ready or self.view is None:
            return Text("Counting places, reading the country outlines…", style="dim")
        cols, rows = self.cells()
        return Text("\n").join(draw(self.view, cols, rows, self.places.points, self.highlight, cursor=True,
                                    outlines=self.outlines))

    def watch_view(self, view: View | None) -> None:
        if view is not None:
            self.post_message(self.Moved(nearest(view, *self.cells(), self.places.points)))

    def action_fit(self) -> None:
        self.view = View.fit([(p.lon, p.lat) for p in self.places.points], *self.cells())

    def action_pan(self, across: int, down: int) -> None:
        if self.view is not None:
            cols, rows = self.cells()
            self.view = self.view.panned(across * cols / PAN, down * rows / PAN)

    def action_zoom(self, factor: float) -> None:
        if self.view is not None:
            self.view = self.view.zoomed(factor)

    def action_open(self) -> None:
        near = nearest(self.view, *self.cells(), self.places.points) if self.view else None
        if near is None:
            self.notify("No place in view: pan, zoom out or press 0.", severity="warning", timeout=3)
        else:
            self.post_message(self.Opened(near.id))


class MapScreen(ReportsWorkerErrors, Screen[Target | None]):
    BINDINGS = [Binding("escape,q,m", "close", "Close", tooltip="Back to the panes"),
                Binding("f", "filter", "Filter", tooltip="Filter the map's events (the timeline keeps its own)")]
    HELP = ("Arrows (or h j k l) pan, + and - zoom, 0 fits every place again, Enter opens the place nearest "
            "the +, f filters, escape closes. Tab reaches the places without coordinates.")

    def __init__(self, store: Store, event_filter: EventFilter, highlight: frozenset[str]) -> None:
        super().__init__()
        self.store = store
        self.filter = event_filter  # the timeline's when the map opens
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="map-body"):
            yield MapView(self.highlight, id="map-view")
            with Vertical(id="map-side"):
                yield Static("", id="map-about")
                yield Static("", id="map-near")
                yield Static(Text(f"{mapdraw.legend()} events; reversed: the selection", style="dim"),
                             id="map-legend")
                yield Static(Text(self.HELP, style="italic"), id="map-help")
                yield Static(Text("Not on the map (no coordinates):", style="bold"), id="map-unplaced-title")
                yield OptionList(id="map-unplaced")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(MapView).focus()
        self.prepare()

    @work(thread=True, exclusive=True, group="map", exit_on_error=False, description="Map not drawn")
    def prepare(self) -> None:
        places = map_places(self.store, filter_events(self.store, self.filter))
        try:
            mapdraw.outlines()  # cached: only the first map of a session reads the file
            read = True
        except (OSError, ValueError) as exc:  # a damaged install: say so, draw the points alone
            self.app.call_from_thread(self.notify, one_line(f"Country outlines not read ({mapdraw.COUNTRIES}): {exc}"),
                                      severity="error", markup=False)
            read = False
        self.app.call_from_thread(self.show_places, places, read)

    def show_places(self, places: MapPlaces, outlines: bool) -> None:
        mapped = sum(p.count for p in places.points)
        self.query_one("#map-about", Static).update(literal_line(
            f"{self.filter.describe(self.store.name)}: {counted(len(places.points), 'place')} on the map, "
            f"{counted(mapped, 'event')}"))
        self.query_one("#map-unplaced-title", Static).update(
            Text(f"Not on the map (no coordinates): {len(places.unplaced)}", style="bold"))
        unplaced = self.query_one("#map-unplaced", OptionList)
        unplaced.clear_options()
        unplaced.add_options(
            [Option(literal_line(f"{self.store.name(pid)}: {n}"), id=pid) for pid, n in places.unplaced])
        self.query_one(MapView).show_places(places, outlines)

    @on(MapView.Moved)
    def show_near(self, message: MapView.Moved) -> None:
        near = self.query_one("#map-near", Static)
        if message.near is None:
            near.update(Text("No place in view.", style="dim"))
        else:
            p = message.near
            near.update(Text("Enter opens: ", style="bold").append_text(
                literal_line(f"{self.store.name(p.id)} ({counted(p.count, 'event')}, {p.lat:.2f}, {p.lon:.2f})")))

    @on(MapView.Opened)
    def open_place(self, message: MapView.Opened) -> None:
        self.dismiss(Target("places", message.place))

    @on(OptionList.OptionSelected, "#map-unplaced")
    def open_unplaced(self, message: OptionList.OptionSelected) -> None:
        assert message.option.id is not None  # each option is made with its place's id
        self.dismiss(Target("places", message.option.id))

    def action_filter(self) -> None:
        from maliterm.ui.dialogs.filter import FilterScreen

        def apply(f: EventFilter | None) -> None:
            if f is not None:
                self.filter = f
                self.prepare()

        self.app.push_screen(FilterScreen(self.store, self.filter), apply)

    def action_help(self) -> None:
        from maliterm.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen([("Map", self.HELP, [MapView, type(self)]), ("Everywhere", "", [type(self.app)])]))

    def action_close(self) -> None:
        self.dismiss(None)

