"""The map screen (m) and the path dialog (p), driven by keyboard as a person would."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import dossier_text, open_by_search, ready

from maliterm import mapdraw
from maliterm.mapdraw import View
from maliterm.store import Store, init
from maliterm.ui.app import make_app
from maliterm.ui.screens.map import MapScreen, MapView

ACLED = Path(__file__).parents[1] / "data" / "acled_sample.csv"


@pytest.fixture
def acled(runner, tmp_path: Path) -> Path:
    """A database holding the ACLED sample, imported as a person would: places with coordinates."""
    path = tmp_path / "acled.json"
    init(path, "ACLED sample")
    assert runner("import", "acled", ACLED, "--db", path, "--apply").exit_code == 0
    return path


async def open_map(pilot) -> MapView:
    await ready(pilot.app, pilot)
    await pilot.press("m")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, MapScreen)
    return pilot.app.screen.query_one(MapView)


def map_lines(view: MapView) -> list[str]:
    return view.render().plain.split("\n")


def cell_of(view: MapView, lon: float, lat: float) -> tuple[int, int]:
    """The cell the projection puts a point in, computed here from the documented formula."""
    cols, rows, v = view.size.width, view.size.height, view.view
    x = cols * 2 / 2 + (lon - v.lon) / v.scale
    y = rows * 4 / 2 - (lat - v.lat) / v.scale
    return int(x // 2), int(y // 4)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_each_place_with_coordinates_shows_in_its_cell(acled, size):
    store = Store.open(acled, read_only=True)
    app = make_app(acled)
    async with app.run_test(size=size) as pilot:
        view = await open_map(pilot)
        lines = map_lines(view)
        assert len(lines) == view.size.height and view.size.width >= 40
        for p in view.places.points:
            col, row = cell_of(view, p.lon, p.lat)
            assert 0 <= row < len(lines) and 0 <= col < len(lines[row]), store.name(p.id)  # the view fits them all
            assert lines[row][col] in {g for _, g, _ in mapdraw.SHADES}, store.name(p.id)
        bamako = next(p for p in view.places.points if store.name(p.id) == "Bamako")
        col, row = cell_of(view, bamako.lon, bamako.lat)
        assert lines[row][col] == mapdraw.shade(bamako.count)[0]


async def test_arrows_pan_plus_minus_zoom_zero_fits(acled):
    app = make_app(acled)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_map(pilot)
        fitted = view.view
        await pilot.press("right")
        assert view.view.lon > fitted.lon and view.view.lat == fitted.lat
        await pilot.press("up")
        assert view.view.lat > fitted.lat
        await pilot.press("plus")
        assert view.view.scale < fitted.scale
        await pilot.press("minus", "minus")
        assert view.view.scale > fitted.scale
        await pilot.press("0")
        assert view.view == fitted
        await pilot.press("question_mark")
        help_text = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert "Zoom in (+)" in help_text and "Open the place nearest the centre (+)" in help_text
        await pilot.press("escape")
        assert isinstance(app.screen, MapScreen)


async def test_enter_opens_the_place_nearest_the_centre_in_the_dossier(acled):
    store = Store.open(acled, read_only=True)
    app = make_app(acled)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_map(pilot)
        expected = mapdraw.nearest(view.view, view.size.width, view.size.height, view.places.points)
        near = str(app.screen.query_one("#map-near").render())
        assert f"Enter opens: {store.name(expected.id)}" in near
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, MapScreen)
        assert dossier_text(app).splitlines()[0].startswith(store.name(expected.id))


async def test_the_selected_actors_places_are_highlighted(acled):
    store = Store.open(acled, read_only=True)
    actor = max(store.tables["actors"], key=lambda a: (len(store.events_by_actor.get(a, ())), a))
    app = make_app(acled)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, actor)
        await pilot.pause()
        view = await open_map(pilot)
        theirs = {store.event(e).get("place") for e in store.events_by_actor[actor]}
        assert view.highlight == theirs
        rendered = view.render()
        col, row = cell_of(view, *next((p.lon, p.lat) for p in view.places.points if p.id in theirs))
        at = len("\n".join(map_lines(view)[:row])) + (1 if row else 0) + col
        assert any("reverse" in str(s.style) and s.start <= at < s.end for s in rendered.spans)


async def test_shipped_data_lists_places_without_coordinates_and_escape_closes(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_map(pilot)
        assert view.places.points == []
        listed = app.screen.query_one("#map-unplaced")
        assert listed.option_count == 14
        assert str(app.screen.query_one("#map-unplaced-title").render()) == "Not on the map (no coordinates): 14"
        # Nothing to fit: the whole world, and Enter says there is no place rather than guessing.
        assert view.view == View.fit([], view.size.width, view.size.height)
        await pilot.press("escape")
        assert not isinstance(app.screen, MapScreen)


async def test_path_dialog_shows_the_chain_and_opens_a_step(shipped):
    app = make_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press(*"Mokhtar Belmokhtar")
        await pilot.pause()
        await pilot.press("enter", "tab", *"MUJAO")
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        result = app.screen.query_one("#path-result")
        lines = [str(result.get_option_at_index(i).prompt) for i in range(result.option_count)]
        assert lines[0] == "Mokhtar Belmokhtar → Movement for Oneness and Jihad in West Africa: 2 shortest paths of 2 steps"
        assert "  Al-Mourabitoun" in lines
        assert "    founded  (from some time between 2013 and 2014)  CONTESTED [Hammer 2015 ¶13, 23]" in lines
        # Down to Al-Mourabitoun and Enter: its dossier opens.
        while str(result.get_option_at_index(result.highlighted).prompt) != "  Al-Mourabitoun":
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert dossier_text(app).splitlines()[0].startswith("Al-Mourabitoun")


def test_map_80x24(snap_compare, acled):
    assert snap_compare(make_app(acled), terminal_size=(80, 24), run_before=open_map)


def test_map_160x48(snap_compare, acled):
    assert snap_compare(make_app(acled), terminal_size=(160, 48), run_before=open_map)


async def test_f_filters_the_map_and_the_view_stays(acled):
    store = Store.open(acled, read_only=True)
    app = make_app(acled)
    async with app.run_test(size=(100, 30)) as pilot:
        view = await open_map(pilot)
        before = view.view
        await pilot.press("plus", "f")
        await pilot.pause()
        await pilot.press("tab", "tab", "tab", *"2023-03", "enter")  # actor, place, type, then From
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MapScreen)
        from maliterm.timeline import EventFilter, filter_events

        ids = filter_events(store, EventFilter(start="2023-03"))
        assert sum(p.count for p in view.places.points) == len(ids) < len(store.tables["events"])
        assert view.view == before.zoomed(1.5)  # where the person left it
        assert str(app.screen.query_one("#map-about").render()).startswith("2023-03 to …: ")
