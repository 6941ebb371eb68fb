"""Hostile or broken files: each gets one clear message (or a literal rendering), never a
traceback, and the file's bytes are never changed, nor any file left beside it."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

from maliterm.errors import InvalidDatabase
from maliterm.store import Store
from maliterm.validate import SPECS, text

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"


def refused(path: Path, runner, message: str, cli_message: str = "") -> None:
    """Store.open and `maliterm validate` both refuse `path` with `message` (the CLI may say
    `cli_message` instead, when click checks the path first), and change nothing."""
    before, beside = digest(path), sorted(os.listdir(path.parent))
    with pytest.raises(InvalidDatabase) as err:
        Store.open(path)
    assert message in err.value.text()
    result = runner("validate", path)
    assert result.exit_code in (1, 2)  # 2: click's own usage error
    assert (cli_message or message) in result.output
    assert digest(path) == before
    assert sorted(os.listdir(path.parent)) == beside  # no lock file, backup or temp file left


def test_malformed_json(tmp_path, runner):
    path = tmp_path / "db.json"
    path.write_bytes(b'{"meta": {"meta": {"id": "meta", "schema_version": 1}},')
    refused(path, runner, "is not valid JSON")


def test_wrong_types(small_data, write_db, runner):
    small_data["actors"]["leader-x"]["name"] = 42
    small_data["events"] = ["not", "an", "object"]
    refused(write_db(small_data), runner, "actors/leader-x.name: is a number (expected a string)")


def test_dangling_reference(small_data, write_db, runner):
    small_data["relations"]["r-lead"]["from"] = "ghost"
    refused(write_db(small_data), runner, "relations/r-lead.from: refers to 'ghost', which does not exist")


def test_duplicate_id_across_tables(small_data, write_db, runner):
    small_data["places"]["leader-x"] = {**small_data["places"]["segou"], "id": "leader-x"}
    refused(write_db(small_data), runner, "duplicate id: also in actors")


def test_duplicate_id_in_one_table(small_db, runner):
    # orjson would keep the second copy silently; the first would be lost on the next save.
    raw = small_db.read_text(encoding="utf-8")
    twin = '"segou": {"id": "segou", "name": "Twin", "kind": "city", "cite": [{"source": "src-a"}]},\n'
    small_db.write_text(raw.replace('"places": {\n', '"places": {\n' + twin, 1), encoding="utf-8")
    refused(small_db, runner, "has the key 'segou' twice in one object")


def test_ten_megabyte_string(small_data, write_db, runner):
    small_data["actors"]["leader-x"]["summary"] = "x" * 10 * 1024 * 1024
    refused(write_db(small_data), runner, "actors/leader-x.summary: is 10,485,760 characters long")


def test_deep_nesting(tmp_path, runner):
    path = tmp_path / "db.json"
    path.write_bytes(b'{"meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    refused(path, runner, "is nested too deeply")


def test_invalid_utf8(small_db, runner):
    small_db.write_bytes(small_db.read_bytes().replace("Ségou".encode(), b"S\xe9gou"))
    refused(small_db, runner, "is not valid UTF-8")


def test_empty_file(tmp_path, runner):
    path = tmp_path / "db.json"
    path.write_bytes(b"")
    refused(path, runner, "is empty")


def test_directory(tmp_path, runner):
    path = tmp_path / "db.json"
    path.mkdir()
    refused(path, runner, "is a directory")


HOSTILE = "[bold red]X[/] [link=http://evil]y[/link] \x1b[2J\x1b]0;title\x07 \x07"


def poison(value, spec=None):
    """Every free-text string in a record replaced by markup and escape sequences."""
    if isinstance(value, dict):
        return {k: (HOSTILE if isinstance(v, str) and k in ("about", "text", "unit", "loc", "who", "counted_by")
                    else poison(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v) for v in value]
    return value


def test_markup_and_escapes_in_every_text_field_render_literally(small_data, write_db, runner):
    for table, records in small_data.items():
        fields = SPECS[table][0]
        for rec in records.values():
            for name, v in list(rec.items()):
                if fields.get(name) is text and name not in ("id", "to"):  # a relation's `to` is a reference
                    rec[name] = HOSTILE
                elif name == "aliases":
                    rec[name] = [HOSTILE + str(i) for i in range(len(v))]
                elif name in ("facts", "cite", "casualties", "actors") and isinstance(v, list):
                    rec[name] = poison(v)
    path = write_db(small_data)
    before = digest(path)
    store = Store.open(path, read_only=True)
    assert store.get("leader-x")["name"] == HOSTILE  # loaded as it is, not cleaned
    for table in ("actors", "events", "places", "sources"):
        for rid in small_data[table]:
            out = runner("show", rid, "--db", path).output
            assert "[bold red]X[/]" in out and "[link=http://evil]" in out, (table, rid)
            assert "\x1b" not in out and "\x07" not in out, (table, rid)
            assert "\\x1b[2J" in out
    assert digest(path) == before


@pytest.fixture
def kernel_as_for_a_user(monkeypatch):
    """Root reads and writes whatever the mode bits say: as root, make the two calls maliterm
    asks answer as the kernel would for an ordinary user, so these cases test our handling."""
    if not ROOT:
        return
    from maliterm import storage

    def access(path, mode):
        bits = os.stat(path).st_mode
        return not (mode & os.W_OK and not bits & 0o222 or mode & os.R_OK and not bits & 0o444)

    real_open = os.open

    def guarded_open(path, flags, *args, **kwargs):
        if not flags & (os.O_WRONLY | os.O_RDWR) and os.path.exists(path) and not os.stat(path).st_mode & 0o444:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr("maliterm.store.os.access", access)
    monkeypatch.setattr(storage.os, "open", guarded_open)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_without_read_permission(small_db, runner, kernel_as_for_a_user):
    small_db.chmod(0o000)
    refused(small_db, runner, "permission denied: the file cannot be read", cli_message="is not readable")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_without_write_permission_opens_read_only(small_db, kernel_as_for_a_user):
    small_db.chmod(0o444)
    before, beside = digest(small_db), sorted(os.listdir(small_db.parent))
    store = Store.open(small_db)
    assert store.read_only
    assert store.read_only_reason == f"you have no permission to write {small_db}"
    from maliterm.errors import ReadOnly

    with pytest.raises(ReadOnly, match="no permission to write"):
        store.put("places", {"id": "x", "name": "X", "kind": "town", "cite": [{"source": "src-a"}]})
    assert digest(small_db) == before and sorted(os.listdir(small_db.parent)) == beside


# ---- files that are not what a database must be ---------------------------------------------

class Hung(Exception):
    """Raised by `no_hang` (not an OSError, so no handler of ours can mistake it for a disk error)."""


@pytest.fixture
def no_hang():
    """Fail a test whose open blocks (a FIFO read waits for a writer forever); the refusal itself
    takes no time: the file is opened without waiting and refused from its fstat."""
    import signal

    def ring(*_):
        raise Hung("still blocked after 5 s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, 5)
    yield
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, old)


def nasty(kind: str, folder: Path, monkeypatch) -> tuple[Path, str]:
    """A file of `kind` in `folder` and the words its one line of refusal must hold."""
    path = folder / f"{kind}.json"
    if kind == "empty":
        path.write_bytes(b"")
        return path, "is empty"
    if kind == "binary":
        path.write_bytes(bytes(range(256)) * 4)
        return path, "is not valid UTF-8"
    if kind == "latin1":
        path.write_bytes('{"meta": "S\xe9gou"}'.encode("latin-1"))
        return path, "is not valid UTF-8"
    if kind == "utf16":
        path.write_bytes('{"meta": {}}'.encode("utf-16"))
        return path, "is UTF-16"
    if kind == "utf8-bom":
        path.write_bytes(b"\xef\xbb\xbf" + b'{"meta": {}}')
        return path, "starts with a byte order mark"
    if kind == "huge-number":
        path.write_bytes(b'{"meta": 1e999999}')
        return path, "is not valid JSON: number is infinity"
    if kind == "nan":
        path.write_bytes(b'{"meta": NaN}')
        return path, "is not valid JSON"
    if kind == "list":
        path.write_bytes(b"[1, 2]")
        return path, "the top level is a list"
    if kind == "deep-300":  # deeper than orjson writes, shallower than it reads
        path.write_bytes(b'{"meta": ' + b"[" * 300 + b"]" * 300 + b"}")
        return path, "is nested too deeply"
    if kind == "deep-1023":
        path.write_bytes(b'{"meta": ' + b"[" * 1023 + b"]" * 1023 + b"}")
        return path, "is nested too deeply"
    if kind == "fifo":
        os.mkfifo(path)
        return path, "is a named pipe (FIFO), not a file"
    if kind == "dir":
        path.mkdir()
        return path, "is a directory"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
        return path, "is a device, not a file"
    if kind == "dangling":
        path.symlink_to(folder / "nowhere.json")
        return path, f"is a symbolic link to {folder / 'nowhere.json'}, which does not exist"
    if kind == "loop":
        path.symlink_to(path)
        return path, "cannot be read: too many levels of symbolic links"
    if kind == "too-big":
        monkeypatch.setenv("MALITERM_MAX_BYTES", "1K")
        path.write_bytes(b'{"meta": "' + b"x" * 2000 + b'"}')
        return path, "is 2.0 KiB, more than maliterm opens (1.0 KiB; set MALITERM_MAX_BYTES to raise it)"
    if kind == "long-name":
        path = folder / ("a" * 300 + ".json")
        return path, "cannot be read: file name too long"
    if kind == "unreadable":  # root reads anything: the kernel's answer to anyone else, injected
        path.write_bytes(b"{}")
        real_open = os.open

        def guarded(p, *args, **kwargs):
            if os.fspath(p) == str(path):
                raise PermissionError(13, "Permission denied", str(p))
            return real_open(p, *args, **kwargs)

        monkeypatch.setattr("maliterm.storage.os.open", guarded)
        return path, "permission denied: the file cannot be read"
    raise ValueError(kind)


NASTY = ["empty", "binary", "latin1", "utf16", "utf8-bom", "huge-number", "nan", "list", "deep-300",
         "deep-1023", "fifo", "dir", "dev-zero", "dangling", "loop", "too-big", "long-name", "unreadable"]
ACLED = str(Path(__file__).parents[1] / "data" / "acled_sample.csv")
COMMANDS = {"validate": ("validate", "{}"), "show": ("show", "x", "--db", "{}"),
            "timeline": ("timeline", "--db", "{}"),
            "import": ("import", "acled", ACLED, "--apply", "--db", "{}")}  # a writer: takes the lock


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and symlinks")
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", NASTY)
def test_every_nasty_file_is_one_clear_line(kind, command, tmp_path, runner, monkeypatch, no_hang):
    path, words = nasty(kind, tmp_path, monkeypatch)
    beside = sorted(os.listdir(tmp_path))
    result = runner(*(a.format(path) for a in COMMANDS[command]))
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and lines[0].startswith(f"{path}: "), result.output
    assert words in lines[0]
    assert sorted(os.listdir(tmp_path)) == beside


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs, devices and symlinks")
@pytest.mark.parametrize("kind", NASTY)
async def test_the_tui_exits_with_one_clear_line_for_every_nasty_file(kind, tmp_path, monkeypatch):
    from maliterm.ui.app import make_app

    monkeypatch.setenv("MALITERM_CONFIG", str(tmp_path / "config.json"))
    path, words = nasty(kind, tmp_path, monkeypatch)
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(250):
            if app.return_code is not None:
                break
            await pilot.pause(0.02)
    assert app.return_code == 1
    lines = app.load_error.lines()
    assert len(lines) == 1 and lines[0].startswith(f"{path}: ") and words in lines[0], lines


def test_a_size_limit_that_is_not_a_size_is_one_clear_line(small_db, runner, monkeypatch):
    monkeypatch.setenv("MALITERM_MAX_BYTES", "lots")
    result = runner("validate", small_db)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "MALITERM_MAX_BYTES: is 'lots' (expected a size in bytes, or with K, M, G or T (e.g. 8G))"]
    monkeypatch.setenv("MALITERM_MAX_BYTES", "8G")  # a big ACLED file's limit opens it
    assert runner("validate", small_db).exit_code == 0
