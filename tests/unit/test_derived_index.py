"""`show`, `search`, `timeline` and `lineage` print the same bytes whether the derived index or the
loaded file answers, and the index is never used for a file it was not built from.

Each command runs twice in-process: once with the index out of the way (the file is loaded), once
with the index (checked to be the one answering), on the shipped db.json, the test fixtures and a
generated file with hypothesis-chosen filters.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maliterm import cli, derived
from maliterm import model as m
from maliterm.storage import dumps
from maliterm.store import Store
from test_index_agrees import date_strategy  # the same dates the snapshot's own checks draw

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"
GENERATOR = ROOT / "bench" / "generate.py"
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(cli.main, list(args), prog_name="maliterm")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def loaded(db: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """The command answered from the file, loaded (no index read, none built)."""
    with monkeypatch.context() as mp:
        mp.setattr(derived, "open_indexed", lambda path: None)
        mp.setattr(cli, "index_for_next_time", lambda *a: None)
        return invoke("--db", str(db), *args)


def indexed(db: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    """The command answered from the derived index (built first if need be), checked to be so."""
    if derived.open_indexed(db) is None:
        build_index(db)
    used: list[object] = []
    real = derived.open_indexed

    def spy(path: Path) -> derived.IndexedStore | None:
        used.append(found := real(path))
        return found

    with monkeypatch.context() as mp:
        mp.setattr(derived, "open_indexed", spy)
        mp.setattr(cli, "index_for_next_time", lambda *a: pytest.fail("fell back to the file"))
        result = invoke("--db", str(db), *args)
    assert used and all(isinstance(u, derived.IndexedStore) for u in used)
    return result


def build_index(db: Path) -> None:
    st_ = os.stat(db)
    with Store.open(db, read_only=True) as store:
        snap, digest = store.saved_state()
        derived.build(db, snap, digest, st_, derived.now_ns())


def same(db: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    a = loaded(db, *args, monkeypatch=monkeypatch)
    b = indexed(db, *args, monkeypatch=monkeypatch)
    assert (b.exit_code, b.stdout_bytes, b.stderr_bytes) == (a.exit_code, a.stdout_bytes, a.stderr_bytes), args
    assert "Traceback" not in b.output
    return b


def copy(src: Path, tmp_path: Path, name: str = "db.json") -> Path:
    return Path(shutil.copy(src, tmp_path / name))


# ---- the same bytes, both ways ----------------------------------------------------------

def runs_for(db: Path) -> list[list[str]]:
    """Each command over every kind of record and filter the file has (ids and names, partial names)."""
    data = json.loads(db.read_text(encoding="utf-8"))
    runs: list[list[str]] = [["lineage"], ["timeline"], ["timeline", "--contested"], ["lineage", "--as-of", "2014"],
                             ["show", "no such thing at all"], ["search", "attack"], ["search", "zzqx"]]
    for table in m.NAMED_TABLES:
        for rid, rec in sorted(data.get(table, {}).items())[:6]:
            name = m.label(table, rec)
            runs += [["show", rid], ["show", "--", name], ["search", "--", name]]
            runs += [["show", "--", word] for word in name.split()[:1]]
    for rid in sorted(data.get("actors", {}))[:6]:
        runs += [["timeline", "--actor", rid], ["lineage", rid], ["lineage", rid, "--as-of", "2016-06"]]
    for rid in sorted(data.get("places", {}))[:6]:
        runs += [["timeline", "--place", rid], ["timeline", "--place", rid, "--from", "2013", "--to", "2016"]]
    runs += [["timeline", "--type", t] for t in m.EVENT_TYPES[:4]]
    return runs + [r[:1] + ["--json"] + r[1:] for r in runs]


@pytest.mark.parametrize("name", ["db.json", "small.json", "syria-lineage.json", "reader.json", "hostile/hostile.json"])
def test_every_reading_command_prints_the_same_bytes_from_the_index(name, tmp_path, monkeypatch):
    src = ROOT / name if name == "db.json" else DATA / name
    db = copy(src, tmp_path)
    for args in runs_for(db):
        same(db, *args, monkeypatch=monkeypatch)


@pytest.fixture(scope="module")
def generated_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    folder = tmp_path_factory.mktemp("derived")
    cache = str(folder / "cache" / "validated.json")  # the module's own: one index for every example
    path = folder / "db.json"
    path.write_bytes(dumps(generate.Gen(400).build()))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MALITERM_CACHE", cache)
        build_index(path)
    yield path, cache


@pytest.fixture
def generated(generated_file: tuple[Path, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MALITERM_CACHE", generated_file[1])
    return generated_file[0]


@SETTINGS
@given(data=st.data())
def test_timeline_filters_on_a_generated_file_agree(generated, monkeypatch, data):
    records = json.loads(generated.read_text(encoding="utf-8"))
    args = ["timeline"]
    for option, table in (("--actor", "actors"), ("--place", "places")):
        rid = data.draw(st.none() | st.sampled_from(sorted(records[table])))
        if rid is not None:  # by id, or by its name as a person types it
            args += [option, data.draw(st.sampled_from([rid, records[table][rid]["name"]]))]
    if etype := data.draw(st.none() | st.sampled_from(m.EVENT_TYPES)):
        args += ["--type", etype]
    for option in ("--from", "--to"):
        if day := data.draw(date_strategy()):
            args += [option, day]
    args += ["--contested"] if data.draw(st.booleans()) else []
    args += ["--json"] if data.draw(st.booleans()) else []
    same(generated, *args, monkeypatch=monkeypatch)


@SETTINGS
@given(data=st.data())
def test_show_lineage_and_search_on_a_generated_file_agree(generated, monkeypatch, data):
    records = json.loads(generated.read_text(encoding="utf-8"))
    table = data.draw(st.sampled_from(m.NAMED_TABLES))
    rid = data.draw(st.sampled_from(sorted(records[table])))
    name = m.label(table, records[table][rid])
    words = name.split()
    query = data.draw(st.sampled_from([rid, name, words[0], name[: max(3, len(name) // 2)], name[::-1]]))
    command = data.draw(st.sampled_from([["show", "--", query], ["search", "--", query],
                                         ["lineage"] + (["--", rid] if table == "actors" else []),
                                         ["lineage", "--as-of", data.draw(st.integers(1995, 2024).map(str))]]))
    json_flag = ["--json"] if data.draw(st.booleans()) else []
    same(generated, command[0], *json_flag, *command[1:], monkeypatch=monkeypatch)


@pytest.fixture(scope="module")
def generated_loaded(generated_file: tuple[Path, str]) -> Iterator[Store]:
    with Store.open(generated_file[0], read_only=True) as store:
        yield store


def typo(word: str, at: int, how: int) -> str:
    """A person's slip in `word`: a letter dropped, doubled, or two swapped."""
    at %= max(len(word) - 1, 1)
    return [word[:at] + word[at + 1:], word[:at + 1] + word[at:], word[:at] + word[at + 1:at + 2] + word[at] + word[at + 2:]][how]


@SETTINGS
@given(data=st.data())
def test_the_name_search_ranks_the_same_from_the_index(generated, generated_loaded, data):
    """Every pass of the name search (substring, words, skeleton, typo-forgiving) scanned in SQLite
    finds and ranks what the loaded index finds, down to the caps that cut a common word's hits."""
    records = json.loads(generated.read_text(encoding="utf-8"))
    names = [m.label(t, rec) for t in m.NAMED_TABLES for rec in records[t].values()]
    words = sorted({w for n in names for w in n.split()})
    word = data.draw(st.sampled_from(words))
    query = data.draw(st.sampled_from([
        data.draw(st.sampled_from(names)), word, word[:3], word[1:-1],
        typo(word, data.draw(st.integers(0, 30)), data.draw(st.integers(0, 2))),
        " ".join(data.draw(st.lists(st.sampled_from(words), min_size=2, max_size=4))),
        data.draw(st.sampled_from(["attack", "the", "al", "ansar dine", "mourabitoun", "zzqx"])),
        data.draw(st.text(max_size=12))]))
    limit = data.draw(st.sampled_from([1, 3, 20, 100]))
    index = derived.open_indexed(generated)
    assert index is not None
    try:
        assert index.search(query, limit) == generated_loaded.search(query, limit), (query, limit)
    finally:
        index.close()


# ---- never trusted without checking it matches the file --------------------------------------

def edit_title(db: Path, title: str) -> None:
    data = json.loads(db.read_text(encoding="utf-8"))
    data["events"]["radisson-blu-attack-2015"]["title"] = title
    db.write_bytes(dumps(data))


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return copy(ROOT / "db.json", tmp_path)


def test_the_first_command_builds_the_index_and_the_next_reads_it(shipped, monkeypatch):
    first = invoke("show", "radisson-blu-attack-2015", "--db", str(shipped))
    assert derived.open_indexed(shipped) is not None
    assert indexed(shipped, "show", "radisson-blu-attack-2015", monkeypatch=monkeypatch).stdout_bytes == first.stdout_bytes


def test_an_edit_through_the_store_is_seen_at_once(shipped, monkeypatch):
    invoke("show", "radisson-blu-attack-2015", "--db", str(shipped))  # builds the index
    with Store.open(shipped) as store:
        store.edit("events", "radisson-blu-attack-2015", lambda rec: {**rec, "title": "Renamed through the writer"})
    result = invoke("show", "radisson-blu-attack-2015", "--db", str(shipped))
    assert "Renamed through the writer" in result.stdout
    assert same(shipped, "show", "radisson-blu-attack-2015", monkeypatch=monkeypatch).stdout == result.stdout


def test_an_external_write_to_the_file_is_seen_at_once(shipped, monkeypatch):
    invoke("timeline", "--json", "--db", str(shipped))
    edit_title(shipped, "Renamed by another program")
    assert "Renamed by another program" in invoke("timeline", "--json", "--db", str(shipped)).stdout
    assert "Renamed by another program" in indexed(shipped, "timeline", "--json", monkeypatch=monkeypatch).stdout


def test_a_change_the_file_clock_cannot_show_is_caught_by_the_digest(shipped, monkeypatch):
    """Same size, inode and times (a coarse clock, a write in the same tick): the index of a file
    changed just before it was read is checked against the file's digest, and refused."""
    monkeypatch.setattr(derived, "identity", lambda db, st_: "the same whatever happens")
    build_index(shipped)  # the copy was just written: racy
    text = shipped.read_bytes()
    assert text.count(b"Hotel attack, Bamako") == 1
    shipped.write_bytes(text.replace(b"Hotel attack, Bamako", b"Hotel attack, Bamaka"))
    assert derived.open_indexed(shipped) is None
    assert "Hotel attack, Bamaka" in invoke("show", "radisson-blu-attack-2015", "--db", str(shipped)).stdout


def test_an_index_of_a_file_unchanged_for_a_while_is_trusted_without_hashing(shipped, monkeypatch):
    st_ = os.stat(shipped)
    with Store.open(shipped, read_only=True) as store:
        derived.build(shipped, *store.saved_state(), st_, st_.st_ctime_ns + 10 * derived.RACY_NS)
    monkeypatch.setattr(derived, "file_digest", lambda db: pytest.fail("hashed the file"))
    assert derived.open_indexed(shipped) is not None


def test_a_racy_index_checked_once_its_file_is_old_is_not_hashed_again(shipped, monkeypatch):
    build_index(shipped)  # racy: the copy was just written
    hashed: list[Path] = []
    real = derived.file_digest
    monkeypatch.setattr(derived, "file_digest", lambda db: hashed.append(db) or real(db))
    assert derived.open_indexed(shipped) is not None and len(hashed) == 1  # still young: hashed, kept racy
    assert derived.open_indexed(shipped) is not None and len(hashed) == 2
    monkeypatch.setattr(derived, "now_ns", lambda: os.stat(shipped).st_ctime_ns + derived.RACY_NS)
    assert derived.open_indexed(shipped) is not None and len(hashed) == 3  # old now: hashed once more, settled
    assert derived.open_indexed(shipped) is not None and len(hashed) == 3
    edit_title(shipped, "Changed after it settled")
    assert derived.open_indexed(shipped) is None


@pytest.mark.parametrize("damage", ["record-bytes", "missing-table"])
def test_an_index_damaged_past_its_header_is_left_midway_for_the_file(damage, shipped, monkeypatch):
    """The index opens and matches the file, then fails while the command reads it: the command
    starts again on the loaded file, with the same answer and no traceback."""
    expected = loaded(shipped, "show", "radisson-blu-attack-2015", monkeypatch=monkeypatch).stdout
    build_index(shipped)
    with sqlite3.connect(derived.index_path(shipped)) as conn:
        if damage == "record-bytes":
            conn.execute("UPDATE rec SET body = x'7b7b' WHERE id = 'radisson-blu-attack-2015'")
        else:
            conn.execute("DROP TABLE links")
    conn.close()
    assert derived.open_indexed(shipped) is not None  # the damage is found only on reading
    result = invoke("show", "radisson-blu-attack-2015", "--db", str(shipped))
    assert (result.exit_code, result.stdout) == (0, expected)
    assert "Traceback" not in result.output


@pytest.mark.parametrize("damage", ["garbage", "pages", "empty", "other-file"])
def test_a_damaged_index_falls_back_to_the_file_and_is_rebuilt(damage, shipped, tmp_path, monkeypatch):
    expected = loaded(shipped, "show", "radisson-blu-attack-2015", monkeypatch=monkeypatch).stdout
    build_index(shipped)
    path = derived.index_path(shipped)
    if damage == "garbage":
        path.write_bytes(os.urandom(50_000))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "pages":  # the header and meta intact: SQLite finds the damage only when it reads on
        data = bytearray(path.read_bytes())
        for at in range(8192, len(data), 4096):
            data[at:at + 1024] = os.urandom(1024)
        path.write_bytes(bytes(data))
    else:  # the index of another database, renamed to this one's name
        other = copy(DATA / "small.json", tmp_path, "other.json")
        build_index(other)
        os.replace(derived.index_path(other), path)
    result = invoke("show", "radisson-blu-attack-2015", "--db", str(shipped))
    assert (result.exit_code, result.stdout) == (0, expected)
    assert "Traceback" not in result.output
    assert indexed(shipped, "show", "radisson-blu-attack-2015", monkeypatch=monkeypatch).stdout == expected  # rebuilt


def test_a_locked_index_falls_back_to_the_file(shipped, monkeypatch):
    expected = loaded(shipped, "lineage", monkeypatch=monkeypatch).stdout
    build_index(shipped)
    holder = sqlite3.connect(derived.index_path(shipped), timeout=0)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert derived.open_indexed(shipped) is None
        monkeypatch.setattr(cli, "index_for_next_time", lambda *a: None)
        assert invoke("lineage", "--db", str(shipped)).stdout == expected
    finally:
        holder.rollback()
        holder.close()


def test_an_unwritable_cache_still_answers_and_says_why(shipped, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(derived, "index_path", lambda db: blocker / "index.sqlite")  # under a file: ENOTDIR
    expected = loaded(shipped, "timeline", "--place", "bamako", monkeypatch=monkeypatch)
    result = invoke("timeline", "--place", "bamako", "--db", str(shipped))
    assert (result.exit_code, result.stdout) == (0, expected.stdout)
    assert "Could not save the index" in result.stderr and "Traceback" not in result.output


def test_a_refused_rename_leaves_no_index_and_no_temporary_file(shipped, monkeypatch):
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(derived.os, "replace", refuse)
    result = invoke("show", "radisson-blu-attack-2015", "--db", str(shipped))
    assert result.exit_code == 0 and "Could not save the index" in result.stderr
    assert list(derived.index_path(shipped).parent.iterdir()) == []


def test_nothing_is_written_beside_the_database(shipped):
    for args in (["show", "radisson-blu-attack-2015"], ["timeline"], ["lineage"], ["search", "attack"]):
        invoke(*args, "--db", str(shipped))
        invoke(*args, "--db", str(shipped))
    assert sorted(p.name for p in shipped.parent.iterdir()) == ["db.json"]
    assert derived.index_path(shipped).is_file()


def test_a_slow_first_build_says_so_on_a_terminal(shipped, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(type(cli.err), "is_terminal", property(lambda self: True))
    monkeypatch.setattr(cli.err, "print", lambda text, **kw: said.append(str(text)))
    real = derived.build

    def slow(*args: object) -> Path:
        import time

        time.sleep(1.3)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(derived, "build", slow)
    invoke("lineage", "--db", str(shipped))
    assert any("Indexing" in s and "once per change of the file" in s for s in said), said


def test_the_events_of_an_actor_come_from_the_index_not_from_every_event(shipped):
    """The snapshot builds its events' lists from the records on first use; the derived index's
    snapshot has its own over SQLite, and must never read every event to build them."""
    build_index(shipped)
    indexed_store = derived.open_indexed(shipped)
    assert indexed_store is not None
    snap = indexed_store.snapshot
    with Store.open(shipped, read_only=True) as store:
        expected = store.snapshot.events_by_actor
    assert {a: list(snap.events_by_actor[a]) for a in expected} == expected
    assert "_event_lists" not in vars(snap)
