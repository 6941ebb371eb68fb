"""Untrusted text from a database, made safe to show.

Data is never markup: callers build `rich.text.Text` from it, which rich does not
parse. Rich does not strip the escape character, though, so control characters are
turned into visible escapes (`\\x1b[2J` shows as those six characters, and clears nothing).
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: object) -> str:
    s = text if isinstance(text, str) else str(text)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)


def literal(text: object, style: str = "") -> Text:
    """A rich Text that shows `text` exactly, markup and escapes included, as plain characters."""
    return Text(clean(text), style=style)
