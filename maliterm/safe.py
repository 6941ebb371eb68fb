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
    "\u00ad\u115f\u1160\u3164\uffa0"
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
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


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


def json_text(s: str) -> str:
    """JSON text (as orjson writes it) with terminal-unsafe characters as `\\uXXXX` escapes.

    Such characters can only stand inside JSON strings, where the escape decodes to the
    same character: the data stays exact, the bytes stay harmless.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


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
