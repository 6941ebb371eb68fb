"""How records are presented: the dossier's rows and sections (which the dossier pane draws), and the
rich renderables the CLI prints (dossiers, timelines, lineage trees, search results).

All data text goes through `untrusted`, never into markup strings: names, titles and other
single-line fields through `literal_line`/`one_line` (a newline in a name must not draw a
line of its own), summaries and quotations through `literal`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group
from rich.segment import Segment
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from maliterm import dates, schema
from maliterm import model as m
from maliterm.lineage import Lineage, Node, parent_names, revisit
from maliterm.untrusted import literal, literal_line, one_line
from maliterm.timeline import casualty_summary, events_at

if TYPE_CHECKING:
    from maliterm.store import Store


_PARA = re.compile(r"^para (\d+)$")
# A line of a dossier and what it opens, if any: a record (table, id), or a cited paragraph
# ("sources", id, para number).
Item = tuple[Text, "tuple[str, str] | tuple[str, str, int] | None"]


def source_label(store: Store, sid: str) -> str:
    """A source as citations name it: its `short`, else author surname and year ("Hammer 2015"),
    else its title cut to a few words."""
    src = store.get(sid) or {}
    if src.get("short"):
        return src["short"]
    year = (src.get("published") or "")[:4]
    if src.get("author"):
        first = re.split(r",| and |;", src["author"])[0].split()
        return " ".join([first[-1], year]).strip() if first else year
    title = src.get("title") or sid
    return " ".join([title if len(title) <= 24 else title[:23].rstrip() + "…", year]).strip()


def cite_text(store: Store, citations: list[dict]) -> str:
    """Citations grouped by source, paragraphs as `¶`: "Hammer 2015 ¶13, 22, 23"."""
    locs: dict[str, list[str]] = {}
    for c in citations:
        have = locs.setdefault(c["source"], [])
        if c.get("loc") and c["loc"] not in have:
            have.append(c["loc"])
    parts = []
    for sid, where in locs.items():
        paras = sorted({int(p[1]) for loc in where if (p := _PARA.match(loc))})
        bits = (["¶" + ", ".join(map(str, paras))] if paras else []) + [loc for loc in where if not _PARA.match(loc)]
        parts.append(" ".join([source_label(store, sid), ", ".join(bits)]).strip())
    return "; ".join(parts)


def cites(store: Store, citations: list[dict]) -> Text:
    return Text("[" + one_line(cite_text(store, citations)) + "]", style="dim")


def cite_target(citations: list[dict]) -> tuple[str, str, int] | None:
    """What a line with these citations opens: the first cited paragraph, in the reader."""
    for c in citations:
        if p := _PARA.match(c.get("loc", "")):
            return ("sources", c["source"], int(p[1]))
    return None


def cited_sources(value: object) -> list[str]:
    """Every source a record cites anywhere (its facts, claims, casualties...), in first-cited order."""
    found: dict[str, None] = {}

    def walk(v: object) -> None:
        if isinstance(v, dict):
            for c in v.get("cite", ()) if isinstance(v.get("cite"), list) else ():
                if isinstance(c, dict) and "source" in c:
                    found.setdefault(c["source"])
            for k, x in v.items():
                if k != "cite":
                    walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(value)
    return list(found)


def counted(n: int, noun: str) -> str:
    """`1 event`, `2 events`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def fact_lines(store: Store, facts: list[dict], record: dict | None = None) -> list[Item]:
    """The facts' lines; a claim without a citation of its own cites `record`'s (see `m.cites_of`)."""
    out: list[Item] = []
    for f in facts:
        head = Text()
        if f.get("date"):
            head.append(dates.display(f["date"]) + "  ", style="cyan")
        head.append_text(literal_line(f["about"], "bold"))
        if f.get("contested"):
            head.append("  CONTESTED", style="bold yellow")
        out.append((head, None))
        for i, c in enumerate(f["claims"], 1):
            marker = f"  side {i}: " if f.get("contested") else "  - "
            line = Text().append(marker, style="bold yellow" if f.get("contested") else "")
            line.append_text(literal(c["text"]))
            if "value" in c:
                line.append(f"  = {one_line(c['value'])}{' ' + one_line(c['unit']) if c.get('unit') else ''}", style="green")
            if c.get("by"):
                line.append("  per ").append_text(literal_line(store.name(c["by"]), "italic"))
            if c.get("credibility"):
                line.append(f"  credibility {c['credibility']}", style="magenta")
            cited = m.cites_of(c, record or {})
            line.append(" ").append_text(cites(store, cited))
            out.append((line, cite_target(cited)))
    return out


def relation_line(store: Store, rid: str, rel: dict) -> Text:
    outgoing = rel["from"] == rid
    verb = m.relation_reads(rel["type"], outgoing)
    other = rel["to"] if outgoing else rel["from"]
    line = Text().append(f"{verb} ", style="cyan").append_text(literal_line(store.name(other), "bold"))
    span = m.relation_when(rel["type"], rel.get("start"), rel.get("end"))
    if span:
        line.append(f"  ({span})", style="dim")
    if rel.get("ended_by"):
        line.append("  ended by ", style="dim").append_text(literal_line(store.name(rel["ended_by"]), "dim"))
    if m.is_contested(rel):
        line.append("  CONTESTED", style="bold yellow")
    return line




def row_value(spec: schema.FieldSpec, rec: dict) -> Text:
    """A field's value as its dossier row shows it (a date, the aliases, a line, a paragraph, a count)."""
    value = rec[spec.name]
    if spec.dossier == "date":
        return Text(dates.display(value))
    if spec.dossier == "aliases":
        return literal_line(m.aliases_text(rec))
    if spec.dossier == "count":
        return Text(counted(len(value), spec.noun))
    shown = value if isinstance(value, str) else str(value)
    return literal(shown) if spec.dossier == "long" else literal_line(shown)


class DossierParts(NamedTuple):
    """A dossier in three parts, so a virtual list can draw the event lines only when shown
    (an actor may have thousands): the lines above the events, the events' ids (one line
    each, see `event_line`), and the lines below them."""

    head: list[Item]
    events: list[str]
    tail: list[Item]


def dossier_items(store: Store, table: str, rec: dict) -> list[Item]:
    """Everything we hold on one record, line by line; lines that name a record can open it."""
    head, events, tail = dossier_parts(store, table, rec)
    return head + [(event_line(store, e), ("events", e)) for e in events] + tail


def dossier_parts(store: Store, table: str, rec: dict) -> DossierParts:
    """The lines of `dossier_items`, with the event lines left to draw (see `DossierParts`)."""
    rid = rec["id"]
    items: list[Item] = []
    head = items

    def add(text: Text, target: tuple | None = None) -> None:
        items.append((text, target))

    def heading(name: str) -> None:
        add(Text(""))
        add(Text(name, style="bold underline"))

    title = literal_line(m.label(table, rec), "bold")
    title.append(f"  {m.words(rec.get('kind') or rec.get('type') or table.rstrip('s'))}", style="dim")
    if rec.get("descriptive_name"):
        title.append("  (descriptive name: the sources give none)", style="italic dim")
    if m.is_contested(rec):
        title.append("  CONTESTED", style="bold yellow")
    add(title)

    def field(label: str, value: Text | str, target: tuple[str, str] | None = None) -> None:
        line = Text().append(f"{label}: ", style="bold")
        add(line.append_text(value if isinstance(value, Text) else Text(value)), target)

    for spec in schema.dossier_rows(table):
        value = rec.get(spec.name)
        if value is None or value is False or value == "" or value == []:
            continue
        if spec.dossier == "summary":
            add(literal(value))
        elif spec.dossier == "refs":
            for ref in value:
                field(spec.label, literal_line(store.name(ref)), (spec.tables[0], ref))
        elif spec.dossier == "ref":
            field(spec.label, literal_line(store.name(value)), (spec.tables[0], value))
        else:
            field(spec.label, row_value(spec, rec))
    if rec.get("cite"):
        add(cites(store, rec["cite"]), cite_target(rec["cite"]))

    if table == "events":
        actors = store.event_actors(rid)
        if actors:
            heading("Actors")
            for a, role in actors:
                add(Text().append(f"  {m.words(role)}: ", style="cyan").append_text(literal_line(store.name(a))), ("actors", a))
        if rec.get("casualties"):
            heading("Casualties")
            for c in rec["casualties"]:
                q = {"at_least": "at least ", "about": "about ", "more_than": "more than ", "up_to": "up to "}.get(c.get("qualifier", ""), "")
                line = Text(f"  {q}{c['count']} {c['kind']}")
                if c.get("who"):
                    line.append(" (").append_text(literal_line(c["who"])).append(")")
                if c.get("counted_by"):
                    line.append(", counted by ").append_text(literal_line(c["counted_by"]))
                cited = m.cites_of(c, rec)
                add(line.append(" ").append_text(cites(store, cited)), cite_target(cited))
    if rec.get("facts"):
        heading("Facts")
        for line, target in fact_lines(store, rec["facts"], rec):
            add(line, target)
    if table == "actors":
        rels = store.relations_of(rid)
        if rels:
            heading("Relations")
            for r in rels:
                other = r["to"] if r["from"] == rid else r["from"]
                add(Text("  ").append_text(relation_line(store, rid, r)), (store.table_of.get(other, "actors"), other))
    events = (store.events_by_actor.get(rid, []) if table == "actors"
              else events_at(store, rid) if table == "places" else [])
    if events:
        # A place's events are those in it and in every place within it (a city: its hotels too).
        within = table == "places" and store.places_within.get(rid)
        heading(f"Events here and within ({len(events)})" if within else f"Events ({len(events)})")
    items = []  # what follows the events: `add` appends here from now on
    quotes = store.quotes_by_speaker.get(rid, []) if table == "actors" else []
    if quotes:
        heading("Quotations")
        for q in quotes:
            line = Text("  “").append_text(literal(q["text"], "italic")).append("”")
            when = [one_line(q["role"])] if q.get("role") else []
            if q.get("date"):
                when.append(dates.display(q["date"]))
            if when:
                line.append(f"  ({', '.join(when)})", style="dim")
            add(line.append(" ").append_text(cites(store, q["cite"])), cite_target(q["cite"]))
    if table != "sources" and (sources := cited_sources(rec)):
        heading("Sources")
        for sid in sources:
            src = store.get(sid) or {}
            line = Text("  ").append_text(literal_line(source_label(store, sid), "bold")).append(": ")
            line.append_text(literal_line(src.get("title", sid)))
            about = [m.words(src["kind"])] if src.get("kind") else []
            about += [one_line(src["author"])] if src.get("author") else []
            about += [f"published {dates.display(src['published'])}"] if src.get("published") else []
            if about:
                line.append(f" ({', '.join(about)})", style="dim")
            add(line, ("sources", sid))
    return DossierParts(head, events, items)


def dossier(store: Store, table: str, rec: dict) -> Group:
    return Group(*(text for text, _ in dossier_items(store, table, rec)))


def places_text(store: Store, places: list[str]) -> str:
    """An event's places by name, in order: `Aleppo, Idlib`."""
    return ", ".join(store.name(p) for p in places)


def event_line(store: Store, eid: str) -> Text:
    ev = store.event(eid)
    line = Text("  ").append(f"{dates.display_short(ev['date']):<12}", style="cyan").append(" ")
    line.append_text(literal_line(ev["title"]))
    if places := m.event_places(ev):
        line.append(" — ", style="dim").append_text(literal_line(places_text(store, places), "dim"))
    if cas := casualty_summary(ev):
        line.append(f"  {cas}", style="red")
    return line


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take `total` off `values` in proportion to `ratios`, each part at most its maximum: rich's own
    `ratio_reduce` (rich/_ratio.py, MIT), copied because that module is private to rich. Copied, not
    rewritten: a Table rounds this way, and tests/unit/test_line_table.py checks we still draw alike."""
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums)]
    total_ratio, remaining, result = sum(ratios), total, []
    if not total_ratio:
        return values[:]
    for ratio, most, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            taken = min(most, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


class LineTable:
    """A table drawn as rich draws `Table(box=None, header_style="bold", pad_edge=False)` with
    these columns, for thousands of rows: the column widths worked out once, by rich's own rule
    (each column as wide as its widest cell; too wide for the console, the widest wrapping columns
    narrowed first, then every column evenly), then each row's cells wrapped by `Text.wrap` and
    laid out as lines. A rich `Table` measures and renders every cell through its whole pipeline:
    1.4 s for a region's 3,000 events, where this takes a tenth. The cells are `Text` (untrusted
    text through `literal_line`) or strings of our own making (read as rich reads them)."""

    def __init__(self, *columns: tuple[str, str, bool]) -> None:
        """`columns`: (header, style, no_wrap) of each."""
        self.columns = columns
        self.rows: list[tuple[Text | str, ...]] = []

    def add_row(self, *cells: Text | str) -> None:
        self.rows.append(cells)

    @staticmethod
    def widths(texts: list[list[Text]], no_wraps: list[bool], max_width: int) -> list[int]:
        """Each column's width with its padding (one space between columns, none at the edges),
        from the header's and rows' `texts`."""
        last = len(no_wraps) - 1
        pads = [(i > 0) + (i < last) for i in range(last + 1)]
        widest = [max(_cell_len(c) for c in column) for column in zip(*texts)]
        widths = [min(w + pad, max_width) or 1 for w, pad in zip(widest, pads)]
        wrapable = [not no_wrap for no_wrap in no_wraps]
        excess = sum(widths) - max_width
        while excess > 0 and any(wrapable):  # as `Table._collapse_widths`
            top = max(w for w, ok in zip(widths, wrapable) if ok)
            second = max(w if ok and w != top else 0 for w, ok in zip(widths, wrapable))
            ratios = [int(w == top and ok) for w, ok in zip(widths, wrapable)]
            if not top - second:
                break
            widths = _ratio_reduce(excess, ratios, [min(excess, top - second)] * len(widths), widths)
            excess = sum(widths) - max_width
        if excess > 0:
            widths = _ratio_reduce(excess, [1] * len(widths), widths, widths)
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterable[Segment]:
        def text(cell: Text | str) -> Text:  # a string read as rich reads a table's string cell
            return cell if isinstance(cell, Text) else console.render_str(cell, highlight=False)

        texts = [[text(h) for h, _, _ in self.columns]] + [[text(c) for c in row] for row in self.rows]
        widths = self.widths(texts, [no_wrap for _, _, no_wrap in self.columns], options.max_width)
        last = len(widths) - 1
        drawn = Text(end="")  # one Text for the whole table: rendered once, not cell by cell
        for n, row in enumerate(texts):
            cells = []
            for i, (cell, width, (_, style, no_wrap)) in enumerate(zip(row, widths, self.columns)):
                left, inner = int(i > 0), max(0, width - (i > 0) - (i < last))
                plain = cell.plain
                if "\n" not in plain and "\t" not in plain and cell_len(plain) <= inner:
                    lines = [cell]  # what wrapping it would give, padded below: most cells
                else:
                    lines = [*cell.wrap(console, inner, justify="left", overflow="ellipsis", no_wrap=no_wrap)] if inner else []
                cells.append((lines, width, "bold" if n == 0 else style, left))
            height = max(1, *(len(lines) for lines, _, _, _ in cells))
            for k in range(height):
                for lines, width, style, left in cells:
                    # A header cell sits at the bottom of its row, a body cell at the top (as in a Table).
                    at = k - (height - len(lines)) if n == 0 else k
                    piece = Text(" " * left)
                    if 0 <= at < len(lines):
                        piece.append_text(lines[at])
                    piece.truncate(width, overflow="crop", pad=True)
                    piece.stylize_before(style)
                    drawn.append_text(piece)
                drawn.append("\n")
        return drawn.render(console)


def _cell_len(text: Text) -> int:
    """How wide rich measures a one-line cell: its longest line."""
    return max((cell_len(line) for line in text.plain.splitlines()), default=0)


def timeline_table(store: Store, ids: list[str]) -> LineTable:
    table = LineTable(("Date", "cyan", True), ("Event", "", False), ("Place", "dim", False),
                      ("Casualties", "red", True))
    for eid in ids:
        ev = store.event(eid)
        table.add_row(dates.display(ev["date"]), literal_line(ev["title"]),
                      literal_line(places_text(store, m.event_places(ev))), casualty_summary(ev))
    return table


def lineage_tree(lin: Lineage, nodes: list[Node], as_of: str | None) -> Tree:
    tree = Tree(Text().append(f"Lineage{' as of ' + as_of if as_of else ''}", style="bold"), guide_style="dim")

    def add(parent: Tree, node: Node) -> None:
        label = literal_line(lin.name(node.id), "bold")
        if node.edge:
            verb = m.RELATION_TYPES[node.edge.type].lineage
            when = lin.when(node.edge)
            label.append(f"  {verb}" + (f", {when}" if when else ""), style="cyan")
            if node.edge.contested:
                label.append("  CONTESTED", style="bold yellow")
        if len(node.parents) > 1:
            label.append(f"  {m.MERGER_OF} ", style="yellow").append_text(literal_line(parent_names(lin, node), "yellow"))
        if mark := revisit(node):
            label.append(f"  {mark}", style="red" if node.cycle else "dim")
        branch = parent.add(label)
        for child in node.children:
            add(branch, child)

    for node in nodes:
        add(tree, node)
    return tree


def search_table(store: Store, hits) -> Table:
    """Search hits (`fulltext.TextHit`): where each matched and a snippet, its matched words in bold."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Score")
    table.add_column("Kind")
    table.add_column("Name", max_width=18)
    table.add_column("Field", max_width=12, no_wrap=True, overflow="ellipsis")
    table.add_column("Matched", ratio=1)
    # An id is for copying into a command: never cut, the other columns wrap around it.
    table.add_column("Id", no_wrap=True, min_width=max((len(h.id) for h in hits), default=2))
    for h in hits:
        table.add_row(f"{h.score:.0f}", h.table.rstrip("s"), literal_line(store.name(h.id)),
                      Text(h.loc or h.field, style="dim"), marked(h.snippet, h.marks),
                      literal_line(h.id, "dim"))
    return table


def marked(text: str, marks, style: str = "bold") -> Text:
    """One line of `text` with the spans `marks` (start, end) in `style`: each piece made safe on its
    own, so an escape in the text cannot shift a mark."""
    out, pos = Text(), 0
    for a, b in marks:
        out.append(one_line(text[pos:a]))
        out.append(one_line(text[a:b]), style=style)
        pos = b
    out.append(one_line(text[pos:]))
    return out


def counts_table(counts: dict[str, int]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("Table")
    table.add_column("Records", justify="right")
    for t, n in counts.items():
        table.add_row(t, str(n))
    return table


def path_lines(store: Store, found) -> list[Item]:
    """The chains of `paths.shortest`, one line per actor or event (which opens it) and one per link."""
    head = literal_line(store.name(found.start), "bold").append(" → ").append_text(literal_line(store.name(found.end), "bold"))
    if found.length is None:
        return [(head.append(": no chain of relations or shared events links them."), None)]
    head.append(f": {counted(len(found.paths) + found.more, 'shortest path')} of {counted(found.length, 'step')}")
    lines: list[Item] = [(head, None)]

    def node(rid: str) -> Item:
        return Text("  ").append_text(literal_line(store.name(rid), "bold")), (store.table_of.get(rid, "actors"), rid)

    for i, path in enumerate(found.paths, 1):
        lines += [(Text(""), None), (Text(f"Path {i}", style="bold underline"), None)]
        for step in path:
            lines.append(node(step.start))
            for link in step.links:
                line = Text("    ").append(link.reads, style="cyan")
                if link.when:
                    line.append(f"  ({link.when})", style="dim")
                if link.contested:
                    line.append("  CONTESTED", style="bold yellow")
                lines.append((line.append(" ").append_text(cites(store, list(link.cite))), None))
        lines.append(node(found.end))
    if found.more:
        lines += [(Text(""), None),
                  (Text(f"… and {counted(found.more, 'more path')} of the same length (--limit shows more).", style="dim"), None)]
    return lines
