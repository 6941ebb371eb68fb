"""What fits on screen: nothing cut without a mark, panes inside the terminal, keys a newcomer needs in sight.

Most of these run at 80x24, the terminal of an SSH session on a field laptop; a few at 160x48,
where a bug showed only there. They read what is painted (strips, regions), not the data.
"""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widgets import Footer, Input

from maliterm import dates
from maliterm.presentation import cites
from maliterm.timeline import casualty_summary
from maliterm.ui.panes.dossier import DossierPane
from maliterm.ui.panes.relations import RelationsTree
from maliterm.ui.widgets.line_list import LineList

from ui_helpers import dossier_text, open_by_search, press_until, ready, settle, timeline_cursor_row


def painted(widget) -> list[str]:
    """The widget's lines as painted now (what the terminal shows inside its region)."""
    width, height = widget.size
    return ["".join(seg.text for seg in strip) for strip in widget.render_lines(Region(0, 0, width, height))]


async def painted_list(pilot, lst: LineList) -> list[str]:
    """Every line of a list as painted at its width, a page at a time, as a person scrolls it."""
    lines: list[str] = []
    height = lst.scrollable_content_region.height
    for top in range(0, lst.count, height):
        lst.scroll_to(y=top, animate=False)
        await pilot.pause()
        page = painted(lst)
        lines.extend(page[:min(height, lst.count - lst.scroll_offset.y)][top - lst.scroll_offset.y:])
    lst.scroll_to(y=0, animate=False)
    return lines


def words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


def inside(widget, screen) -> bool:
    return screen.region.contains_region(widget.region) and widget.region.area > 0


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
async def test_dossier_prose_loses_no_word(open_app, shipped, size):
    """Wrapped for the width the list really has: a scrollbar appearing never eats the line ends."""
    app = open_app(shipped)
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        store = app.store
        lst = app.screen.query_one("#dossier-list", LineList)
        # The timeline walks from short dossiers (no scrollbar) to long ones (a scrollbar appears).
        for _ in range(len(store.events_in_order())):
            await pilot.press("down")
            await pilot.pause()
            target = app.screen.query_one(DossierPane).target
            summary = store.tables[target.table][target.id]["summary"]
            shown = " ".join(await painted_list(pilot, lst))
            missing = [w for w in words(summary) if w not in words(shown)]
            assert not missing, f"{target.id}: {missing} not on screen"
        await open_by_search(pilot, "mokhtar belmokhtar")
        await pilot.pause()
        shown = " ".join(await painted_list(pilot, lst))
        summary = store.tables["actors"]["mokhtar-belmokhtar"]["summary"]
        assert [w for w in words(summary) if w not in words(shown)] == []


async def test_a_line_too_long_for_the_pane_ends_in_an_ellipsis(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        lst = app.screen.query_one("#timeline-list", LineList)
        width = lst.scrollable_content_region.width
        for row, line in zip(range(lst.count), await painted_list(pilot, lst)):
            full = lst.row_text(row).plain.rstrip()
            if len(full) > width:
                assert line.rstrip().endswith("…"), line
            else:
                assert line.rstrip() == full


async def test_zoom_at_160_columns_stays_inside_the_screen(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        for pane in ("1", "2", "3"):
            await pilot.press(pane, "z")
            await pilot.pause()
            zoomed = app.screen.maximized
            assert zoomed is not None and inside(zoomed, app.screen), (pane, zoomed.region)
            # the border (one cell each side) and everything inside it are on screen
            assert zoomed.region.right == app.screen.region.right
            assert all(inside(child, app.screen) and child.region.right == zoomed.region.right - 1
                       for child in zoomed.children if child.display), pane
            await pilot.press("z")


async def test_resize_and_back_keeps_the_selected_event_in_view(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        lst = app.screen.query_one("#timeline-list", LineList)
        await pilot.press(*["down"] * 6)  # the last row in view at 80x24
        await pilot.pause()
        assert lst.cursor == 6 and lst.cursor in lst.shown_rows()
        for size in ((60, 20), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            await pilot.pause()
            assert lst.cursor == 6
            assert lst.cursor in lst.shown_rows(), size
            assert any(lst.row_text(lst.cursor).plain[:30] in line for line in painted(lst)), size


async def test_timeline_titles_end_at_a_word_and_casualties_always_show(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        lst = app.screen.query_one("#timeline-list", LineList)
        tl = app.screen.query_one("#timeline")
        cut = 0
        for eid, line in zip(tl.ids, await painted_list(pilot, lst)):
            event = app.store.event(eid)
            line = line.rstrip()
            if cas := casualty_summary(event):
                assert line.endswith(cas), line
                line = line.removesuffix(cas)
            title = event["title"]
            shown = line[16:].split(" · ")[0].strip()
            if shown != title:  # cut: at the end of a word, and marked
                cut += 1
                assert shown.endswith("…"), line
                kept = shown[:-1]
                assert title.startswith(kept) and not title[len(kept)].isalnum() and len(kept) >= 20, line
        assert cut, "at 80 columns some titles are too long: the test must see one cut"


def footer_keys(app) -> dict[str, object]:
    """The footer's keys that are on screen, whole, by what they show ("? Keys")."""
    footer = app.screen.query_one(Footer)
    shown = {}
    for key in footer.query("FooterKey"):
        if inside(key, app.screen) and footer.region.contains_region(key.region):
            shown[str(key.render()).strip()] = key
    return shown


async def test_footer_at_80_columns_shows_keys_and_quit_first_and_no_dead_keys(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        for pane in ("1", "2", "3"):
            await pilot.press(pane)
            await pilot.pause()
            shown = footer_keys(app)
            assert "? Keys" in shown and "q Quit" in shown, (pane, list(shown))
            assert not any(k.startswith(("F ", "A ", "u ", "[ ")) for k in shown), list(shown)  # nothing to undo
        # a filter makes "F Clear filter" useful: it appears, and goes once used
        await pilot.press("1", "f", "tab", "tab", "tab", *"2015", "enter")  # From: 2015
        await pilot.pause()
        assert "F Clear filter" in footer_keys(app)
        await pilot.press("F")
        await pilot.pause()
        assert "F Clear filter" not in footer_keys(app)


async def test_filter_dialog_fits_80x24(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        inputs = list(dialog.query(Input))
        assert [i.id for i in inputs] == ["filter-actor", "filter-place", "filter-type", "filter-start", "filter-end"]
        for field in inputs:
            assert inside(field, dialog), field.id
            assert field.region.width >= 30, field.id
        # an error under a field keeps every field on screen
        await pilot.press(*"nobody at all", "tab", "tab", "tab", *"20x5", "tab", *"2016")
        await pilot.pause()
        assert "20x5" in app.screen.query_one("#filter-start", Input).value
        for field in inputs:
            assert inside(field, dialog), field.id
        errors = [e for e in dialog.query(".field-error") if str(e.render()).strip()]
        assert len(errors) == 2 and all(inside(e, dialog) for e in errors)


def toasts(app) -> list[str]:
    """The notices on screen now, as read."""
    return [str(t.render()) for t in app.screen.query("Toast") if inside(t, app.screen)]


async def test_save_and_undo_say_what_they_did_at_80_columns(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(app, pilot)
        await pilot.press("e")  # the first event: its title gets a word more
        app.screen.query_one("#f-title").focus()
        await pilot.press("end", *" (revised)", "ctrl+s")
        for _ in range(200):  # the form saves in its own worker, then closes
            if app.screen.__class__.__name__ == "MainScreen":
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert any("Saved" in t and "French jets support Libyan rebels against Qaddafi (revised)" in t
                   for t in toasts(app)), toasts(app)
        app.clear_notifications()
        await pilot.press("1", "end")  # another record on screen: the undo is about a record out of sight
        await pilot.pause()
        assert not dossier_text(app).startswith("French jets")
        await pilot.press("u")
        await settle(pilot)
        said = toasts(app)
        assert any("Undid" in t and "edit of event libya-intervention-2011" in t
                   and "French jets support Libyan rebels against Qaddafi" in t for t in said), said
        assert " ".join(dossier_text(app).split()).startswith("French jets support Libyan rebels against Qaddafi ")
        assert "(revised)" not in dossier_text(app)
        assert "French jets" in timeline_cursor_row(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert any("Redid" in t and "(revised)" in t for t in toasts(app)), toasts(app)


def on_screen(app, pane_id: str) -> str:
    """The text a person reads in a pane now: its visible widgets' painted lines, spaces folded."""
    pane = app.screen.query_one(pane_id)
    assert pane.display and inside(pane, app.screen), f"{pane_id} is not on screen"
    lines = []
    for widget in pane.query("*"):
        if widget.display and inside(widget, app.screen) and not widget.children:
            lines.extend(painted(widget))
    return " ".join(" ".join(lines).split())


async def test_relations_are_readable_at_80x24(open_app, shipped):
    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        pane = app.screen.query_one("#relations")
        assert pane.region.width >= 76  # the whole width, not a 30-column strip
        tree = app.screen.query_one(RelationsTree)
        for _ in range(len(tree.root.children[0].children) + 6):
            shown = painted(tree)
            for line in shown:  # a line too long for the pane is marked, not cut silently
                assert len(line.rstrip()) < tree.size.width or line.rstrip().endswith("…"), line
            await pilot.press("down")


async def test_newcomer_finds_which_groups_merged_into_al_mourabitoun_when_and_who_says_so(open_app, shipped):
    """Keys only, at 80x24, no zoom: the answer is read on screen."""

    app = open_app(shipped)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app, pilot)
        store = app.store
        await pilot.press("3")  # the relations tree
        tree = app.screen.query_one(RelationsTree)
        await press_until(pilot, "down", lambda: tree.cursor_node is not None
                            and tree.cursor_node.label.plain.startswith("Al-Mourabitoun"))
        await pilot.pause()
        seen = on_screen(app, "#relations")
        # which two groups, and when: the highlighted node says it in full
        when = dates.display(store.tables["relations"]["mujao-merged-into-al-mourabitoun"]["start"])
        assert f"merger {when}" in seen
        assert "Belmokhtar's spinoff group (unnamed in source) + Movement for Oneness and Jihad in West Africa" in seen
        assert app.screen.maximized is None
        # who says so: open the group and read down its dossier to the sources of each date
        await pilot.press("enter")
        await pilot.pause()
        assert on_screen(app, "#dossier").startswith("Actor · al-mourabitoun Al-Mourabitoun")
        founding = store.tables["actors"]["al-mourabitoun"]["facts"][0]
        for claim in founding["claims"]:
            said = " ".join(cites(store, claim["cite"]).plain.split())
            await press_until(pilot, "down", lambda: said in on_screen(app, "#dossier"), limit=40)
            assert " ".join(claim["text"].split()[-4:]) in on_screen(app, "#dossier")
        await press_until(pilot, "down", lambda: "formed from Movement for Oneness" in on_screen(app, "#dossier"))
        assert "formed from Belmokhtar's spinoff group" in on_screen(app, "#dossier")
        assert app.screen.maximized is None
