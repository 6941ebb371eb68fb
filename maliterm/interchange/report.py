"""A printable dossier report, as Markdown or as a self-contained HTML page.

`build` gathers the content once as plain blocks (headings, paragraphs, lists,
tables); `markdown` and `html` only render them, each escaping every piece of data
text for its own format. Output is deterministic (no timestamp) so a report kept in
git shows only what changed in the data.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from maliterm import dates, schema
from maliterm import model as m
from maliterm.interchange import svg
from maliterm.lineage import Lineage, Node, parent_names, revisit
from maliterm.untrusted import clean
from maliterm.presentation import cite_text, counted, source_label
from maliterm.timeline import casualty_summary

if TYPE_CHECKING:
    from maliterm.store import Store


@dataclass
class Block:
    kind: str  # "h1", "h2", "h3", "p", "list", "table", "svg" (a picture: HTML only, built by `svg`)
    text: str = ""
    items: list[tuple[int, str]] | None = None  # (depth, text) for lists
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] | None = None


def _cites(store: Store, cites: list[dict]) -> str:
    return cite_text(store, cites)


def _lineage_items(lin: Lineage, node: Node, depth: int = 0) -> list[tuple[int, str]]:
    text = lin.name(node.id)
    if node.edge:
        when = f", {lin.when(node.edge)}" if node.edge.date or node.edge.end else ""
        text += f" ({m.RELATION_TYPES[node.edge.type].lineage}{when}{', CONTESTED' if node.edge.contested else ''})"
    if len(node.parents) > 1:
        text += f" — {m.MERGER_OF} " + parent_names(lin, node)
    if mark := revisit(node):  # a subtree drawn above is not drawn again: the list grows with the data
        text += f" {mark}"
    items = [(depth, text)]
    for child in node.children:
        items += _lineage_items(lin, child, depth + 1)
    return items


def _claim_line(store: Store, claim: dict) -> str:
    text = claim["text"]
    if "value" in claim:
        text += f" = {claim['value']}" + (f" {claim['unit']}" if claim.get("unit") else "")
    if claim.get("by"):
        text += f" (per {store.name(claim['by'])})"
    if claim.get("credibility"):
        text += f", credibility {claim['credibility']}"
    return f"{text} [{_cites(store, claim['cite'])}]"


# Report cells that show more than their own field: an event's Place column is its `place` or
# its `places`; its Casualties column sums the figures up.
_CELLS: dict[tuple[str, str], Callable[[Any, dict], str]] = {
    ("events", "place"): lambda store, ev: ", ".join(map(store.name, m.event_places(ev))),
    ("events", "casualties"): lambda store, ev: casualty_summary(ev),
}


def report_value(store: Any, table: str, spec: schema.FieldSpec, rec: dict) -> str:
    """A field's value as a report row or cell shows it ("" when the record has none)."""
    if (table, spec.name) in _CELLS:
        return _CELLS[table, spec.name](store, rec)
    value = rec.get(spec.name)
    if value is None or value == "" or value == []:
        return ""
    if spec.dossier == "date":
        return dates.display(value)
    if spec.dossier == "aliases":
        return m.aliases_text(rec)
    if spec.dossier == "ref":
        return store.name(value)
    if spec.dossier == "refs":
        return ", ".join(map(store.name, value))
    if spec.dossier == "count":
        return counted(len(value), spec.noun)
    return str(value)


def _scope(store: Store, actor: str | None) -> tuple[list[str], list[str]]:
    """The actors and events the report covers: everything, or one actor with its circle."""
    if actor is None:
        return sorted(store.tables["actors"], key=store.name), store.events_in_order()
    lin = Lineage.of_store(store)
    circle = {actor} | lin.component(actor) if actor in lin.members() else {actor}
    for rel in store.relations_of(actor):
        circle |= {rel["from"], rel["to"]} & set(store.tables["actors"])
    first = [actor] + sorted(circle - {actor}, key=store.name)
    return first, store.events_by_actor.get(actor, [])


def build(store: Store, actor: str | None = None) -> list[Block]:
    actors, events = _scope(store, actor)
    title = store.title + (f": {store.name(actor)}" if actor else "")
    blocks = [Block("h1", title)]
    if store.meta.get("description"):
        blocks.append(Block("p", store.meta["description"]))

    blocks.append(Block("h2", "Actors"))
    for aid in actors:
        a = store.actor(aid)
        blocks.append(Block("h3", a["name"]))
        lines = [f"Kind: {m.words(a['kind'])}" + (" (descriptive name: the sources give none)" if a.get("descriptive_name") else "")]
        lines += [f"{spec.report}: {value}" for spec in schema.report_fields("actors")
                  if spec.dossier != "summary" and (value := report_value(store, "actors", spec, a))]
        for rel in store.relations_of(aid):
            out = rel["from"] == aid
            verb = m.relation_reads(rel["type"], out)
            span = m.relation_when(rel["type"], rel.get("start"), rel.get("end"))
            lines.append(f"{verb} {store.name(rel['to'] if out else rel['from'])}" + (f" ({span})" if span else "")
                         + (" CONTESTED" if m.is_contested(rel) else ""))
        blocks.append(Block("list", items=[(0, line) for line in lines]))
        blocks += [Block("p", value) for spec in schema.report_fields("actors")
                   if spec.dossier == "summary" and (value := report_value(store, "actors", spec, a))]

    lin = Lineage.of_store(store)
    forest = lin.forest(actor) if actor is None or actor in lin.members() else []
    if forest:
        blocks.append(Block("h2", "Lineage"))
        blocks.append(Block("svg", svg.lineage_chart(lin, actor)))
        blocks.append(Block("list", items=[i for node in forest for i in _lineage_items(lin, node)]))

    if events:
        blocks.append(Block("h2", "Timeline"))
        buckets, year_only = svg.event_buckets(store, events)
        if buckets:
            blocks.append(Block("svg", svg.events_chart(buckets, "Events per year" if len(buckets[0][0]) == 4
                                                         else "Events per month")))
        if year_only:
            blocks.append(Block("p", f"{year_only} of these events are dated only to a year: the chart leaves them out."))
        columns = schema.report_fields("events")
        blocks.append(Block("table", header=tuple(spec.report for spec in columns), rows=[
            tuple(report_value(store, "events", spec, ev) for spec in columns) for ev in map(store.event, events)]))

    covered = [("actors", a) for a in actors] + [("events", e) for e in events]
    contested = [(store.name(rid), f) for table, rid in covered
                 for f in store.tables[table][rid].get("facts", ()) if f.get("contested")]
    if contested:
        blocks.append(Block("h2", "Contested facts"))
        for name, f in contested:
            when = f" ({dates.display(f['date'])})" if f.get("date") else ""
            blocks.append(Block("h3", f"{name}: {f['about']}{when}"))
            blocks.append(Block("list", items=[(0, f"Side {i}: {_claim_line(store, c)}")
                                               for i, c in enumerate(f["claims"], 1)]))

    cited = _cited_sources(store, covered)
    if cited:
        blocks.append(Block("h2", "Sources"))
        blocks.append(Block("table", header=("Cited as", "Source", "Kind", "Published", "Reliability"), rows=[
            (source_label(store, s["id"]), s["title"] + (f" — {s['author']}" if s.get("author") else ""), m.words(s["kind"]),
             dates.display(s["published"]) if s.get("published") else "", s.get("reliability", "not graded"))
            for s in cited]))
    return blocks


def _cited_sources(store: Store, covered: list[tuple[str, str]]) -> list[dict]:
    ids: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("source"), str) and value["source"] in store.tables["sources"]:
                ids.add(value["source"])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for table, rid in covered:
        walk(store.tables[table][rid])
    return sorted((store.tables["sources"][s] for s in ids), key=lambda s: s["title"])


# ---- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&$])")
_MD_LINE_START = re.compile(r"^([-+=]|\d+(?=[.)]))")  # a list item or setext heading if a line began so


def md_escape(text: object) -> str:
    """Data text as literal Markdown: no emphasis, link, HTML, heading, list or table cell from it."""
    flat = " ".join(clean(text).split())
    flat = _MD_SPECIAL.sub(r"\\\1", flat)
    return _MD_LINE_START.sub(lambda m: m[1] + "\\" if m[1].isdigit() else "\\" + m[1], flat, count=1)


def markdown(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if b.kind.startswith("h"):
            out.append("#" * int(b.kind[1]) + " " + md_escape(b.text))
        elif b.kind == "p":
            out.append(md_escape(b.text))
        elif b.kind == "list":
            out.append("\n".join("  " * d + "- " + md_escape(t) for d, t in b.items or ()))
        elif b.kind == "table":
            out.append("\n".join(["| " + " | ".join(map(md_escape, b.header)) + " |",
                                  "|" + "---|" * len(b.header)]
                                 + ["| " + " | ".join(md_escape(c) or " " for c in row) + " |" for row in b.rows or ()]))
    return "\n\n".join(out) + "\n"


# ---- HTML ----------------------------------------------------------------------------

STYLE = """body{font-family:Georgia,serif;max-width:48em;margin:2em auto;padding:0 1em;line-height:1.4}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.2em .4em;text-align:left;vertical-align:top}
h2{border-bottom:1px solid #999;page-break-after:avoid}h3{page-break-after:avoid}tr{page-break-inside:avoid}
ul ul{margin:0}"""


def _html_list(items: list[tuple[int, str]]) -> str:
    """Nested <ul>s from (depth, text) pairs, depth growing by at most one at a time."""
    out, depth = ["<ul>"], 0
    for i, (d, text) in enumerate(items):
        if i:
            if d > depth:
                out.append("<ul>")
            else:
                out.append("</li>" + "</ul></li>" * (depth - d))
        depth = d
        out.append("<li>" + _e(text))
    out.append("</li>" + "</ul></li>" * depth + "</ul>")
    return "".join(out)


def _e(text: str) -> str:
    """HTML-escaped, control characters shown as escapes (they are not allowed in HTML)."""
    return htmllib.escape(clean(text))


def html(blocks: list[Block]) -> str:
    e = _e
    title = next((b.text for b in blocks if b.kind == "h1"), "maliterm report")
    body: list[str] = []
    for b in blocks:
        if b.kind.startswith("h"):
            body.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "p":
            body.append(f"<p>{e(b.text)}</p>")
        elif b.kind == "svg":
            body.append(f"<figure>{b.text}</figure>")  # built by `svg`, every label escaped there
        elif b.kind == "list":
            body.append(_html_list(b.items or []))
        elif b.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.rows or ())
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
