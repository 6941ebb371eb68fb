"""Edits are field-level: a form saves only what the user changed, on the record as it is at the save."""

from __future__ import annotations

import json

from test_editing import choose, type_into
from ui_helpers import ready, settle


def colleague_sets(path, table: str, rid: str, **fields) -> None:
    """Another program (a colleague's maliterm, a git pull) changes a record on disk."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data[table][rid].update(fields)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def newest_log_entry(path, ref: str) -> dict:
    changes = json.loads(path.read_text(encoding="utf-8"))["changes"].values()
    return max((c for c in changes if c["record"] == ref), key=lambda c: c["when"])


async def edit_title_while_a_colleague_edits(pilot, path, typed: str, **theirs) -> tuple[str, str]:
    """Open the form on the first event, let a colleague change it on disk, type into the title,
    save, and take "reload, then save on top". Returns (event id, title before)."""
    app = pilot.app
    await ready(app, pilot)
    eid = app.store.events_in_order()[0]
    title = app.store.event(eid)["title"]
    await pilot.press("e")
    await pilot.pause()
    colleague_sets(path, "events", eid, **theirs)
    await type_into(pilot, "title", typed)
    await pilot.press("ctrl+s")
    await settle(pilot)
    await choose(pilot, "Reload it, then save this edit on top")
    await settle(pilot)
    return eid, title


async def test_reload_then_save_keeps_the_colleagues_summary_and_my_title(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        eid, title = await edit_title_while_a_colleague_edits(pilot, small, " (revised)",
                                                              summary="Rewritten by a colleague.")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"  # saved: the form closed
    saved = json.loads(small.read_text(encoding="utf-8"))["events"][eid]
    assert saved["summary"] == "Rewritten by a colleague."  # theirs kept
    assert saved["title"] == f"{title} (revised)"  # mine on top
    assert newest_log_entry(small, f"events/{eid}")["fields"] == ["title"]  # only what I changed is mine


async def test_a_field_both_changed_is_asked_about_and_theirs_can_be_kept(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        eid, title = await edit_title_while_a_colleague_edits(pilot, small, " (mine)", title="Their title")
        prompt = str(app.screen.query_one("Label").render())
        assert "changed title meanwhile" in prompt  # a conflict is asked, never settled silently
        await choose(pilot, "Keep their title")
        await settle(pilot)
    assert json.loads(small.read_text(encoding="utf-8"))["events"][eid]["title"] == "Their title"
    assert title != "Their title"
