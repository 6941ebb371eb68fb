"""A relation reads the same everywhere: the lineage tree, the dossier, the report, the graph, paths.

One table (`model.RELATION_TYPES`) holds each type's wording both ways and its lineage word, and one
formatter (`model.relation_when`) its dates: a merger once read "⇐ merger of", "← formed from" and
"— formed from", and relation dates were written three ways.
"""

from __future__ import annotations

import re

from maliterm import model as m


def words(text: str) -> str:
    """Text with wrapped lines and tree guides joined, as a person reads it."""
    return " ".join(re.sub(r"[│├└─]", " ", text).split())


def test_a_merger_reads_formed_from_in_the_tree_the_dossier_and_the_report(runner, small_db):
    tree = words(runner("lineage", "--db", small_db).stdout)
    assert tree.count("Al-Ittihad al-Jadid merger, between 2013 and 2014 formed from Splinter band (unnamed) "
                      "+ River Movement") == 2  # under each of its two parents
    dossier = words(runner("show", "new-union", "--db", small_db).stdout)
    assert "formed from Splinter band (unnamed) (between 2013 and 2014)" in dossier
    report = runner("export", "markdown", "--db", small_db).stdout
    assert "(merger, between 2013 and 2014) — formed from Splinter band (unnamed) + River Movement" in report
    assert "merger of" not in tree + dossier + report and "⇐" not in tree + dossier


def test_relation_dates_read_the_same_in_the_dossier_the_graph_and_the_report(runner, small_db):
    # A lasting relation (leads) from its start; a lineage moment (a split) on its date alone.
    dossier = words(runner("show", "leader-x", "--db", small_db).stdout)
    assert "leads Splinter band (unnamed) (from 2012-12)" in dossier
    dot = runner("export", "dot", "--db", small_db).stdout
    assert '"leader-x" -> "splinter-band" [label="leads (from 2012-12)"];' in dot
    assert '[label="split from (2012-12)"' in dot
    report = runner("export", "markdown", "--db", small_db).stdout
    assert "- leads Splinter band (unnamed) (from 2012-12)" in report
    assert "- split from Old Front (2012-12)" in report
    assert words(runner("show", "splinter-band", "--db", small_db).stdout).count("split from Old Front (2012-12)") == 1


def test_a_lineage_relation_that_ended_reads_as_a_span():
    assert m.relation_when("merged_into", "2017-01-28", "2017-07") == "from 2017-01-28 until 2017-07"
    assert m.relation_when("merged_into", "2017-01-28", None) == "2017-01-28"
    assert m.relation_when("allied_with", "2017-01-28", None) == "from 2017-01-28"
    assert m.relation_when("allied_with", None, None) == m.relation_when("splinter_of", None, None) == ""
