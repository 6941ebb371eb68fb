"""Reading and writing the database file: orjson, UTF-8, sorted and indented, atomic.

`AtomicJSONStorage` is the TinyDB storage the store uses. It keeps the parsed data in
memory (TinyDB's own JSONStorage re-reads and re-parses the whole file on every query)
and replaces the file atomically on write: temp file in the same folder, fsync,
`os.replace`, fsync of the folder. A crash at any instant leaves the old or the new file.
Before each save it checks that the file is still the one it loaded or last saved (else
`FileChanged`, nothing written) and keeps that previous version as `<name>.bak`.

Files are opened as what they must be: only a regular file is read (a FIFO, device or folder is
refused from the open descriptor's fstat, before any read, and opening never waits), up to a size
limit (`MALITERM_MAX_BYTES`, default 2 GiB) and a nesting depth. A symlinked database is saved to
its real target, and a save keeps the replaced file's mode, owner and group, or says why it cannot
before writing anything. Every `OSError` of a save becomes `SaveFailed`, one line naming the file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from maliterm.untrusted import json_bytes
from maliterm.errors import FileChanged, InvalidDatabase, Problem, ReadOnly, SaveFailed

DUMP_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS


def dump_chunks(data: object) -> tuple[bytes, bytes]:
    """`dumps(data)` in two pieces: joining them would copy the whole file once more in memory.

    Characters a terminal would obey (C1, bidi, invisible) are written as `\\u` escapes, so
    `cat db.json` or `git diff` of a hostile file is safe; the data reads back the same."""
    return json_bytes(orjson.dumps(data, option=DUMP_OPTIONS)), b"\n"


def dumps(data: object) -> bytes:
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


# Opening never waits (a FIFO with no writer would block forever); what was opened is checked
# before the first read. Flags an OS lacks are 0.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
DEFAULT_MAX_BYTES = 2 * 1024**3  # far above any hand-kept file; a big ACLED import may need more
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def max_bytes() -> int:
    """The largest file maliterm reads: MALITERM_MAX_BYTES (bytes, or with K, M, G, T), else 2 GiB."""
    value = os.environ.get("MALITERM_MAX_BYTES", "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    found = re.fullmatch(r"(\d+)\s*([kmgt]?)(?:i?b)?", value, re.IGNORECASE)
    if not found:
        raise InvalidDatabase("MALITERM_MAX_BYTES is not a size", [Problem(
            "MALITERM_MAX_BYTES", "", f"is {value!r}", "a size in bytes, or with K, M, G or T (e.g. 8G)")])
    return int(found[1]) * _UNITS[found[2].upper()]


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} bytes"
    unit = max((u for u in "KMGT" if n >= _UNITS[u]), key=_UNITS.__getitem__)
    return f"{n / _UNITS[unit]:,.1f} {unit}iB"


def _not_a_file(mode: int) -> str:
    """What a non-regular file is, in a user's words."""
    if stat.S_ISDIR(mode):
        return "is a directory"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def file_size(path: Path) -> int:
    """The size of `path` if it is a regular file (through symlinks), else -1; never raises, never waits."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return -1
    return st.st_size if stat.S_ISREG(st.st_mode) else -1


def read_raw(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, from one open file so they agree; or one clear line why not.

    Only a regular file is read: the open does not wait (O_NONBLOCK), and the descriptor's own
    fstat is checked before the first read, so a FIFO, /dev/zero or a folder costs nothing."""
    expected = "a maliterm JSON file"
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _fail(path, f"is a symbolic link to {os.readlink(path)}, which does not exist", expected) from None
        raise _fail(path, "no such file", "an existing file (create one with `maliterm init PATH`)") from None
    except PermissionError:
        if os.path.isdir(path):  # Windows will not open a folder at all
            raise _fail(path, "is a directory", expected) from None
        raise _fail(path, "permission denied: the file cannot be read", "a readable file") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read: {_reason(exc)}", expected) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _fail(path, _not_a_file(st.st_mode), expected)
        limit = max_bytes()
        if st.st_size > limit:
            raise _too_big(path, st.st_size, limit)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read()
        if len(raw) > limit:  # it grew while we read
            raise _too_big(path, len(raw), limit)
        return raw, st
    except OSError as exc:
        raise _fail(path, f"cannot be read: {_reason(exc)}", expected) from None
    finally:
        os.close(fd)


def _too_big(path: Path, size: int, limit: int) -> InvalidDatabase:
    return _fail(path, f"is {size_text(size)}, more than maliterm opens ({size_text(limit)}; "
                       "set MALITERM_MAX_BYTES to raise it)")


_REASONS = {errno.ENOSPC: "no space left on device", errno.EROFS: "the file system is read-only",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EIO: "input/output error (the disk may be failing)",
            getattr(errno, "EDQUOT", -1): "disk quota exceeded",
            errno.ELOOP: "too many levels of symbolic links"}


def _reason(exc: OSError) -> str:
    """An OSError in a user's words, lower case, without errno numbers."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def read_bytes(path: Path) -> bytes:
    return read_with_identity(path)[0]


def parse(raw: bytes, path: Path, check_keys: bool = True) -> object:
    """Parse JSON bytes, turning every failure into a message with a location.

    `check_keys=False` leaves the duplicate-key check (a full re-dump) to the caller, who may
    know the contents passed it before (see `store.load_valid_with_identity`).
    """
    if not raw or raw.isspace():  # not `raw.strip()`: a copy of the whole file (0.1-0.4 s at 100 MB)
        raise _fail(path, "is empty", "a JSON object of tables (create one with `maliterm init PATH`)")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise _fail(path, "is UTF-16 (it starts with a UTF-16 byte order mark)", "UTF-8 text")
    if raw[:3] == b"\xef\xbb\xbf":
        raise _fail(path, "starts with a byte order mark, which JSON does not allow", "UTF-8 text without one")
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
    except RecursionError:  # json's own parse, for the duplicate-key check
        raise _too_deep(path) from None


# orjson reads 1,024 levels of nesting but writes only this many: a file deeper than maliterm can
# save is refused at once, not after an edit (no maliterm file needs more than a handful).
MAX_DEPTH = 254


def _too_deep(path: Path) -> InvalidDatabase:
    return _fail(path, f"is nested too deeply to be a maliterm file (lists or objects over {MAX_DEPTH} levels deep)",
                 "a JSON object of tables, a few levels deep")


def check_duplicate_keys(raw: bytes, data: object, path: Path) -> None:
    """Refuse a file with a key twice in one object; what re-dumps to its own bytes has none.

    The re-dump is also the depth check: orjson refuses to write more than MAX_DEPTH levels."""
    try:
        same = dumps(data) == raw
    except orjson.JSONEncodeError:
        raise _too_deep(path) from None
    if not same:
        _refuse_duplicate_keys(raw, path)


def _refuse_duplicate_keys(raw: bytes, path: Path) -> None:
    """A key twice in one object (a record id twice in a table, say): orjson keeps the last copy
    silently and the next save would drop the other. Files maliterm wrote itself cannot have one
    (they re-dump to the same bytes), so only other files pay for this slower parse."""

    def pairs(items: list[tuple[str, object]]) -> dict[str, Any]:
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


def save_atomic(path: Path, data: dict[str, Any]) -> os.stat_result:
    """Write `data` to `path` so that a crash leaves either the old file or the new one."""
    return write_atomic(path, *dump_chunks(data))


_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


def temp_name(path: Path) -> Path:
    """Where a save of `path` writes first: hidden, beside it, `.<name>.<16 hex digits>.tmp`."""
    return path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")


def leftover_pattern(path: Path) -> re.Pattern[str]:
    """The names of our temp files for `path` and its backup: 16 hex digits from `temp_name`, or
    the 8 characters of `tempfile.mkstemp`, which saves used before. Nothing else matches."""
    return re.compile(rf"\.{re.escape(path.name)}(?:\.bak)?\.(?:[0-9a-f]{{16}}|[a-z0-9_]{{8}})\.tmp")


def save_failed(path: Path, exc: OSError, doing: str = "") -> SaveFailed:
    doing = f" ({doing})" if doing else ""
    return SaveFailed(f"{path} not saved", [Problem(
        str(path), "", f"not saved: {_reason(exc)}{doing}; the file on disk is as it was before this save")],
        exc.errno)


def write_atomic(path: Path, *chunks: bytes, before_replace: Callable[[], None] | None = None) -> os.stat_result:
    """Replace `path` with the `chunks` written in turn, all at once; returns the new file's stat.

    The new file keeps the mode, owner and group of the one it replaces: they are set on the temp
    file before a byte is written, so a refusal (not root, another user's file) changes nothing.
    `before_replace` runs once the new bytes are safely on disk, just before the rename. `path`
    itself is replaced, never followed: a symlink there is replaced by the file (callers that mean
    the link's target pass the target). Any OSError becomes SaveFailed, with no temp file left."""
    try:
        like = os.lstat(path)
    except FileNotFoundError:
        like = None  # a new file keeps the temp file's private mode
    except OSError as exc:
        raise save_failed(path, exc) from None
    if like is not None and not stat.S_ISREG(like.st_mode):
        like = None
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, _TEMP_FLAGS, 0o600)
    except OSError as exc:
        raise save_failed(path, exc, f"creating a temporary file in {path.parent}") from None
    try:
        try:
            with os.fdopen(fd, "wb") as fh:  # closes fd, whatever happens
                if like is not None:
                    _keep_owner_and_mode(fd, like, path)
                for chunk in chunks:
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
                st = os.fstat(fh.fileno())
            if before_replace is not None:
                before_replace()
            os.replace(tmp, path)
        except SaveFailed:
            raise
        except OSError as exc:
            raise save_failed(path, exc) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return st


def _keep_owner_and_mode(fd: int, like: os.stat_result, path: Path) -> None:
    """Give the temp file `fd` the owner, group and mode of `like`, or refuse the save saying why."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (like.st_uid, like.st_gid) and hasattr(os, "fchown"):
        try:
            os.fchown(fd, like.st_uid, like.st_gid)  # before the mode: a chown clears set-id bits
        except PermissionError:
            raise SaveFailed(f"{path} not saved", [Problem(str(path), "", (
                f"not saved: it belongs to {user_name(like.st_uid)}, group {group_name(like.st_gid)}, and a "
                "save by you could not keep that (only root can); the file on disk is as it was before"),
                "a file you own and whose group you are in (ask its owner, or save a copy)")], errno.EPERM) from None
    if hasattr(os, "fchmod"):  # not on Windows, where a new file's defaults are what it had
        os.fchmod(fd, stat.S_IMODE(like.st_mode))


def user_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def group_name(gid: int) -> str:
    try:
        import grp

        return f"{grp.getgrgid(gid).gr_name} (gid {gid})"
    except (ImportError, KeyError):
        return f"gid {gid}"


def cannot_keep_owner(path: Path) -> str:
    """Why a save of `path` by this process could not keep its owner and group (a save writes a
    new file and renames it over the old one), or "" when it can. Said at open, before any edit."""
    if not hasattr(os, "geteuid"):
        return ""
    try:
        st = os.stat(path)
    except OSError:
        return ""
    euid = os.geteuid()
    if euid == 0:
        return ""
    if st.st_uid != euid:
        return (f"{path} belongs to {user_name(st.st_uid)}; a save would make it yours, and only root can "
                "keep another user's file theirs")
    if st.st_gid != os.getegid() and st.st_gid not in os.getgroups():
        return f"{path} is in group {group_name(st.st_gid)}, which you are not in: a save would change its group"
    return ""


def keep_as_backup(path: Path) -> None:
    """Make the file as it is now `<name>.bak`, atomically: a save replaces `path` with a new
    inode, so the old one can simply stay on as the backup under a hard link (no copy, no
    second write); a copy where the file system has no hard links."""
    bak = backup_path(path)
    tmp = temp_name(bak)
    try:
        os.link(path, tmp, follow_symlinks=False)
    except OSError:
        write_atomic(bak, read_bytes(path))
        return
    try:
        os.replace(tmp, bak)
    except OSError as exc:
        os.unlink(tmp)
        raise save_failed(path, exc, f"keeping the previous version as {bak.name}") from None


def remove_leftovers(path: Path, older_than: float) -> tuple[list[Path], list[str]]:
    """Delete the temp files a save of `path` left when its process died: (removed, why others stayed).

    Call only holding the writer lock: then no live maliterm is saving this file, so a temp file
    of ours is a dead writer's, if it is older than our lock (`older_than`, a time.time()). Only
    names of our exact pattern, only regular files (not links), only in the file's own folder."""
    pattern = leftover_pattern(path)
    removed: list[Path] = []
    kept: list[str] = []
    try:
        names = sorted(n for n in os.listdir(path.parent) if pattern.fullmatch(n))
    except OSError:
        return removed, kept
    for name in names:
        tmp = path.parent / name
        try:
            st = os.lstat(tmp)
            if not stat.S_ISREG(st.st_mode) or st.st_mtime >= older_than:
                continue  # not ours after all, or being written since we took the lock
            os.unlink(tmp)
            removed.append(tmp)
        except FileNotFoundError:
            pass
        except OSError as exc:
            kept.append(f"{tmp}: a temp file left by a save that did not finish; cannot delete it: {_reason(exc)}")
    return removed, kept


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

    document_id_class = str  # type: ignore[assignment]  # TinyDB annotates it type[int], yet documents other id classes


class AtomicJSONStorage(Storage):
    """TinyDB storage over data already parsed; every write goes to disk atomically, or not at all."""

    def __init__(self, path: str | os.PathLike[str], data: dict[str, Any] | None = None, read_only: bool = False,
                 identity: FileIdentity | None = None) -> None:
        self.path = Path(path)
        # A symlinked database is read, checked and saved at its real target: the link stays a link.
        self.target = Path(os.path.realpath(self.path))
        self.read_only = read_only
        if data is None:
            loaded, identity = load_with_identity(self.target)
            if not isinstance(loaded, dict):
                raise _fail(self.target, "the top level is not an object", "an object of tables")
            data = loaded
        elif identity is None:
            identity = read_with_identity(self.target)[1]  # the caller read `data` from this file just now
        self._data = data
        # What the file was when loaded or last saved here: a save over anything else is refused.
        self.identity = identity

    def read(self) -> dict[str, Any]:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise ReadOnly(f"{self.path} is open read-only")
        self._save(data)
        self._data = data  # only once the disk has it

    def _save(self, data: dict[str, Any]) -> None:
        """Check the file is still the one we loaded, keep it as the backup, then replace it."""
        try:
            unchanged = self.identity.same_stat(self.target.stat())
        except OSError:
            unchanged = False  # gone or unreadable: reading it says which
        if not unchanged:  # touched, at least: only its bytes can say whether it changed
            try:
                now = read_with_identity(self.target)[1]
            except InvalidDatabase as exc:
                raise self._changed(exc.problems[0].what if exc.problems else "cannot be read") from None
            if now.digest != self.identity.digest:
                raise self._changed("was changed by another program since it was loaded")
        chunks = dump_chunks(data)
        # Hashed on the other core while the disk works (hashlib lets go of the GIL on big inputs).
        with ThreadPoolExecutor(1) as pool:
            hashed = pool.submit(digest, *chunks)
            st = write_atomic(self.target, *chunks, before_replace=lambda: keep_as_backup(self.target))
        self.identity = FileIdentity.known(st, hashed.result())

    def _changed(self, what: str) -> FileChanged:
        return FileChanged(f"{self.path} changed on disk", [Problem(
            str(self.path), "", f"{what}; nothing was saved",
            "the file as it was loaded: reload it (your edit can then be made again)")])

    def changed_on_disk(self) -> bool:
        """Whether the file differs from what was loaded or last saved (cheap when it has not been touched)."""
        try:
            if self.identity.same_stat(self.target.stat()):
                return False
            return read_with_identity(self.target)[1].digest != self.identity.digest
        except (OSError, InvalidDatabase):
            return True

    def close(self) -> None:
        pass


class SlugDB(TinyDB):
    table_class = SlugTable

    if TYPE_CHECKING:  # open_tinydb always gives it an AtomicJSONStorage
        @property
        def storage(self) -> AtomicJSONStorage: ...


def open_tinydb(path: Path, data: dict[str, Any], read_only: bool, identity: FileIdentity | None = None) -> SlugDB:
    return SlugDB(path, storage=AtomicJSONStorage, data=data, read_only=read_only, identity=identity)
