"""Paragraph numbering, defined once: how a document becomes the list that `para N` counts.

A source keeps its document as `paragraphs` (see docs/data-model.md); the locator `para N`
names `paragraphs[N-1]`. Every way in (the `source add` command, an import, a test) goes
through `split`, so one document always numbers the same way:

- text: each non-empty line is a paragraph, kept as written (the rule the shipped dataset's
  locators were made with: the headline of an article is `para 1`);
- markdown: blocks separated by blank lines, hard-wrapped lines joined by a space; a heading
  and each list item are blocks of their own; a fenced code block keeps its line breaks;
- html: the text of each block element (p, li, h1-h6, blockquote, pre, td, ...) read by the
  standard library's HTML parser; scripts, styles and the head are dropped, entities decoded,
  runs of white space collapsed (but not inside pre).

- pdf: read from the file's bytes by `maliterm.pdftext` (pypdf, an optional extra): blocks of
  lines between vertical gaps, hyphenated line breaks joined, running headers and footers dropped.

The reader's rules live here too: which records cite a paragraph, a paragraph's sentences, and
whether a quotation is word for word in the paragraph it cites.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from maliterm.errors import InvalidDatabase, Problem

FORMATS = ("text", "markdown", "html", "pdf")
EXTENSIONS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
              ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}

_SPACE = re.compile(r"\s+")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s|$)")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def format_of(path: Path) -> str:
    """The format a file's name says (`.md` -> markdown); plain text when it says none we read."""
    return EXTENSIONS.get(path.suffix.lower(), "text")


def split(text: str, fmt: str = "text") -> list[str]:
    """The paragraphs of a document, in order, none empty."""
    if fmt == "text":
        return [line for line in text.splitlines() if line.strip()]
    if fmt == "markdown":
        return _markdown(text)
    if fmt == "html":
        return _html(text)
    if fmt == "pdf":
        raise ValueError("a PDF is read from its bytes: maliterm.pdftext.read(path)")
    raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def _markdown(text: str) -> list[str]:
    out: list[str] = []
    block: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if block:
            out.append(" ".join(line.strip() for line in block))
            block.clear()

    for line in text.splitlines():
        if fence is not None:
            block.append(line)
            if line.strip().startswith(fence):
                out.append("\n".join(block))
                block.clear()
                fence = None
            continue
        if m := _FENCE.match(line):
            flush()
            fence = m[1]
            block.append(line)
        elif not line.strip():
            flush()
        elif _HEADING.match(line):
            flush()
            out.append(line.strip())
        elif _LIST_ITEM.match(line):
            flush()
            block.append(line)
        else:
            block.append(line)
    if fence is not None:  # an unclosed fence: its lines are still the writer's
        out.append("\n".join(block))
    else:
        flush()
    return [p for p in out if p.strip()]


# Elements whose start or end ends a paragraph; text between them is one paragraph.
_BLOCKS = frozenset("""
address article aside blockquote body caption dd details div dl dt fieldset figcaption figure footer
form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody td tfoot th
thead tr ul
""".split())
_DROPPED = frozenset(("script", "style", "head", "template", "noscript", "svg", "math"))


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.buf: list[str] = []
        self.skip = 0  # depth inside dropped elements
        self.pre = 0

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf.clear()
        text = text.strip("\n") if self.pre else _SPACE.sub(" ", text).strip()
        if text.strip():
            self.out.append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip = 0  # a head never closed ends here: the body is never dropped with it
        if tag in _DROPPED:
            self.skip += 1
        elif not self.skip:
            if tag in _BLOCKS:
                self.flush()
                self.pre += tag == "pre"
            elif tag == "br":
                self.buf.append("\n" if self.pre else " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.skip = max(0, self.skip - 1)
        elif not self.skip and tag in _BLOCKS:
            self.flush()
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buf.append(data)


def _html(text: str) -> list[str]:
    parser = _Blocks()
    parser.feed(text)
    parser.close()
    parser.flush()
    return parser.out


PARA = re.compile(r"^para (\d+)$")


def number(loc: str | None) -> int | None:
    """N of a `para N` locator; None for any other locator (or none)."""
    m = PARA.match(loc or "")
    return int(m[1]) if m else None


def locator(n: int) -> str:
    return f"para {n}"


def page_of(source: dict[str, Any], n: int) -> int | None:
    """The page paragraph `n` starts on, for a source that records its pages (a PDF's `pages`)."""
    pages = source.get("pages")
    return bisect_right(pages, n) or None if pages else None


def citations_in(value: object, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every citation anywhere in a record, with the path of what carries it: "" for the record
    itself, "facts[1].claims[0]", "casualties[2]", "actors[0]"."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "cite" and isinstance(v, list):
                found += [(path, c) for c in v if isinstance(c, dict)]
            elif isinstance(v, (dict, list)):
                found += citations_in(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += citations_in(v, f"{path}[{i}]")
    return found


def cited_by(tables: dict[str, dict[str, Any]], source: str) -> dict[int, list[tuple[str, str, str]]]:
    """Paragraph number -> (table, id, path) of each thing citing `para N` of `source`, in table then id order."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    for table, records in tables.items():
        if table in ("meta", "sources", "changes"):
            continue
        for rid in sorted(records):
            for where, c in citations_in(records[rid]):
                n = number(c.get("loc")) if c.get("source") == source else None
                if n is not None and (table, rid, where) not in out.get(n, ()):
                    out.setdefault(n, []).append((table, rid, where))
    return out


# ---- the reader's rules (the same numbering) ----------------------------------------------

CITING_TABLES = ("events", "actors", "places", "relations", "quotes")
# A sentence ends at . ! ? or … (then any closing quotes or brackets) before a space.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*")


def para_of(loc: object) -> int | None:
    """`number` for any value: the paragraph of a `para N` locator, else None."""
    return number(loc) if isinstance(loc, str) else None


def paragraphs(source: dict[str, Any] | None) -> list[str]:
    return (source or {}).get("paragraphs") or []


def citing(tables: dict[str, dict[str, Any]], source: str) -> dict[int, list[tuple[str, str]]]:
    """Paragraph number -> the records citing it, as (table, id), each once, tables in
    `CITING_TABLES` order then ids sorted: the same data gives the same margin."""
    rank = {t: i for i, t in enumerate(CITING_TABLES)}
    out: dict[int, list[tuple[str, str]]] = {}
    for n, refs in cited_by({t: tables.get(t, {}) for t in CITING_TABLES}, source).items():
        seen = sorted({(rank[t], rid) for t, rid, _ in refs})
        out[n] = [(CITING_TABLES[r], rid) for r, rid in seen]
    return out


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


def quote_problem(tables: dict[str, dict[str, Any]], quote: dict[str, Any]) -> Problem | None:
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


def refuse_unquoted(tables: dict[str, dict[str, Any]], quote: dict[str, Any], path: str) -> None:
    """Raise InvalidDatabase, naming the field, when a quotation misquotes its cited paragraph."""
    if (p := quote_problem(tables, quote)) is not None:
        p = Problem(path, p.where, p.what, p.expected)
        raise InvalidDatabase("Quotation not saved: not verbatim", [p])
