"""Messages that cross panes. The main screen listens and coordinates; panes never reach into each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from maliterm.store import Store


@dataclass(frozen=True)
class Target:
    """Something a person can select: a record of a table; with `para`, paragraph `para` of a source."""

    table: str
    id: str
    para: int | None = None


class Navigate(Message):
    """Show this record in every pane; `remember` adds it to the trail (back and forward)."""

    def __init__(self, target: Target, remember: bool = True, origin: str = "") -> None:
        super().__init__()
        self.target = target
        self.remember = remember
        self.origin = origin  # the pane it came from, which already shows it


@dataclass(frozen=True)
class Selection:
    """What the main screen's `selection_signal` carries to every pane: the record selected, and where."""

    target: Target
    origin: str = ""  # the id of the pane it was picked in, which already shows it; "" from elsewhere


@dataclass(frozen=True)
class StoreChange:
    """What the main screen's `store_signal` carries to every pane."""

    store: Store
    opened: bool  # a file just opened: panes start afresh (no filter); else the data changed under them


class StoreLoaded(Message):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store


class LoadProgress(Message):
    def __init__(self, text: str, step: int, steps: int) -> None:
        super().__init__()
        self.text = text
        self.step = step  # phases done so far, of `steps`
        self.steps = steps
