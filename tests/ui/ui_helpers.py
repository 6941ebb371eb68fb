"""Reading the screen the way a person does: what each pane shows as plain text."""

from __future__ import annotations

from maliterm.ui.panes.dossier import DossierPane
from maliterm.ui.panes.relations import RelationsPane
from maliterm.ui.panes.timeline import TimelinePane
from maliterm.ui.widgets.line_list import LineList


async def ready(app, pilot) -> None:
    """Wait until the worker has loaded the store and the panes are filled."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def dossier_text(app) -> str:
    return app.screen.query_one(DossierPane).text()


def timeline_rows(app) -> list[str]:
    lst = app.screen.query_one("#timeline-list", LineList)
    return [lst.row_text(i).plain for i in range(lst.count)]


def timeline_cursor_row(app) -> str:
    lst = app.screen.query_one("#timeline-list", LineList)
    return lst.row_text(lst.cursor).plain


def tree_labels(app) -> list[str]:
    return app.screen.query_one(RelationsPane).node_labels()


def tree_cursor_label(app) -> str:
    """The text of the relations tree's line under the cursor."""
    node = app.screen.query_one(RelationsPane).relations_tree.cursor_node
    return node.label.plain if node else ""


def timeline_status(app) -> str:
    return str(app.screen.query_one("#timeline-status").render())


def timeline(app) -> TimelinePane:
    return app.screen.query_one(TimelinePane)


async def press_until(pilot, key: str, done, limit: int = 200) -> None:
    """Press `key` until `done()` holds, as a person would keep pressing an arrow."""
    for _ in range(limit):
        if done():
            return
        await pilot.press(key)
    assert done(), f"pressed {key!r} {limit} times without reaching the goal"


async def open_by_search(pilot, text: str) -> None:
    """`/`, type, enter: what a person does to jump to a record."""
    await pilot.press("slash", *text)
    await pilot.pause()
    await pilot.press("enter")


async def settle(pilot) -> None:
    """Let a save (or any worker) finish and the panes repaint."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
