"""The overview: for the timeline's filter, events per month or year as a bar chart, the top actors,
places and event types, and the contested facts; computed in a worker, redrawn when the filter changes.

It returns its filter when closed, so a filter changed here (`f`, `c`, `F`) is the timeline's too.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from maliterm.stats import Overview, overview
from maliterm.timeline import EventFilter
from maliterm.ui.widgets.overview_body import OverviewBody
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store

TOP = 8
SLOW = 0.15  # seconds: a count taking longer shows the loading indicator


class OverviewScreen(ReportsWorkerErrors, Screen[EventFilter]):
    BINDING_GROUP_TITLE = "Overview"
    HELP = ("Events per month or year for the timeline's filter (the busiest named), the most frequent actors, "
            "places and event types, and the contested facts. Changing the filter here changes the timeline's.")
    BINDINGS = [
        Binding("escape,o", "close", "Back", tooltip="Back to the timeline, with this filter"),
        Binding("b", "toggle_by", "Month/year", tooltip="Count per month or per year"),
        Binding("c", "toggle_contested", "Contested only", tooltip="Only events with a contested fact, or all again"),
        Binding("f", "filter", "Filter", tooltip="Filter by actor, place, type or dates"),
        Binding("F", "clear_filter", "Clear filter", tooltip="Count every event again"),
        Binding("question_mark,f1", "help", "Keys", tooltip="Show every key"),
    ]

    def __init__(self, store: Store, f: EventFilter, by: str = "month") -> None:
        super().__init__()
        self.store = store
        self.filter = f
        self.by = by
        self.shown: Overview | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield OverviewBody(id="overview")
        yield Footer()

    def on_mount(self) -> None:
        self.app.sub_title = "Overview"
        self.recompute()

    def on_unmount(self) -> None:
        self.app.sub_title = ""

    # ---- computing -----------------------------------------------------------------------

    def recompute(self) -> None:
        """Count again for the current filter and grouping; the last figures stay until the new ones come.

        The loading indicator shows only for a count that takes a while: a quick one would flash it,
        and its animation would take frames from the count itself."""
        self._slow = self.set_timer(SLOW, self._show_loading)
        self.count(self.filter, self.by)

    def _show_loading(self) -> None:
        self.query_one("#overview").loading = True

    def _counted_now(self) -> None:
        self._slow.stop()
        self.query_one("#overview").loading = False

    @work(thread=True, exclusive=True, group="overview", exit_on_error=False,
          description="Could not count the overview")
    def count(self, f: EventFilter, by: str) -> Overview:
        # At 100k events the first count reads every event: never on the UI thread.
        return overview(self.store, f, by, top=TOP)

    @on(Worker.StateChanged)
    def _counted(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "overview":
            return
        if event.state == WorkerState.SUCCESS:
            ov = event.worker.result
            if ov is not None and ov.filter == self.filter and ov.by == self.by:  # not an answer to an old question
                self.show_overview(ov)
        elif event.state == WorkerState.ERROR:  # shown by the app's one handler (ReportsWorkerErrors)
            self._counted_now()

    # ---- drawing -------------------------------------------------------------------------

    def show_overview(self, ov: Overview) -> None:
        self.shown = ov
        self._counted_now()
        self.query_one(OverviewBody).show(self.store, ov)

    # ---- actions -------------------------------------------------------------------------

    def set_filter(self, f: EventFilter) -> None:
        if f != self.filter:
            self.filter = f
            self.recompute()

    def action_toggle_by(self) -> None:
        self.by = "year" if self.by == "month" else "month"
        self.recompute()

    def action_toggle_contested(self) -> None:
        self.set_filter(replace(self.filter, contested=not self.filter.contested))

    def action_clear_filter(self) -> None:
        self.set_filter(EventFilter())

    def action_filter(self) -> None:
        from maliterm.ui.dialogs.filter import FilterScreen

        def apply(f: EventFilter | None) -> None:
            if f is not None:
                self.set_filter(f)

        self.app.push_screen(FilterScreen(self.store, self.filter), apply)

    def action_close(self) -> None:
        self.dismiss(self.filter)

    def action_help(self) -> None:
        from maliterm.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen([(self.BINDING_GROUP_TITLE, self.HELP, [type(self)]),
                                         ("Everywhere", "", [type(self.app)])]))


def overview_text(screen: OverviewScreen) -> str:
    """Every line of the overview as plain text, scrolled into view or not (for tests: what a person reads)."""
    return "\n".join(screen.query_one(OverviewBody).plain_lines())
