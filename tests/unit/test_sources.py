"""Sources carry their text (issue 13): paragraph numbering, the shipped article, `source add/show`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from maliterm import paragraphs
from maliterm.store import Store

ROOT = Path(__file__).resolve().parents[2]
DB = ROOT / "db.json"
ARTICLE = ROOT.parent / "shared" / "sources" / "bamako-attack-2015.txt"
SOURCE = "hammer-2015-bamako"
# A fragment a claim quotes: between single or double quotes that are not apostrophes.
QUOTED = re.compile(r"""(?<!\w)['"“‘]([^'"”’]{6,}?)['"”’](?!\w)""")


@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DB.read_bytes())


@pytest.fixture(scope="module")
def stored(data) -> list[str]:
    """The article's paragraphs as db.json stores them: what every check below reads."""
    return data["sources"][SOURCE]["paragraphs"]


def claims(value):
    if isinstance(value, dict):
        if "text" in value and "cite" in value and "speaker" not in value:
            yield value
        for v in value.values():
            yield from claims(v)
    elif isinstance(value, list):
        for v in value:
            yield from claims(v)


def paras_cited(record: dict) -> list[int]:
    return [paragraphs.number(c.get("loc")) for c in record["cite"] if c["source"] == SOURCE]


def test_the_shipped_source_holds_the_article_as_plain_text(data, stored):
    assert data["sources"][SOURCE]["text_format"] == "text"
    assert len(stored) == 26
    assert stored[0] == "What the Bamako Attack Means for Mali—and France"  # the headline is para 1
    assert stored[12].startswith("The attack on the hotel was the seventh such attack this year in Mali.")


@pytest.mark.skipif(not ARTICLE.exists(), reason="the article is not beside the repository")
def test_the_stored_text_is_the_article_as_given():
    stored = json.loads(DB.read_bytes())["sources"][SOURCE]["paragraphs"]
    assert stored == paragraphs.split(ARTICLE.read_text(encoding="utf-8"), "text")


def test_every_quotation_is_verbatim_in_the_stored_paragraph_it_cites(data, stored):
    checked = 0
    for qid, q in data["quotes"].items():
        for n in paras_cited(q):
            assert n is not None and 1 <= n <= len(stored), f"quotes/{qid}: {n}"
            assert q["text"] in stored[n - 1], f"quotes/{qid} is not in para {n}"
            checked += 1
    assert checked >= 10


def test_quoted_fragments_of_claims_are_in_the_stored_paragraphs_they_cite(data, stored):
    """The words a claim puts in quotes are the article's (case aside: 'last year' opens a sentence)."""
    checked = 0
    for claim in claims(data):
        for fragment in QUOTED.findall(claim["text"]):
            cited = [n for n in paras_cited(claim) if n]
            assert any(fragment.casefold() in stored[n - 1].casefold() for n in cited), (fragment, cited)
            checked += 1
    assert checked >= 10


def test_every_para_locator_names_a_stored_paragraph(data, stored):
    cites = paragraphs.cited_by(data, SOURCE)
    assert cites and max(cites) <= len(stored) and min(cites) >= 1
    assert ("quotes", "quote-oudot-de-dainville-cave-by-cave", "") in cites[8]


# ---- numbering rules -----------------------------------------------------------------------

def test_plain_text_paragraphs_are_non_empty_lines_kept_as_written():
    assert paragraphs.split("Headline\n\n  indented  \nnext\n\n", "text") == ["Headline", "  indented  ", "next"]


def test_markdown_joins_wrapped_lines_and_splits_blocks():
    md = "# Title\nFirst line\nwrapped here.\n\n- one\n- two\n  more\n\n```\ncode\n\nstill code\n```\nAfter."
    assert paragraphs.split(md, "markdown") == [
        "# Title", "First line wrapped here.", "- one", "- two more", "```\ncode\n\nstill code\n```", "After."]


def test_html_reads_block_elements_and_drops_scripts():
    html = ("<html><head><title>T</title><style>p{}</style></head><body><h1>Head &amp; line</h1>"
            "<p>One\n  <b>bold</b> para.</p><script>alert(1)</script><ul><li>a</li><li>b</li></ul>"
            "<pre>x\n  y</pre><table><tr><td>cell</td></tr></table>loose text</body></html>")
    assert paragraphs.split(html, "html") == ["Head & line", "One bold para.", "a", "b", "x\n  y", "cell", "loose text"]


def test_an_unclosed_head_does_not_swallow_the_body():
    assert paragraphs.split("<html><head><title>T</title><body><p>Kept.</p>", "html") == ["Kept."]


def test_format_comes_from_the_extension():
    assert [paragraphs.format_of(Path(p)) for p in ("a.md", "b.HTML", "c.txt", "d.rst")] == \
        ["markdown", "html", "text", "text"]


def test_paragraphs_must_be_non_empty_strings(write_db, small_data):
    small_data["sources"]["src-a"]["paragraphs"] = ["fine", "", 3]
    small_data["sources"]["src-a"]["text_format"] = "docx"
    path = write_db(small_data)
    from maliterm.errors import InvalidDatabase

    with pytest.raises(InvalidDatabase) as exc:
        Store.open(path, read_only=True)
    where = [p.where for p in exc.value.problems]
    assert where == ["sources/src-a.paragraphs[1]", "sources/src-a.paragraphs[2]", "sources/src-a.text_format"]


# ---- the commands ------------------------------------------------------------------------------

def test_show_prints_one_paragraph_and_what_cites_it(runner):
    result = runner("source", "show", SOURCE, "--para", "13", "--db", DB)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith("¶13  cited by: al-mourabitoun, aqim, mokhtar-belmokhtar")
    assert "the seventh such attack this year in Mali" in " ".join(result.stdout.split())
    assert "¶12" not in result.stdout and "¶14" not in result.stdout


def test_show_json_lists_each_citation(runner):
    result = runner("source", "show", SOURCE, "--para", "8", "--json", "--db", DB)
    out = json.loads(result.stdout)
    assert out["paragraph_count"] == 26 and [p["n"] for p in out["paragraphs"]] == [8]
    assert {"table": "quotes", "id": "quote-oudot-de-dainville-cave-by-cave", "where": ""} in out["paragraphs"][0]["cited_by"]


def test_no_such_paragraph_says_how_many_there_are(runner):
    result = runner("source", "show", SOURCE, "--para", "27", "--db", DB)
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"{DB}: sources/{SOURCE}: has no paragraph 27 "
                                     "(expected a paragraph from 1 to 26: it has 26)")


def test_a_source_without_text_says_how_to_add_it(runner, small_path):
    result = runner("source", "show", "src-a", "--db", small_path)
    assert result.exit_code == 1
    assert "holds no text" in result.stderr and "maliterm source add FILE" in result.stderr


def test_add_reads_a_legacy_encoded_markdown_file_and_show_prints_it(runner, small_db, tmp_path):
    doc = tmp_path / "report.md"
    doc.write_bytes("# Rapport sur Ségou\n\nLes casques bleus\nsont arrivés.\n\nDeuxième paragraphe.\n".encode("cp1252"))
    added = runner("source", "add", doc, "--grade", "B", "--kind", "report", "--db", small_db)
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("added source rapport-sur-segou: 3 paragraphs (markdown)")
    rec = Store.open(small_db, read_only=True).get("rapport-sur-segou")
    assert rec["paragraphs"] == ["# Rapport sur Ségou", "Les casques bleus sont arrivés.", "Deuxième paragraphe."]
    assert (rec["title"], rec["reliability"], rec["kind"], rec["text_format"]) == \
        ("Rapport sur Ségou", "B", "report", "markdown")
    shown = runner("source", "show", "rapport-sur-segou", "--para", "2", "--db", small_db)
    assert shown.stdout.splitlines()[1:] == ["¶2  not cited yet", "Les casques bleus sont arrivés."]


def test_add_twice_gives_a_new_id(runner, small_db, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text("Same title\nbody\n", encoding="utf-8")
    runner("source", "add", doc, "--db", small_db)
    again = runner("source", "add", doc, "--db", small_db)
    assert again.stdout.startswith("added source same-title-2:")


def test_add_refuses_a_broken_pdf_and_an_empty_file(runner, small_db, tmp_path):
    pdf, empty = tmp_path / "r.pdf", tmp_path / "e.txt"
    pdf.write_bytes(b"%PDF-1.4\n")
    empty.write_text("\n\n  \n", encoding="utf-8")
    refused = runner("source", "add", pdf, "--db", small_db)
    assert refused.exit_code == 1 and f"{pdf}: could not be read as a PDF" in refused.stderr
    nothing = runner("source", "add", empty, "--db", small_db)
    assert nothing.exit_code == 1 and "has no paragraphs as text" in nothing.stderr


def test_hostile_text_is_shown_not_obeyed(runner, small_db, tmp_path):
    doc = tmp_path / "evil.txt"
    doc.write_text("Evil [bold red]title[/]\nclear\x1b[2Jscreen \u202eflip\n", encoding="utf-8")
    runner("source", "add", doc, "--db", small_db)
    shown = runner("source", "show", "evil-bold-red-title", "--db", small_db)
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout
    assert "clear\\x1b[2Jscreen \\u202eflip" in shown.stdout
    assert "Evil [bold red]title[/]" in shown.stdout


def test_merge_takes_a_text_changed_on_one_side_and_never_blends_two(small_data):
    import copy

    from maliterm.interchange.merge import merge

    base = copy.deepcopy(small_data)
    base["sources"]["src-a"]["paragraphs"] = ["one", "two", "three"]
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    theirs["sources"]["src-a"]["paragraphs"] = ["one", "two (corrected)", "three"]
    merged, report = merge(base, ours, theirs)
    assert merged["sources"]["src-a"]["paragraphs"] == ["one", "two (corrected)", "three"]
    ours["sources"]["src-a"]["paragraphs"] = ["one", "two", "three", "four"]
    merged, report = merge(base, ours, theirs)
    assert merged["sources"]["src-a"]["paragraphs"] == ["one", "two", "three", "four"]  # ours, until resolved
    assert [c.where for c in report.conflicts] == ["sources/src-a.paragraphs"]
