"""The one way a name becomes a record's id: readable ASCII, valid, and unique across every table.

Every script gets a readable slug: non-Latin letters are transliterated by anyascii (ISC licence;
better than unidecode on Ge'ez and Cyrillic, as fast or faster, measured for issue 15), so
`هيئة تحرير الشام` becomes `hyih-thryr-lshm`, never a placeholder. Same name, same slug.
"""

from __future__ import annotations

import re
from collections.abc import Container

from anyascii import anyascii

from maliterm import model as m

MAX = 80  # validate.SLUG allows 80 characters
# Ids a new record may not take: the meta record's, and table names (which `table/id` paths use).
RESERVED = frozenset({"meta", *m.TABLES})
FALLBACK = "record"  # only for a name with no letter or digit in any script (`???`)

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# The hamza and ayn marks (`'`, `` ` ``) a letter is transliterated with are part of its word;
# an apostrophe, straight or curly, still parts words (N'Djamena, N’Djamena: `n-djamena`).
_MARKS = str.maketrans("", "", "'`")


def _ascii(run: re.Match[str]) -> str:
    return "".join(anyascii(c).translate(_MARKS) if c.isalpha() else anyascii(c) for c in run.group())


def slugify(text: str) -> str:
    """`Ségou (Cercle)` -> `segou-cercle`; `حراس الدين` -> `hrs-ldyn`; at most MAX characters."""
    ascii_text = _NON_ASCII.sub(_ascii, text).lower()
    return _SEPARATORS.sub("-", ascii_text).strip("-")[:MAX].strip("-") or FALLBACK


def unique_slug(text: str, taken: Container[str], prefix: str = "") -> str:
    """`prefix` + `slugify(text)`, numbered `-2`, `-3`... until no record has it nor is it reserved."""
    base = slugify(prefix + text)
    slug, n = base, 1
    while slug in taken or slug in RESERVED:
        n += 1
        suffix = f"-{n}"
        slug = base[: MAX - len(suffix)].rstrip("-") + suffix
    return slug
