"""Text from a database is shown as written: never parsed as markup, never sent as a terminal escape."""

from __future__ import annotations

import json

import pytest

from maliterm.safe import clean, literal

ESC = "\x1b"


def test_show_prints_markup_and_escapes_literally(runner, small_path):
    result = runner("show", "evil", "--db", small_path)
    assert result.exit_code == 0
    out = result.stdout
    assert "[bold red]Evil[/] \\x1b[2J" in out
    assert "[link=x]markup[/link] and \\x1b[31mansi" in out
    assert ESC not in out
    assert "\x1b[2J" not in out


@pytest.mark.parametrize("args", [["search", "evil"], ["timeline"], ["lineage"], ["show", "evil", "--json"]])
def test_no_raw_escape_reaches_the_terminal(runner, small_path, args):
    result = runner(*args, "--db", small_path)
    assert result.exit_code == 0
    assert ESC not in result.stdout


def test_search_shows_the_name_as_written(runner, small_path):
    out = runner("search", "evil", "--db", small_path).stdout
    assert "[bold red]Evil[/]" in out


def test_json_keeps_the_data_exact(runner, small_path):
    out = json.loads(runner("show", "evil", "--json", "--db", small_path).stdout)
    assert out["record"]["name"] == "[bold red]Evil[/] \x1b[2J"


@pytest.mark.parametrize(("raw", "shown"), [
    ("[b]x[/b]", "[b]x[/b]"),
    ("a\x1b[2Jb", "a\\x1b[2Jb"),
    ("bell\x07 del\x7f c1\x9b", "bell\\x07 del\\x7f c1\\x9b"),
    ("line\nbreak\ttab", "line\nbreak\ttab"),
])
def test_literal(raw, shown):
    assert clean(raw) == shown
    assert literal(raw).plain == shown
    assert literal(raw).spans == []
