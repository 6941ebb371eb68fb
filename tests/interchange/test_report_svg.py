"""The HTML report's pictures: events per month and the lineage, as SVG built by our code."""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

from maliterm.interchange import svg
from maliterm.untrusted import xml_text
from maliterm.store import Store

ROOT = Path(__file__).parents[2]
HOSTILE = ROOT / "tests" / "data" / "hostile" / "hostile.json"


class Page(html.parser.HTMLParser):
    """Tags in order, and the text inside each SVG <text> and <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.svg_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.open.append(tag)

    def handle_endtag(self, tag):
        while self.open and self.open.pop() != tag:
            pass

    def handle_data(self, data):
        if "svg" in self.open and self.open[-1] in ("text", "title"):
            self.svg_text.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def export_html(runner, db: Path, *extra: str) -> str:
    result = runner("export", "html", "--db", db, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_report_holds_the_events_chart_and_the_lineage(runner):
    page = parse(export_html(runner, ROOT / "db.json"))
    assert page.tags.count("svg") == 2
    assert {"Lineage", "Events per month", "Al-Mourabitoun", "split off, 2012-12"} <= set(page.svg_text)
    # Every bar's tooltip says its month and count; together they count every event dated to a month.
    store = Store.open(ROOT / "db.json", read_only=True)
    bars = [t for t in page.svg_text if t[:4].isdigit() and ": " in t]
    buckets, year_only = svg.event_buckets(store, store.events_in_order())
    assert sum(int(t.rsplit(": ", 1)[1]) for t in bars) == len(store.tables["events"]) - year_only
    assert [t.split(":")[0] for t in bars] == [label for label, n in buckets if n]


def test_months_run_without_gaps_and_become_years_when_too_many():
    class Fake:
        tables = {"events": {"a": {"date": "2014-11-03"}, "b": {"date": "2015-02"}, "c": {"date": "2015"}}}

        def event(self, eid):
            return self.tables["events"][eid]

    buckets, year_only = svg.event_buckets(Fake(), ["a", "b", "c"])
    assert buckets == [("2014-11", 1), ("2014-12", 0), ("2015-01", 0), ("2015-02", 1)] and year_only == 1
    Fake.tables["events"]["d"] = {"date": "1990-01"}
    years, _ = svg.event_buckets(Fake(), ["a", "b", "d"])
    assert years[0] == ("1990", 1) and years[-1] == ("2015", 1) and len(years) == 26


def test_hostile_names_stay_text_inside_the_svg(runner):
    page_text = export_html(runner, HOSTILE)
    page = parse(page_text)
    assert page.tags.count("svg") == 2
    svg_tags = {"svg", "title", "line", "text", "rect", "g"}
    pictures = re.findall(r"<svg.*?</svg>", page_text, re.S)
    assert len(pictures) == 2
    inside = "".join(pictures)
    assert set(parse(inside).tags) <= svg_tags  # no <b> or <x> from "mermaid-breaker" or "end"
    store = Store.open(HOSTILE, read_only=True)
    for aid in ("mermaid-breaker", "osc-group", "bidi-front"):
        assert xml_text(store.name(aid)) in page.svg_text, aid  # the whole name, as text, in a <title>
    assert "<b>" not in inside and "\x1b" not in inside and "\u202e" not in inside
