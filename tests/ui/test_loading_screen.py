"""The loading screen goes once the data is in: a hidden LoadingIndicator would keep animating
(about 1% of a core, idle, on battery: issue 16)."""

from __future__ import annotations

import pytest
from textual.widgets import LoadingIndicator

from maliterm.ui.screens import main


@pytest.mark.parametrize("in_worker", [False, True], ids=["opened-at-once", "opened-in-a-worker"])
async def test_no_loading_indicator_left_once_loaded(open_app, small, monkeypatch, in_worker):
    if in_worker:
        monkeypatch.setattr(main, "OPEN_AT_ONCE", 0)  # as a big file opens: the loading screen first
    app = open_app(small)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.store is None:
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.screen.query_one("#panes").display
        assert not app.query(LoadingIndicator)
        assert not app.screen.query("#loading")
