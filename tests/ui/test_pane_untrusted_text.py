"""Names and notes from a file are shown as written: never markup, never terminal control."""

from __future__ import annotations

from maliterm.ui.widgets.line_list import LineList

from ui_helpers import dossier_text, open_by_search, ready, tree_labels


def drawn(widget: LineList) -> str:
    """Every character the list actually sends to the terminal for its visible lines."""
    return "".join(seg.text for y in range(widget.size.height) for seg in widget.render_line(y))


async def test_markup_and_escapes_in_data_render_literally(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await open_by_search(pilot, "evil")
        text = dossier_text(app)
        assert text.startswith("[bold red]Evil[/] \\x1b[2J")
        assert "[link=x]markup[/link] and \\x1b[31mansi" in text
        assert "Relations of [bold red]Evil[/] \\x1b[2J" in "\n".join(tree_labels(app))
        shown = drawn(app.screen.query_one("#dossier-list", LineList))
        assert "[bold red]Evil[/]" in shown
        assert "\x1b" not in shown  # the escape itself never reaches the terminal
        assert "\\x1b[2J" in app.export_screenshot() or "\\x1b[2J" in shown


async def test_search_results_show_markup_literally(open_app, small):
    app = open_app(small)
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(app, pilot)
        await pilot.press("slash", *"evil")
        await pilot.pause()
        options = app.screen.query_one("#search-results")
        prompt = options.get_option_at_index(0).prompt
        assert "[bold red]Evil[/]" in prompt.plain
