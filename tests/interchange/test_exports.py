"""`maliterm export`: reports, graphs, STIX and the ACLED round trip, as a user reads them."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
import stix2

from maliterm import dates
from maliterm.interchange.exporters import EXPORTERS, Scope, export_to
from maliterm.interchange.acled import COLUMNS
from maliterm.interchange.report import md_escape
from maliterm.store import Store

ACLED = Path(__file__).parent.parent / "data" / "acled_sample.csv"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def export(runner, db: Path, *args: str) -> str:
    result = runner("export", *args, "--db", db)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_markdown_report_holds_the_lineage_as_an_indented_tree(runner, small_db):
    text = export(runner, small_db, "markdown")
    assert "## Lineage" in text
    lineage = text.split("## Lineage")[1].split("\n## ")[0]
    assert "\n- Old Front" in lineage
    assert "\n  - Splinter band (unnamed) (split off, 2012-12)" in lineage
    assert "\n    - Al-Ittihad al-Jadid (merger, between 2013 and 2014) — formed from Splinter band (unnamed) + River Movement" in lineage


def test_markdown_report_shows_both_sides_of_a_contested_fact_and_graded_sources(runner, small_db):
    text = export(runner, small_db, "markdown")
    contested = text.split("## Contested facts")[1]
    assert "Side 1: Founded in 2013 says report A. = 2013" in contested
    assert "Side 2: Founded in 2014 says wire B. = 2014, credibility 3" in contested
    assert "| Field report A — Analyst One | report | 2020-03 | B |" in text


def test_markdown_and_html_escape_data_text(runner, small_db):
    md = export(runner, small_db, "markdown")
    assert "\\[bold red\\]Evil\\[/\\] \\\\x1b\\[2J" in md  # brackets and backslash escaped, ESC made visible
    assert "\x1b" not in md
    page = export(runner, small_db, "html")
    assert "&lt;" not in md_escape("<b>")  # markdown escapes with backslashes, not entities
    assert "\x1b" not in page and "<b>" not in page
    tags: set[str] = set()
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.add(tag)
    parser.feed(page)
    # only the report's own structure: nothing from the data opened a tag
    assert tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "li",
                    "table", "thead", "tbody", "tr", "th", "td",
                    "figure", "svg", "g", "rect", "line", "text"}  # the pictures (interchange/svg.py)
    assert "[bold red]Evil[/] \\x1b[2J" in page


def test_markdown_escape_neutralises_markup():
    assert md_escape("*a* _b_ [c](d) <i> # | `e`") == "\\*a\\* \\_b\\_ \\[c\\](d) \\<i\\> \\# \\| \\`e\\`"
    assert md_escape("1. not a list") == "1\\. not a list"


def test_report_for_one_actor_keeps_to_its_circle(runner, small_db):
    text = export(runner, small_db, "markdown", "--actor", "River Movement")
    assert text.startswith("# Fixture: a fictional conflict: River Movement")
    assert "### Kamal Réné" not in text and "### Old Front" in text


def test_graphml_parses_with_the_right_counts(runner, small_db, tmp_path):
    out = tmp_path / "g.graphml"
    runner("export", "graphml", "-o", out, "--db", small_db)
    store = Store.open(small_db, read_only=True)
    claimed = {r["to"] for r in store.tables["relations"].values() if r["type"] == "claimed"}
    n_nodes, n_edges = len(store.tables["actors"]) + len(claimed), len(store.tables["relations"])
    root = ET.parse(out).getroot()
    assert len(root.findall(f".//{GRAPHML}node")) == n_nodes
    assert len(root.findall(f".//{GRAPHML}edge")) == n_edges
    g = nx.read_graphml(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (n_nodes, n_edges)
    assert g.edges["splinter-band", "old-front"]["label"] == "split from (2012-12)"
    assert g.edges["splinter-band", "old-front"]["lineage"] is True
    assert g.nodes["evil"]["label"] == "[bold red]Evil[/] \\x1b[2J"


def test_dot_and_mermaid_escape_labels_and_style_lineage(runner, small_db):
    store = Store.open(small_db, read_only=True)
    rec = dict(store.actor("old-front"), name='Front "Old" \\ <b>#1</b>')
    store.close()
    Store.open(small_db).put("actors", rec)
    dot = export(runner, small_db, "dot")
    assert '"old-front" [label="Front \\"Old\\" \\\\ <b>#1</b>"];' in dot
    assert '"splinter-band" -> "old-front" [label="split from (2012-12)" color="firebrick" penwidth=2.5];' in dot
    mermaid = export(runner, small_db, "mermaid")
    assert '["Front #quot;Old#quot; \\ #lt;b#gt;#35;1#lt;/b#gt;"]' in mermaid
    assert '==>|"split from (2012-12)"|' in mermaid


def test_stix_bundle_validates_and_ids_are_stable(runner, acled_db, small_db):
    for db in (small_db, acled_db):
        text = export(runner, db, "stix")
        bundle = stix2.parse(text, allow_custom=False)
        data = json.loads(text)
        kinds = {o["type"] for o in data["objects"]}
        assert {"threat-actor", "identity", "report"} <= kinds
        assert len(bundle.objects) == len(data["objects"])
        again = json.loads(export(runner, db, "stix"))
        assert [o["id"] for o in again["objects"]] == [o["id"] for o in data["objects"]]
    assert "location" in kinds  # ACLED places have coordinates
    split = next(o for o in json.loads(export(runner, small_db, "stix"))["objects"]
                 if o.get("relationship_type") == "splinter-of")
    assert split["source_ref"].startswith("threat-actor--")


def test_acled_round_trip_gives_back_the_mapped_columns(runner, acled_db):
    exported = {r["event_id_cnty"]: r for r in csv.DictReader(io.StringIO(export(runner, acled_db, "csv")))}
    with open(ACLED, encoding="utf-8", newline="") as fh:
        original = [r for r in csv.DictReader(fh) if f"acled-{r['event_id_cnty'].lower()}" in
                    Store.open(acled_db, read_only=True).tables["events"]]
    assert len(original) >= 30 and len(exported) == len(original)
    same = ("event_id_cnty", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
            "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "admin2", "admin3",
            "location", "source", "notes", "fatalities")
    for row in original:
        back = exported[row["event_id_cnty"]]
        assert {c: back[c] for c in same} == {c: row[c] for c in same}
        assert [float(back[c]) for c in ("latitude", "longitude")] == [float(row[c]) for c in ("latitude", "longitude")]
        # A month-precision date keeps its month only; day and week precision keep the day.
        keep = 7 if row["time_precision"] == "3" else 10
        assert back["event_date"][:keep] == row["event_date"][:keep]
    assert list(exported[next(iter(exported))]) == list(COLUMNS)


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_export_to_writes_each_format_for_the_tui(small_db, tmp_path, fmt):
    store = Store.open(small_db, read_only=True)
    path = export_to(store, fmt, tmp_path / f"out.{fmt}", Scope(actor="new-union"))
    assert path.read_text(encoding="utf-8").strip()


def test_export_to_an_unwritable_place_is_one_clear_error(runner, small_db, tmp_path):
    result = runner("export", "markdown", "-o", tmp_path / "missing" / "x.md", "--db", small_db)
    assert result.exit_code == 1
    assert "cannot be written" in result.stderr and "Traceback" not in result.output


def test_an_unknown_actor_is_not_guessed(runner, small_db):
    result = runner("export", "dot", "--actor", "Nobody At All", "--db", small_db)
    assert result.exit_code == 1 and "Nothing is called 'Nobody At All'" in result.stderr


def test_dates_survive_as_written(acled_db):
    store = Store.open(acled_db, read_only=True)
    assert all(not dates.problem(e["date"]) for e in store.tables["events"].values())
