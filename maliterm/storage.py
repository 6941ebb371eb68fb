"""Reading and writing the database file: orjson, UTF-8, sorted and indented, atomic.

`AtomicJSONStorage` is the TinyDB storage the store uses. It keeps the parsed data in
memory (TinyDB's own JSONStorage re-reads and re-parses the whole file on every query)
and replaces the file atomically on write: temp file in the same folder, fsync,
`os.replace`, fsync of the folder. A crash at any instant leaves the old or the new file.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from maliterm.errors import InvalidDatabase, Problem, ReadOnly

DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def dumps(data: dict) -> bytes:
    return orjson.dumps(data, option=DUMP_OPTIONS) + b"\n"


def _fail(path: Path, what: str, expected: str = "") -> InvalidDatabase:
    return InvalidDatabase(f"Cannot open {path}", [Problem(str(path), "", what, expected)])


def read_bytes(path: Path) -> bytes:
    """The file's bytes, or one clear InvalidDatabase line saying why not."""
    try:
        if path.is_dir():
            raise _fail(path, "is a directory", "a maliterm JSON file")
        return path.read_bytes()
    except FileNotFoundError:
        raise _fail(path, "no such file", "an existing file (create one with `maliterm init PATH`)") from None
    except PermissionError:
        raise _fail(path, "permission denied: the file cannot be read", "a readable file") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror or exc}") from None


def parse(raw: bytes, path: Path) -> object:
    """Parse JSON bytes, turning every failure into a message with a location."""
    if not raw.strip():
        raise _fail(path, "is empty", "a JSON object of tables (create one with `maliterm init PATH`)")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise _fail(path, f"is not valid UTF-8 (bad byte at offset {bad.start})", "UTF-8 text") from None
        raise _fail(path, f"is not valid JSON: {exc}", "a JSON object of tables") from None
    except RecursionError:
        raise _fail(path, "is nested too deeply to be a maliterm file", "a JSON object of tables") from None


def load_file(path: Path) -> object:
    return parse(read_bytes(path), path)


def save_atomic(path: Path, data: dict) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    payload = dumps(data)
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        except FileNotFoundError:
            pass  # a new file keeps mkstemp's private mode
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); not possible on every OS, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class SlugTable(Table):
    """A TinyDB table keyed by each record's slug instead of a running number."""

    document_id_class = str


class AtomicJSONStorage(Storage):
    """TinyDB storage over data already parsed; writes go to disk atomically, or wait in a batch."""

    def __init__(self, path: str | os.PathLike, data: dict | None = None, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._data = data if data is not None else load_file(self.path)
        self._batch_depth = 0
        self._dirty = False

    def read(self) -> dict:
        return self._data

    def write(self, data: dict) -> None:
        if self.read_only:
            raise ReadOnly(f"{self.path} is open read-only")
        self._data = data
        if self._batch_depth:
            self._dirty = True
        else:
            save_atomic(self.path, data)

    @contextmanager
    def batch(self):
        """Group several TinyDB writes into one file write (one edit, one save)."""
        self._batch_depth += 1
        outermost = self._batch_depth == 1
        try:
            yield
            if outermost and self._dirty:
                save_atomic(self.path, self._data)
        except BaseException:
            if outermost and self._dirty:
                # A half-done edit, or one the disk refused, must not stay in memory as if
                # saved: go back to what the disk holds.
                self._data = load_file(self.path)
            raise
        finally:
            if outermost:
                self._dirty = False
            self._batch_depth -= 1

    def close(self) -> None:
        pass


class SlugDB(TinyDB):
    table_class = SlugTable


def open_tinydb(path: Path, data: dict, read_only: bool) -> SlugDB:
    return SlugDB(path, storage=AtomicJSONStorage, data=data, read_only=read_only)
