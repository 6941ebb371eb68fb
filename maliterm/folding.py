"""Text folding for matching: case-, accent- and punctuation-insensitive."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """`Sévaré` -> `sevare`; `Al-Mourabitoun` -> `al mourabitoun`."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()
