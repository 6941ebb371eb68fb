"""The reader: a source's text beside the records that cite it, opened from a citation, back again,
and quotations added from it checked word for word against the paragraph."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from maliterm.ui.screens.main import MainScreen
from maliterm.ui.screens.reader import ReaderScreen
from maliterm.ui.widgets.line_list import LineList
from maliterm.ui.widgets.paragraph_view import ParagraphView

from test_editing import choose, error_beside, type_into
from ui_helpers import dossier_text, open_by_search, ready, settle

READER = Path(__file__).parents[1] / "data" / "reader.json"  # small.json, src-a holding its text


@pytest.fixture
def reader_db(tmp_path: Path) -> Path:
    return Path(shutil.copy(READER, tmp_path / "reader.json"))


def paragraph(n: int) -> str:
    return json.loads(READER.read_text(encoding="utf-8"))["sources"]["src-a"]["paragraphs"][n - 1]


async def cursor_to(pilot, words: str) -> None:
    """Down the dossier to the line holding `words`, as a person would with the arrow keys."""
    lst = pilot.app.screen.query_one("#dossier-list", LineList)
    lst.focus()
    for _ in range(lst.count):
        if words in lst.row_text(lst.cursor).plain:
            return
        await pilot.press("down")
    raise AssertionError(f"no dossier line holds {words!r}")


async def open_citation(pilot, record: str, words: str) -> None:
    await open_by_search(pilot, record)
    await settle(pilot)
    await cursor_to(pilot, words)
    await pilot.press("enter")
    await settle(pilot)


def view(app) -> ParagraphView:
    return app.screen.query_one(ParagraphView)


async def read_field_report(pilot) -> None:
    """Find the source, then `r` reads it."""
    await open_by_search(pilot, "field report")
    await settle(pilot)
    assert "Text: 11 paragraphs" in dossier_text(pilot.app)
    await pilot.press("r")
    await settle(pilot)


async def test_enter_on_a_citation_opens_the_paragraph_and_back_returns(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_citation(pilot, "kamal", "We will return")
        assert isinstance(app.screen, ReaderScreen)
        assert view(app).para_index == 7 and view(app).mark == 7  # para 8, highlighted
        shown = view(app).shown_text()
        assert "8  The commander spoke to the crowd." in shown
        assert "Q Kamal Réné: We w" in shown  # who cites it, beside it
        assert "· uncited" in shown  # para 10 is on screen too, and nothing cites it
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert dossier_text(app).startswith("Kamal Réné")
        lst = app.screen.query_one("#dossier-list", LineList)
        assert "We will return" in lst.row_text(lst.cursor).plain  # where the user was
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")  # escape leaves the reader too
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_claim_citation_opens_its_paragraph(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "hotel z")
        await settle(pilot)
        await cursor_to(pilot, "¶")
        target = app.screen.query_one("#dossier-list", LineList).target_at(
            app.screen.query_one("#dossier-list", LineList).cursor)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert view(app).para_index + 1 == target.para
        assert paragraph(target.para)[:30] in view(app).shown_text()


async def test_a_quotation_from_the_reader_is_saved_cited_to_the_paragraph(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_citation(pilot, "kamal", "We will return")
        await pilot.press("s")  # the second sentence of para 8: "We will return."
        await pilot.press("s")  # the third: Then he left for the desert.
        await pilot.press("quotation_mark")
        await settle(pilot)
        form = app.screen
        assert form.query_one("#f-text").text == "Then he left for the desert."
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        saved = json.loads(reader_db.read_text(encoding="utf-8"))["quotes"]
        new = [q for q in saved.values() if q["text"] == "Then he left for the desert."]
        assert len(new) == 1
        assert new[0]["cite"] == [{"source": "src-a", "loc": "para 8"}]
        assert new[0]["speaker"] == "leader-x"  # the actor whose dossier the reader was opened from
        await settle(pilot)
        assert "Q Kamal Réné: Then" in view(app).shown_text()  # the margin counts it at once


async def test_an_edited_quotation_is_refused(open_app, reader_db):
    app = open_app(reader_db)
    before = reader_db.read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_citation(pilot, "kamal", "We will return")
        await pilot.press("n")
        await choose(pilot, "New quotation")
        await settle(pilot)
        area = app.screen.query_one("#f-text")
        area.focus()
        await pilot.press("end", *" soon")  # words the paragraph does not have
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "is not word for word in para 8 of src-a" in error_beside(app, "text")
        assert reader_db.read_bytes() == before
        area.text = "The commander spoke … Then he left"  # words left out, marked: still verbatim
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert "The commander spoke … Then he left" in reader_db.read_text(encoding="utf-8")


async def test_untrusted_paragraph_text_shows_literally(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await read_field_report(pilot)
        await pilot.press("end")
        await pilot.pause()
        shown = view(app).shown_text()
        assert "[bold red]not bold[/]" in shown
        assert "[@click=app.quit]click[/]" in shown
        assert "\\x1b[2J\\x1b[31m" in shown and "\\u202eevil" in shown
        assert "\x1b" not in shown and "\u202e" not in shown
        assert app.is_running


async def test_uncited_only_shows_what_is_left_to_code(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await read_field_report(pilot)
        await pilot.press("f")
        await pilot.pause()
        numbers = [view(app).shown[k] + 1 for k in range(len(view(app).shown))]
        assert numbers == [10, 11]
        assert "11  The last paragraph says what remains unknown." in view(app).shown_text()
        assert "The Old Front was founded" not in view(app).shown_text()
        status = str(app.screen.query_one("#reader-status").render())
        assert "9 of 11 paragraphs cited" in status and "showing uncited only" in status
        await pilot.press("f")
        await pilot.pause()
        assert len(view(app).shown) == 11


async def test_a_claim_from_the_reader_goes_to_the_record_it_was_opened_from(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_citation(pilot, "attack on hotel", "¶")
        para = view(app).para_index + 1
        await pilot.press("c")
        await choose(pilot, "A new fact")
        await type_into(pilot, "about", "gunmen")
        await type_into(pilot, "text", "Gunmen held the lobby for hours.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        event = json.loads(reader_db.read_text(encoding="utf-8"))["events"]["hotel-attack"]
        fact = next(f for f in event["facts"] if f["about"] == "gunmen")
        assert fact["claims"][0]["cite"] == [{"source": "src-a", "loc": f"para {para}"}]


async def test_the_palette_reads_a_source(open_app, reader_db):
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p", *"read field report")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert "1  Field report A: the armed groups" in view(app).shown_text()


async def test_a_failure_finding_citations_is_shown(open_app, reader_db, monkeypatch):
    import maliterm.ui.screens.reader as reader

    def broken(tables, source):
        raise OSError("disk went away")

    monkeypatch.setattr(reader, "citing", broken)
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(app, pilot)
        await read_field_report(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert any(n.title == "Citations not counted" and "disk went away" in n.message for n in app._notifications)
        assert "…" in view(app).shown_text()  # the margins say they are not known, not "uncited"


async def test_a_pdf_s_page_shows_beside_the_paragraph(open_app, reader_db):
    data = json.loads(reader_db.read_text(encoding="utf-8"))
    data["sources"]["src-a"].update(text_format="pdf", pages=[1, 4, 9])  # pages 1-3, 4-8, 9-11
    reader_db.write_text(json.dumps(data), encoding="utf-8")
    app = open_app(reader_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await read_field_report(pilot)
        for _ in range(4):
            await pilot.press("down")
        await pilot.pause()
        assert str(app.screen.query_one("#reader-status").render()).startswith("¶5 (p. 2): ")
