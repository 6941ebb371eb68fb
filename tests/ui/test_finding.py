"""Finding things at 80x24 (issue 12): a search that finds nothing says so."""

from __future__ import annotations

import pytest
from textual.widgets import Label, OptionList

from ui_helpers import ready


@pytest.mark.parametrize("query", ["peacekeepers", "HRW", "seventh"])
async def test_search_that_finds_nothing_says_so(open_app, shipped, query):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *query)
        await pilot.pause()
        assert app.screen.query_one("#search-results", OptionList).option_count == 0
        empty = app.screen.query_one("#search-empty", Label)
        assert empty.display
        said = str(empty.render())
        assert f"No name, alias, title or summary matches '{query}'." in said
        assert "Try fewer words" in said


async def test_no_match_message_goes_once_something_matches(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"zzzq")
        await pilot.pause()
        assert app.screen.query_one("#search-empty", Label).display
        await pilot.press(*["backspace"] * 4, *"sevare")
        await pilot.pause()
        assert not app.screen.query_one("#search-empty", Label).display
        assert app.screen.query_one("#search-results", OptionList).option_count > 0
