"""A PDF's text as numbered paragraphs, read with pypdf (the optional `pdf` extra).

pypdf is pure Python; its layout mode keeps the vertical gaps of a page as blank lines, which is
what tells one paragraph from the next. The rules (docs/data-model.md, `text_format` pdf):

- each page's text is read in layout mode; blocks of lines between blank lines are paragraphs;
- lines of a block are joined by a space, and a word broken by a hyphen at the end of a line
  ("para-" then "graph") is joined whole;
- a running header or footer (the same first or last line on at least half the pages, digits
  counting as equal, so page numbers go too) is dropped;
- a paragraph that runs over a page break (no closing punctuation, the next page going on in
  lower case) is one paragraph, numbered on the page where it starts;
- runs of white space and control characters become one space.

A PDF is hostile input: a file over `MAX_BYTES`, more than `MAX_PAGES` pages, one pypdf cannot
parse, or one whose reading takes over `TIME_LIMIT` seconds is refused with one line naming it,
never a traceback; pypdf's own warnings (which quote the file) are silenced while it reads.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from pathlib import Path

from maliterm.errors import MalitermError, Problem

MAX_BYTES = 200_000_000
MAX_PAGES = 20_000
TIME_LIMIT = 300.0  # seconds; 7 to 30 ms a page is usual (docs/data-model.md)
INSTALL = "pip install 'maliterm[pdf]' (the optional pypdf reader)"

_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_DIGITS = re.compile(r"\d+")
_ENDS = tuple('.!?:;"”’»)]')


def refuse(path: Path, what: str, expected: str = "a PDF with a text layer, or its text exported to a .txt file") -> MalitermError:
    return MalitermError(f"cannot read {path}", [Problem(str(path), "", what, expected)])


def read(path: Path) -> tuple[list[str], list[int]]:
    """(paragraphs, pages): the paragraphs of the PDF at `path`, and for each page the number of
    the first paragraph that starts on it or later (so page k holds paragraphs from pages[k-1]).
    MalitermError, one line naming the file, for anything that cannot be read."""
    try:
        import pypdf  # noqa: F401 - the optional extra
    except ImportError:
        raise refuse(path, "is a PDF, and reading PDF needs the optional extra", INSTALL) from None
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise refuse(path, f"is {size / 1e6:.0f} MB", f"a PDF of at most {MAX_BYTES // 1_000_000} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(path, exc.strerror or str(exc), "a readable file") from None
    return paragraphs(page_texts(path, data))


def page_texts(path: Path, data: bytes) -> list[str]:
    """Each page's text in layout mode, read in a thread so that a PDF made to loop is given up on."""
    result: list[list[str] | BaseException] = []

    def run() -> None:
        try:
            result.append(_extract(path, data))
        except BaseException as exc:  # noqa: BLE001 - any failure of pypdf on hostile input is reported
            result.append(exc)

    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        worker = threading.Thread(target=run, name="pdf-text", daemon=True)  # abandoned at exit if it never ends
        worker.start()
        worker.join(TIME_LIMIT)
    finally:
        log.setLevel(level)
    if not result:
        raise refuse(path, f"was still being read after {TIME_LIMIT:.0f} s (a damaged or hostile PDF?)")
    if isinstance(result[0], MalitermError):
        raise result[0]
    if isinstance(result[0], BaseException):
        exc = result[0]
        raise refuse(path, f"could not be read as a PDF ({type(exc).__name__}: {str(exc)[:200]})") from None
    return result[0]


def _extract(path: Path, data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise refuse(path, "is encrypted", "a PDF that opens without a password")
    n = len(reader.pages)
    if n > MAX_PAGES:
        raise refuse(path, f"has {n} pages", f"a PDF of at most {MAX_PAGES} pages")
    return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]


def _blocks(text: str) -> list[list[str]]:
    """A page's lines grouped by the blank lines between them, each line stripped."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        line = _SPACE.sub(" ", line).strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _key(line: str) -> str:
    return _DIGITS.sub("#", line)


def _running(pages: list[list[list[str]]]) -> tuple[set[str], set[str]]:
    """Keys of the first and of the last lines repeated on at least half the pages (2 at least)."""
    firsts: dict[str, int] = {}
    lasts: dict[str, int] = {}
    for blocks in pages:
        if blocks:
            k = _key(blocks[0][0])
            firsts[k] = firsts.get(k, 0) + 1
            k = _key(blocks[-1][-1])
            lasts[k] = lasts.get(k, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return {k for k, c in firsts.items() if c >= need}, {k for k, c in lasts.items() if c >= need}


def _join(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if len(out) > 1 and out[-1] == "-" and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line  # a word broken at the end of the line
        else:
            out += " " + line
    return out


def paragraphs(texts: list[str]) -> tuple[list[str], list[int]]:
    """(paragraphs, pages) from each page's layout-mode text: see the module's rules."""
    pages = [_blocks(t) for t in texts]
    heads, feet = _running(pages)
    out: list[str] = []
    starts: list[int] = []
    for blocks in pages:
        if blocks and _key(blocks[0][0]) in heads:
            blocks[0] = blocks[0][1:]
        if blocks and blocks[-1] and _key(blocks[-1][-1]) in feet:
            blocks[-1] = blocks[-1][:-1]
        blocks = [b for b in blocks if b]
        if blocks and out and not out[-1].endswith(_ENDS) and blocks[0][0][:1].islower():
            out[-1] = _join([out[-1], *blocks[0]])  # a paragraph going on over the page break
            blocks = blocks[1:]
        starts.append(len(out) + 1)
        out += [_join(b) for b in blocks]
    return out, starts
