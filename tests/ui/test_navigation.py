"""Driving the app by keys alone, as an analyst would, on the shipped dataset."""

from __future__ import annotations

import os
import threading

from maliterm.ui.panes.relations import RelationsTree
from maliterm.ui.widgets.line_list import LineList

from ui_helpers import dossier_text, open_by_search, press_until, ready, timeline, timeline_cursor_row, timeline_rows, tree_labels


def cursor_label(app) -> str:
    node = app.screen.query_one(RelationsTree).cursor_node
    return node.label.plain if node else ""


def dossier_cursor_line(app) -> str:
    lst = app.screen.query_one("#dossier-list", LineList)
    return lst.row_text(lst.cursor).plain


async def test_opens_on_the_timeline_in_date_order(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        rows = timeline_rows(app)
        assert len(rows) == 23
        assert "Radisson" in " ".join(rows)
        assert rows.index(next(r for r in rows if "2015-11-13" in r)) < rows.index(
            next(r for r in rows if "2015-11-20 " in r and "Radisson" in r))
        assert isinstance(app.focused, LineList) and app.focused.id == "timeline-list"
        assert "Bamako attack 2015" in app.title


async def test_tree_to_al_mourabitoun_to_radisson_and_back(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("3")  # focus the relations tree
        assert isinstance(app.focused, RelationsTree)
        await press_until(pilot, "down", lambda: cursor_label(app).startswith("Al-Mourabitoun"))
        await pilot.press("enter")
        text = dossier_text(app)
        assert text.startswith("Al-Mourabitoun")
        # both parent groups of the merger are listed
        assert "formed from Belmokhtar's spinoff group" in text
        assert "formed from Movement for Oneness and Jihad in West Africa" in text
        # the dossier has focus; walk down to the Radisson event and open it
        assert app.focused.id == "dossier-list"
        await press_until(pilot, "down", lambda: "Radisson Blu Hotel attack" in dossier_cursor_line(app))
        await pilot.press("enter")
        text = dossier_text(app)
        assert text.startswith("Radisson Blu Hotel attack, Bamako")
        assert "claimant: Al-Mourabitoun" in text
        assert "claimant: Al-Qaeda in the Islamic Maghreb" in text
        assert "suspected perpetrator: Mokhtar Belmokhtar" in text
        assert timeline(app).current() == "radisson-blu-attack-2015"  # the timeline followed (its title may be cut)
        assert "Radisson Blu Hotel" in timeline_cursor_row(app)
        # history: back returns to Al-Mourabitoun, forward to the event again
        await pilot.press("left_square_bracket")
        assert dossier_text(app).startswith("Al-Mourabitoun")
        await pilot.press("right_square_bracket")
        assert dossier_text(app).startswith("Radisson Blu Hotel attack")


async def test_selecting_an_actor_marks_its_events_in_the_timeline(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "belmokhtar")
        assert dossier_text(app).startswith("Mokhtar Belmokhtar")
        marked = [r for r in timeline_rows(app) if r.startswith("●")]
        assert any("Radisson" in r for r in marked)
        assert not any("Paris attacks" in r for r in marked)
        assert "Relations of Mokhtar Belmokhtar" in "\n".join(tree_labels(app))


async def test_search_forgives_spelling_and_accents(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "murabitun")
        assert dossier_text(app).startswith("Al-Mourabitoun")
        await open_by_search(pilot, "sevare")
        assert dossier_text(app).startswith("Sévaré")
        assert "Byblos Hotel" in dossier_text(app)  # the place lists its events


async def test_search_escape_changes_nothing(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        before = dossier_text(app)
        await pilot.press("slash", *"mujao", "escape")
        assert dossier_text(app) == before


async def test_as_of_hides_later_groups(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        labels = "\n".join(tree_labels(app))
        assert "Belmokhtar's spinoff" in labels and "Al-Mourabitoun" in labels
        await pilot.press("a", *"2012-06-30", "enter")
        labels = "\n".join(tree_labels(app))
        assert "as of 2012-06-30" in labels
        assert "spinoff" not in labels and "Mourabitoun" not in labels
        await pilot.press("a", *"2013-01-01", "enter")  # the prompt starts with the old date: clear it first
        await pilot.press("a")
        await pilot.press(*["backspace"] * 30, *"2016-01-01", "enter")
        labels = "\n".join(tree_labels(app))
        assert "Belmokhtar's spinoff" in labels and "Al-Mourabitoun" in labels


async def test_as_of_rejects_a_bad_date_next_to_the_field(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("a", *"2012-13-01")
        error = str(app.screen.query_one("#prompt-error").render())
        assert "month 13" in error
        await pilot.press("enter")  # refused: the dialog stays open
        assert app.screen.query_one("#prompt-error")
        await pilot.press("escape")
        assert "(all time)" in "\n".join(tree_labels(app))


async def test_filter_by_actor_and_dates(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("f", *"Al-Mourabitoun")
        await pilot.press("enter")
        rows = timeline_rows(app)
        assert 0 < len(rows) < 23
        assert any("Radisson" in r for r in rows)
        assert not any("Paris attacks" in r for r in rows)
        await pilot.press("F")  # clear
        assert len(timeline_rows(app)) == 23
        await pilot.press("f", "tab", "tab", "tab", *"2015-99")
        assert "month 99" in str(app.screen.query_one("#filter-start-error").render())
        await pilot.press("escape")


async def test_jump_to_year(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("y", *"2015", "enter")
        assert timeline_cursor_row(app).strip().startswith("2015")


async def test_zoom_maximises_the_focused_pane_and_restores(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("2", "z")
        assert app.screen.maximized is not None and app.screen.maximized.id == "dossier"
        await pilot.press("z")
        assert app.screen.maximized is None


async def test_help_lists_the_keys_of_every_pane(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("3", "question_mark")
        shown = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "Relations (focused)" in shown
        for words in ("Filter the timeline by actor", "Show the lineage as it stood on a date", "Maximise the focused pane",
                      "Back to the previous selection", "Search names"):
            assert words in shown
        await pilot.press("escape")
        assert app.screen.__class__.__name__ == "MainScreen"


async def test_theme_choice_persists(open_app, shipped, tmp_path):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("t", "t")
        assert app.theme == "maliterm-high-contrast"
    again = open_app(shipped)
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(again, pilot)
        assert again.theme == "maliterm-high-contrast"


async def test_command_palette_jumps_to_an_actor(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p", *"hollande")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert dossier_text(app).startswith("François Hollande")


async def test_an_invalid_file_exits_with_its_problems(open_app, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"meta": {"meta": {"id": "meta", "schema_version": 1}}, "actors": {"x": {"id": "x"}}}')
    app = open_app(bad)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.02)
    assert app.return_code == 1
    lines = app.load_error.lines()
    assert f"{bad}: actors/x.name: is missing (expected a value)" in lines
    assert f"{bad}: actors/x.cite: is missing (expected a value)" in lines


async def test_export_from_the_palette_writes_the_file(open_app, shipped, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = open_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p", *"export report (markdown)")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert str(tmp_path / "db.md") in app.screen.query_one("#prompt-input").value
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    report = (tmp_path / "db.md").read_text(encoding="utf-8")
    assert "Al-Mourabitoun" in report and "Belmokhtar's spinoff group" in report


async def test_export_refuses_to_overwrite(open_app, shipped, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "db.graphml").write_text("keep me")
    app = open_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.screen.action_export("graphml")
        await pilot.pause()
        await pilot.press("end", "x", "backspace")  # an edit makes the dialog re-check the path
        await app.workers.wait_for_complete()  # the path is checked in a worker
        await pilot.pause()
        assert "exists" in str(app.screen.query_one("#prompt-error").render())
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "exists" in str(app.screen.query_one("#prompt-error").render())  # still asking: nothing written
        await pilot.press("escape")
    assert (tmp_path / "db.graphml").read_text() == "keep me"


async def test_the_export_prompt_asks_the_disk_off_the_ui_thread(open_app, shipped, tmp_path, monkeypatch):
    """Whether the file exists is asked in a worker: a hung mount never freezes a keystroke."""
    monkeypatch.chdir(tmp_path)
    ui, asked = threading.get_ident(), []
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path)):
            asked.append(threading.get_ident() == ui)
        return real_stat(path, *args, **kwargs)

    app = open_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        app.screen.action_export("graphml")
        await pilot.pause()
        monkeypatch.setattr(os, "stat", stat)
        await pilot.press("end", "x", "backspace", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        monkeypatch.setattr(os, "stat", real_stat)
    assert (tmp_path / "db.graphml").exists()
    assert asked and not any(asked)


async def test_command_palette_clears_the_filter_and_opens_an_event_in_the_timeline(open_app, shipped):
    """The palette acts through the screen's public actions and a Navigate message, never into a pane."""
    app = open_app(shipped)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("f", "tab", "tab", "tab", *"2015", "enter")  # From: 2015
        await pilot.pause()
        filtered = len(timeline_rows(app))
        assert filtered < 23
        await pilot.press("2", "ctrl+p", *"clear the timeline filter")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert len(timeline_rows(app)) == 23
        await pilot.press("ctrl+p", *"france launches operation")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert dossier_text(app).startswith("France launches Operation Serval")
        assert app.focused.id == "timeline-list"  # an event opened from outside the panes: in the timeline
        assert "France launches Operation" in timeline_cursor_row(app)  # cut to the 120-column pane
