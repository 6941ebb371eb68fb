"""Adding a pane touches its own module, the layout and the CSS (docs/architecture.md, "Adding a pane").

The toy pane below is written the way the page says, in this file alone; the layout step is the one line
`MainScreen.PANES` (here patched, in the app a tuple in ui/screens/main.py) and its CSS its `DEFAULT_CSS`
(in the app a line of app.tcss). Nothing else is told about it, yet it gets the data, the selection, a focus
key, its help in `?` and its turn below the timeline at 80 columns.
"""

from __future__ import annotations

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from maliterm.untrusted import literal_line
from maliterm.ui.messages import Selection, StoreChange
from maliterm.ui.panes.base import Pane
from maliterm.ui.panes.dossier import DossierPane
from maliterm.ui.edit_actions import EditsHost
from maliterm.ui.screens.help import HelpScreen
from maliterm.ui.screens.main import MainScreen

from ui_helpers import dossier_text, open_by_search, ready


class Shown(Static, can_focus=True):
    """The toy pane's one focusable line."""


class ToyPane(Pane):
    """A pane a developer might add: the name of the actor last selected, and one key of its own."""

    PANE_ID = "toy"
    BINDING_GROUP_TITLE = "Toy"
    FOCUS_KEY = "4"
    HELP = "The name of the actor last selected, to check a new pane gets the selection."
    BINDINGS = [Binding("x", "count", "Count", tooltip="Count the actors selected so far")]
    DEFAULT_CSS = "#toy { width: 3fr; }"  # in the app: a line of app.tcss

    def __init__(self) -> None:
        super().__init__()
        self.store_changes: list[bool] = []
        self.actors: list[str] = []

    def compose(self) -> ComposeResult:
        yield Shown("no actor yet", id="toy-name")

    def store_changed(self, change: StoreChange) -> None:
        self.store = change.store
        self.store_changes.append(change.opened)

    def selection_changed(self, selection: Selection) -> None:
        if selection.target.table == "actors":
            self.actors.append(selection.target.id)
            self.query_one(Shown).update(literal_line(self.store.name(selection.target.id)))

    def action_count(self) -> None:
        self.query_one(Shown).update(f"{len(self.actors)} actors selected")


@pytest.fixture
def with_toy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout step of adding a pane: its class in `MainScreen.PANES`."""
    monkeypatch.setattr(MainScreen, "PANES", (*MainScreen.PANES, ToyPane))


def shown(app) -> str:
    return str(app.screen.query_one("#toy-name", Shown).render())


def help_lines(app) -> list[str]:
    assert isinstance(app.screen, HelpScreen)
    return [line for w in app.screen.query(Static) for line in str(w.render()).splitlines()]


async def test_a_toy_pane_gets_the_data_and_the_selection(open_app, shipped, with_toy):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        toy = app.screen.query_one(ToyPane)
        assert toy.border_title == "4 Toy"
        assert toy.store_changes == [True]  # the file opened: told once
        assert shown(app) == "no actor yet"  # the first event is selected, not an actor
        await open_by_search(pilot, "al-mourabitoun")
        await pilot.pause()
        assert dossier_text(app).startswith("Al-Mourabitoun")
        assert shown(app) == "Al-Mourabitoun"
        assert toy.actors == ["al-mourabitoun"]


async def test_a_toy_pane_has_its_focus_key_its_keys_and_its_help(open_app, shipped, with_toy):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("4")
        assert app.focused is app.screen.query_one("#toy-name")
        await pilot.press("x")  # the pane's own binding, live while it has focus
        assert shown(app) == "0 actors selected"
        await pilot.press("question_mark")
        lines = help_lines(app)
        assert lines[1:4] == ["Toy (focused)", ToyPane.HELP, "x  Count the actors selected so far"]
        everywhere = lines[lines.index("Everywhere"):]
        assert ["4", "Focus the toy"] in [line.split(None, 1) for line in everywhere]  # its focus key
        await pilot.press("escape")
        await pilot.press("1")  # the timeline: the toy's section moves down, unfocused
        await pilot.press("question_mark")
        lines = help_lines(app)
        assert lines[1] == "Timeline (focused)" and "Toy" in lines and "Toy (focused)" not in lines


async def test_a_toy_pane_takes_its_turn_below_the_timeline_when_narrow(open_app, shipped, with_toy):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        dossier, toy = app.screen.query_one(DossierPane), app.screen.query_one(ToyPane)
        assert dossier.display and not toy.display
        assert dossier.border_subtitle == "3 Relations · 4 Toy"  # how to reach the others below
        await pilot.press("4")
        assert toy.display and not dossier.display
        assert app.focused is app.screen.query_one("#toy-name")
        await pilot.press("2")
        assert dossier.display and not toy.display


async def test_a_pane_whose_hook_fails_stops_the_app_rather_than_failing_unseen(open_app, shipped, monkeypatch):
    """A Signal logs a subscriber's exception and goes on; a pane's is raised in the app, as any handler's."""
    class Broken(ToyPane):
        def selection_changed(self, selection: Selection) -> None:
            raise LookupError("toy pane bug")

    monkeypatch.setattr(MainScreen, "PANES", (*MainScreen.PANES, Broken))
    app = open_app(shipped)
    with pytest.raises(LookupError, match="toy pane bug"):
        async with app.run_test(size=(160, 48)) as pilot:
            await ready(app, pilot)


async def test_the_main_screen_gives_the_edit_actions_what_they_declare(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, EditsHost)
