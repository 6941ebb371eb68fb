"""Keyboard help: every binding of every pane, the focused pane first, and what each pane shows."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def _keys(app, binding: Binding) -> str:
    return " / ".join(app.get_key_display(Binding(k.strip(), binding.action)) for k in binding.key.split(","))


def binding_rows(app, classes) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for cls in classes:
        for b in getattr(cls, "BINDINGS", ()):
            b = b if isinstance(b, Binding) else Binding(*b)
            if b.key in seen or not b.description:
                continue
            seen.add(b.key)
            rows.append((_keys(app, b), b.tooltip or b.description))
    return rows


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, sections: list[tuple[str, str, list]]) -> None:
        """`sections` are (title, what the pane shows, classes whose BINDINGS apply)."""
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide", id="help"):
            yield Label("Keys  (escape closes; every action also works from ctrl+p)", classes="dialog-title")
            for title, about, classes in self.sections:
                rows = binding_rows(self.app, classes)
                width = max((len(k) for k, _ in rows), default=0) + 2
                keys = Text()
                for key, what in rows:
                    keys.append(f"{key:<{width}}", style="bold").append(f"{what}\n")
                yield Static(Text(title, style="bold underline"))
                if about:
                    yield Static(Text(about, style="italic"))
                yield Static(keys)

    def action_close(self) -> None:
        self.dismiss(None)
