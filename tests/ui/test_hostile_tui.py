"""A hostile file, a hostile lock holder and hostile typing: the TUI shows it all, obeys none of it.

Markup in data is shown as written, never parsed (a `[@click=...]` cannot run an action,
a `[/nope]` cannot crash the app), and no ESC, C1 or bidi control reaches the terminal:
each shows as a visible escape (`\\x1b]52`, `\\x9b`, `\\u202e`).
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

from filelock import lock_descriptor, unlock_descriptor
from textual import events
from textual.command import CommandList
from textual.widgets import Input, Static, TextArea

from maliterm.locking import lock_path
from maliterm.ui.messages import Target
from maliterm.ui.panes.dossier import DossierPane

from ui_helpers import dossier_text, open_by_search, ready, timeline_rows, tree_labels

SMALL = Path(__file__).parents[1] / "data" / "small.json"

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\"  # sets the clipboard: `echo pwned`
BIDI = "\u202e"
C1 = "\x9b"  # CSI as one byte
HOSTILE = f"{OSC52}{BIDI}{C1} [/nope]\n[@click=app.quit]quit[/]"
ONE_LINE = "[/nope]\\n[@click=app.quit]"  # how a single-line place shows HOSTILE's line break
RAW = ("\x1b", "\x9b", "\u202e")
VISIBLE = ("\\x1b]52", "\\x9b", "\\u202e", "[/nope]", "[@click=app.quit]")


# With the tests' working folder at tmp_path: a click would write tmp_path/x.txt.
CLICK = "[@click=app.screenshot('x.txt','.')]CLICKME[/]"


def hostile_db(tmp_path: Path) -> Path:
    """small.json with markup and terminal controls in a name, a summary, the title and the change log."""
    data = json.loads(SMALL.read_text())
    data["meta"]["meta"]["title"] = f"Case {HOSTILE}"
    evil = data["actors"]["evil"]
    evil["name"] = f"Evil {HOSTILE}"
    evil["summary"] = f"Zanzibar {CLICK} {HOSTILE}"
    data["actors"]["old-front"]["summary"] = f"Quagga [/nope] {OSC52}{C1}{BIDI}"
    data["sources"]["src-a"]["title"] = f"Report {HOSTILE}"
    event = next(iter(data["events"].values()))
    event["title"] = f"Attack {HOSTILE}"
    data["changes"] = {"change-1": {
        "id": "change-1", "who": f"mallory {HOSTILE}", "when": "2024-01-02T03:04:05.000000Z",
        "action": "edit", "record": "actors/evil", "fields": [f"name {HOSTILE}"]}}
    path = tmp_path / "db.json"
    path.write_text(json.dumps(data))
    return path


HOLDER = {"user": f"mallory {HOSTILE}", "pid": 4242, "host": f"box {HOSTILE}", "since": f"today {HOSTILE}"}


def write_holder(db: Path) -> int:
    """A lock file naming a hostile holder, the way locking.py writes it (JSON after byte 0)."""
    fd = os.open(lock_path(db), os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b"\n" + json.dumps(HOLDER).encode())
    return fd


def assert_safe(shown: str) -> None:
    for raw in RAW:
        assert raw not in shown, f"{raw!r} reached the terminal"


def assert_visible(shown: str) -> None:
    assert_safe(shown)
    for escape in VISIBLE:
        assert escape in shown, f"{escape!r} not shown"


TEXT = re.compile(r'<text [^>]*clip-path="url\(#[^)]*-line-(\d+)\)">([^<]*)</text>')


def screen(app) -> str:
    """The screen as the terminal gets it, one line a row (read from the exported SVG)."""
    rows: dict[int, list[str]] = {}
    for line, text in TEXT.findall(app.export_screenshot(title="maliterm")):
        rows.setdefault(int(line), []).append(html.unescape(text).replace("\xa0", " "))
    return "\n".join("".join(rows[n]) for n in sorted(rows))


def toasts(app) -> str:
    """The text of every notification on screen."""
    return "\n".join(str(toast.render()) for toast in app.screen.query("Toast"))


def palette_lines(app) -> list[tuple[str, list]]:
    """Each line of the palette's hit list: its text and its segments."""
    hits = app.screen.query_one(CommandList)
    lines = []
    for y in range(hits.size.height):
        segments = list(hits.render_line(y))
        lines.append(("".join(s.text for s in segments), segments))
    return lines


async def open_palette(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)  # the palette gathers hits in a worker, in batches
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


# ---- the command palette ---------------------------------------------------------------------


async def test_palette_hit_shows_markup_and_clicking_it_only_opens_the_record(tmp_path, monkeypatch):
    from maliterm.ui.app import make_app

    monkeypatch.chdir(tmp_path)
    app = make_app(hostile_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await open_palette(pilot, "zanzibar")
        lines = palette_lines(app)
        text = "\n".join(t for t, _ in lines)
        assert CLICK in text
        assert_visible(text)
        assert any("actor: Evil" in t and ONE_LINE in t for t, _ in lines)  # the name stays on its line
        # click right on the words the markup would have made a link
        y, line = next((y, segs) for y, (t, segs) in enumerate(lines) if "CLICKME" in t)
        x = 0
        for seg in line:
            if "CLICKME" in seg.text:
                x += seg.text.index("CLICKME")
                assert not (seg.style and seg.style.meta.get("@click")), "the summary became a link"
                break
            x += len(seg.text)
        await pilot.click(CommandList, offset=(x + 2, y))
        await pilot.pause()
        assert not (tmp_path / "x.txt").exists()
        assert app.is_running and app.return_code is None
        assert app.screen.query_one(DossierPane).target == Target("actors", "evil")  # selected, nothing more


async def test_palette_survives_an_unbalanced_closing_tag(tmp_path):
    from maliterm.ui.app import make_app

    app = make_app(hostile_db(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await open_palette(pilot, "quagga")
        text = "\n".join(t for t, _ in palette_lines(app))
        assert "Quagga [/nope] \\x1b]52" in text
        assert_safe(text)
        assert app.is_running


# ---- header, panes, change list, help, notices -------------------------------------------------


async def test_every_view_of_a_hostile_file_shows_escapes_and_markup_literally(tmp_path, monkeypatch):
    from maliterm.ui.app import make_app

    monkeypatch.chdir(tmp_path)
    app = make_app(hostile_db(tmp_path))
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(app, pilot)
        shown = screen(app)
        header = shown.splitlines()[0]
        assert "Case \\x1b]52" in header and ONE_LINE in header  # meta.title, on one line
        assert_visible(shown)  # the header and the timeline row of the hostile event
        assert any("Attack \\x1b]52" in row for row in timeline_rows(app))

        await open_by_search(pilot, "evil")
        await pilot.pause()
        shown = screen(app)
        assert "Evil \\x1b]52" in shown and CLICK in dossier_text(app).replace("\n", "")
        assert_visible(shown)  # dossier and relations tree
        assert any("Evil \\x1b]52" in label for label in tree_labels(app))
        for pane in ("timeline", "dossier", "relations"):
            await pilot.press({"timeline": "1", "dossier": "2", "relations": "3"}[pane], "z")
            await pilot.pause()
            assert_safe(screen(app))
            await pilot.press("z")

        await open_palette(pilot, "recent changes")
        await pilot.press("enter")
        await pilot.pause()
        shown = screen(app)
        entry = str(app.screen.query_one("#choice-list").get_option_at_index(0).prompt)
        assert "mallory \\x1b]52" in entry and ONE_LINE in entry and "name \\x1b]52" in entry
        assert "\n" not in entry and "mallory \\x1b]52" in shown
        assert_visible(shown)
        await pilot.press("enter")  # opens the record the entry is about
        await pilot.pause()
        assert app.screen.query_one(DossierPane).target == Target("actors", "evil")

        await pilot.press("question_mark")
        await pilot.pause()
        assert_safe(screen(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not (tmp_path / "x.txt").exists() and app.is_running


async def test_read_only_notice_shows_a_hostile_lock_holder_literally(tmp_path):
    from maliterm.ui.app import make_app

    db = hostile_db(tmp_path)
    fd = write_holder(db)
    assert lock_descriptor(fd, blocking=False)  # a live writer holds it
    try:
        app = make_app(db)
        async with app.run_test(size=(160, 48), notifications=True) as pilot:
            await ready(app, pilot)
            banner = str(app.screen.query_one("#banner", Static).render())
            assert "mallory \\x1b]52" in banner and "box \\x1b]52" in banner and ONE_LINE in banner
            assert_visible(banner)
            await pilot.press("e")  # an edit: refused, with a toast naming the holder
            await pilot.pause()
            assert "mallory \\x1b]52" in toasts(app) and "box \\x1b]52" in toasts(app)
            assert_visible(toasts(app))
            assert_safe(screen(app))
            assert app.is_running
    finally:
        unlock_descriptor(fd)
        os.close(fd)


async def test_took_over_notice_shows_a_hostile_dead_holder_literally(tmp_path):
    from maliterm.ui.app import make_app

    db = hostile_db(tmp_path)
    os.close(write_holder(db))  # left behind by a writer that died: nobody holds it
    app = make_app(db)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await ready(app, pilot)
        assert not app.store.read_only and app.store.took_over_lock_from is not None
        assert "mallory \\x1b]52" in toasts(app) and ONE_LINE in toasts(app)
        assert_visible(toasts(app))
        assert_safe(screen(app))
        assert app.is_running


# ---- what the user types ---------------------------------------------------------------------

TYPED = "[/"


async def type_into(pilot, widget) -> None:
    widget.focus()
    await pilot.pause()
    await pilot.press(*TYPED)
    await pilot.pause()


def typed_fields(dialog) -> list:
    return [w for w in dialog.query("Input, TextArea")]


def value_of(widget) -> str:
    return widget.text if isinstance(widget, TextArea) else widget.value


async def test_typing_markup_into_every_form_field_is_just_text(small):
    from maliterm.ui.app import make_app

    app = make_app(small)
    async with app.run_test(size=(120, 60)) as pilot:
        await ready(app, pilot)
        await pilot.press("n", "down", "down", "enter")  # a new place: text, list, refs, numbers, long text
        await pilot.pause()
        form = app.screen
        fields = typed_fields(form)
        assert len(fields) >= 7
        for widget in fields:
            await type_into(pilot, widget)
            assert app.is_running and value_of(widget) == TYPED
        await pilot.press("ctrl+s")  # refused (no kind chosen): every message beside its field
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form and app.is_running
        assert [value_of(w) for w in fields] == [TYPED] * len(fields)  # nothing typed is lost
        assert str(form.query_one("#e-lat", Static).render()) == "'[/' is not a number"
        assert "'[/' is not a number" in screen(app)


async def test_typing_markup_into_prompts_search_and_filter_is_just_text(small):
    from maliterm.ui.app import make_app

    app = make_app(small)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        prompts = (("a", "'[/' is not a date"), ("y", "a four-digit year"), ("slash", None), ("f", None))
        for key, error in prompts:
            await pilot.press(key)
            await pilot.pause()
            dialog = app.screen
            fields = typed_fields(dialog)
            assert fields, f"no field after {key!r}"
            for widget in fields:
                await type_into(pilot, widget)
                assert app.is_running and value_of(widget) == TYPED
            if error:
                await pilot.press("enter")  # refused: the message (the as-of one echoes the input) as text
                await pilot.pause()
                assert error in str(dialog.query_one("#prompt-error", Static).render())
            if key == "f":
                await pilot.press("ctrl+s")
                await pilot.pause()
                assert "'[/' is not a date" in str(dialog.query_one("#filter-start-error", Static).render())
            assert app.screen is dialog and [value_of(w) for w in fields] == [TYPED] * len(fields)
            assert TYPED in screen(app)
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running


async def test_fields_holding_controls_show_stand_ins_and_keep_the_value(tmp_path):
    """Editing a hostile record, filtering by it, pasting an escape: the terminal gets ␛ and �, the value every byte."""
    from maliterm.ui.app import make_app

    app = make_app(hostile_db(tmp_path))
    async with app.run_test(size=(160, 60)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "evil")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert form.query_one("#f-name", Input).value == f"Evil {HOSTILE}"  # every character kept
        assert form.query_one("#f-summary", TextArea).text.endswith(HOSTILE)
        shown = screen(app)
        assert_safe(shown)
        assert "Evil ␛]52;c;ZWNobyBwd25lZA==␛\\�� [/nope]␤[@click" in shown  # the name field
        assert "Zanzibar [@click=app.screenshot" in shown  # the summary area
        picker = form.query_one("#f-cite_source Input", Input)
        picker.focus()
        await pilot.press(*"report")  # the picker lists the hostile source
        await pilot.pause()
        shown = screen(app)
        assert_safe(shown)
        option = form.query_one("#f-cite_source OptionList").get_option_at_index(0).prompt.plain
        assert option.startswith("source: Report \\x1b]52") and ONE_LINE in option
        await pilot.press("enter")  # picked: the field holds its name, drawn with stand-ins
        await pilot.pause()
        assert picker.value == f"Report {HOSTILE}"
        shown = screen(app)
        assert_safe(shown)
        drawn = "".join(segment.text for segment in picker.render_line(0))
        assert "␛]52;c;ZWNobyBwd25lZA==␛" in drawn and "[/nope]␤[@click" in drawn
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("f")
        await pilot.pause()
        actor = app.screen.query_one("#filter-actor", Input)
        actor.focus()
        await pilot.pause()
        actor.value = ""
        app.screen.query_one("#filter-actor", Input).post_message(events.Paste(f"x{OSC52}"))
        await pilot.pause()
        assert actor.value == f"x{OSC52}"
        shown = screen(app)
        assert_safe(shown)
        assert "x␛]52;c;" in shown
        assert app.is_running


async def test_search_results_keep_a_hostile_name_on_one_line(tmp_path):
    from maliterm.ui.app import make_app

    app = make_app(hostile_db(tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"zanzibar")
        await pilot.pause()
        hit = app.screen.query_one("#search-results").get_option_at_index(0).prompt.plain
        assert hit.startswith("actor  Evil \\x1b]52") and ONE_LINE in hit and "Zanzibar [@click" in hit
        assert_visible(hit)
        assert_safe(screen(app))


async def test_an_action_typed_into_the_as_of_prompt_cannot_be_clicked(small):
    from maliterm.ui.app import make_app

    app = make_app(small)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("a", *"[@click=app.quit]x")
        await pilot.pause()
        error = app.screen.query_one("#prompt-error", Static)
        assert str(error.render()).startswith("'[@click=app.quit]x' is not a date")
        for x in range(0, 20):  # wherever the echo is, clicking it does nothing
            await pilot.click(error, offset=(x, 0))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.screen.query_one("#prompt-input", Input).value == "[@click=app.quit]x"
