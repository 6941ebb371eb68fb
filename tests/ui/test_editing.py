"""Editing in the field: forms checked as you type, saved at once, undoable, there after a restart."""

from __future__ import annotations

import json
import os

from textual.widgets import Select

from maliterm.locking import current_user

from ui_helpers import dossier_text, open_by_search, ready, settle, tree_labels


async def choose(pilot, label_words: str) -> None:
    """Move down a choice list to the option that contains `label_words`, then take it."""
    options = pilot.app.screen.query_one("#choice-list")
    for i in range(options.option_count):
        if label_words in str(options.get_option_at_index(i).prompt):
            options.highlighted = i
            break
    else:
        raise AssertionError(f"no choice reads {label_words!r}")
    await pilot.press("enter")


async def pick(pilot, field: str, typed: str) -> None:
    """Type into a reference picker and take the first match, as a person would."""
    pilot.app.screen.query_one(f"#f-{field} Input").focus()
    await pilot.press(*typed)
    await pilot.pause()
    await pilot.press("enter")


async def type_into(pilot, field: str, text: str) -> None:
    pilot.app.screen.query_one(f"#f-{field}").focus()
    await pilot.press(*text)


def select(app, field: str, value) -> None:
    app.screen.query_one(f"#f-{field}", Select).value = value


def error_beside(app, field: str) -> str:
    return str(app.screen.query_one(f"#e-{field}").render())


async def add_actor(pilot, name: str) -> None:
    app = pilot.app
    await pilot.press("n")
    await choose(pilot, "New actor")
    await type_into(pilot, "name", name)
    select(app, "kind", "armed_group")
    await type_into(pilot, "aliases", "Katiba Test; KT")
    await type_into(pilot, "summary", "A group we learned about today.")
    await pick(pilot, "cite_source", "field report")
    await type_into(pilot, "cite_loc", "para 3")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_add_actor_and_relation_undo_redo_and_reopen(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await add_actor(pilot, "Katiba Nouvelle")
        assert dossier_text(app).startswith("Katiba Nouvelle")
        assert "Aliases: Katiba Test, KT" in dossier_text(app)
        assert "saved" in app.sub_title

        # a relation: the new group split from the Old Front
        await pilot.press("n")
        await choose(pilot, "New relation")
        await pick(pilot, "from", "katiba nouvelle")
        select(app, "type", "splinter_of")
        await pick(pilot, "to", "old front")
        await type_into(pilot, "start", "2016-03")
        await pick(pilot, "cite_source", "wire story")
        await pilot.press("ctrl+s")
        await settle(pilot)
        labels = "\n".join(tree_labels(app))
        assert "Katiba Nouvelle  split off 2016-03" in labels

        await pilot.press("u")  # undo the relation
        await settle(pilot)
        assert "Katiba Nouvelle  split off" not in "\n".join(tree_labels(app))
        await pilot.press("ctrl+r")  # redo it
        await settle(pilot)
        assert "Katiba Nouvelle  split off 2016-03" in "\n".join(tree_labels(app))

    data = json.loads(small.read_text(encoding="utf-8"))
    assert data["actors"]["katiba-nouvelle"]["aliases"] == ["Katiba Test", "KT"]
    assert data["actors"]["katiba-nouvelle"]["cite"] == [{"source": "src-a", "loc": "para 3"}]
    assert any(r["from"] == "katiba-nouvelle" and r["to"] == "old-front" for r in data["relations"].values())
    assert len(data["changes"]) >= 4  # add, add, undo, redo: the team can see what changed

    again = open_app(small)  # quit and reopen: the data is as left
    async with again.run_test(size=(160, 48)) as pilot:
        await ready(again, pilot)
        await open_by_search(pilot, "katiba nouvelle")
        assert dossier_text(again).startswith("Katiba Nouvelle")
        assert "split from Old Front" in dossier_text(again)


async def test_form_rejects_a_bad_date_next_to_the_field(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        before = small.read_bytes()
        await pilot.press("n")
        await choose(pilot, "New event")
        await type_into(pilot, "title", "Something happened")
        await type_into(pilot, "date", "2015-13-40")
        assert "month 13" in error_beside(app, "date")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "month 13" in error_beside(app, "date")
        assert "Source is required" in error_beside(app, "cite_source")  # every new fact needs its source
        assert app.screen.__class__.__name__ == "RecordForm"  # still open: nothing saved
        await pilot.press("escape")
        assert small.read_bytes() == before


async def test_typed_text_is_not_a_reference(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("n")
        await choose(pilot, "New relation")
        app.screen.query_one("#f-from Input").focus()
        await pilot.press(*"nobody at all")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "pick one of the matches" in error_beside(app, "from")


async def test_delete_a_referenced_record_lists_references_and_cascades(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "river movement")
        await pilot.press("d")
        await pilot.pause()
        detail = str(app.screen.query_one("#choice-detail").render())
        assert "relations/r-m2.from" in detail
        await choose(pilot, "and remove the references")
        await settle(pilot)
    data = json.loads(small.read_text(encoding="utf-8"))
    assert "river-movement" not in data["actors"]
    assert "r-m2" not in data["relations"]  # a relation cannot stand without its end: nothing dangles


async def test_adding_a_second_claim_makes_a_fact_contested(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "kamal")
        await pilot.press("c")
        await choose(pilot, "A new fact")
        await type_into(pilot, "about", "age")
        await type_into(pilot, "text", "Report A says he is 40.")
        await type_into(pilot, "value", "40")
        await pick(pilot, "cite_source", "field report")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "age" in dossier_text(app) and "CONTESTED" not in dossier_text(app)
        await pilot.press("c")
        await choose(pilot, "Another side of: age")
        await type_into(pilot, "text", "Wire B says he is 45.")
        await type_into(pilot, "value", "45")
        select(app, "credibility", 3)
        await pick(pilot, "cite_source", "wire story")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = dossier_text(app)
        assert "age  CONTESTED" in text
        assert "side 1: Report A says he is 40." in text and "side 2: Wire B says he is 45." in text


async def test_read_only_refuses_edits_with_a_banner(open_app, small):
    app = open_app(small, read_only=True)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        assert "READ-ONLY" in str(app.screen.query_one("#banner").render())
        before = small.read_bytes()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"
    assert small.read_bytes() == before


async def test_a_second_writer_opens_read_only_naming_the_first(open_app, small):
    from maliterm.store import Store

    with Store.open(small) as first:  # another maliterm already writing this file
        assert not first.read_only
        app = open_app(small)
        async with app.run_test(size=(160, 48)) as pilot:
            await ready(app, pilot)
            banner = str(app.screen.query_one("#banner").render())
            assert "READ-ONLY" in banner and str(os.getpid()) in banner


async def test_a_file_changed_on_disk_is_offered_for_reload_not_overwritten(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        # someone else (a git pull, another tool) changes the file while we work
        data = json.loads(small.read_text(encoding="utf-8"))
        data["actors"]["old-front"]["summary"] = "Changed by a colleague."
        small.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

        await pilot.press("n")
        await choose(pilot, "New actor")
        await type_into(pilot, "name", "Late Arrival")
        select(app, "kind", "person")
        await pick(pilot, "cite_source", "field report")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "changed on disk" in str(app.screen.query_one("Label").render())
        await choose(pilot, "Reload it, then save this edit on top")
        await settle(pilot)
        assert dossier_text(app).startswith("Late Arrival")
    data = json.loads(small.read_text(encoding="utf-8"))
    assert data["actors"]["old-front"]["summary"] == "Changed by a colleague."  # their change kept
    assert "late-arrival" in data["actors"]  # and ours on top


async def test_the_change_log_shows_who_changed_what(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await add_actor(pilot, "Katiba Logged")
        await pilot.press("2")  # leave the record; the log brings us back
        await open_by_search(pilot, "old front")
        app.screen.action_changes()
        await pilot.pause()
        first = str(app.screen.query_one("#choice-list").get_option_at_index(0).prompt)
        assert "add" in first and "Katiba Logged" in first and "name" in first
        assert current_user() in first
        await pilot.press("enter")
        assert dossier_text(app).startswith("Katiba Logged")


async def test_panes_survive_a_save_that_lands_before_their_refresh(open_app, small):
    """A save runs in a worker and changes the store at once; the panes are told a moment later.
    Drawing in between must show what is left, never fail on what went."""
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "al-ittihad al-jadid")  # its dossier lists the hotel attack
        app.store.delete("events", "hotel-attack", cascade=True)  # as the worker would, unannounced
        app.screen.query_one("#timeline-list").refresh()
        app.screen.query_one("#dossier-list").refresh()
        await pilot.pause()
        assert "(deleted)" in dossier_text(app)
        rows = [app.screen.query_one("#timeline-list").row_text(i).plain
                for i in range(app.screen.query_one("#timeline-list").count)]
        assert "(deleted)" in "\n".join(rows)
