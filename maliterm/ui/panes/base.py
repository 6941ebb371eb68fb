"""What every pane of the main screen is: its title, focus key and help, and how it hears of the data.

The main screen finds its panes with `query(Pane)`; it never names one to show a record, to say the data
changed, to list the keys or to focus it. It publishes two signals (`PaneHost`) that each pane subscribes
to when mounted; a pane tells the screen what a person picks by posting `Navigate` (`navigate`).
Adding a pane: docs/architecture.md, "Adding a pane".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Protocol, TypeVar, runtime_checkable

from textual.binding import Binding
from textual.containers import Vertical
from textual.signal import Signal
from textual.widget import Widget

from maliterm.ui.messages import Navigate, Selection, StoreChange, Target

T = TypeVar("T")


@runtime_checkable
class PaneHost(Protocol):
    """The screen that holds panes: the signals it publishes."""

    selection_signal: Signal[Selection]  # a record was selected: every pane shows its part of it
    store_signal: Signal[StoreChange]  # the data changed (opened, saved, undone, reloaded)


class Pane(Vertical, can_focus=False):
    """A pane of the main screen. Subclasses declare the class attributes and override the two hooks they need."""

    PANE_ID: ClassVar[str] = ""
    """The pane's DOM id: its handle in app.tcss (its width there)."""
    BINDING_GROUP_TITLE: str = ""  # Textual declares it on every node; a pane must have one
    """Its title: on its border after its focus key, over its keys in help."""
    FOCUS_KEY: ClassVar[str] = ""
    """The digit (1-9) that focuses it from anywhere on the screen."""
    FOCUS_TOOLTIP: ClassVar[str] = ""
    """What the focus key says in help; empty: "Focus the <title>"."""
    HELP: ClassVar[str] = ""
    """What it shows, in a sentence or two: under its title in help (`?`), above its keys."""
    LISTS: ClassVar[frozenset[str]] = frozenset()
    """Tables it lists a record a line: a record of one opened from search, the palette or the map focuses it."""
    SHOWS_RECORD: ClassVar[bool] = False
    """It shows an opened record whole (the dossier): a record opened from a pane, or of a table no pane lists,
    focuses it."""
    ON_TOP_WHEN_NARROW: ClassVar[bool] = False
    """Narrow (80 columns), this pane keeps the top; the others take turns below it, one at a time."""
    allow_maximize = True  # z zooms it

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 (Textual's name)
        # "pane": the border, the focus colour and zoom in app.tcss; narrow, it shows the -takes-turns one at a time.
        own = "pane" if self.ON_TOP_WHEN_NARROW else "pane -takes-turns"
        super().__init__(id=id or self.PANE_ID or None, classes=f"{own} {classes or ''}".strip())

    def on_mount(self) -> None:
        self.border_title = f"{self.FOCUS_KEY} {self.BINDING_GROUP_TITLE}".strip()
        host = self.screen
        if isinstance(host, PaneHost):
            # Immediate: each pane shows the selection in the same frame, in layout order.
            host.store_signal.subscribe(self, self._raising(self.store_changed), immediate=True)
            host.selection_signal.subscribe(self, self._raising(self.selection_changed), immediate=True)

    def _raising(self, hook: Callable[[T], None]) -> Callable[[T], None]:
        """`hook`, with its failure raised in the app as any handler's is: a Signal would log it and go on."""
        def deliver(data: T) -> None:
            try:
                hook(data)
            except Exception as error:  # noqa: BLE001 (raised again in the app, which reports it)
                self.app.call_next(_raise, error)

        return deliver

    # ---- what the screen tells every pane --------------------------------------------------------

    def store_changed(self, change: StoreChange) -> None:
        """The data changed: show it as it now is. The selection follows (`selection_changed`)."""

    def selection_changed(self, selection: Selection) -> None:
        """A record was selected (in this pane, another, search, the palette, back or forward): show your part of it."""

    # ---- what the screen asks of a pane -------------------------------------------------------------

    def focus_content(self) -> None:
        """Focus the pane's first focusable widget (its list or tree)."""
        for widget in self.query(Widget):
            if widget.can_focus:
                widget.focus()
                return

    @classmethod
    def focus_binding(cls) -> Binding:
        """Its focus key as help lists it (the screen binds the digits 1-9 to `focus_pane`)."""
        return Binding(cls.FOCUS_KEY, f"focus_pane('{cls.FOCUS_KEY}')", cls.BINDING_GROUP_TITLE, show=False,
                       tooltip=cls.FOCUS_TOOLTIP or f"Focus the {cls.BINDING_GROUP_TITLE.lower()}")

    def help_section(self, focused: bool) -> tuple[str, str, list[type | Binding]]:
        """(title, what it shows, the classes whose keys apply in it): its own and its focusable widgets'."""
        inner = dict.fromkeys(type(w) for w in self.query(Widget) if w.can_focus)
        return self.BINDING_GROUP_TITLE + (" (focused)" if focused else ""), self.HELP, [type(self), *inner]

    # ---- what a pane tells the screen ---------------------------------------------------------------

    def navigate(self, target: Target, remember: bool = True) -> None:
        """A person picked `target` here: every pane shows it (this one already does); `remember` adds it to
        trail (back and forward) and opens it."""
        self.post_message(Navigate(target, remember=remember, origin=self.id or ""))


def _raise(error: Exception) -> None:
    raise error
