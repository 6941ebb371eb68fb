"""The maliterm Textual app: theme, global keys, and the main screen. Thin by design."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from maliterm import config
from maliterm.errors import MalitermError
from maliterm.untrusted import clean, one_line
from maliterm.ui.opening import open_in_background
from maliterm.ui.palette import MalitermCommands
from maliterm.ui.screens.main import MainScreen
from maliterm.ui.themes import HIGH_CONTRAST, THEME_CYCLE

if TYPE_CHECKING:
    from maliterm.store import Store


class MalitermApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "maliterm"
    COMMANDS = App.COMMANDS | {MalitermCommands}
    BINDINGS = [
        Binding("q", "quit", "Quit", tooltip="Quit maliterm"),
        Binding("question_mark,f1", "screen.help", "Keys", tooltip="Show every key"),
        Binding("t", "cycle_theme", "Theme", show=False, tooltip="Dark, light, high contrast"),
        Binding("ctrl+p", "command_palette", "Commands", show=False,  # the footer docks it at the right
                tooltip="Every actor, event and action"),
    ]

    def __init__(self, path: Path, read_only: bool = False, opening: Future[Store | None] | None = None) -> None:
        super().__init__()
        self.path = path
        self.read_only = read_only
        # The file is read in a thread of its own, never on the UI thread (the CLI starts it before importing Textual).
        self.opening = opening or open_in_background(path, read_only)
        self.store: Store | None = None
        self.load_error: MalitermError | None = None  # a MalitermError when the file could not be opened
        self.settings = config.load()

    def on_mount(self) -> None:
        self.register_theme(HIGH_CONTRAST)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            # the theme name comes from the config file: shown, never parsed
            self.notify(one_line(f"Unknown theme {self.settings.theme!r} in {config.config_path()}; using the default."),
                        severity="warning", markup=False)
        self.push_screen(MainScreen(self.path, self.read_only))

    def action_cycle_theme(self) -> None:
        current = THEME_CYCLE.index(self.theme) if self.theme in THEME_CYCLE else -1
        self.theme = THEME_CYCLE[(current + 1) % len(THEME_CYCLE)]
        self.settings.theme = self.theme
        self._save_settings()
        self.notify(f"Theme: {self.theme}", timeout=2)

    @work(thread=True, exclusive=True, group="config", exit_on_error=False, description="Settings not saved")
    def _save_settings(self) -> None:
        config.save(self.settings)  # off the UI thread: a slow or full disk never freezes a keypress

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.show_worker_error(event)

    def show_worker_error(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is shown (screens hand theirs here, see `worker_errors`):
        whatever it raised, in plain words, never dropped.

        A worker names what failing means in its `description` ("Not saved", "Export failed");
        a failed save also marks the header, so it never goes on saying "saved"."""
        worker = event.worker
        if event.state != WorkerState.ERROR or worker.error is None:
            return
        error = worker.error
        if isinstance(error, MalitermError):
            text = error.text()
        elif isinstance(error, OSError):
            where = f" ({error.filename})" if error.filename else ""
            text = f"{error.strerror or error}{where}"
        else:  # a bug: say so plainly; no traceback reaches a user
            text = f"Unexpected error ({type(error).__name__}): {error}"
        self.notify(clean(text), title=clean(worker.description or "Failed"), severity="error", markup=False,
                    timeout=15)
        if worker.group == "save":
            for screen in self.screen_stack:
                if isinstance(screen, MainScreen):
                    screen.set_saved_state("save FAILED")


def make_app(path: Path, read_only: bool = False, opening: Future[Store | None] | None = None) -> MalitermApp:
    """One factory for the CLI, the tests and the snapshot apps; `opening`: the file already being opened."""
    return MalitermApp(path, read_only=read_only, opening=opening)
