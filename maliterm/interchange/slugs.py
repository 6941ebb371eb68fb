"""New slugs for imported records: readable, valid, and unique across every table."""

from __future__ import annotations

from collections.abc import Container

from maliterm.folding import fold

MAX = 80


def slugify(text: str) -> str:
    """`Ségou (Cercle)` -> `segou-cercle`; an all-punctuation name becomes `x`."""
    base = "-".join(fold(text).encode("ascii", "ignore").decode().split())
    return base[:MAX].strip("-") or "x"


def unique_slug(text: str, taken: Container[str], prefix: str = "") -> str:
    """`slugify(text)` with `prefix`, numbered `-2`, `-3`... until no record has it."""
    base = (prefix + slugify(text))[: MAX - 4].strip("-")
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug
