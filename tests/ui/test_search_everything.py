"""`/` searches every text as well as names (issue 13): facts, claims, quotations, notes and
source paragraphs, each hit with its field in words and a snippet, its matched words styled."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from rich.text import Text
from textual.widgets import Label, OptionList

from maliterm import fulltext
from maliterm.ui.dialogs.search import SearchScreen, hit_label

from ui_helpers import ready

SMALL = Path(__file__).parents[1] / "data" / "small.json"
HOSTILE = "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\ \u202e\x9b [/nope] [@click=app.quit]quit[/]"


async def search(app, pilot, text: str) -> list[Text]:
    """`/`, type `text`, wait for the texts' worker: the labels of the hits, in order."""
    await pilot.press("slash", *text)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    options = app.screen.query_one("#search-results", OptionList)
    return [options.get_option_at_index(i).prompt for i in range(options.option_count)]


def marked_words(label: Text) -> list[str]:
    """The words of a hit's label that carry the match style (the snippet's matched words)."""
    return [label.plain[s.start:s.end] for s in label.spans if "underline" in str(s.style)]


async def test_a_word_of_a_fact_finds_it_with_its_field(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        labels = await search(app, pilot, "seventh")
        lines = [t.plain for t in labels]
        fact = next(p for p in lines if "The seventh such attack in Mali that year." in p)
        assert fact.startswith("event  Radisson Blu Hotel attack, Bamako  claim\n")
        assert any(p.startswith("source ") and "  source text ¶13\n" in p and "seventh" in p for p in lines)
        assert not app.screen.query_one("#search-pending", Label).display
        assert not app.screen.query_one("#search-empty", Label).display


async def test_a_word_inside_a_quotation_finds_it_and_enter_selects_it(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        labels = await search(app, pilot, "cupboards")
        fields = [t.plain.split("\n")[0].split("  ")[-1] for t in labels]
        assert "quotation" in fields, fields
        at = fields.index("quotation")
        assert "We barricaded the door from the inside with cupboards and tables" in labels[at].plain
        await pilot.press("down")  # from the field to the results
        await pilot.press(*["down"] * at)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, SearchScreen)
        assert app.screen.trail[-1].id == "quote-chellani-barricade"


def small_with(tmp_path: Path, table: str, rid: str, edit) -> Path:
    """A copy of small.json with `edit(record)` applied to one record."""
    data = json.loads(SMALL.read_text())
    edit(data[table][rid])
    path = tmp_path / "db.json"
    path.write_text(json.dumps(data))
    return path


async def test_a_singular_finds_the_plural_and_the_matched_word_is_styled(open_app, tmp_path):
    app = open_app(small_with(tmp_path, "events", "hotel-attack",
                              lambda r: r["casualties"][0].update(who="three peacekeepers at the gate")))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        labels = await search(app, pilot, "peacekeeper")
        assert [t.plain for t in labels] == ["event  Attack on Hotel Z  casualty note\n"
                                             "       three peacekeepers at the gate"]
        assert marked_words(labels[0]) == ["peacekeepers"]


async def test_hostile_text_in_a_summary_shows_literally(open_app, tmp_path):
    app = open_app(small_with(tmp_path, "actors", "evil", lambda r: r.update(summary=f"Wildebeest stampede {HOSTILE}")))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        labels = await search(app, pilot, "stampede")
        hit = next(t for t in labels if "summary" in t.plain)
        for shown in ("\\x1b]52", "\\x9b", "\\u202e", "[/nope]", "[@click=app.quit]quit[/]"):
            assert shown in hit.plain
        assert not any(c in hit.plain for c in ("\x1b", "\x9b", "\u202e"))
        assert marked_words(hit) == ["stampede"]
        assert app.is_running and isinstance(app.screen, SearchScreen)


async def test_typing_fast_ends_with_the_last_query_s_results(open_app, shipped, monkeypatch):
    real = fulltext.search
    last_answered = threading.Event()
    answered = []

    def first_answers_last(store, text, limit=20):
        # "sev" answers only after "seventh" has: a stale answer arriving last must not show.
        hits = real(store, text, limit)
        if text == "sev":
            last_answered.wait(10)
        answered.append(text)
        if text == "seventh":
            last_answered.set()
        return hits

    monkeypatch.setattr(fulltext, "search", first_answers_last)
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"sev")
        await pilot.press("e")
        await pilot.press(*"nth")
        for _ in range(200):
            if "sev" in answered:
                break
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert answered.index("seventh") < answered.index("sev")
        store = app.screen_stack[-2].store
        options = app.screen.query_one("#search-results", OptionList)
        shown = [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]
        assert shown == [hit_label(store, h).plain for h in real(store, "seventh", SearchScreen.LIMIT)]
        assert any("The seventh such attack in Mali that year." in p for p in shown)


async def test_name_hits_show_while_texts_are_searched_and_the_index_is_built_off_the_ui_thread(
        open_app, shipped, monkeypatch):
    real_prepare, real_search = fulltext.prepare, fulltext.search
    on_ui_thread = []
    release = threading.Event()

    def prepare(store, on_build=lambda: None):
        on_ui_thread.append(threading.current_thread() is threading.main_thread())
        return real_prepare(store, on_build)

    def held(store, text, limit=20):
        release.wait(10)  # the index is "still building"
        return real_search(store, text, limit)

    monkeypatch.setattr(fulltext, "prepare", prepare)
    monkeypatch.setattr(fulltext, "search", held)
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        assert on_ui_thread == [False]  # warmed once the panes show, in a worker
        await pilot.press("slash", *"sevare")
        await pilot.pause()
        options = app.screen.query_one("#search-results", OptionList)
        names = [options.get_option_at_index(i).prompt.plain for i in range(options.option_count)]
        assert names and names[0].startswith("place  Sévaré")
        pending = app.screen.query_one("#search-pending", Label)
        assert pending.display and str(pending.render()) == "searching texts…"
        assert not app.screen.query_one("#search-empty", Label).display
        await pilot.press("down", "down")  # to the results, then to the second hit
        assert options.highlighted == 1
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not pending.display
        assert options.option_count >= len(names)
        # The texts' hits came in below: the hit the person moved to is still the one under the cursor.
        assert options.get_option_at_index(options.highlighted).prompt.plain == names[1]
