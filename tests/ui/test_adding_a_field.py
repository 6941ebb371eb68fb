"""Adding a field to events is one line in maliterm/schema.py (docs/architecture.md, "Adding a field").

A toy field, `weather`, is added to the events table for each test (with `schema.added_field`, what a
new line in `schema.TABLES["events"]` does) and nothing else is edited: validation takes it by its kind,
the edit form asks for it, the dossier and the report show it, and `maliterm search` finds its words.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Label

from maliterm import schema, validate
from maliterm.interchange import report
from maliterm.store import Store

from ui_helpers import dossier_text, ready, settle

WEATHER = schema.FieldSpec("weather", "text", label="Weather", form_label="Weather that day", form=True,
                           hint="as the sources describe it", dossier="line", report="Weather", search="text")
SAID = "Sandstorm over the river"


@pytest.fixture
def weather() -> Iterator[schema.FieldSpec]:
    with schema.added_field("events", WEATHER) as spec:
        yield spec


@pytest.fixture
def weather_db(small: Path) -> Path:
    """The small database with the weather of its first event (by date) written in the file."""
    data = json.loads(small.read_text(encoding="utf-8"))
    data["events"]["split-2012"]["weather"] = SAID
    small.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return small


def problems(event: dict) -> list[tuple[str, str, str]]:
    ctx = validate.Context({"sources": {"s"}, "places": set(), "actors": set()})
    return validate.record_problems("events", event, ctx)


EVENT = {"id": "e", "date": "2015-11-20", "title": "An attack", "cite": [{"source": "s"}]}


def test_validation_takes_the_new_field_by_its_kind(weather):
    assert problems({**EVENT, "weather": SAID}) == []
    assert problems({**EVENT, "weather": 12}) == [(".weather", "is a number", "a string")]
    assert problems({**EVENT, "weather": " "}) == [(".weather", "is empty", "some text")]


def test_a_date_field_is_checked_as_a_date():
    with schema.added_field("events", schema.FieldSpec("reported", "date", label="Reported")):
        assert problems({**EVENT, "reported": "2015-11"}) == []
        assert problems({**EVENT, "reported": "November"})[0][0] == ".reported"


def test_without_the_line_in_the_table_the_field_is_unknown():
    """The toy field is accepted only while the table has it: the table is what validation reads."""
    assert problems({**EVENT, "weather": SAID})[0][:2] == (".weather", "is not a known field")


def test_the_file_with_the_field_opens_and_the_dossier_and_report_show_it(weather, weather_db, runner):
    store = Store.open(weather_db, read_only=True)
    shown = " ".join(runner("show", "split-2012", "--db", weather_db).stdout.split())
    assert f"Weather: {SAID}" in shown
    blocks = report.build(store)
    md, page = report.markdown(blocks), report.html(blocks)
    assert "| Date | Event | Weather | Place | Casualties |" in md
    assert f"| {SAID} |" in md
    assert "<th>Weather</th>" in page and f"<td>{SAID}</td>" in page


def test_maliterm_search_finds_words_in_the_new_field(weather, weather_db, runner):
    out = runner("search", "sandstorm", "--db", weather_db, "--json").stdout
    hits = json.loads(out)
    assert [(h["id"], h["field"]) for h in hits] == [("split-2012", "weather")]


async def test_the_edit_form_asks_for_the_new_field_and_saves_it(weather, weather_db, open_app):
    app = open_app(weather_db)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        assert app.store.events_in_order()[0] == "split-2012"
        await pilot.press("e")  # the form of the first event
        await pilot.pause()
        labels = [str(label.render()) for label in app.screen.query(Label)]
        assert "Weather that day" in labels
        box = app.screen.query_one("#f-weather", Input)
        assert box.value == SAID
        box.focus()
        await pilot.press(*" at dawn")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"Weather: {SAID} at dawn" in " ".join(dossier_text(app).split())
    saved = json.loads(weather_db.read_text(encoding="utf-8"))["events"]["split-2012"]
    assert saved["weather"] == f"{SAID} at dawn"
