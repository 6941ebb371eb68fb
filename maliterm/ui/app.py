"""The maliterm Textual app: theme, global keys, and the main screen. Thin by design."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from maliterm import config
from maliterm.safe import clean, one_line
from maliterm.ui.commands import MalitermCommands
from maliterm.ui.screens.main import MainScreen
from maliterm.ui.themes import HIGH_CONTRAST, THEME_CYCLE


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

    def __init__(self, path: Path, read_only: bool = False) -> None:
        super().__init__()
        self.path = path
        self.read_only = read_only
        self.store = None
        self.load_error = None  # a MalitermError when the file could not be opened
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
        try:
            config.save(self.settings)
        except OSError as exc:
            self.notify(clean(f"Theme not saved: {exc}"), severity="warning", markup=False)
        self.notify(f"Theme: {self.theme}", timeout=2)


def make_app(path: Path, read_only: bool = False) -> MalitermApp:
    """One factory for the CLI, the tests and the snapshot apps."""
    return MalitermApp(path, read_only=read_only)
