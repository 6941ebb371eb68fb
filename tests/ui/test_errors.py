"""Every failure is visible: a failed save or reload is shown, never swallowed, never a crash."""

from __future__ import annotations

import errno

from maliterm import storage

from test_editing import add_actor, choose
from ui_helpers import dossier_text, ready, settle


async def toasts(pilot) -> str:
    """The text of the notifications on screen, as a person reads them (once they are drawn)."""
    for _ in range(3):
        await pilot.pause()
    return "\n".join(str(t.render()) for t in pilot.app.screen.query("Toast"))


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


async def test_a_save_that_hits_a_full_disk_shows_the_error_and_not_saved(open_app, small, monkeypatch):
    app = open_app(small)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(app, pilot)
        monkeypatch.setattr(storage, "write_atomic", disk_full)
        before = small.read_bytes()
        await pilot.press("d")
        await choose(pilot, "Delete ")
        await settle(pilot)
        await pilot.pause()
        assert "no space left on device" in await toasts(pilot)
        assert "saved" not in app.sub_title and "FAILED" in app.sub_title
        assert small.read_bytes() == before
        assert app.store.get("hotel-attack") is not None


async def test_a_form_save_on_a_full_disk_says_so_in_the_form(open_app, small, monkeypatch):
    app = open_app(small)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(app, pilot)
        monkeypatch.setattr(storage, "write_atomic", disk_full)
        await add_actor(pilot, "Katiba Full Disk")
        await pilot.pause()
        assert "no space left on device" in str(app.screen.query_one("#e-form").render())
        assert "saved" not in app.sub_title


async def test_reloading_a_file_that_became_invalid_shows_why_and_keeps_running(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(app, pilot)
        small.write_bytes(b'{"actors": broken')  # a half-written file from another program
        await pilot.press("d")
        await choose(pilot, "Delete ")
        await settle(pilot)
        await choose(pilot, "Reload it")
        await settle(pilot)
        await pilot.pause()
        assert app.is_running
        assert "not valid JSON" in await toasts(pilot)
        assert dossier_text(app)  # the panes still show the data as it was
