"""Data in and out: ACLED import, reports, graph and STIX exports, merging copies.

Pure modules (no Textual): the CLI (`commands`) and the TUI call `export_to`.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from maliterm.errors import MalitermError, Problem

if TYPE_CHECKING:
    from maliterm.store import Store

FORMATS = ("markdown", "html", "dot", "mermaid", "graphml", "stix", "csv")
SUFFIXES = {"markdown": ".md", "html": ".html", "dot": ".dot", "mermaid": ".mmd", "graphml": ".graphml",
            "stix": ".json", "csv": ".csv"}


def render(store: Store, fmt: str, actor: str | None = None) -> str:
    """The export as text; `actor` (an actor id) narrows it to that actor and its circle."""
    if fmt in ("markdown", "html"):
        from maliterm.interchange import report

        blocks = report.build(store, actor)
        return report.markdown(blocks) if fmt == "markdown" else report.html(blocks)
    if fmt in ("dot", "mermaid", "graphml"):
        from maliterm.interchange import graph

        return getattr(graph, fmt)(graph.build(store, actor), store.title)
    if fmt == "stix":
        from maliterm.interchange.stix import bundle
        from maliterm.safe import json_text

        return json_text(json.dumps(bundle(store), indent=2, ensure_ascii=False)) + "\n"
    if fmt == "csv":
        from maliterm.interchange.csv_export import write_csv

        buf = io.StringIO()
        write_csv(store, store.events_by_actor.get(actor, []) if actor else store.events_in_order(), buf)
        return buf.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")


def export_to(store: Store, fmt: str, path: str | Path, actor: str | None = None) -> Path:
    """Write an export to `path` (for the TUI's palette); MalitermError if it cannot be written."""
    path = Path(path)
    text = render(store, fmt, actor)
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise MalitermError(f"cannot write {path}", [Problem(str(path), "", f"cannot be written: {exc.strerror or exc}",
                                                             "a writable file in an existing folder")]) from None
    return path
