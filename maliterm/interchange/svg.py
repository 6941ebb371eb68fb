"""Pictures for the HTML report, drawn as SVG text by our own code: no network, no script.

Every piece of data text (names, dates, labels) goes through `_x`: the characters XML forbids
shown as escapes (`untrusted.xml_text`), then `&`, `<`, `>` and quotes as entities, so a name can only
ever be text inside a <text> or <title> element. Output is deterministic (no ids, no timestamps).
"""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

from maliterm import dates
from maliterm import model as m
from maliterm.lineage import Lineage
from maliterm.untrusted import xml_text

if TYPE_CHECKING:
    from maliterm.store import Store

FONT = 'font-family="sans-serif" font-size="11"'
MONTHS_MAX = 240  # beyond 20 years of months, bars are years
LINEAGE_MAX = 120  # groups drawn at most; the list under the picture holds every one


def _x(text: object) -> str:
    return html.escape(xml_text(text), quote=True)


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img"><title>{_x(title)}</title>' + "".join(body) + "</svg>")


def event_buckets(store: Store, events: list[str]) -> tuple[list[tuple[str, int]], int]:
    """(label, events) for every month from the first to the last (years when that is too many),
    empty ones included; and how many events are dated only to a year (not in any month)."""
    months: Counter[tuple[int, int]] = Counter()
    year_only = 0
    for eid in events:
        start = dates.parse(store.event(eid)["date"]).start
        if start.month:
            months[(start.year, start.month)] += 1
        else:
            year_only += 1
    if not months:
        return [], year_only
    (y0, m0), (y1, m1) = min(months), max(months)
    if (y1 - y0) * 12 + m1 - m0 + 1 > MONTHS_MAX:
        years: Counter[int] = Counter()
        for (y, _), n in months.items():
            years[y] += n
        return [(str(y), years[y]) for y in range(y0, y1 + 1)], year_only
    out, y, mo = [], y0, m0
    while (y, mo) <= (y1, m1):
        out.append((f"{y}-{mo:02d}", months[(y, mo)]))
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out, year_only


def events_chart(buckets: list[tuple[str, int]], title: str = "Events per month") -> str:
    """Bars, one per bucket, the tallest labelled with its count; about 12 labels along the bottom."""
    bar, gap, left, top, plot_h = (max(2, min(24, 720 // max(len(buckets), 1))), 1, 40, 24, 160)
    width = left + len(buckets) * (bar + gap) + 20
    height = top + plot_h + 40
    most = max((n for _, n in buckets), default=0) or 1
    body = [f'<text x="{left}" y="14" {FONT} font-weight="bold">{_x(title)}</text>',
            f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#555"/>',
            f'<text x="{left - 4}" y="{top + 8}" {FONT} text-anchor="end">{most}</text>',
            f'<text x="{left - 4}" y="{top + plot_h}" {FONT} text-anchor="end">0</text>']
    every = max(1, len(buckets) // 12)
    for i, (label, n) in enumerate(buckets):
        x = left + i * (bar + gap)
        h = round(plot_h * n / most)
        if n:
            body.append(f'<rect x="{x}" y="{top + plot_h - h}" width="{bar}" height="{h}" fill="#4a6fa5">'
                        f'<title>{_x(label)}: {n}</title></rect>')
        if i % every == 0:
            body.append(f'<text x="{x}" y="{top + plot_h + 14}" {FONT} transform="rotate(30 {x} {top + plot_h + 14})">'
                        f'{_x(label)}</text>')
    return _svg(width, height, title, body)


def _layers(lin: Lineage, groups: list[str]) -> dict[str, int]:
    """Each group's row: one below its lowest parent (origins on top). A cycle in bad data stops
    growing after as many rounds as there are groups."""
    layer = dict.fromkeys(groups, 0)
    for _ in range(len(groups)):
        changed = False
        for g in groups:
            want = max((layer[p] + 1 for p in lin.parents(g) if p in layer), default=0)
            if want > layer[g] and want < len(groups):
                layer[g], changed = want, True
        if not changed:
            break
    return layer


def lineage_chart(lin: Lineage, focus: str | None = None) -> str:
    """Boxes for groups, origins on top; a line from each origin to each younger group, labelled
    with how (split off, merger, renamed) and when, dashed when contested."""
    groups = sorted(lin.component(focus) if focus else lin.members(), key=lambda g: (lin.name(g), g))
    groups = groups[:LINEAGE_MAX]
    if not groups:
        return ""
    layer = _layers(lin, groups)
    rows: dict[int, list[str]] = {}
    for g in groups:
        rows.setdefault(layer[g], []).append(g)
    box_w, box_h, col_w, row_h, pad = 180, 28, 200, 80, 10
    width = pad * 2 + col_w * max(len(r) for r in rows.values())
    height = pad * 2 + row_h * (max(rows) + 1)
    at: dict[str, tuple[int, int]] = {}
    for depth, members in rows.items():
        offset = (width - col_w * len(members)) // 2
        for i, g in enumerate(members):
            at[g] = (offset + i * col_w + (col_w - box_w) // 2, pad + depth * row_h)
    body = []
    for g in groups:
        for e in lin.parents_of.get(g, ()):
            if e.parent not in at:
                continue
            (px, py), (cx, cy) = at[e.parent], at[g]
            x1, y1, x2, y2 = px + box_w // 2, py + box_h, cx + box_w // 2, cy
            dash = ' stroke-dasharray="4 3"' if e.contested else ""
            when = lin.when(e)
            label = m.RELATION_TYPES[e.type].lineage + (f", {when}" if when else "") + (", contested" if e.contested else "")
            body.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#555"{dash}><title>{_x(label)}</title></line>')
            body.append(f'<text x="{(x1 + x2) // 2 + 4}" y="{(y1 + y2) // 2 + 4}" {FONT} fill="#333">{_x(label)}</text>')
    for g in groups:
        x, y = at[g]
        name = lin.name(g)
        short = name if len(name) <= 28 else name[:27] + "…"
        body.append(f'<g><title>{_x(name)}</title><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="4" '
                    f'fill="#eef2f8" stroke="#4a6fa5"/><text x="{x + box_w // 2}" y="{y + 18}" {FONT} '
                    f'text-anchor="middle">{_x(short)}</text></g>')
    return _svg(width, height, "Lineage", body)
