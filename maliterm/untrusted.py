"""The one rule for untrusted text: what a file says is shown, never obeyed.

Every boundary that hands text from a database (or any file, argument or lock holder)
to a terminal, a widget or another program goes through this module:

- `clean(text)`: for display where line breaks are allowed. C0 controls (except newline
  and tab), DEL and C1 controls become visible escapes (`\\x1b`); bidi controls, line and
  paragraph separators and invisible characters become `\\u202e`-style escapes, so a
  name cannot reorder, hide or fake what is around it.
- `one_line(text)`: the same for single-line places (a header, a table cell, a list row):
  a newline shows as `\\n` and a tab as a space, so no line can be faked.
- `literal` / `literal_line`: a `rich.text.Text` of the above. Rich and Textual never parse
  a `Text` as markup, so `[@click=...]` in data is shown, never run.
- `json_text(s)`: JSON text with every character `clean` would escape written as a `\\uXXXX`
  escape, so the bytes are safe on a terminal and still decode to the exact data.

Zero-width joiner and non-joiner (U+200D, U+200C) are part of correct spelling in Persian,
Kurdish, Urdu and Indic scripts; they are kept between two letters of a script that needs
them and escaped anywhere else (where they can only disguise a Latin name).
"""

from __future__ import annotations

import re
import unicodedata

from rich.text import Text

# C0 but newline and tab, DEL, C1.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Bidi embeddings, overrides, isolates and marks; line/paragraph separators; invisible
# characters (zero-width space, word joiner, invisible operators, BOM, Mongolian vowel
# separator, interlinear annotation, Hangul fillers, soft hyphen).
_INVISIBLE = (
    "\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\u180e\ufff9-\ufffb"
    "\u00ad\u115f\u1160\u3164\uffa0\U000e0000-\U000e007f"  # the last: invisible tag characters
)
_JOINERS = "\u200c\u200d"

_MULTI = re.compile(f"[{_CONTROLS}{_INVISIBLE}{_JOINERS}]")
_SINGLE = re.compile(f"[\n\t{_CONTROLS}{_INVISIBLE}{_JOINERS}]")


def _joins_script(c: str) -> bool:
    """Whether `c` is a letter of a script that spells with ZWJ/ZWNJ (not Latin, Greek, Cyrillic)."""
    if not c.isalpha() or c.isascii():
        return False
    name = unicodedata.name(c, "")
    return not name.startswith(("LATIN", "GREEK", "CYRILLIC"))


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    if c in _JOINERS:
        s, i = m.string, m.start()
        if 0 < i < len(s) - 1 and _joins_script(s[i - 1]) and _joins_script(s[i + 1]):
            return c
    if c == "\n":
        return "\\n"
    if c == "\t":
        return " "
    o = ord(c)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}"


def _str(text: object) -> str:
    return text if isinstance(text, str) else str(text)


def clean(text: object) -> str:
    """Text for a multi-line display: newlines and tabs kept, every other control made visible."""
    s = _str(text)
    return _MULTI.sub(_escape, s) if _MULTI.search(s) else s


def one_line(text: object) -> str:
    """Text for a single line: as `clean`, and a newline shows as `\\n`, a tab as a space."""
    s = _str(text)
    return _SINGLE.sub(_escape, s) if _SINGLE.search(s) else s


def literal(text: object, style: str = "") -> Text:
    """A rich Text that shows `text` exactly, markup and escapes included, as plain characters."""
    return Text(clean(text), style=style)


def literal_line(text: object, style: str = "") -> Text:
    """`literal` for a single line."""
    return Text(one_line(text), style=style)


_JSON_UNSAFE = re.compile(f"[{_CONTROLS}{_INVISIBLE}{_JOINERS}]")


def _json_escape(c: str) -> str:
    o = ord(c)
    if o < 0x10000:
        return f"\\u{o:04x}"
    o -= 0x10000  # JSON spells a character beyond the BMP as a surrogate pair
    return f"\\u{0xd800 + (o >> 10):04x}\\u{0xdc00 + (o & 0x3ff):04x}"


def json_text(s: str) -> str:
    """JSON text (as orjson writes it) with terminal-unsafe characters as `\\uXXXX` escapes.

    Such characters can only stand inside JSON strings, where the escape decodes to the
    same character: the data stays exact, the bytes stay harmless.
    """
    return _JSON_UNSAFE.sub(lambda m: _json_escape(m.group()), s)


# The UTF-8 bytes of what `json_text` escapes (orjson already escapes C0 controls), so a
# database file can be made safe without decoding 100 MB: `json_bytes` agrees with
# `json_text` on every character (tests/unit/test_untrusted_text.py checks each one).
_JSON_UNSAFE_BYTES = re.compile(
    rb"\x7f|\xc2[\x80-\x9f\xad]|\xd8\x9c|\xe1\x85[\x9f\xa0]|\xe1\xa0\x8e"
    rb"|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xaf]|\xe3\x85\xa4"
    rb"|\xef\xbb\xbf|\xef\xbe\xa0|\xef\xbf[\xb9-\xbb]|\xf3\xa0[\x80\x81][\x80-\xbf]"
)


_ASCII_BUT_DEL = bytes(range(0x7F))


def json_bytes(b: bytes) -> bytes:
    """`json_text` for UTF-8 JSON bytes: what the database file is written as, safe to `cat` or `git diff`."""
    # Python's regex engine scans ~100 MB/s; a 100k-event file is mostly ASCII, and deleting
    # ASCII leaves whole UTF-8 sequences (UTF-8 is self-synchronising), so look there first.
    if not _JSON_UNSAFE_BYTES.search(b.translate(None, _ASCII_BUT_DEL)):
        return b
    return _JSON_UNSAFE_BYTES.sub(lambda m: _json_escape(m.group().decode()).encode(), b)


# XML 1.0 allows tab, newline, CR and U+0020-U+D7FF, U+E000-U+FFFD, U+10000 up; `clean` already
# escapes the C0 controls it forbids, which leaves surrogates and the noncharacters U+FFFE/U+FFFF.
_XML_FORBIDDEN = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """`clean` text that XML 1.0 can carry: the characters it forbids shown as `\\uXXXX` escapes
    (shown, not dropped, so the export still says something was there)."""
    s = clean(text)
    return _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", s) if _XML_FORBIDDEN.search(s) else s


_PICTURES = {"\n": "\u2424", "\t": " ", "\x7f": "\u2421"}  # newline ␤, DEL ␡


def _stand_in(m: re.Match[str]) -> str:
    c = m.group()
    if _escape(m) == c:  # a joiner inside a word of a script that needs it
        return c
    if c in _PICTURES:
        return _PICTURES[c]
    return chr(0x2400 + ord(c)) if c < " " else "\ufffd"  # C0 as its Control Picture (␛); the rest �


def stand_ins(text: object) -> str:
    """For an editable field: each character `one_line` escapes becomes one visible stand-in.

    The length is unchanged, so positions in the shown text are positions in the value
    being edited (which keeps every character): ESC shows as ␛, C1, bidi and invisible
    characters as �.
    """
    s = _str(text)
    return _SINGLE.sub(_stand_in, s) if _SINGLE.search(s) else s
