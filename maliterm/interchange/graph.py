"""The relations graph as Graphviz DOT, Mermaid or GraphML (Gephi, yEd).

Nodes are every actor, plus the events a `claimed` relation points at; edges are the
relations, labelled with their type and dates. Lineage edges (splits, mergers,
renamings) are drawn heavier so a family tree stands out from the web of alliances.
Every label is data, so each format gets its own escaping.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING

from maliterm import model as m
from maliterm.lineage import Lineage
from maliterm.untrusted import clean, one_line, xml_text

if TYPE_CHECKING:
    from maliterm.store import Store

# Relation type -> DOT edge attributes; lineage edges bold, symmetric ones without arrowheads.
DOT_STYLE = {
    "splinter_of": 'color="firebrick" penwidth=2.5',
    "merged_into": 'color="darkgreen" penwidth=2.5',
    "renamed_to": 'color="navy" penwidth=2.5 style=dashed',
    "allied_with": 'color="steelblue" dir=none',
    "rival_of": 'color="orange" dir=none style=dotted',
    "claimed": 'color="gray40" style=dashed',
}
MERMAID_ARROW = {"splinter_of": "==>", "merged_into": "==>", "renamed_to": "==>",
                 "allied_with": "---", "rival_of": "-.-", "claimed": "-.->"}


@dataclass
class Graph:
    nodes: list[tuple[str, str, str]]  # (id, label, kind: the actor kind, or "event")
    edges: list[tuple[str, str, str, str, dict]]  # (id, from, to, label, relation)


def edge_label(rel: dict) -> str:
    span = m.relation_when(rel["type"], rel.get("start"), rel.get("end"))
    return m.relation_reads(rel["type"], True) + (f" ({span})" if span else "")


def build(store: Store, actor: str | None = None) -> Graph:
    """The whole graph, or the relations touching `actor` and its lineage family."""
    rels = list(store.tables["relations"].values())
    actors = list(store.tables["actors"])
    if actor is not None:
        lin = Lineage.of_store(store)
        family = lin.component(actor) if actor in lin.members() else {actor}
        rels = [r for r in rels if r["from"] in family or r["to"] in family]
        actors = [a for a in actors if a in family or any(a in (r["from"], r["to"]) for r in rels)]
    events = sorted({r["to"] for r in rels if r["type"] in m.EVENT_RELATION_TYPES})
    # clean(): control characters are invalid in XML and unsafe in any terminal that shows a label.
    nodes = [(a, clean(store.name(a)), store.actor(a)["kind"]) for a in sorted(actors)]
    nodes += [(e, clean(store.name(e)), "event") for e in events]
    edges = [(r["id"], r["from"], r["to"], clean(edge_label(r)), r) for r in sorted(rels, key=lambda r: r["id"])]
    return Graph(nodes, edges)


# ---- DOT ------------------------------------------------------------------------------

def dot_quote(text: str) -> str:
    """A DOT double-quoted string: only `\\` and `"` are special; newlines would end the line."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def dot(g: Graph, title: str) -> str:
    out = [f"digraph {dot_quote(clean(title))} {{", "  rankdir=BT;", '  node [shape=box style=rounded fontname="Helvetica"];',
           '  edge [fontname="Helvetica" fontsize=10];']
    for nid, label, kind in g.nodes:
        shape = " shape=ellipse" if kind == "event" else ""
        out.append(f"  {dot_quote(nid)} [label={dot_quote(label)}{shape}];")
    for _, src, dst, label, rel in g.edges:
        style = DOT_STYLE.get(rel["type"], "")
        out.append(f"  {dot_quote(src)} -> {dot_quote(dst)} [label={dot_quote(label)} {style}];".replace(" ]", "]"))
    out.append("}")
    return "\n".join(out) + "\n"


# ---- Mermaid --------------------------------------------------------------------------

# Entity codes for what ends a label (`"`, `|`), starts an entity (`#`), markup (`<`, `>`, `&`,
# a leading backtick for a Markdown string) or a directive anywhere in the text (`%%{init: ...}%%`,
# which Mermaid looks for even inside labels and which could lower its security level).
_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "|": "#124;",
                     "`": "#96;", "%": "#37;", "{": "#123;", "}": "#125;"}


def mermaid_text(text: str) -> str:
    """A double-quoted Mermaid label: Mermaid's entity codes for every character that could act."""
    flat = " ".join(text.split())
    return '"' + "".join(_MERMAID_ENTITIES.get(c, c) for c in flat) + '"'


def yaml_text(text: str) -> str:
    """A single-quoted YAML scalar (the front matter's title): only `'` is special, doubled.

    Not double-quoted: there `\\` starts an escape, so a trailing backslash ate the closing quote
    and the text `\\x1b` came back as a real ESC. YAML forbids the characters XML does (U+FFFF...)."""
    return "'" + one_line(xml_text(text)).replace("'", "''") + "'"


def mermaid(g: Graph, title: str) -> str:
    # Node ids are n1, n2...: a slug such as `end` or `graph` is a Mermaid keyword.
    ids = {nid: f"n{i}" for i, (nid, _, _) in enumerate(g.nodes, 1)}
    out = ["---", f"title: {yaml_text(title)}", "---", "flowchart BT"]
    for nid, label, kind in g.nodes:
        left, right = ("([", "])") if kind == "event" else ("[", "]")
        out.append(f"  {ids[nid]}{left}{mermaid_text(label)}{right}")
    for _, src, dst, label, rel in g.edges:
        out.append(f"  {ids[src]} {MERMAID_ARROW.get(rel['type'], '-->')}|{mermaid_text(label)}| {ids[dst]}")
    return "\n".join(out) + "\n"


# ---- GraphML --------------------------------------------------------------------------

NS = "http://graphml.graphdrawing.org/xmlns"
NODE_KEYS = ("label", "kind")
EDGE_KEYS = ("label", "type", "start", "end", "lineage")


def graphml(g: Graph, title: str) -> str:
    """GraphML with `label` keys (Gephi shows them); xml.etree escapes `<`, `&` and quotes, and
    `xml_text` shows as escapes the characters XML 1.0 forbids (an ET would write them, broken)."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}graphml")
    for scope, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for k in keys:
            ET.SubElement(root, f"{{{NS}}}key", {"id": f"{scope[0]}_{k}", "for": scope, "attr.name": k,
                                                "attr.type": "boolean" if k == "lineage" else "string"})
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"id": "relations", "edgedefault": "directed"})
    ET.SubElement(graph, f"{{{NS}}}desc").text = xml_text(title)

    def data(parent: ET.Element, key: str, value: str) -> None:
        ET.SubElement(parent, f"{{{NS}}}data", {"key": key}).text = xml_text(value)

    for nid, label, kind in g.nodes:
        node = ET.SubElement(graph, f"{{{NS}}}node", {"id": nid})
        data(node, "n_label", label)
        data(node, "n_kind", kind)
    for eid, src, dst, label, rel in g.edges:
        edge = ET.SubElement(graph, f"{{{NS}}}edge", {"id": eid, "source": src, "target": dst})
        data(edge, "e_label", label)
        data(edge, "e_type", rel["type"])
        for k in ("start", "end"):
            if rel.get(k):
                data(edge, f"e_{k}", rel[k])
        data(edge, "e_lineage", "true" if rel["type"] in m.LINEAGE_TYPES else "false")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
