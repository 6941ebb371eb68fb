"""The loading screen goes once the data is in: a hidden LoadingIndicator would keep animating
(about 1% of a core, idle, on battery: issue 16)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from textual.widgets import LoadingIndicator

from maliterm.ui import opening
from ui_helpers import ready, timeline_rows


@pytest.mark.parametrize("in_worker", [False, True], ids=["opened-at-once", "opened-in-a-worker"])
async def test_no_loading_indicator_left_once_loaded(open_app, small, monkeypatch, in_worker):
    if in_worker:
        monkeypatch.setattr(opening, "OPEN_AT_ONCE", 0)  # as a big file opens: the loading screen first
    app = open_app(small)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.store is None:
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.screen.query_one("#panes").display
        assert not app.query(LoadingIndicator)
        assert not app.screen.query("#loading")


@pytest.mark.parametrize("in_worker", [False, True], ids=["small-file", "big-file"])
async def test_the_database_is_never_read_on_the_ui_thread(open_app, small, monkeypatch, in_worker):
    """The file is stat'ed, opened and read in another thread, small or big; the panes are still filled."""
    if in_worker:
        monkeypatch.setattr(opening, "OPEN_AT_ONCE", 0)
    ui, touched = threading.get_ident(), []

    def spy(real):
        def call(path, *args, **kwargs):
            if isinstance(path, (str, os.PathLike)) and Path(path) == small:
                touched.append(threading.get_ident() == ui)
            return real(path, *args, **kwargs)
        return call

    monkeypatch.setattr(os, "open", spy(os.open))
    monkeypatch.setattr(os, "stat", spy(os.stat))
    app = open_app(small)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        assert app.screen.query_one("#panes").display and timeline_rows(app)
    assert touched and not any(touched)
