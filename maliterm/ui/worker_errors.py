"""Failed workers reach the app's one error handler (`MalitermApp.show_worker_error`).

Textual posts `Worker.StateChanged` to the node that ran the worker only (it does not bubble),
so every screen or widget that runs workers takes this mixin, which hands the event up.
"""

from __future__ import annotations

from textual.worker import Worker


class ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.app.show_worker_error(event)  # type: ignore[attr-defined]
