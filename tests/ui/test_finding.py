"""Finding things at 80x24 (issue 12): a search that finds nothing says so."""

from __future__ import annotations

import pytest
from textual.widgets import Label, OptionList

from ui_helpers import ready


@pytest.mark.parametrize("query", ["zzzq", "xylophone"])
async def test_search_that_finds_nothing_says_so(open_app, shipped, query):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *query)
        await app.workers.wait_for_complete()  # the texts are searched in a worker
        await pilot.pause()
        assert app.screen.query_one("#search-results", OptionList).option_count == 0
        empty = app.screen.query_one("#search-empty", Label)
        assert empty.display
        said = str(empty.render())
        assert f"Nothing matches '{query}': no name, title, fact, claim, quotation, note or source text." in said
        assert "Try fewer words" in said


async def test_no_match_message_goes_once_something_matches(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"zzzq")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#search-empty", Label).display
        await pilot.press(*["backspace"] * 4, *"sevare")
        await pilot.pause()
        assert not app.screen.query_one("#search-empty", Label).display
        assert app.screen.query_one("#search-results", OptionList).option_count > 0


async def open_filter(pilot, actor: str):
    await pilot.press("f")
    await pilot.pause()
    await pilot.press(*actor)
    await pilot.pause()


def said(app) -> str:
    return str(app.screen.query_one("#filter-actor-error").render())


async def test_filter_actor_takes_the_one_actor_a_word_names_and_says_which(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_filter(pilot, "dacko")
        assert said(app) == "→ Didier Dacko (didier-dacko)"
        assert not app.screen.query_one("#filter-actor-choices").display
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#timeline-list") is not None  # back on the main screen
        from ui_helpers import timeline_status
        assert "Didier Dacko" in timeline_status(app)


async def test_filter_actor_offers_a_pick_list_when_several_fit(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_filter(pilot, "belmokhtar")
        choices = app.screen.query_one("#filter-actor-choices", OptionList)
        assert choices.display
        assert [choices.get_option_at_index(i).id for i in range(choices.option_count)] == [
            "belmokhtar-linked-fighters", "belmokhtar-spinoff", "mokhtar-belmokhtar"]
        assert said(app) == "3 actors match: pick one below"
        await pilot.press("tab")  # from the field to the list
        assert choices.has_focus
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#filter-actor").value == "mokhtar-belmokhtar"
        assert said(app) == "→ Mokhtar Belmokhtar (mokhtar-belmokhtar)"
        assert not choices.display
