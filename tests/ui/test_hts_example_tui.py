"""The second shipped example opens in the TUI: its lineage with the rename, the six-group merger and
Zenki's leaving; as of a date after the leaving Zenki is gone from HTS; the Arabic name finds HTS."""

from __future__ import annotations

from ui_helpers import dossier_text, open_by_search, ready, timeline_rows, tree_labels


async def test_the_example_opens_on_its_lineage_and_events(open_app, hts_example):
    app = open_app(hts_example)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        labels = [label.strip() for label in tree_labels(app)]
        assert labels[0] == "Lineage (all time)"
        assert labels[labels.index("Jabhat al-Nusra") + 1] == "Jabhat Fateh al-Sham  renamed"
        zenki = labels[labels.index("Nour al-Din al-Zenki Movement") + 1]
        assert zenki.startswith("Hay'at Tahrir al-Sham  merger from 2017-01-28 until 2017-07, "
                                "ended by Nour al-Din al-Zenki Movement")
        assert [row.split()[0] for row in timeline_rows(app)] == ["2017-01-28", "2017-07"]


async def test_as_of_after_the_leaving_zenki_is_no_longer_in_hts(open_app, hts_example):
    app = open_app(hts_example)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("a", *"2017-03", "enter")
        during = "\n".join(tree_labels(app))
        assert "Lineage as of 2017-03" in during and "Nour al-Din al-Zenki Movement" in during
        await pilot.press("a", *["backspace"] * 30, *"2017-09", "enter")
        after = "\n".join(tree_labels(app))
        assert "Lineage as of 2017-09" in after
        assert "Zenki" not in after and "Jabhat Fateh al-Sham" in after


async def test_the_arabic_name_opens_the_dossier_of_hts(open_app, hts_example):
    app = open_app(hts_example)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "هيئة تحرير الشام")
        await pilot.pause()
        text = " ".join(dossier_text(app).split())  # the dossier wraps its lines to the pane
        assert text.startswith("Hay'at Tahrir al-Sham")
        assert "from 2017-01-28, still active" in text
        assert "هيئة تحرير الشام (Hayʼat Taḥrīr aš-Šām; ar," in text
