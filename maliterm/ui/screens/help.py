"""Keyboard help: every binding of every pane, the focused pane first, and what each pane shows."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static


def _keys(app, binding: Binding) -> str:
    return " / ".join(app.get_key_display(Binding(k.strip(), binding.action)) for k in binding.key.split(","))


def binding_rows(app, classes: Sequence[type | Binding]) -> list[tuple[str, str]]:
    """One row a key: the BINDINGS of each class, or the binding itself (a pane's focus key), the first for a key."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for cls in classes:
        for b in [cls] if isinstance(cls, Binding) else getattr(cls, "BINDINGS", ()):
            b = b if isinstance(b, Binding) else Binding(*b)
            if b.key in seen or not b.description:
                continue
            seen.add(b.key)
            rows.append((_keys(app, b), b.tooltip or b.description))
    return rows


# How dates read everywhere (the same words as README "Reading dates").
DATE_LEGEND = (
    "2015-11-20  a day;  2012-12  a month;  2013  a year: a date is as precise as its source.\n"
    "c. 2014  about 2014 (typed as 2014~ in forms and files).\n"
    "2013…  in a list: a range that starts then; the record says 'between 2013 and 2014'.\n"
    "from 2012-12 / until 2012-12  when a relation began / ended; 'some time between' when only a range is known.\n"
    "On one day, a single date is listed before a range that starts that day (the range ends later).\n"
    "CONTESTED  the sources disagree: every side is shown, each with its source.\n"
    "Hammer 2015 ¶13, 22  a citation: the source's author and year, then its paragraphs; the full title\n"
    "is in the dossier's Sources list."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close")]

    def __init__(self, sections: list[tuple[str, str, list]]) -> None:
        """`sections` are (title, what the pane shows, classes whose BINDINGS apply, or bindings)."""
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
            yield Static(Text("Reading dates and citations", style="bold underline"))
            yield Static(Text(DATE_LEGEND), id="help-dates")

    def action_close(self) -> None:
        self.dismiss(None)
