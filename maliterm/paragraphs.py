"""A source's text as numbered paragraphs: locators, who cites what, sentences, verbatim quotes.

A source may hold its document as `paragraphs` (a list of strings); the locator `para N`
names `paragraphs[N-1]`. No Textual here: the reader screen and the CLI share these rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from maliterm.errors import InvalidDatabase, Problem

PARA = re.compile(r"^para (\d+)$")
CITING_TABLES = ("events", "actors", "places", "relations", "quotes")
# A sentence ends at . ! ? or … (then any closing quotes or brackets) before a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def para_of(loc: object) -> int | None:
    """The paragraph number of a locator (`para 13` -> 13), or None for any other locator."""
    m = PARA.match(loc) if isinstance(loc, str) else None
    return int(m[1]) if m else None


def paragraphs(source: dict | None) -> list[str]:
    return (source or {}).get("paragraphs") or []


def _citations(value: object) -> Iterator[dict]:
    """Every citation anywhere inside a record (its own, its facts' claims, casualties, actors)."""
    if isinstance(value, dict):
        cite = value.get("cite")
        if isinstance(cite, list):
            yield from (c for c in cite if isinstance(c, dict))
        for k, v in value.items():
            if k != "cite" and isinstance(v, (dict, list)):
                yield from _citations(v)
    elif isinstance(value, list):
        for v in value:
            yield from _citations(v)


def citing(tables: dict[str, dict], source: str) -> dict[int, list[tuple[str, str]]]:
    """Paragraph number -> the records citing it, as (table, id), each once, tables in
    `CITING_TABLES` order then ids sorted: the same data gives the same margin."""
    found: dict[int, set[tuple[int, str]]] = {}
    for rank, table in enumerate(CITING_TABLES):
        for rid, rec in tables.get(table, {}).items():
            for c in _citations(rec):
                if c.get("source") == source and (n := para_of(c.get("loc"))) is not None:
                    found.setdefault(n, set()).add((rank, rid))
    return {n: [(CITING_TABLES[r], rid) for r, rid in sorted(ids)] for n, ids in found.items()}


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, trailing space left out; never empty."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        spans.append((start, len(text[:end].rstrip())))
        start = end
    if start < len(text) or not spans:
        spans.append((start, len(text.rstrip())))
    return spans


def _squash(s: str) -> str:
    return " ".join(s.split())


def is_verbatim(quote: str, paragraph: str) -> bool:
    """Whether `quote` is the paragraph's own words: runs of space count as one space, and an
    ellipsis (... or …, bracketed or not) may stand for words left out between parts in order."""
    text, at = _squash(paragraph), 0
    parts = [p for p in (_squash(x) for x in _ELLIPSIS.split(quote)) if p]
    if not parts:
        return False
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def quote_problem(tables: dict[str, dict], quote: dict) -> Problem | None:
    """Why a quotation is not verbatim in the paragraph it cites, if it cites one we hold."""
    for c in quote.get("cite", ()):
        n = para_of(c.get("loc"))
        paras = paragraphs(tables.get("sources", {}).get(c.get("source")))
        if n is None or not paras:
            continue
        if not 1 <= n <= len(paras):
            return Problem("", f"quotes/{quote.get('id', '?')}.cite", f"cites para {n}",
                           f"a paragraph of {c['source']}, which has {len(paras)}")
        if not is_verbatim(quote.get("text", ""), paras[n - 1]):
            return Problem("", f"quotes/{quote.get('id', '?')}.text", f"is not word for word in para {n} of {c['source']}",
                           "the words exactly as the paragraph has them (… for words left out)")
    return None


def refuse_unquoted(tables: dict[str, dict], quote: dict, path: str) -> None:
    """Raise InvalidDatabase, naming the field, when a quotation misquotes its cited paragraph."""
    if (p := quote_problem(tables, quote)) is not None:
        p = Problem(path, p.where, p.what, p.expected)
        raise InvalidDatabase("Quotation not saved: not verbatim", [p])
