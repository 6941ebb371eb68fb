"""The Braille map: projection, outlines, points in the right cell, `maliterm map`, the shipped outlines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maliterm import mapdraw
from maliterm.mapdraw import Point, View, draw, nearest, outline_cells
from maliterm.store import init

ROOT = Path(__file__).parents[2]
ACLED = ROOT / "tests" / "data" / "acled_sample.csv"
BRAILLE = range(0x2800, 0x2900)


@pytest.fixture
def one_line_world(monkeypatch):
    """Outlines replaced by one ring: a horizontal line along the equator from 0° to 10° E, and back."""
    ring = ((0.0, 0.0, 10.0, 0.0), (0.0, 0.0, 10.0, 0.0, 0.0, 0.0))
    monkeypatch.setattr(mapdraw, "outlines", lambda: (ring,))
    outline_cells.cache_clear()
    yield
    outline_cells.cache_clear()


def test_a_place_at_known_coordinates_lights_the_cell_the_projection_gives():
    # 40 x 10 cells = 80 x 40 dots centred on (0, 0), half a degree per dot: the box is
    # 20° W to 20° E, 10° S to 10° N. 10° E, 5° N is dot (40 + 10/0.5, 20 - 5/0.5) = (60, 10):
    # column 60 // 2 = 30, row 10 // 4 = 2.
    view = View(0.0, 0.0, 0.5)
    assert view.box(40, 10) == (-20.0, -10.0, 20.0, 10.0)
    lines = draw(view, 40, 10, [Point("somewhere", 10.0, 5.0, 1)])
    assert len(lines) == 10 and all(len(line.plain) == 40 for line in lines)
    assert lines[2].plain[30] == "·"
    others = [(r, c) for r, line in enumerate(lines) for c, ch in enumerate(line.plain) if ord(ch) not in BRAILLE]
    assert others == [(2, 30)]


def test_points_shade_by_their_summed_events_and_the_selection_is_reversed():
    view = View(0.0, 0.0, 0.5)
    points = [Point("a", 10.0, 5.0, 1), Point("b", 10.1, 5.1, 1), Point("c", -10.0, -5.0, 150)]
    lines = draw(view, 40, 10, points, highlight=frozenset({"c"}))
    assert lines[2].plain[30] == "•"  # two places in one cell: 2 events
    # -10° E, -5° N: dot (20, 30): column 10, row 7
    assert lines[7].plain[10] == "◉"
    styles = {str(span.style) for span in lines[7].spans if span.start <= 10 < span.end}
    assert any("reverse" in s for s in styles)


def test_outline_segments_light_the_dots_under_them(one_line_world):
    # The equator is y = 20 dots: row 5, dot row 0 of the cell (bit 0x01 left, 0x08 right).
    # 0° to 10° E is dots x = 40..60: columns 20..30, whole cells (both dots) but the last (x = 60, left only).
    view = View(0.0, 0.0, 0.5)
    bits = outline_cells(view, 40, 10)
    lit = {(i // 40, i % 40): b for i, b in enumerate(bits) if b}
    assert lit == {**{(5, c): 0x09 for c in range(20, 30)}, (5, 30): 0x01}


def test_segments_far_outside_the_view_are_clipped_not_walked(one_line_world):
    # Zoomed in until the 10° line is a million dots long: drawing stays instant and exact.
    view = View(5.0, 0.0, 0.00001)
    bits = outline_cells(view, 40, 10)
    lit = {(i // 40, i % 40): b for i, b in enumerate(bits) if b}
    assert lit == {(5, c): 0x09 for c in range(40)}


def test_fit_shows_every_point_and_pan_and_zoom_move_the_view():
    points = [(-8.0, 12.6), (1.0, 16.3), (-3.0, 14.5)]
    view = View.fit(points, 80, 20)
    for lon, lat in points:
        assert view.to_cell(lon, lat, 80, 20) is not None
    zoomed = view.zoomed(2)
    assert zoomed.scale == pytest.approx(view.scale / 2) and (zoomed.lon, zoomed.lat) == (view.lon, view.lat)
    moved = view.panned(10, 0)  # 10 cells east = 20 dots
    assert moved.lon == pytest.approx(view.lon + 20 * view.scale)
    assert View.fit([], 80, 20).box(80, 20)[0] <= -180


def test_nearest_point_to_the_centre_ties_by_id():
    view = View(0.0, 0.0, 0.5)
    points = [Point("b", 1.0, 0.0, 1), Point("a", -1.0, 0.0, 1), Point("far", 15.0, 9.0, 9)]
    assert nearest(view, 40, 10, points).id == "a"
    assert nearest(view, 40, 10, [Point("out", 50.0, 0.0, 1)]) is None


def test_shipped_outlines_are_small_and_name_their_countries():
    path = ROOT / "maliterm" / "data" / "countries.json"
    assert path.stat().st_size < 300_000
    data = json.loads(path.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"]
    mali = next(c for c in data["countries"] if c["name"] == "Mali")
    assert mali["iso_n3"] == "466"
    lons, lats = mali["rings"][0][0::2], mali["rings"][0][1::2]
    # Mali lies between about 12° W and 4.3° E, 10° N and 25° N (hundredths of a degree).
    assert -1300 < min(lons) < -1100 and 400 < max(lons) < 500 and 1000 < min(lats) < 1100 and 2450 < max(lats) < 2550


@pytest.fixture
def acled_db(runner, tmp_path):
    path = tmp_path / "acled.json"
    init(path, "ACLED sample")
    assert runner("import", "acled", ACLED, "--db", path, "--apply").exit_code == 0
    return path


def test_map_command_puts_bamako_in_its_cell(runner, acled_db):
    from maliterm.mapplaces import map_places
    from maliterm.store import Store

    store = Store.open(acled_db, read_only=True)
    found = map_places(store, store.events_in_order())
    view = View.fit([(p.lon, p.lat) for p in found.points], 60, 12)
    bamako = next(p for p in found.points if store.name(p.id) == "Bamako")
    x = 60 * 2 / 2 + (bamako.lon - view.lon) / view.scale
    y = 12 * 4 / 2 - (bamako.lat - view.lat) / view.scale
    result = runner("map", "--db", acled_db, "--width", "60", "--height", "12")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    glyph = lines[int(y // 4)][int(x // 2)]
    assert glyph == mapdraw.shade(bamako.count)[0]
    assert f"{len(found.points)} places on the map ({len(store.tables['events'])} events)" in result.stdout


def test_map_command_filters_like_the_timeline(runner, acled_db):
    result = runner("map", "--db", acled_db, "--width", "60", "--height", "12", "--from", "2023-03")
    timeline = json.loads(runner("timeline", "--db", acled_db, "--from", "2023-03", "--json").stdout)
    assert f"{len(timeline)} events in all (2023-03 to …)" in result.stdout


def test_shipped_data_has_no_coordinates_and_lists_its_places(runner):
    result = runner("map", "--db", ROOT / "db.json")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("0 places on the map (0 events)")  # no map drawn, no coordinates guessed
    assert "Not on the map (no coordinates in the data): 14 places" in out
    assert "  Radisson Blu Hotel (radisson-blu-hotel-bamako): 1 event" in out.splitlines()


@pytest.mark.parametrize("slice_from", [0, 1000])
def test_place_counts_equal_a_plain_scan_for_every_filter(acled_db, monkeypatch, slice_from):
    from collections import Counter

    from maliterm import mapplaces
    from maliterm.store import Store
    from maliterm.timeline import EventFilter, filter_events

    monkeypatch.setattr(mapplaces, "SLICE_FROM", slice_from)  # 0: the binary-search path on this small file
    store = Store.open(acled_db, read_only=True)
    events = store.tables["events"]
    actors = sorted(store.events_by_actor)
    filters = [EventFilter(), EventFilter(start="2023-02"), EventFilter(start="2023-01-10", end="2023-03-31"),
               EventFilter(end="2023-02-15"), EventFilter(type="battle")]
    filters += [EventFilter(actor=a) for a in actors] + [EventFilter(actor=a, start="2023-02") for a in actors]
    for f in filters:
        ids = filter_events(store, f)
        plain = Counter(events[e]["place"] for e in ids if events[e].get("place"))
        assert mapplaces.place_counts(store, ids) == plain, f
