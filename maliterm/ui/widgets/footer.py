"""The footer, with the keys a newcomer needs first (help and quit) ahead of everything else.

Textual's Footer lists bindings from the focused widget outwards, so the app's own keys come
last and are the first to fall off an 80-column line; this one puts `FIRST` in front.
"""

from __future__ import annotations

from textual.widgets import Footer


class KeyFooter(Footer):
    FIRST = ("screen.help", "quit")  # actions, in the order they lead the footer

    def compose(self):
        keys = list(super().compose())

        def rank(widget) -> int:
            action = getattr(widget, "action", None)
            return self.FIRST.index(action) if action in self.FIRST else len(self.FIRST)

        return sorted(keys, key=rank)  # stable: the rest keep Textual's order
