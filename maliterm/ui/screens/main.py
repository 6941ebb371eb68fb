"""The main screen: linked panes, their coordination, and the trail of visited records (back and forward).

The panes are `PANES`, found again with `query(Pane)`: the screen tells them of the data and the selection
through two signals and learns what a person picks from their `Navigate` messages (panes/base.py).
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.events import DescendantFocus, Resize
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Header, LoadingIndicator, ProgressBar, Static

from maliterm import dates
from maliterm.errors import MalitermError
from maliterm.untrusted import one_line
from maliterm.timeline import EventFilter
from maliterm.ui.messages import LoadProgress, Navigate, Selection, StoreChange, StoreLoaded, Target
from maliterm.ui.panes.base import Pane
from maliterm.ui.panes.dossier import DossierPane
from maliterm.ui.panes.relations import RelationsPane
from maliterm.ui.panes.timeline import TimelinePane
from maliterm.ui.edit_actions import EditActions
from maliterm.ui.reading_actions import ReadingActions
from maliterm.ui.widgets.footer import KeyFooter
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store
    from maliterm.ui.app import MalitermApp

LOAD_PHASES = ("reading", "checking", "indexing")  # what Store.open reports, in order
LOAD_WORDS = {"reading": "reading and parsing", "checking": "checking every record", "indexing": "indexing"}
NARROW = 120  # below this many columns the panes stack: timeline on top, dossier and tree below


def collect_from_now_on() -> None:
    """The garbage collector on (the CLI turns it off to start the TUI), past the objects made so far: they
    live as long as the app, and frozen, no later collection rescans them."""
    gc.freeze()
    gc.enable()


class MainScreen(ReadingActions, EditActions, ReportsWorkerErrors, Screen):
    if TYPE_CHECKING:
        app = getters.app(MalitermApp)  # the app's own attributes (store, load_error), typed

    BINDINGS = [
        Binding("slash", "search", "Search", tooltip="Search names and every text: facts, quotations, notes, sources"),
        Binding("f", "filter", "Filter", tooltip="Filter the timeline by actor, place, type or dates"),
        Binding("a", "as_of", "As of", tooltip="Show the lineage as it stood on a date"),
        Binding("left_square_bracket,alt+left", "back", "Back", tooltip="Back to the previous selection"),
        Binding("right_square_bracket,alt+right", "forward", "Forward", show=False,
                tooltip="Forward again after going back"),
        Binding("z", "zoom", "Zoom", tooltip="Maximise the focused pane, or restore it"),
        Binding("m", "map", "Map", show=False, tooltip="The timeline's events on a map; the selection highlighted"),
        Binding("p", "path", "Path", show=False, tooltip="How is one actor connected to another? The shortest chains"),
        Binding("r", "read", "Read", show=False, tooltip="Read the text of the source in the dossier, or of one it cites"),
        Binding("o", "overview", "Overview", tooltip="Events per month or year, top actors, places and types, "
                "contested facts, for the timeline's filter"),
        Binding("n", "new", "New", tooltip="Add an actor, event, place, relation, quotation or source"),
        Binding("e", "edit", "Edit", tooltip="Edit the record in the dossier"),
        Binding("d", "delete", "Delete", show=False, tooltip="Delete the record in the dossier (asks first)"),
        Binding("c", "claim", "Claim", show=False,
                tooltip="Add a claim: a new fact, or another side of a fact (marks it contested)"),
        Binding("u,ctrl+z", "undo", "Undo", tooltip="Undo the last edit of this session"),
        Binding("ctrl+r,ctrl+y", "redo", "Redo", show=False, tooltip="Redo the last undone edit"),
        # A pane declares its own digit (Pane.FOCUS_KEY) and help lists it with the pane; a digit no pane has does nothing.
        *(Binding(str(n), f"focus_pane('{n}')", show=False) for n in range(1, 10)),
    ]
    PANES: ClassVar[tuple[type[Pane], ...]] = (TimelinePane, DossierPane, RelationsPane)
    """The layout: the panes, left to right (narrow: the one `ON_TOP_WHEN_NARROW` above, the others in turn)."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        super().__init__()
        self.path = path
        self.read_only = read_only
        self.store: Store | None = None
        self.selected: Target | None = None  # the record every pane shows
        self.trail: list[Target] = []
        self.trail_at = -1
        self.selection_signal: Signal[Selection] = Signal(self, "selection")
        self.store_signal: Signal[StoreChange] = Signal(self, "store")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="banner", markup=False)
        with Container(id="loading"):
            yield LoadingIndicator()
            yield Static(one_line(f"Opening {self.path}…"), id="loading-text", markup=False)
            yield ProgressBar(total=len(LOAD_PHASES), show_eta=False, id="loading-bar")
        panes = [pane() for pane in self.PANES]
        # The width's classes set before anything is styled: set once mounted, they restyled every widget again.
        self._apply_width(self.app.size.width, panes)
        with Container(id="panes"):
            yield from panes
        yield KeyFooter(compact=True)  # more keys in 80 columns

    def on_mount(self) -> None:
        self.query_one("#panes").display = False
        opening = self.app.opening
        failed = opening.exception() if opening.done() else None
        if opening.done() and failed is None and (store := opening.result()) is not None:
            # Opened while Textual started (a small file): the first frame shows the panes, not a loading screen.
            self.on_store_loaded(StoreLoaded(store))
        elif isinstance(failed, MalitermError):
            self._refuse(failed)
        else:
            # Still opening, or too big to open before the first frame: in a worker, after the loading
            # screen is drawn (orjson holds the GIL while it parses, which would keep that frame back).
            self.call_after_refresh(self.load)

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _below(self, panes: list[Pane] | None = None) -> list[Pane]:
        """The panes that take turns below the top one when the screen is narrow (of `panes`, else of those mounted)."""
        return [p for p in (self.query(Pane) if panes is None else panes) if not p.ON_TOP_WHEN_NARROW]

    def _apply_width(self, width: int, panes: list[Pane] | None = None) -> None:
        narrow = width < NARROW
        self.set_class(narrow, "-narrow")
        below = self._below(panes)
        if below and not any(p.has_class("-turn") for p in below):
            below[0].add_class("-turn", update=panes is None)
        # Narrow, the panes below the top one take turns: each says how to reach the others.
        for pane in below:
            others = " · ".join(f"{p.FOCUS_KEY} {p.BINDING_GROUP_TITLE}" for p in below if p is not pane)
            pane.border_subtitle = others if narrow else ""

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """Narrow, the pane below the top one is the one of them last focused."""
        pane = next((a for a in event.widget.ancestors_with_self if isinstance(a, Pane)), None)
        if pane is not None and not pane.ON_TOP_WHEN_NARROW:
            self._take_turn(pane)

    def _take_turn(self, pane: Pane) -> None:
        for other in self._below():
            other.set_class(other is pane, "-turn")

    # ---- loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False, description="Loading the database")
    def load(self) -> None:
        from maliterm.storage import file_size
        from maliterm.store import Store

        size = max(file_size(self.path), 0) / 1e6

        def progress(phase: str) -> None:
            step = LOAD_PHASES.index(phase)
            self.post_message(LoadProgress(f"{self.path.name} ({size:.1f} MB): {LOAD_WORDS[phase]}…",
                                           step, len(LOAD_PHASES)))

        try:
            # Opened in the background unless too big (None); anything else it raised, the app's handler shows.
            store = self.app.opening.result()
            if store is None:
                store = Store.open(self.path, read_only=self.read_only, progress=progress)
        except MalitermError as exc:
            self.app.call_from_thread(self._refuse, exc)
            return
        self.post_message(StoreLoaded(store))

    def _refuse(self, exc: MalitermError) -> None:
        # The CLI prints the problems once the terminal is restored, unwrapped, one per line.
        self.app.load_error = exc
        self.app.exit(return_code=1)

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()  # release the writer's lock for the next session

    def on_load_progress(self, message: LoadProgress) -> None:
        self.query_one("#loading-text", Static).update(one_line(message.text))
        self.query_one("#loading-bar", ProgressBar).update(total=message.steps, progress=message.step)

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False, description="Search index not built")
    def warm_search(self) -> None:
        """Build the indexes left for first use, then the search index, after the panes show, so the
        first actor picked and the first `/` keystroke do not wait for them."""
        assert self.store is not None  # started once it is loaded
        self.store.snapshot.prepare()
        self.store.prepare_search()

    @work(thread=True, exclusive=True, group="fulltext-index", exit_on_error=False,
          description="Full-text index not built")
    def warm_fulltext(self) -> None:
        """Open or build the index of every text (seconds at 100k events): `/` shows name hits meanwhile."""
        from maliterm import fulltext  # loaded here: a quicker start

        assert self.store is not None  # started once it is loaded
        fulltext.prepare(self.store)

    def on_store_loaded(self, message: StoreLoaded) -> None:
        self.store = store = message.store
        self.app.store = store
        # The title, the reason and the lock holder come from files: one line each, shown, never obeyed.
        self.app.title = f"maliterm · {one_line(store.title)}"
        self.set_saved_state("read-only" if store.read_only else "saved")
        banner = self.query_one("#banner", Static)
        banner.display = store.read_only
        if store.read_only:
            banner.update(one_line(f"READ-ONLY: {store.read_only_reason}. You can read and export; edits are off."))
        if store.took_over_lock_from is not None:
            self.notify(one_line(f"Took over the lock of a writer that is gone: {store.took_over_lock_from.describe()}"),
                        severity="warning", markup=False)
        # Removed, not hidden: a hidden LoadingIndicator keeps animating (1% of a core, idle).
        self.query("#loading").remove()
        self.query_one("#panes").display = True
        self.store_signal.publish(StoreChange(store, opened=True))
        self.query(Pane).first().focus_content()
        first = store.events_in_order()
        if first:
            self.show(Target("events", first[0]))
        # After the frame with the panes: the index builds hold the GIL for seconds at 100k events,
        # and started now they would hold back that very frame.
        self.call_after_refresh(self.warm_search)
        self.call_after_refresh(self.warm_fulltext)
        self.call_after_refresh(collect_from_now_on)

    # ---- coordination --------------------------------------------------------------------

    @on(Navigate)
    def on_navigate(self, message: Navigate) -> None:
        """A record picked in a pane (its `origin`), or opened from elsewhere: search, the palette, the map."""
        message.stop()
        self.open_record(message.target, message.origin, message.remember)

    def open_record(self, target: Target | None, origin: str = "", remember: bool = True) -> None:
        """Show `target` in every pane; `remember`: add it to the trail (back and forward) and focus the pane it opens in.

        `origin` is the pane it was picked in; "" from elsewhere (search, the palette, the map, a dialog's
        answer, where None means nothing was chosen). A citation opens the reader at its paragraph."""
        if target is None:
            return
        if target.para is not None:
            self.read(target)
            return
        self.show(target, origin)
        if remember:
            self.remember(target)
            if (pane := self._opens(target, origin)) is not None:
                self.focus_pane(pane)

    def _opens(self, target: Target, origin: str) -> Pane | None:
        """The pane an opened record takes focus in: picked in a pane, the one showing it whole; from elsewhere,
        the pane that lists its table if one does."""
        panes = list(self.query(Pane))
        listing = [] if origin else [p for p in panes if target.table in p.LISTS]
        return next(iter(listing + [p for p in panes if p.SHOWS_RECORD]), None)

    def show(self, target: Target, origin: str = "") -> None:
        """Show a record in every pane: each is told (`selection_signal`), none reaches into another."""
        if self.store is None or self.store.get(target.id) is None:
            return
        self.selected = target
        self.selection_signal.publish(Selection(target, origin))

    def refresh_panes(self, target: Target | None = None) -> None:
        """Redraw every pane from the store, then show `target`, else what was shown, else (it went) the first event."""
        if (store := self.store) is None:  # edits come after the load
            return
        self.store_signal.publish(StoreChange(store, opened=False))
        self.trail = [t for t in self.trail if store.get(t.id) is not None]
        self.trail_at = min(self.trail_at, len(self.trail) - 1)
        for candidate in (target, self.selected):
            if candidate is not None and store.get(candidate.id) is not None:
                self.show(candidate)  # an actor also gets its relations and timeline marks here
                return
        first = store.events_in_order()
        if first:
            self.show(Target("events", first[0]))

    def remember(self, target: Target) -> None:
        if self.trail_at >= 0 and self.trail[self.trail_at] == target:
            return
        del self.trail[self.trail_at + 1:]
        self.trail.append(target)
        self.trail_at = len(self.trail) - 1
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """False hides a key from the footer while it would do nothing, leaving room for those that do."""
        if action == "back":
            return self.trail_at > 0
        if action in ("undo", "redo"):
            return self.store is not None and getattr(self.store, f"can_{action}")
        if action == "focus_pane":
            return self._pane_keyed(*parameters) is not None
        return True

    def action_back(self) -> None:
        if self.trail_at > 0:
            self.trail_at -= 1
            self.show(self.trail[self.trail_at])
            self.refresh_bindings()

    def action_forward(self) -> None:
        if self.trail_at < len(self.trail) - 1:
            self.trail_at += 1
            self.show(self.trail[self.trail_at])
            self.refresh_bindings()

    # ---- actions -------------------------------------------------------------------------

    def action_search(self, query: str = "") -> None:
        from maliterm.ui.dialogs.search import SearchScreen  # dialogs load when first opened: a quicker start

        if self.store is not None:
            self.app.push_screen(SearchScreen(self.store, query), self.open_record)

    def action_filter(self) -> None:
        if self.store is None:
            return
        timeline = self.query_one(TimelinePane)

        def apply(f) -> None:
            if f is not None:
                timeline.apply_filter(f)
                self.focus_pane(timeline)

        from maliterm.ui.dialogs.filter import FilterScreen

        self.app.push_screen(FilterScreen(self.store, timeline.filter), apply)

    def action_overview(self) -> None:
        """Open the overview of the timeline's filter; a filter changed there comes back to the timeline."""
        if self.store is None:
            return
        from maliterm.ui.screens.overview import OverviewScreen

        timeline = self.query_one(TimelinePane)

        def back(f: EventFilter | None) -> None:
            if f is not None and f != timeline.filter:
                timeline.apply_filter(f)

        self.app.push_screen(OverviewScreen(self.store, timeline.filter), back)

    def action_jump_year(self) -> None:
        from maliterm.ui.dialogs.prompt import PromptScreen  # imported when first asked: a quicker first frame

        if self.store is None:
            return

        def check(value: str) -> str | None:
            return None if value.isdigit() and len(value) == 4 else "a four-digit year, e.g. 2013"

        def jump(value: str | None) -> None:
            if value:
                timeline = self.query_one(TimelinePane)
                timeline.jump_to_year(int(value))
                self.focus_pane(timeline)

        self.app.push_screen(PromptScreen("Jump to year", "YYYY", check=check), jump)

    def action_as_of(self) -> None:
        from maliterm.ui.dialogs.prompt import PromptScreen

        if self.store is None:
            return
        relations = self.query_one(RelationsPane)

        def check(value: str) -> str | None:
            why = dates.problem(value)
            return f"{why} (expected {dates.FORMAT_HINT})" if why else None

        def apply(value: str | None) -> None:
            if value is not None:
                relations.set_as_of(value or None)
                self.focus_pane(relations)

        self.app.push_screen(PromptScreen(
            "Lineage as of date (empty: all time)", "YYYY-MM-DD", relations.as_of or "", check,
            hint="Groups and links that may have existed by then; later splits and mergers are hidden."), apply)

    def action_export(self, fmt: str, selected_actor: bool = False) -> None:
        """Ask for a path, then write the export in a worker so the screen never waits on disk."""
        from maliterm.interchange.exporters import get
        from maliterm.ui.dialogs.prompt import PromptScreen

        if self.store is None:
            return
        actor = None
        if selected_actor:
            shown = self.selected
            if shown is None or shown.table != "actors":
                self.notify("Select an actor first.", severity="warning")
                return
            actor = shown.id
        default = Path.cwd() / f"{self.store.path.stem}{'-' + actor if actor else ''}{get(fmt).suffix}"

        def check(value: str) -> str | None:  # asks the disk: the prompt runs it in a worker
            path = Path(value).expanduser()
            if path.exists():
                return f"{path} exists; choose a new name (nothing is overwritten)"
            if not path.parent.is_dir():
                return f"folder {path.parent} does not exist"
            return None

        def write(value: str | None) -> None:
            if value:
                self._write_export(fmt, Path(value).expanduser(), actor)

        self.app.push_screen(PromptScreen(f"Export {fmt} to file", str(default), str(default), check_disk=check), write)

    @work(thread=True, group="export", exit_on_error=False, description="Export failed")
    def _write_export(self, fmt: str, path: Path, actor: str | None) -> None:
        from maliterm.interchange.exporters import Scope, export_to

        assert self.store is not None  # action_export checked it
        export_to(self.store, fmt, path, Scope(actor=actor))  # a failure of any kind: the app's handler shows it
        self.app.call_from_thread(self.notify, one_line(f"Wrote {path}"), title="Export", markup=False)

    def action_map(self) -> None:
        from maliterm.mapplaces import highlighted
        from maliterm.ui.screens.map import MapScreen

        if self.store is None:
            return
        timeline = self.query_one(TimelinePane)
        shown = self.selected
        mark = highlighted(self.store, shown.table, shown.id) if shown else frozenset()
        self.app.push_screen(MapScreen(self.store, timeline.filter, mark), self.open_record)

    def action_path(self) -> None:
        from maliterm.ui.dialogs.path import PathScreen

        if self.store is None:
            return
        shown = self.selected
        self.app.push_screen(PathScreen(self.store, shown.id if shown and shown.table == "actors" else None),
                             self.open_record)

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
        elif self.focused is not None:
            pane = next((a for a in self.focused.ancestors_with_self if isinstance(a, Pane)), None)
            if pane is not None:
                self.maximize(pane, container=False)

    def focus_pane(self, pane: Pane) -> None:
        if not pane.ON_TOP_WHEN_NARROW:
            self._take_turn(pane)  # narrow: shown before it is focused (a hidden widget takes no focus)
        pane.focus_content()

    def _pane_keyed(self, key: str) -> Pane | None:
        return next((p for p in self.query(Pane) if p.FOCUS_KEY == key), None)

    def action_focus_pane(self, key: str) -> None:
        if (pane := self._pane_keyed(key)) is not None:
            self.focus_pane(pane)

    def action_clear_filter(self) -> None:
        """The palette's "Clear the timeline filter" (in the timeline, F)."""
        self.query_one(TimelinePane).action_clear_filter()

    def action_help(self) -> None:
        """Every pane's keys, the focused pane first; then the screen's, with each pane's focus key."""
        panes = list(self.query(Pane))
        focused = next((p for p in panes if self.focused is not None and p in self.focused.ancestors_with_self), None)
        if focused is not None:
            panes.remove(focused)
            panes.insert(0, focused)
        sections: list[tuple[str, str, list[type | Binding]]] = [
            p.help_section(focused=p is focused) for p in panes]
        sections.append(("Everywhere", "", [type(self), *(p.focus_binding() for p in self.query(Pane)), type(self.app)]))
        from maliterm.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(sections))
