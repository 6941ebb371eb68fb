"""The registry of export formats: the one list the CLI's `export`, the TUI's palette and README's
table of formats are made from.

An exporter registers once (`register`) with its name, file suffix, a one-line description, the
filters it can honour and its render function. A filter asked of an exporter that cannot honour it
is refused with a one-line error, never ignored: an export that silently holds more than was asked
would be shared as if it held only that.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from maliterm.errors import MalitermError, Problem

if TYPE_CHECKING:
    from maliterm.store import Store

# Filter -> how a user asks for it on the command line (what an error names).
FILTERS: dict[str, str] = {"actor": "--actor", "place": "--place", "dates": "--from/--to"}


@dataclass(frozen=True)
class Scope:
    """What an export is narrowed to, ids resolved and dates checked by the caller; empty: everything."""

    actor: str | None = None  # an actor id: that actor and its circle
    place: str | None = None  # a place id: events there, at any depth within it
    start: str | None = None  # events from this date
    end: str | None = None  # events up to this date

    def asked(self) -> list[str]:
        """The filters this scope sets, as `FILTERS` keys, in that order."""
        asked = {"actor": self.actor, "place": self.place, "dates": self.start or self.end}
        return [name for name in FILTERS if asked[name]]


Render = Callable[["Store", Scope], str]


@dataclass(frozen=True)
class Exporter:
    name: str  # the CLI's FORMAT
    suffix: str  # of the file a user is offered in the TUI
    title: str  # in the palette, after "Export "
    description: str  # one line: the palette's help and README's table
    filters: tuple[str, ...]  # the `FILTERS` it honours
    render: Render


EXPORTERS: dict[str, Exporter] = {}


def register(name: str, suffix: str, title: str, description: str,
             filters: tuple[str, ...] = ()) -> Callable[[Render], Render]:
    """Decorator: add `render(store, scope) -> str` as export format `name`, in the order registered."""
    if unknown := set(filters) - set(FILTERS):
        raise ValueError(f"exporter {name!r}: unknown filters {sorted(unknown)}; known: {list(FILTERS)}")

    def add(render: Render) -> Render:
        if name in EXPORTERS:
            raise ValueError(f"exporter {name!r} is registered already")
        EXPORTERS[name] = Exporter(name, suffix, title, description, tuple(filters), render)
        return render
    return add


def get(name: str) -> Exporter:
    try:
        return EXPORTERS[name]
    except KeyError:
        raise MalitermError(f"unknown export format {name!r}",
                            msg=f"unknown export format {name!r}: one of {', '.join(EXPORTERS)}") from None


def check_scope(name: str, scope: Scope) -> None:
    """Refuse, in one line, a filter the exporter cannot honour (rather than export more than asked)."""
    exporter = get(name)
    refused = [f for f in scope.asked() if f not in exporter.filters]
    if refused:
        can = ", ".join(FILTERS[f] for f in exporter.filters) or "no filter"
        raise MalitermError(f"export {name} cannot narrow by {FILTERS[refused[0]]}",
                            msg=f"export {name} cannot narrow by {', '.join(FILTERS[f] for f in refused)} "
                                f"(it honours {can}); leave it out, or choose another format")


def render(store: Store, name: str, scope: Scope | None = None) -> str:
    """The export as text, narrowed to `scope`; MalitermError for a filter it cannot honour."""
    scope = scope or Scope()
    check_scope(name, scope)
    return get(name).render(store, scope)


def export_to(store: Store, name: str, path: str | Path, scope: Scope | None = None) -> Path:
    """Write an export to `path` (for the TUI's palette and `-o`); MalitermError if it cannot be written."""
    path = Path(path)
    text = render(store, name, scope)
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise MalitermError(f"cannot write {path}", [Problem(str(path), "", f"cannot be written: {exc.strerror or exc}",
                                                             "a writable file in an existing folder")]) from None
    return path


def readme_table() -> str:
    """README's table of export formats (between its `exporters` markers), from the registry."""
    rows = ["| format | file | what it holds | narrowed by |", "|---|---|---|---|"]
    for e in EXPORTERS.values():
        narrowed = ", ".join(f"`{FILTERS[f]}`" for f in e.filters) or "nothing (always everything)"
        rows.append(f"| `{e.name}` | `{e.suffix}` | {e.description} | {narrowed} |")
    return "\n".join(rows)


# The built-in formats. Each imports its module when it runs: the CLI lists formats without loading them.

@register("markdown", ".md", "report (Markdown)", "Actors, lineage, timeline, contested facts, sources",
          ("actor",))
def _markdown(store: Store, scope: Scope) -> str:
    from maliterm.interchange import report

    return report.markdown(report.build(store, scope.actor))


@register("html", ".html", "report (HTML)", "The same report as a web page that prints well", ("actor",))
def _html(store: Store, scope: Scope) -> str:
    from maliterm.interchange import report

    return report.html(report.build(store, scope.actor))


def _graph(fmt: str) -> Render:
    def draw(store: Store, scope: Scope) -> str:
        from maliterm.interchange import graph

        return str(getattr(graph, fmt)(graph.build(store, scope.actor), store.title))
    return draw


register("graphml", ".graphml", "graph (GraphML for Gephi/yEd)", "The relations graph, for Gephi or yEd", ("actor",))(_graph("graphml"))
register("dot", ".dot", "graph (Graphviz dot)", "The relations graph, for Graphviz", ("actor",))(_graph("dot"))
register("mermaid", ".mmd", "graph (Mermaid)", "The relations graph as a Mermaid diagram", ("actor",))(_graph("mermaid"))


@register("stix", ".json", "STIX 2.1 bundle",
          "Threat actors, identities, locations, reports, relationships", ("actor",))
def _stix(store: Store, scope: Scope) -> str:
    from maliterm.interchange.stix import bundle
    from maliterm.untrusted import json_text

    return json_text(json.dumps(bundle(store, actor=scope.actor), indent=2, ensure_ascii=False)) + "\n"


@register("csv", ".csv", "events as ACLED CSV", "Events in ACLED's column layout", ("actor", "place", "dates"))
def _csv(store: Store, scope: Scope) -> str:
    from maliterm.interchange.csv_export import write_csv
    from maliterm.timeline import EventFilter, filter_events

    buf = io.StringIO()
    write_csv(store, filter_events(store.snapshot, EventFilter(actor=scope.actor, place=scope.place,
                                                               start=scope.start, end=scope.end)), buf)
    return buf.getvalue()
