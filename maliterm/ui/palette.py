"""The command palette (ctrl+p): every actor, event, place and source, and every action."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from maliterm.untrusted import literal_line, one_line
from maliterm.ui.messages import Navigate, Target

ACTIONS = (
    ("Search…", "search", "Search names, aliases, titles and summaries"),
    ("Filter the timeline…", "filter", "By actor, place, type or date range"),
    ("Clear the timeline filter", "clear_filter", "Show every event"),
    ("Jump to a year…", "jump_year", "Move the timeline to a year"),
    ("Lineage as of a date…", "as_of", "Show the lineage as it stood on a date"),
    ("Map of the timeline's events", "map", "Places on country outlines; arrows pan, + and - zoom"),
    ("How is one actor connected to another?…", "path", "The shortest chains of relations and shared events"),
    ("Back", "back", "Previous selection"),
    ("Forward", "forward", "Next selection"),
    ("Zoom the focused pane", "zoom", "Maximise or restore"),
    ("Read the source…", "read", "The text of the source in the dossier, or of the first one the record cites"),
    ("Next theme", "app.cycle_theme", "Dark, light, high contrast"),
    ("Keys", "help", "Every key of every pane"),
    ("Recent changes", "changes", "Who changed what in this file, and when (the change log)"),
    ("Export report on the selected actor (Markdown)…", "export('markdown', True)", "The actor, its lineage, events, contested facts"),
)


def actions() -> list[tuple[str, str, str]]:
    """(name, action, help) of every palette action: the screen's, then one per registered export format."""
    from maliterm.interchange.exporters import EXPORTERS

    return [*ACTIONS, *((f"Export {e.title}…", f"export({e.name!r})", e.description) for e in EXPORTERS.values())]


class MalitermCommands(Provider):
    """Records come from the store's search index, so the palette stays fast at 100k events."""

    def _screen(self):
        from maliterm.ui.screens.main import MainScreen

        return next((s for s in self.app.screen_stack if isinstance(s, MainScreen)), None)

    def _run(self, action: str) -> None:
        screen = self._screen()
        if screen is None:
            return
        self.app.call_next(screen.run_action, action)  # a coroutine: scheduled rather than dropped

    def _open(self, target: Target) -> None:
        screen = self._screen()
        if screen is not None:
            screen.post_message(Navigate(target))

    def _read(self, target: Target) -> None:
        screen = self._screen()
        if screen is not None:
            screen.read(target)

    async def discover(self) -> Hits:
        for name, action, help_text in actions():
            yield DiscoveryHit(name, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in actions():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action), help=help_text)
        store = getattr(self.app, "store", None)
        if store is None or not query.strip():
            return
        reading = query.lower().startswith("read ")  # "read hammer": the source's text first
        for h in store.search(query[5:] if reading else query, 15):
            # The palette parses a str prompt or help as markup: data goes in as Text/Content only.
            name = one_line(store.name(h.id))
            label = Text().append(f"{h.table.rstrip('s')}: ", style="dim").append_text(literal_line(name))
            summary = Content(one_line(h.text[:80])) if h.field == "summary" else None
            yield Hit(min(h.score / 100, 1.0) * 0.99, label, partial(self._open, Target(h.table, h.id)),
                      text=name, help=summary)  # type: ignore[arg-type]  # Textual says str, which it parses as markup; Content is shown as is
            if h.table == "sources" and (store.get(h.id) or {}).get("paragraphs"):
                yield Hit(min(h.score / 100, 1.0) * (1.0 if reading else 0.98),
                          Text("read: ", style="dim").append_text(literal_line(name)),
                          partial(self._read, Target(h.table, h.id)), text=f"read {name}")
