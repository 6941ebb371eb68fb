"""Reading and writing the database file: orjson, UTF-8, sorted and indented, atomic.

`AtomicJSONStorage` is the TinyDB storage the store uses. It keeps the parsed data in
memory (TinyDB's own JSONStorage re-reads and re-parses the whole file on every query)
and replaces the file atomically on write: temp file in the same folder, fsync,
`os.replace`, fsync of the folder. A crash at any instant leaves the old or the new file.
Before each save it checks that the file is still the one it loaded or last saved (else
`FileChanged`, nothing written) and keeps that previous version as `<name>.bak`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from maliterm.errors import FileChanged, InvalidDatabase, Problem, ReadOnly

DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def dump_chunks(data: dict) -> tuple[bytes, bytes]:
    """`dumps(data)` in two pieces: joining them would copy the whole file once more in memory."""
    return orjson.dumps(data, option=DUMP_OPTIONS), b"\n"


def dumps(data: dict) -> bytes:
    return b"".join(dump_chunks(data))


def _fail(path: Path, what: str, expected: str = "") -> InvalidDatabase:
    return InvalidDatabase(f"Cannot open {path}", [Problem(str(path), "", what, expected)])


def digest(*chunks: bytes) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class FileIdentity:
    """A file as we read or wrote it: inode, size and mtime are a cheap hint, the digest is the proof."""

    mtime_ns: int
    size: int
    digest: str
    ino: int = 0

    @classmethod
    def of(cls, st: os.stat_result, *chunks: bytes) -> "FileIdentity":
        return cls.known(st, digest(*chunks))

    @classmethod
    def known(cls, st: os.stat_result, digest: str) -> "FileIdentity":
        return cls(st.st_mtime_ns, st.st_size, digest, st.st_ino)

    def same_stat(self, st: os.stat_result) -> bool:
        """Whether `st` looks like this file untouched; when not, only the digest can tell."""
        return (st.st_ino, st.st_size, st.st_mtime_ns) == (self.ino, self.size, self.mtime_ns)


def read_with_identity(path: Path) -> tuple[bytes, FileIdentity]:
    """The file's bytes and identity, from one open file so they agree; or one clear line why not."""
    raw, st = read_raw(path)
    return raw, FileIdentity.of(st, raw)


def read_raw(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, from one open file so they agree; or one clear line why not."""
    try:
        if path.is_dir():
            raise _fail(path, "is a directory", "a maliterm JSON file")
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            return fh.read(), st
    except FileNotFoundError:
        raise _fail(path, "no such file", "an existing file (create one with `maliterm init PATH`)") from None
    except PermissionError:
        raise _fail(path, "permission denied: the file cannot be read", "a readable file") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read: {exc.strerror or exc}") from None


def read_bytes(path: Path) -> bytes:
    return read_with_identity(path)[0]


def parse(raw: bytes, path: Path, check_keys: bool = True) -> object:
    """Parse JSON bytes, turning every failure into a message with a location.

    `check_keys=False` leaves the duplicate-key check (a full re-dump) to the caller, who may
    know the contents passed it before (see `store.load_valid_with_identity`).
    """
    if not raw.strip():
        raise _fail(path, "is empty", "a JSON object of tables (create one with `maliterm init PATH`)")
    try:
        data = orjson.loads(raw)
        if check_keys:
            check_duplicate_keys(raw, data, path)
        return data
    except orjson.JSONDecodeError as exc:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise _fail(path, f"is not valid UTF-8 (bad byte at offset {bad.start})", "UTF-8 text") from None
        if "depth limit" in str(exc):
            raise _too_deep(path) from None
        raise _fail(path, f"is not valid JSON: {exc}", "a JSON object of tables") from None
    except (RecursionError, orjson.JSONEncodeError):  # orjson writes fewer levels than it reads
        raise _too_deep(path) from None


def _too_deep(path: Path) -> InvalidDatabase:
    return _fail(path, "is nested too deeply to be a maliterm file (lists or objects over 1,000 levels deep)",
                 "a JSON object of tables, a few levels deep")


def check_duplicate_keys(raw: bytes, data: object, path: Path) -> None:
    """Refuse a file with a key twice in one object; what re-dumps to its own bytes has none."""
    if dumps(data) != raw:
        _refuse_duplicate_keys(raw, path)


def _refuse_duplicate_keys(raw: bytes, path: Path) -> None:
    """A key twice in one object (a record id twice in a table, say): orjson keeps the last copy
    silently and the next save would drop the other. Files maliterm wrote itself cannot have one
    (they re-dump to the same bytes), so only other files pay for this slower parse."""

    def pairs(items: list[tuple[str, object]]) -> dict:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                raise _fail(path, f"has the key {key!r} twice in one object (a duplicate id or field)",
                            "each id once per table and each field once per record")
            seen.add(key)
        return dict(items)

    json.loads(raw, object_pairs_hook=pairs)


def load_file(path: Path) -> object:
    return parse(read_bytes(path), path)


def load_with_identity(path: Path) -> tuple[object, FileIdentity]:
    raw, identity = read_with_identity(path)
    return parse(raw, path), identity


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def save_atomic(path: Path, data: dict) -> os.stat_result:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    return write_atomic(path, *dump_chunks(data))


def write_atomic(path: Path, *chunks: bytes) -> os.stat_result:
    """Replace `path` with the `chunks` written in turn, all at once; returns the new file's stat."""
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
            st = os.fstat(fh.fileno())
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
    return st


def keep_as_backup(path: Path) -> None:
    """Make the file as it is now `<name>.bak`, atomically: a save replaces `path` with a new
    inode, so the old one can simply stay on as the backup under a hard link (no copy, no
    second write); a copy where the file system has no hard links."""
    bak = backup_path(path)
    tmp = bak.with_name(f".{bak.name}.{secrets.token_hex(8)}.tmp")
    try:
        os.link(path, tmp)
    except OSError:
        write_atomic(bak, read_bytes(path))
        return
    try:
        os.replace(tmp, bak)
    except BaseException:
        os.unlink(tmp)
        raise


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
    """TinyDB storage over data already parsed; every write goes to disk atomically, or not at all."""

    def __init__(self, path: str | os.PathLike, data: dict | None = None, read_only: bool = False,
                 identity: FileIdentity | None = None) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if data is None:
            data, identity = load_with_identity(self.path)
        elif identity is None:
            identity = read_with_identity(self.path)[1]  # the caller read `data` from this file just now
        self._data = data
        # What the file was when loaded or last saved here: a save over anything else is refused.
        self.identity = identity

    def read(self) -> dict:
        return self._data

    def write(self, data: dict) -> None:
        if self.read_only:
            raise ReadOnly(f"{self.path} is open read-only")
        self._save(data)
        self._data = data  # only once the disk has it

    def _save(self, data: dict) -> None:
        """Check the file is still the one we loaded, keep it as the backup, then replace it."""
        try:
            unchanged = self.identity.same_stat(self.path.stat())
        except OSError:
            unchanged = False  # gone or unreadable: reading it says which
        if not unchanged:  # touched, at least: only its bytes can say whether it changed
            try:
                now = read_with_identity(self.path)[1]
            except InvalidDatabase as exc:
                raise self._changed(exc.problems[0].what if exc.problems else "cannot be read") from None
            if now.digest != self.identity.digest:
                raise self._changed("was changed by another program since it was loaded")
        chunks = dump_chunks(data)
        # Hashed on the other core while the disk works (hashlib lets go of the GIL on big inputs).
        with ThreadPoolExecutor(1) as pool:
            hashed = pool.submit(digest, *chunks)
            keep_as_backup(self.path)
            st = write_atomic(self.path, *chunks)
        self.identity = FileIdentity.known(st, hashed.result())

    def _changed(self, what: str) -> FileChanged:
        return FileChanged(f"{self.path} changed on disk", [Problem(
            str(self.path), "", f"{what}; nothing was saved",
            "the file as it was loaded: reload it (your edit can then be made again)")])

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what was loaded or last saved (cheap when it has not been touched)."""
        try:
            if self.identity.same_stat(self.path.stat()):
                return False
            return read_with_identity(self.path)[1].digest != self.identity.digest
        except (OSError, InvalidDatabase):
            return True

    def close(self) -> None:
        pass


class SlugDB(TinyDB):
    table_class = SlugTable


def open_tinydb(path: Path, data: dict, read_only: bool, identity: FileIdentity | None = None) -> SlugDB:
    return SlugDB(path, storage=AtomicJSONStorage, data=data, read_only=read_only, identity=identity)
