"""The reader: a source's text, numbered by paragraph, with the records that cite each one.

Pushed over the main screen, so Back (escape, [ or alt+left) pops it and the main screen is
exactly as it was. It dismisses with a record to show when one is opened from the margin.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from typing import TYPE_CHECKING

from maliterm import editing
from maliterm.paragraphs import citing, page_of, paragraphs, sentences
from maliterm.presentation import source_label
from maliterm.untrusted import literal_line, one_line
from maliterm.ui.dialogs.choice import ChoiceScreen
from maliterm.ui.messages import Target
from maliterm.ui.widgets.paragraph_view import MARGIN, ParagraphView
from maliterm.ui.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:
    from maliterm.store import Store

KIND = {"events": "E", "actors": "A", "places": "P", "relations": "R", "quotes": "Q"}
NEW_CITED = ("quotes", "events", "actors", "places", "relations")
KEYS = "esc back · ⏎ open · n new cited · \" quote · s sentence · f uncited · ? keys"


class ReaderScreen(ReportsWorkerErrors, Screen):
    # Nothing takes focus: the screen passes the view's keys on to it (see BINDINGS), so the first frame
    # has no restyle of the view for its focus (its six component styles made that 10% of the frame).
    AUTO_FOCUS = ""
    BINDING_GROUP_TITLE = "Reader"
    HELP = ("The source's own text, paragraph by paragraph (the numbers are its 'para N'), and beside "
            "each paragraph the records that cite it. enter opens one; n adds a record cited to the "
            "paragraph; \" quotes the selected sentence; f shows only what nothing cites yet.")
    BINDINGS = [
        Binding("escape,left_square_bracket,alt+left", "back", "Back", tooltip="Back to where you were"),
        Binding("enter", "open", "Open", tooltip="Open a record that cites this paragraph"),
        Binding("quotation_mark", "quote", "Quote", tooltip="A new quotation: the selected sentence, cited here"),
        Binding("n", "new", "New cited", tooltip="A new quotation, event, actor, place or relation cited here"),
        Binding("c", "claim", "Claim", show=False, tooltip="A claim on the record you came from, cited here"),
        Binding("f", "uncited", "Uncited only", tooltip="Show only the paragraphs nothing cites yet, or all"),
        *(replace(b, action=f"view({b.action!r})") for b in ParagraphView.BINDINGS if isinstance(b, Binding)),
    ]

    def __init__(self, store: Store, source: str, para: int | None, editor) -> None:
        """`para` is 1-based (a citation's `para N`), None for the top; `editor` adds records (MainScreen)."""
        super().__init__()
        self.store = store
        self.source = source
        self.start = para
        self.editor = editor
        self.paras: list[str] = paragraphs(store.get(source))
        self.cites: dict[int, list[tuple[str, str]]] | None = None
        self.cited = 0  # how many of the paragraphs something cites

    def compose(self) -> ComposeResult:
        # Everything the first frame shows is given here, not set after mounting: each later
        # update is another pass of styles and layout before the reader is first painted.
        src = self.store.get(self.source) or {}
        title = literal_line(source_label(self.store, self.source), "bold").append(": ").append_text(
            literal_line(src.get("title", self.source)))
        title.append(f"  ({len(self.paras)} paragraphs)", style="dim")
        # Two widgets, not five: each costs the first frame its styles, its mount and its paint. The title
        # is the view's border title; the status line and the keys (a Footer would cost most of the
        # frame) are the two lines of one Static.
        view = ParagraphView(id="reader-text")
        view.border_title = title
        index = self.start - 1 if self.start else 0
        view.set_document(self.paras, index, index if self.start and 0 <= index < len(self.paras) else None)
        yield view
        empty = Text("This source holds no text yet (maliterm source add FILE stores one).", style="italic")
        yield Static(self._with_keys("" if self.paras else empty), id="reader-status", classes="pane-status",
                     markup=False)

    @staticmethod
    def _with_keys(status: str | Text) -> Text:
        """The status line above the line of keys."""
        return Text.assemble(status, "\n", (KEYS, "dim"))

    @property
    def view(self) -> ParagraphView:
        return self.query_one(ParagraphView)

    def on_mount(self) -> None:
        if self.start and self.view.mark is None:
            self.notify(f"The source has no paragraph {self.start}; it has {len(self.paras)}.", severity="warning")

    def on_screen_resume(self) -> None:
        # On opening and on coming back (a record added from here cites a paragraph now). After the
        # next frame: the worker walks every record holding the GIL, which would delay that frame.
        self.call_after_refresh(self.count_citations)

    # ---- who cites what --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="reader-cites", exit_on_error=False, description="Citations not counted")
    def count_citations(self) -> None:
        snap = self.store.snapshot  # immutable: the index describes one state of the data, built once for it
        cites = citing(snap.tables, self.source)
        margins = {n: [self._compact(snap, t, rid) for t, rid in ids] for n, ids in cites.items()}
        self.app.call_from_thread(self._counted, cites, margins)

    @staticmethod
    def _compact(snap, table: str, rid: str) -> str:
        rec = snap.tables[table].get(rid, {})
        name = (f"{snap.name(rec['speaker'])}: {rec.get('text', '')}" if table == "quotes" and "speaker" in rec
                else snap.name(rid))
        return one_line(f"{KIND[table]} {name}")[: MARGIN - 1]

    def _counted(self, cites: dict[int, list[tuple[str, str]]], margins: dict[int, list[str]]) -> None:
        if self not in self.app.screen_stack:
            return  # closed while the worker ran
        self.cites = cites
        self.cited = sum(1 for n in cites if 1 <= n <= len(self.paras))
        self.view.set_margins(margins)
        self._status(self.view.para_index + 1)

    @on(ParagraphView.Moved)
    def _moved(self, event: ParagraphView.Moved) -> None:
        self._status(event.para)

    def _status(self, para: int) -> None:
        if not self.paras:
            return
        cited = "counting citations…" if self.cites is None else (
            f"cited by {len(self.cites.get(para, []))}" if self.cites.get(para) else "uncited")
        coded = "" if self.cites is None else f" · {self.cited} of {len(self.paras)} paragraphs cited"
        only = " · showing uncited only" if len(self.view.shown) < len(self.paras) else ""
        page = page_of(self.store.get(self.source) or {}, para)
        # Two lines high (#reader-status): a new text needs no layout, on each cursor move either.
        self.query_one("#reader-status", Static).update(self._with_keys(
            f"¶{para}{f' (p. {page})' if page else ''}: {cited} · sentence {self.view.sentence + 1}{coded}{only}"),
            layout=False)

    # ---- actions ---------------------------------------------------------------------------

    async def action_view(self, action: str) -> None:
        """One of the view's own actions (its BINDINGS), run on it."""
        await self.app.run_action(action, self.view)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_help(self) -> None:
        from maliterm.ui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen([(self.BINDING_GROUP_TITLE, self.HELP, [ReaderScreen, ParagraphView]),
                                         ("Everywhere", "", [type(self.app)])]))

    def action_uncited(self) -> None:
        if self.cites is None:
            self.notify("Still finding the citations; try again in a moment.", timeout=2)
            return
        if len(self.view.shown) < len(self.paras):
            self.view.show_only(list(range(len(self.paras))))
        else:
            uncited = [i for i in range(len(self.paras)) if (i + 1) not in self.cites]
            if not uncited:
                self.notify("Every paragraph is cited.", timeout=2)
                return
            self.view.show_only(uncited)
        self._status(self.view.para_index + 1)

    def action_open(self) -> None:
        para = self.view.para_index + 1
        ids = (self.cites or {}).get(para, [])
        if not ids:
            self.notify("Nothing cites this paragraph yet.", timeout=2)
        elif len(ids) == 1:
            self.dismiss(Target(*ids[0]))
        else:
            choices: list[tuple[str, str | Text]] = [(f"{t}/{rid}", literal_line(f"{editing.TITLES[t]}: {self.store.name(rid)}")) for t, rid in ids]
            self.app.push_screen(ChoiceScreen(f"Records citing ¶{para}", choices),
                                 lambda key: key and self.dismiss(Target(*key.split("/", 1))))

    def _cited_here(self) -> dict | None:
        if not self.paras:
            self.notify("This source holds no text to cite.", severity="warning")
            return None
        return {"cite_source": self.source, "cite_loc": f"para {self.view.para_index + 1}"}

    def selected_sentence(self) -> str:
        """The sentence selected in the paragraph under the cursor, as the source has it."""
        raw = self.paras[self.view.para_index]
        spans = sentences(raw)
        s, e = spans[min(self.view.sentence, len(spans) - 1)]
        return raw[s:e]

    def action_quote(self) -> None:
        if (preset := self._cited_here()) is not None:
            self.editor.new_cited("quotes", {**preset, "text": self.selected_sentence()})

    def action_new(self) -> None:
        if (preset := self._cited_here()) is None:
            return
        choices: list[tuple[str, str | Text]] = [(t, f"New {editing.TITLES[t]}" + (" (the selected sentence)" if t == "quotes" else ""))
                   for t in NEW_CITED]

        def chosen(table: str | None) -> None:
            if table:
                extra = {"text": self.selected_sentence()} if table == "quotes" else {}
                self.editor.new_cited(table, {**preset, **extra})

        self.app.push_screen(ChoiceScreen(f"Add what, cited to ¶{self.view.para_index + 1}?", choices), chosen)

    def action_claim(self) -> None:
        if (preset := self._cited_here()) is not None:
            self.editor.claim_cited(preset)
