"""Text from a database is shown as written: never parsed as markup, never sent as a terminal escape."""

from __future__ import annotations

import json

import pytest

from maliterm.untrusted import clean, literal

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


@pytest.mark.parametrize(("raw", "shown"), [
    ("evil\u202egnp.exe", "evil\\u202egnp.exe"),  # right-to-left override
    ("a\u2066b\u2069c", "a\\u2066b\\u2069c"),  # isolates
    ("Al\u200bQaeda", "Al\\u200bQaeda"),  # zero-width space
    ("Al-Qa\u200deda", "Al-Qa\\u200deda"),  # a joiner inside a Latin name only disguises it
    ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),  # Persian spelling keeps ZWNJ
    ("x\u2028y", "x\\u2028y"),  # a line separator would break the line in some terminals
    ("osc\x1b]52;c;ZWNobw==\x1b\\", "osc\\x1b]52;c;ZWNobw==\\x1b\\"),
])
def test_clean_shows_bidi_invisible_and_osc_visibly(raw, shown):
    assert clean(raw) == shown


def test_one_line_never_breaks_a_line():
    from maliterm.untrusted import one_line

    assert one_line("fake\nline\r\tx") == "fake\\nline\\x0d x"
    assert "\n" not in one_line("a\n\u2029b")


def test_json_text_escapes_what_a_terminal_would_obey_and_decodes_exactly():
    import orjson

    from maliterm.untrusted import json_text

    data = {"name": "a\x1b[2J\x9b\u202e\u200b\x7fz", "n": "line\nbreak"}
    text = json_text(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    assert not any(c in text for c in "\x1b\x9b\u202e\u200b\x7f")
    assert json.loads(text) == data


def test_json_bytes_agrees_with_json_text_on_every_character():
    from maliterm.untrusted import json_bytes, json_text

    points = [*range(0x20, 0xD800), *range(0xE000, 0x10000), *range(0xE0000, 0xE0200), 0x1F600, 0x10FFFF]
    for o in points:
        c = chr(o)
        if c in '"\\':
            continue
        s = f'"{c}"'
        assert json_bytes(s.encode()) == json_text(s).encode(), hex(o)


def test_database_files_are_written_safe_to_print_and_read_back_exactly(tmp_path):
    from maliterm.storage import dumps

    data = {"actors": {"x": {"id": "x", "name": "a\x1b]52;c;eA==\x07\x9b\u202e\u200b\U000e0041z"}}}
    raw = dumps(data)
    assert not any(b in raw for b in (b"\x1b", b"\x07", "\x9b".encode(), "\u202e".encode(), "\U000e0041".encode()))
    assert json.loads(raw) == data
