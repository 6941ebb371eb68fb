"""A full disk while saving from the TUI: the form stays open with the reason, the file intact,
and the same edit saves once there is room again."""

from __future__ import annotations

import errno
import json

from maliterm import storage

from test_editing import choose, pick, select, type_into
from ui_helpers import dossier_text, ready, settle


async def test_a_full_disk_keeps_the_form_open_with_the_reason(open_app, small, monkeypatch):
    before = small.read_bytes()
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("n")
        await choose(pilot, "New actor")
        await type_into(pilot, "name", "Disk Full")
        select(app, "kind", "person")
        await pick(pilot, "cite_source", "field report")

        def full(*args):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(storage.os, "fsync", full)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(app.screen.query_one("#e-form").render())
        assert "not saved: no space left on device; the file on disk is as it was before this save" in shown
        assert small.read_bytes() == before
        assert app.screen.query_one("#f-name").value == "Disk Full"  # what was typed is still there

        monkeypatch.undo()  # room again: the same form saves
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert dossier_text(app).startswith("Disk Full")
    assert "disk-full" in json.loads(small.read_bytes())["actors"]
