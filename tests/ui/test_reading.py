"""Reading well at 80x24 (issue 12): contested dates marked in the lineage, words not codes, the date legend."""

from __future__ import annotations

from textual.widgets import Static

from ui_helpers import dossier_text, open_by_search, ready, tree_labels


async def test_lineage_marks_the_contested_merger_date(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "al-mourabitoun")
        await pilot.pause()
        merged = [label.strip() for label in tree_labels(app) if label.strip().startswith("Al-Mourabitoun  merger")]
        assert len(merged) == 2  # under each of its two parents
        assert all(label.startswith("Al-Mourabitoun  merger between 2013 and 2014 CONTESTED") for label in merged)


async def test_dossier_shows_words_and_compact_citations(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "radisson blu hotel attack")
        text = dossier_text(app)
        assert "suspected perpetrator: Mokhtar Belmokhtar" in text
        assert "suspected_perpetrator" not in text
        assert "Hammer 2015 ¶" in text
        assert text.count("What the Bamako Attack Means for Mali—and France") == 1


async def test_help_explains_how_dates_read(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        legend = str(app.screen.query_one("#help-dates", Static).render())
        for words in ("c. 2014  about 2014 (typed as 2014~", "2013…  in a list: a range that starts then",
                      "from 2012-12 / until 2012-12", "CONTESTED"):
            assert words in legend
