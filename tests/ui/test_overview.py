"""The overview screen (`o`): the timeline's filter counted in a worker, redrawn when the filter changes."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from ui_helpers import ready, timeline, timeline_rows, timeline_status

from maliterm.cli import main
from maliterm.store import init
from maliterm.timeline import EventFilter, filter_events
from maliterm.ui.app import make_app
from maliterm.ui.screens.help import HelpScreen
from maliterm.ui.screens.main import MainScreen
from maliterm.ui.screens.overview import OverviewScreen, overview_text
from maliterm.ui.widgets.overview_body import OverviewBody

ACLED = Path(__file__).parents[1] / "data" / "acled_sample.csv"


@pytest.fixture
def acled(tmp_path: Path) -> Path:
    """A database holding the ACLED-layout sample, imported as a person would (places with coordinates)."""
    path = tmp_path / "acled.json"
    init(path, "ACLED sample")
    result = CliRunner().invoke(main, ["import", "acled", str(ACLED), "--db", str(path), "--apply"])
    assert result.exit_code == 0, result.output
    return path


async def open_overview(pilot) -> OverviewScreen:
    await pilot.press("o")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, OverviewScreen)
    return pilot.app.screen


async def test_the_overview_of_every_event(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        screen = await open_overview(pilot)
        text = overview_text(screen)
        assert text.startswith("23 events, at least 170 killed (all events)")
        assert "▲ busiest: 2015-11 (4 events, 150 killed)" in text
        assert "Contested facts (6)" in text
        assert "Radisson Blu Hotel attack, Bamako: death toll (2 sides)" in text
        tops = [str(g.key) for g in screen.shown.actors[:2]]
        assert tops == ["aqim", "france"]  # 6 events each; the tie broken by id


def on_screen(screen: OverviewScreen) -> list[str]:
    """The overview's rows as the terminal shows them now (scrolled)."""
    body = screen.query_one(OverviewBody)
    return [body.render_line(y).text for y in range(body.scrollable_content_region.height)]


async def test_scrolling_the_overview_by_keyboard_at_80x24_shows_the_contested_facts(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        screen = await open_overview(pilot)
        assert "Contested facts (6)" in overview_text(screen)
        assert not any("Contested facts" in row for row in on_screen(screen))  # below the fold at 80x24
        await pilot.press("end")
        await pilot.pause()
        rows = on_screen(screen)
        assert any("Contested facts (6)" in row for row in rows)
        assert any("Radisson Blu Hotel attack, Bamako: death toll (2 sides)" in row for row in rows)
        await pilot.press("home")
        await pilot.pause()
        assert on_screen(screen)[0].startswith("23 events, at least 170 killed (all events)")
        await pilot.press("pagedown")
        await pilot.pause()
        assert not on_screen(screen)[0].startswith("23 events")


async def test_a_redraw_keeps_the_place_scrolled_to_when_it_still_exists(shipped):
    """A smaller overview (contested only) cannot be scrolled past its end."""
    app = make_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        screen = await open_overview(pilot)
        await pilot.press("end", "c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = on_screen(screen)
        assert screen.shown.filter.contested and any("Contested facts (6)" in row for row in rows)
        assert rows[-1].strip()  # the last line drawn at the bottom, no blank rows past the end


async def test_the_overview_counts_the_timelines_filter_and_gives_it_back(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        timeline(app).apply_filter(EventFilter(place="mali-country"))
        await pilot.pause()
        screen = await open_overview(pilot)
        assert overview_text(screen).startswith("9 events, at least 40 killed (place Mali)")
        await pilot.press("c")  # contested only, on top of the place
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert overview_text(screen).startswith("2 events, at least 33 killed (place Mali, contested only)")
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown.by == "year" and [g.key for g in screen.shown.groups] == ["2015"]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "place Mali, contested only" in timeline_status(app)
        rows = timeline_rows(app)
        assert len(rows) == 2 and "Radisson Blu Hotel attack" in rows[1] and "Byblos Hotel attack" in rows[0]


async def test_a_filter_changed_in_the_overview_redraws_it(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        screen = await open_overview(pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("tab", *"Bamako", "enter")  # the place field
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert overview_text(screen).startswith("2 events, at least 25 killed (place Bamako)")
        await pilot.press("F")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert overview_text(screen).startswith("23 events")


async def test_the_contested_only_option_of_the_timeline_filter(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        await pilot.click("#filter-contested")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "contested only" in timeline_status(app)
        assert len(timeline_rows(app)) == 4
        titles = " ".join(timeline_rows(app))
        assert "Radisson Blu Hotel attack" in titles and "Paris attacks" not in titles


async def test_counting_never_blocks_the_screen(shipped, monkeypatch):
    """Held in its worker, the count leaves the screen answering keys; its result arrives after."""
    import maliterm.ui.screens.overview as module

    release = threading.Event()
    real = module.overview

    def slow(*args, **kwargs):
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "overview", slow)
    app = make_app(shipped)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await pilot.pause(0.3)  # a count taking a while shows the loading indicator
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.shown is None
        assert screen.query_one("#overview").loading
        await pilot.press("b")  # answered while the count waits
        await pilot.pause()
        assert screen.by == "year"
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown is not None and screen.shown.by == "year"  # the answer to the last question
        assert not screen.query_one("#overview").loading


async def test_a_failed_count_is_shown(shipped, monkeypatch):
    import maliterm.ui.screens.overview as module

    def broken(*args, **kwargs):
        raise OSError("disk gone")

    monkeypatch.setattr(module, "overview", broken)
    app = make_app(shipped)
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        toasts = "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert "Could not count the overview" in toasts and "disk gone" in toasts  # the app's one error handler
        assert not app.screen.query_one("#overview").loading


async def test_the_key_is_in_the_help(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Events per month or year, top actors" in "\n".join(
            str(s.content) for s in app.screen.query("Static"))
        await pilot.press("escape")
        await open_overview(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = "\n".join(str(s.content) for s in app.screen.query("Static"))
        assert "Only events with a contested fact" in shown and "Count per month or per year" in shown


async def test_over_an_acled_import_the_overview_counts_what_the_timeline_lists(acled):
    app = make_app(acled)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        store = app.screen.store
        mopti = store.resolve("Mopti", ("places",))[1]["id"]
        timeline(app).apply_filter(EventFilter(place=mopti))
        await pilot.pause()
        listed = len(timeline_rows(app))
        screen = await open_overview(pilot)
        assert listed == len(filter_events(store, EventFilter(place=mopti))) > 1
        assert screen.shown.events == listed == sum(g.events for g in screen.shown.groups)
        assert overview_text(screen).startswith(f"{listed} events")


# ---- snapshots -----------------------------------------------------------------------------


async def overview_open(pilot) -> None:
    await ready(pilot.app, pilot)
    await open_overview(pilot)


def test_overview_80x24(snap_compare, acled):
    assert snap_compare(make_app(acled), terminal_size=(80, 24), run_before=overview_open)


def test_overview_160x48(snap_compare, acled):
    assert snap_compare(make_app(acled), terminal_size=(160, 48), run_before=overview_open)
