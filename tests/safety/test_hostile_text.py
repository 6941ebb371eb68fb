"""Untrusted text at every boundary of the CLI and the exports (issue 10).

Every CLI command (found by walking the click group, so a new command fails
`test_every_command_is_exercised` until it has runs here) and every export format runs over
the hostile corpus in tests/data/hostile/ (see its README). No byte stream it produces
(stdout, stderr, files it writes) may hold ESC, BEL, another C0 control, DEL, a C1 control, a
bidi control, an invisible character or a line separator; each export must still parse in its
own format and keep the data as exactly as that format can carry it.

`maliterm` with no command opens the TUI, whose boundaries have their own Pilot tests.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import networkx as nx
import pydot
import pytest

from maliterm.cli import main
from maliterm.interchange.acled import COLUMNS
from maliterm.untrusted import clean, one_line, xml_text
from maliterm.storage import dumps
from maliterm.store import Store

HOSTILE = Path(__file__).parent.parent / "data" / "hostile"
DB = HOSTILE / "hostile.json"
DATA = json.loads(DB.read_text(encoding="ascii"))
TITLE = DATA["meta"]["meta"]["title"]
FAKE = "FAKE LINE"  # starts the second line of names and titles in the corpus

# What a terminal would obey or that would hide or reorder text: C0 but tab and newline, DEL,
# C1, bidi controls, zero-width and invisible characters, line and paragraph separators.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
# An escape as untrusted.py, JSON, DOT or Mermaid's YAML title writes one.
VISIBLE = re.compile(r"\\(n|x[0-9a-f]{2}|u[0-9a-f]{4})")


def unsafe(data: bytes) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in UNSAFE.findall(data.decode("utf-8"))})


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every leaf command under `group`, as the words that invoke it."""
    out = []
    for name, cmd in sorted(group.commands.items()):
        path = prefix + (name,)
        out += commands(cmd, path) if isinstance(cmd, click.Group) else [path]
    return out


def command(path: tuple[str, ...]) -> click.Command:
    cmd: click.Command = main
    for word in path:
        cmd = cmd.commands[word]  # type: ignore[attr-defined]
    return cmd


def has_json(path: tuple[str, ...]) -> bool:
    return any("--json" in p.opts for p in command(path).params)


FORMATS = next(p for p in command(("export",)).params if p.name == "fmt").type.choices
POLICIES = next(p for p in command(("merge",)).params if p.name == "keep").type.choices

# Arguments per command; {db} is a fresh copy of hostile.json for each run, {odd_db} one with
# escapes in its file name, {theirs} a copy of hostile-theirs.json (the same records changed with
# other hostile text) named with escapes too, {acled} a CSV of acled-rows.json, {tmp} the run's folder,
# {clone} a git clone of hostile.json whose remote has hostile-theirs.json committed on top.
NOT_FOUND = "osc grup \x1b]52;c;eA==\x07"
ODD = "\x1b]52;c;eA==\x07\u202e"  # in file names
RUNS: dict[tuple[str, ...], list[list[str]]] = {
    ("validate",): [["{odd_db}"], [str(HOSTILE / "invalid.json")], ["--db", str(HOSTILE / "invalid.json")],
                    ["{tmp}/missing\x1b[31m\u202e.json"]],
    ("init",): [["{tmp}/new" + ODD + ".json", "--title", TITLE]],
    ("show",): [[rid, "--db", "{db}"] for rid in ("osc-group", "newline-man", "bidi-front", "mermaid-breaker",
                                                 "hostile-event", "second-event", "c1-town", "xml-region",
                                                 "src-hostile", "src-tab")]
               + [[NOT_FOUND, "--db", "{db}"], ["Front", "--db", "{db}"], ["fake lime", "--db", "{db}"]],
    ("timeline",): [["--db", "{db}"], ["--actor", "osc-group", "--db", "{db}"],
                    ["--place", "c1-town", "--db", "{db}"], ["--actor", NOT_FOUND, "--db", "{db}"]],
    ("path",): [["osc-group", "newline-man", "--db", "{db}"], ["bidi-front", "mermaid-breaker", "--db", "{db}"],
                ["osc-group", "end", "--no-events", "--db", "{db}"]],
    ("map",): [["--db", "{db}"], ["--db", "{db}", "--width", "60", "--height", "10"],
               ["--actor", "osc-group", "--db", "{db}"]],
    ("stats",): [[*by, "--db", "{db}"] for by in ([], ["--by", "actor"], ["--by", "place"], ["--by", "type"])]
               + [["--place", "xml-region", "--by", "place", "--db", "{db}"], ["--json", "--by", "actor", "--db", "{db}"]],
    ("lineage",): [["--db", "{db}"], ["osc-group", "--db", "{db}"], ["newline-man", "--db", "{db}"],
                   ["--as-of", "2013", "--db", "{db}"]],
    ("search",): [[q, "--db", "{db}"] for q in ("osc", "hyperlink", "click", "fake line", "real name", "town",
                                                NOT_FOUND)],
    ("export",): [[fmt, "--db", "{db}"] + extra for fmt in FORMATS
                  for extra in ([], ["-o", "{tmp}/out." + fmt], ["--actor", "osc-group"])],
    ("import", "acled"): [["{acled}", "--db", "{db}"], ["{acled}", "--db", "{db}", "--apply"]],
    ("import", "json"): [["{theirs}", "--db", "{db}"], ["{theirs}", "--db", "{db}", "--keep", "contested"]],
    ("import", "source"): [["{doc}", "--db", "{db}"]],
    ("merge",): [["{theirs}", "--db", "{db}"]] + [["{theirs}", "--db", "{db}", "--keep", k] for k in POLICIES]
                + [["{theirs}", "--base", str(DB), "--db", "{db}"]],
    ("merge-driver",): [[str(DB), "{db}", "{theirs}"], ["{empty}", "{db}", "{theirs}"],
                        ["{empty}", "{db}", "{theirs}", "--keep", "theirs"]],
    ("sync",): [["--db", "{odd_db}"], ["--db", "{clone}/db.json"]],
    ("source", "add"): [["{doc}", "--db", "{db}"], ["{doc}", "--title", TITLE, "--db", "{db}"],
                        ["{doc}", "--format", "html", "--db", "{db}"]],
    ("source", "show"): [["src-hostile", "--db", "{texts_db}"], ["src-hostile", "--para", "2", "--db", "{texts_db}"],
                         [NOT_FOUND, "--db", "{db}"]],
}
# Paragraphs of a document made of the corpus's own names, titles and summaries (newlines, escapes, bidi).
TEXTS = [TITLE] + [r[k] for t in ("actors", "events") for r in DATA[t].values() for k in ("name", "title", "summary")
                   if isinstance(r.get(k), str) and r[k].strip()][:12]
# Files a run may write that are databases (written by the storage layer, not exports).
DATABASES = {"db.json", "db.json.bak", "db" + ODD + ".json", "new" + ODD + ".json"}


def cases() -> list:
    out = []
    for path, runs in RUNS.items():
        for i, args in enumerate(runs):
            variants = [args, args + ["--json"]] if has_json(path) else [args]
            for args_ in variants:
                what = args[0] if path == ("export",) else str(i)
                label = "-".join(path) + f"-{what}" + ("-json" if "--json" in args_ else "")
                out.append(pytest.param(path, args_, id=label))
    return out


def test_every_command_is_exercised():
    """A new command (or subcommand) must get its runs over the hostile corpus here."""
    assert set(commands(main)) == set(RUNS)


def git(*args: str) -> None:
    subprocess.run(["git", *args], capture_output=True, check=True)


def shared_clone(tmp_path: Path) -> Path:
    """A clone holding hostile.json, changed here, whose remote (a bare repository) has
    hostile-theirs.json on top: a sync merges through the driver, with conflicts."""
    stick, mine, other = tmp_path / "team.git", tmp_path / "mine", tmp_path / "other"
    git("init", "-q", "--bare", "-b", "main", str(stick))
    git("clone", "-q", str(stick), str(mine))
    shutil.copy(DB, mine / "db.json")
    git("-C", str(mine), "add", "db.json")
    git("-C", str(mine), "commit", "-q", "-m", "hostile")
    git("-C", str(mine), "push", "-q", "origin", "main")
    git("clone", "-q", str(stick), str(other))
    shutil.copy(HOSTILE / "hostile-theirs.json", other / "db.json")
    git("-C", str(other), "commit", "-q", "-am", "theirs")
    git("-C", str(other), "push", "-q", "origin", "main")
    data = json.loads(DB.read_text(encoding="ascii"))
    data["actors"]["osc-group"]["summary"] = "Mine \x9b2J\u202e\x1b]52;c;eA==\x07"
    (mine / "db.json").write_text(json.dumps(data), encoding="utf-8")
    return mine


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Fill in the placeholders of a run with fresh files in tmp_path."""
    db = Path(shutil.copy(DB, tmp_path / "db.json"))
    odd_db = Path(shutil.copy(DB, tmp_path / f"db{ODD}.json"))
    theirs = Path(shutil.copy(HOSTILE / "hostile-theirs.json", tmp_path / f"theirs{ODD}.json"))
    acled = tmp_path / "acled.csv"
    with acled.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(json.loads((HOSTILE / "acled-rows.json").read_text(encoding="ascii")))
    empty = tmp_path / "empty-base.json"
    empty.write_bytes(b"")
    doc = tmp_path / f"doc{ODD}.md"
    doc.write_text("\n\n".join(TEXTS), encoding="utf-8")
    texts = json.loads(DB.read_text(encoding="ascii"))
    texts["sources"]["src-hostile"]["paragraphs"] = TEXTS
    texts_db = tmp_path / "texts.json"
    texts_db.write_bytes(dumps(texts))
    names = {"{db}": str(db), "{odd_db}": str(odd_db), "{theirs}": str(theirs), "{acled}": str(acled),
             "{tmp}": str(tmp_path), "{empty}": str(empty), "{doc}": str(doc), "{texts_db}": str(texts_db)}

    def fill(args: list[str]) -> list[str]:
        if any("{clone}" in a for a in args):
            for var in ("AUTHOR", "COMMITTER"):
                monkeypatch.setenv(f"GIT_{var}_NAME", "t")
                monkeypatch.setenv(f"GIT_{var}_EMAIL", "t@example.org")
            monkeypatch.setenv("HOME", str(tmp_path))
            monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
            names["{clone}"] = str(shared_clone(tmp_path))
        out = []
        for a in args:
            for k, v in names.items():
                a = a.replace(k, v)
            out.append(a)
        return out

    return fill


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file under `folder` but git's own (a sync commits)."""
    return {p: p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and not any(part.endswith(".git") for part in p.parts)}


@pytest.mark.parametrize(("path", "args"), cases())
def test_no_output_of_any_command_can_act_on_a_terminal(runner, tmp_path, place, path, args):
    argv = place(args)
    before = snapshot(tmp_path)
    result = runner(*path, *argv)
    assert result.exit_code in (0, 1), result.output
    streams = {"stdout": result.stdout_bytes, "stderr": result.stderr_bytes}
    streams |= {p.name: data for p, data in snapshot(tmp_path).items()
                if before.get(p) != data and p.name not in DATABASES}
    assert result.stdout_bytes or result.stderr_bytes
    for name, data in streams.items():
        assert unsafe(data) == [], f"{name} of {' '.join(path)}"
        assert "\U0001f480" not in data.decode(), f"{name}: Rich turned the data's :skull: into an emoji"
    # Not vacuous: the hostile text got through, shown as escapes (or JSON/XML/entity escapes), not dropped.
    assert VISIBLE.search(b"".join(streams.values()).decode()), streams
    if path != ("export",) or args[0] == "markdown":
        # A name, title or key never draws a line of its own (exports carry newlines in their own syntax).
        for name, data in streams.items():
            assert f"\n{FAKE}" not in data.decode(), name
    if "--json" in args and result.exit_code == 0:
        json.loads(result.stdout)


READ_FROM_INDEX = {("show",), ("timeline",), ("lineage",), ("search",)}


@pytest.mark.parametrize(("path", "args"), [c for c in cases() if c.values[0] in READ_FROM_INDEX])
def test_answers_from_the_derived_index_are_the_same_escaped_bytes(runner, place, path, args):
    """A reading command's second run answers from the derived index (`maliterm.derived`): what
    the first run printed from the file, checked above, byte for byte."""
    from maliterm import derived

    argv = place(args)
    db = Path(argv[argv.index("--db") + 1])
    first = runner(*path, *argv)  # reads the file, answers, then builds the index
    assert derived.open_indexed(db) is not None
    second = runner(*path, *argv)
    assert (second.exit_code, second.stdout_bytes, second.stderr_bytes) == (first.exit_code, first.stdout_bytes,
                                                                            first.stderr_bytes)


# ---- each export parses, and keeps the text -----------------------------------------------

@pytest.fixture(scope="module")
def store() -> Store:
    return Store.open(DB, read_only=True)


def export(runner, fmt: str, *extra: str) -> str:
    result = runner("export", fmt, "--db", DB, *extra)
    assert result.exit_code == 0, result.output
    return result.stdout


FORMULA_START = re.compile(r"[=+\-@\t\r]")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def test_csv_cells_cannot_start_a_formula_and_the_file_still_parses(runner, store):
    rows = list(csv.reader(io.StringIO(export(runner, "csv"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + len(store.tables["events"])
    assert {len(r) for r in rows} == {len(COLUMNS)}
    cells = [c for r in rows[1:] for c in r]
    assert [c for c in cells if FORMULA_START.match(c) and not NUMBER.fullmatch(c)] == []
    # The text is kept, neutralised with a leading quote (OWASP), not dropped.
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert any(c.startswith("'+summary") for c in cells)


def test_csv_formula_cells_come_back_exact_through_import(runner, tmp_path):
    """The `'` that neutralises a formula is taken off again by `import acled`: names round-trip."""
    out, db = tmp_path / "out.csv", tmp_path / "new.json"
    assert runner("export", "csv", "--db", DB, "-o", out).exit_code == 0
    assert runner("init", db).exit_code == 0
    assert runner("import", "acled", out, "--db", db, "--apply").exit_code == 0
    names = {a["name"] for a in Store.open(db, read_only=True).tables["actors"].values()}
    assert DATA["actors"]["formula-actor"]["name"] in names  # =HYPERLINK(...)


def test_csv_keeps_a_negative_number_a_number(runner, write_db):
    data = json.loads(DB.read_text(encoding="ascii"))
    data["places"]["c1-town"]["coords"] = {"lat": -14.5, "lon": -4.25}
    rows = list(csv.DictReader(io.StringIO(runner("export", "csv", "--db", write_db(data)).stdout)))
    assert {(r["latitude"], r["longitude"]) for r in rows if r["latitude"]} == {("-14.5", "-4.25")}


def test_graphml_parses_as_xml_and_round_trips_through_networkx(runner, store, tmp_path):
    text = export(runner, "graphml")
    ET.fromstring(text.encode())
    path = tmp_path / "g.graphml"
    path.write_text(text, encoding="utf-8")
    g = nx.read_graphml(path)
    names = {a: store.name(a) for a in store.tables["actors"]} | {"hostile-event": store.name("hostile-event")}
    assert {n: d["label"] for n, d in g.nodes(data=True)} == {n: xml_text(name) for n, name in names.items()}
    # What XML can carry comes back exactly: markup characters, quotes, a trailing backslash.
    assert g.nodes["mermaid-breaker"]["label"] == DATA["actors"]["mermaid-breaker"]["name"]
    assert g.nodes["formula-actor"]["label"] == DATA["actors"]["formula-actor"]["name"]
    # What XML 1.0 forbids (U+FFFF, NUL, ...) is shown as an escape rather than breaking the file.
    assert g.nodes["end"]["label"] == "graph nul\\x00 vt\\x0b ff\\x0c \\ufffe\\uffff end"
    assert "\\ufffe\\uffff" in ET.fromstring(text.encode()).find(".//{*}desc").text


def _dot_unquote(s: str) -> str:
    assert s.startswith('"') and s.endswith('"'), s
    return re.sub(r'\\(["\\])', r"\1", s[1:-1])


def test_dot_parses_with_pydot_and_keeps_each_label(runner, store):
    text = export(runner, "dot")
    (graph,) = pydot.graph_from_dot_data(text)
    assert _dot_unquote(graph.get_name()) == one_line(TITLE)
    labels = {_dot_unquote(n.get_name()): _dot_unquote(n.get("label")) for n in graph.get_nodes()
              if n.get("label") is not None}
    expected = {a: store.name(a) for a in store.tables["actors"]} | {"hostile-event": store.name("hostile-event")}
    # DOT carries a newline as the escape \n (a line break in the drawing), never a raw one.
    assert labels == {k: one_line(v) for k, v in expected.items()}
    assert len(graph.get_edges()) == len(store.tables["relations"])


# Mermaid has no pure-Python parser: the PyPI packages that parse it (mermaid-parser-py,
# mermaid-syntax-parser) run Mermaid's JavaScript in SpiderMonkey through `pythonmonkey`, a
# large binary. So this checks the exact subset of flowchart syntax we write, against the
# grammar of Mermaid's flow.jison: a quoted label is `"` then anything but `"` then `"`, and
# `#name;` / `#123;` are entity codes. We also require every character that could end a
# label, start markup or a `%%{init}%%` directive (Mermaid scans the whole text for those) to
# be entity-coded. The title is a YAML single-quoted scalar: only `''` is special, so neither
# a trailing backslash nor the text `\x1b` can mean anything to the YAML parser.
LABEL = r'"(?:[^"#<>&|`%{}\n]|#\w+;)*"'
NODE = re.compile(rf"  (n\d+)(?:\[({LABEL})\]|\(\[({LABEL})\]\))")
EDGE = re.compile(rf"  (n\d+) (?:==>|---|-\.-|-\.->|-->)\|({LABEL})\| (n\d+)")
# YAML's printable characters (YAML 1.2, 5.1) but `'` (doubled) and the line breaks.
YAML_TITLE = re.compile("title: '((?:[^'\x00-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]|'')*)'")
ENTITIES = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}


def _mermaid_decode(label: str) -> str:
    return re.sub(r"#(\w+);", lambda m: chr(int(m[1])) if m[1].isdigit() else ENTITIES[m[1]], label[1:-1])


def test_mermaid_follows_the_strict_grammar_and_keeps_each_label(runner, store):
    lines = export(runner, "mermaid").splitlines()
    assert lines[0] == "---" and lines[2] == "---" and lines[3] == "flowchart BT"
    title = YAML_TITLE.fullmatch(lines[1])
    assert title, lines[1]
    assert title[1].replace("''", "'") == one_line(xml_text(TITLE))
    assert TITLE.endswith("\\")  # the corpus's trailing backslash, which once ate the closing quote
    nodes, edges = {}, []
    for line in lines[4:]:
        if node := NODE.fullmatch(line):
            nodes[node[1]] = _mermaid_decode(node[2] or node[3])
        else:
            edge = EDGE.fullmatch(line)
            assert edge, line
            edges.append(edge)
    names = [store.name(a) for a in sorted(store.tables["actors"])] + [store.name("hostile-event")]
    # A label is one line: newlines and runs of spaces in a name become one space.
    assert list(nodes.values()) == [" ".join(clean(n).split()) for n in names]
    assert {e[1] for e in edges} | {e[3] for e in edges} <= nodes.keys()
    assert len(edges) == len(store.tables["relations"])


KNOWN_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "ul", "li",
              "table", "thead", "tbody", "tr", "th", "td",
              "figure", "svg", "g", "rect", "line", "text"}  # the pictures (interchange/svg.py)


def test_html_report_holds_only_its_own_tags(runner):
    seen: set[str] = set()

    class Tags(html.parser.HTMLParser):
        def handle_starttag(self, tag, attrs):
            seen.add(tag)

    page = export(runner, "html")
    Tags().feed(page)
    assert KNOWN_TAGS >= seen >= {"h1", "table", "li"}
    assert "[@click=app.screenshot(&#x27;x.txt&#x27;,&#x27;/tmp&#x27;)]" in page


def test_markdown_report_escapes_markup(runner):
    text = export(runner, "markdown")
    assert "[@click" not in text.replace("\\[@click", "")
    assert "<b>" not in text


def test_stix_and_json_keep_every_character_exactly(runner):
    bundle = json.loads(export(runner, "stix"))
    names = {o["name"] for o in bundle["objects"] if o["type"] in ("threat-actor", "identity")}
    assert DATA["actors"]["osc-group"]["name"] in names  # C1, bidi and ESC come back as they were
    shown = json.loads(runner("show", "osc-group", "--json", "--db", DB).stdout)
    assert shown["record"] == DATA["actors"]["osc-group"]


# ---- messages that echo a file's text ------------------------------------------------------

def test_not_found_suggestions_show_escapes_visibly(runner):
    result = runner("show", "osc grup", "--db", DB)
    assert result.exit_code == 1
    assert "Closest: Osc \\x1b]52;c;ZWNobyBwd25lZA==\\x1b\\ Group (osc-group)" in result.stderr


def test_validate_names_bad_keys_and_tables_visibly(runner):
    result = runner("validate", HOSTILE / "invalid.json")
    assert result.exit_code == 1
    err = result.stderr
    assert "tables\\x1b]52;c;dGFibGU=\\x07: is not a known table" in err
    assert "actors\\u202e: is not a known table" in err
    assert "sources/nl\\nkey: id 'nl\\nkey' is not a slug" in err
    assert "sources/nl\\nkey.field\\x1b[2J: is not a known field" in err
    assert "sources/nl\\nkey.[@click=app.quit]: is not a known field" in err


def test_show_draws_no_fake_line_from_a_newline_in_a_name(runner):
    out = runner("show", "newline-man", "--db", DB).stdout
    assert out.splitlines()[0].startswith("Real Name\\nFAKE LINE: validated by maliterm")
    assert not any(line.lstrip().startswith(FAKE) for line in out.splitlines())


def test_merge_report_shows_c1_and_bidi_visibly(runner, tmp_path):
    db = shutil.copy(DB, tmp_path / "db.json")
    result = runner("merge", HOSTILE / "hostile-theirs.json", "--db", db)
    assert result.exit_code == 1  # conflicts, no way to ask
    assert "conflict actors/osc-group.summary" in result.stdout
    assert 'theirs "their title \\x9b31m\\x9d52;c;ZWNobw==\\x9c\\x85\\u0007"' in result.stdout


def test_merge_question_shows_both_sides_visibly(monkeypatch, capsys):
    """`merge` on a terminal asks about each conflict, quoting both sides (not reachable by CliRunner)."""
    from maliterm.interchange import cli_commands
    from maliterm.interchange.merge import Conflict

    monkeypatch.setattr(cli_commands.click, "prompt", lambda *a, **k: "ours")
    ours, theirs = DATA["actors"]["osc-group"]["name"], DATA["meta"]["meta"]["title"]
    assert cli_commands.ask(Conflict("actors", "osc-group", "name\x1b[2J", ours, theirs)) == "ours"
    err = capsys.readouterr().err
    assert unsafe(err.encode()) == []
    assert "Conflict in actors/osc-group.name\\x1b[2J:" in err
    assert '  ours:   "Osc \\u001b]52;c;ZWNobyBwd25lZA==\\u001b\\\\ Group"' in err  # a JSON value
