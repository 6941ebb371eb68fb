"""Opening the database in a thread of its own, started before Textual is, so the UI thread never reads the file.

A small file is open by the time the main screen mounts (Textual's own start-up takes longer), so the first
frame still shows the panes; a bigger one is left to the main screen's worker, behind a progress bar. This
module imports no Textual: the CLI starts the opening before importing the TUI.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from maliterm.store import Store

OPEN_AT_ONCE = 2_000_000  # bytes: a file this small opens before the first frame; larger ones in a worker


def open_in_background(path: Path, read_only: bool) -> Future[Store | None]:
    """The store of `path`, opened in a new thread; None if the file is too big to open before the first
    frame (the main screen opens it then, reporting progress). Whatever `Store.open` raises, the future holds."""
    opened: Future[Store | None] = Future()

    def run() -> None:
        from maliterm.storage import file_size
        from maliterm.store import Store

        try:
            small = 0 <= file_size(path) <= OPEN_AT_ONCE  # -1, not a regular file: the worker's Store.open says why
            opened.set_result(Store.open(path, read_only=read_only) if small else None)
        except BaseException as exc:  # handed to the UI thread, which shows it (never lost in this thread)
            opened.set_exception(exc)

    threading.Thread(target=run, name="maliterm-open", daemon=True).start()
    return opened
