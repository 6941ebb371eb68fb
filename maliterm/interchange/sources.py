"""`maliterm source add FILE` and `maliterm source show SOURCE`: a source's own text, by paragraph."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Group
from rich.text import Text

from maliterm import model as m
from maliterm import paragraphs
from maliterm.cli_support import db_option, handles_errors, json_option, open_store, out, print_json, resolve_name
from maliterm.errors import MalitermError, Problem
from maliterm.interchange.importers import register as register_importer
from maliterm.untrusted import literal_line, one_line

TITLE_WORDS = 6  # words of the title a new source's id is made from


@click.group("source")
def source() -> None:
    """Sources with their text: add a document, read it paragraph by paragraph."""


def read_document(path: Path, fmt: str | None) -> tuple[list[str], str, list[int] | None]:
    """(paragraphs, format, pages) of a file (pages: where each page starts, a PDF's only);
    MalitermError naming the file when it cannot be read or holds no text."""
    from maliterm.interchange.acled import decode

    fmt = fmt or paragraphs.format_of(path)
    pages = None
    if fmt == "pdf":
        from maliterm import pdftext

        paras, pages = pdftext.read(path)
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise MalitermError(f"cannot read {path}", [Problem(str(path), "", exc.strerror or str(exc),
                                                               "a readable file")]) from None
        paras = paragraphs.split(decode(raw, path), fmt)
    if not paras:
        expected = ("a PDF with a text layer (a scanned one holds pictures of pages: run OCR first)"
                    if fmt == "pdf" else "a document with some text")
        raise MalitermError(f"{path} holds no text", [Problem(str(path), "", f"has no paragraphs as {fmt}", expected)])
    return paras, fmt, pages


def default_title(paras: list[str]) -> str:
    """The first paragraph (an article's headline), without Markdown's heading marks, cut at a word."""
    first = " ".join(paras[0].lstrip("#").split())
    return first if len(first) <= 200 else first[:200].rsplit(" ", 1)[0] + "…"


@register_importer("source", tuple(paragraphs.EXTENSIONS), "A document (text, Markdown, HTML, PDF) as a new source "
                   "holding its text by paragraph (as `maliterm source add`)")
@source.command("add")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--title", help="Its title (default: the first paragraph).")
@click.option("--grade", type=click.Choice(m.RELIABILITY_GRADES), help="Reliability, Admiralty scale A-F.")
@click.option("--kind", type=click.Choice(m.SOURCE_KINDS), default="other", show_default=True)
@click.option("--author", help="Who wrote it.")
@click.option("--format", "fmt", type=click.Choice(paragraphs.FORMATS),
              help="How to split it into paragraphs (default: from the extension; text otherwise).")
@db_option
@click.pass_context
@handles_errors
def add(ctx, file: Path, title: str | None, grade: str | None, kind: str, author: str | None, fmt: str | None,
        db: Path | None) -> None:
    """Add FILE as a new source holding its text (`para N` is its N-th paragraph)."""
    from maliterm.slugs import unique_slug

    paras, fmt, pages = read_document(file, fmt)
    title = title or default_title(paras)
    store = open_store(ctx, db, read_only=False)
    rid = unique_slug(" ".join(title.split()[:TITLE_WORDS]), store.table_of)
    record: dict[str, object] = {"id": rid, "title": title, "kind": kind, "paragraphs": paras, "text_format": fmt}
    if pages:
        record["pages"] = pages
    if grade:
        record["reliability"] = grade
    if author:
        record["author"] = author
    store.put("sources", record)
    of_pages = f", {len(pages)} pages" if pages else ""
    out.print(one_line(f"added source {rid}: {len(paras)} paragraphs ({fmt}{of_pages}) from {file}"), markup=False)


@source.command("show")
@click.argument("name", metavar="SOURCE")
@click.option("--para", "para", type=int, help="Only paragraph N.")
@db_option
@json_option
@click.pass_context
@handles_errors
def show(ctx, name: str, para: int | None, db: Path | None, as_json: bool) -> None:
    """Print a source's text with its paragraph numbers and what cites each paragraph."""
    store = open_store(ctx, db)
    _, rec = resolve_name(store, name, ("sources",))
    rid, paras = rec["id"], rec.get("paragraphs", [])
    if not paras:
        raise MalitermError(f"{rid} holds no text", [Problem(
            str(store.path), f"sources/{rid}", "holds no text",
            "a source with paragraphs: add the document with `maliterm source add FILE`")])
    if para is not None and not 1 <= para <= len(paras):
        raise MalitermError(f"no paragraph {para}", [Problem(
            str(store.path), f"sources/{rid}", f"has no paragraph {para}",
            f"a paragraph from 1 to {len(paras)}: it has {len(paras)}")])
    cites = paragraphs.cited_by(store.tables, rid)
    numbers = [para] if para is not None else range(1, len(paras) + 1)
    if as_json:
        print_json({"source": rid, "title": rec["title"], "text_format": rec.get("text_format"),
                    "paragraph_count": len(paras),
                    "paragraphs": [{"n": n, "loc": paragraphs.locator(n), "text": paras[n - 1],
                                    **({"page": paragraphs.page_of(rec, n)} if rec.get("pages") else {}),
                                    "cited_by": [{"table": t, "id": i, "where": w} for t, i, w in cites.get(n, [])]}
                                   for n in numbers]})
        return
    if para is None:
        out.print(literal_line(rec["title"], "bold"))
    for n in numbers:
        out.print(paragraph(n, paras[n - 1], cites.get(n, []), paragraphs.page_of(rec, n)))


def paragraph(n: int, text: str, citers: list[tuple[str, str, str]], page: int | None = None) -> Group:
    """`¶N` (and its page, for a PDF), the ids of the records that cite it (each once, in table then id order)."""
    ids = list(dict.fromkeys(rid for _, rid, _ in citers))
    head = Text(f"¶{n}", style="bold")
    if page is not None:
        head.append(f"  p. {page}", style="dim")
    head.append("  cited by: " if ids else "  not cited yet", style="dim")
    head.append_text(literal_line(", ".join(ids), "dim"))
    # One line (a newline shows as \n), so no paragraph can draw a fake `¶N` heading of its own.
    return Group(Text(), head, literal_line(text))
