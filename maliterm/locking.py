"""One writer per database file; every other instance opens it read-only and can say who writes.

The lock is an OS lock (`filelock.lock_descriptor`: flock on POSIX, LockFileEx on Windows)
on `<db>.lock` beside the file. The OS drops it when its process ends, however it ends, so
a dead process can never keep the file locked. The lock file also names its holder, so a
second instance can show who has the file. A clean close deletes the lock file; one left
behind names a process that died while writing, and the next writer takes it over and
reports it (`WriterLock.took_over`).

The lock belongs to the database's real path (symlinks and `..` resolved), so every route to
one file meets the same lock. The lock file is opened without following a symlink and only
ever written when it is a regular file with no other name: a committed
`db.json.lock -> ../other/case.json` (or a hard link, or a FIFO) is refused, never truncated.
"""

from __future__ import annotations

import getpass
import os
import socket
import stat
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson
from filelock import lock_descriptor, unlock_descriptor

from maliterm.errors import MalitermError

# Windows locks byte 0 against reading too, so the holder's details start after it.
_INFO_OFFSET = 1


def current_user() -> str:
    """The OS user name, or "unknown" where the OS will not say (no login name, no passwd entry)."""
    try:
        name = getpass.getuser()
    except Exception:  # OSError, KeyError and ImportError, depending on platform and version
        return "unknown"
    return name.strip() or "unknown"


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a writer lock."""

    user: str
    pid: int
    host: str
    since: str  # UTC ISO timestamp

    @classmethod
    def me(cls) -> "Holder":
        return cls(current_user(), os.getpid(), socket.gethostname(),
                   now_utc().isoformat(timespec="seconds").replace("+00:00", "Z"))

    def describe(self) -> str:
        return f"{self.user} (pid {self.pid} on {self.host}, since {self.since})"


class Locked(MalitermError):
    """Another process holds the writer lock; `holder` says who, when its lock file says."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        self.holder = holder
        who = holder.describe() if holder else "another maliterm (not yet named in its lock file)"
        super().__init__(f"{path} is being edited by {who}")


class LockUnavailable(MalitermError):
    """No lock can be taken here at all (read-only folder, a filesystem without locks)."""


def lock_path(db: Path) -> Path:
    """`<db>.lock` beside the database's real file: one lock, whichever path led to it."""
    real = Path(os.path.realpath(db))
    return real.with_name(real.name + ".lock")


# Never follow a link, never wait (a FIFO), never leak the descriptor into a child process.
_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
          | getattr(os, "O_CLOEXEC", 0))


def _open_lock_file(path: Path) -> int:
    """The lock file, opened for writing only if it is safe to write: a regular file, one name."""
    try:
        fd = os.open(path, _FLAGS, 0o644)
    except OSError as exc:
        if os.path.islink(path):  # ELOOP on Linux, EMLINK on some BSDs
            raise LockUnavailable(f"the lock file {path} is a symbolic link, which maliterm does not follow "
                                  "(it could point at any file); delete it to edit") from None
        raise LockUnavailable(f"cannot create the lock file {path}: {exc.strerror or exc}") from None
    st = os.fstat(fd)
    why = ("is not a regular file" if not stat.S_ISREG(st.st_mode)
           else "has other names (hard links), so writing it would change another file" if st.st_nlink > 1
           else "")
    if why:
        os.close(fd)
        raise LockUnavailable(f"the lock file {path} {why}; delete it to edit")
    return fd


def _read_holder(fd: int) -> Holder | None:
    os.lseek(fd, _INFO_OFFSET, os.SEEK_SET)
    raw = os.read(fd, 4096)
    try:
        return Holder(**orjson.loads(raw))
    except (orjson.JSONDecodeError, TypeError):
        return None  # empty (being written just now) or not ours: say nothing rather than guess


class WriterLock:
    """The writer lock on one database, held until `release`."""

    def __init__(self, path: Path, fd: int, took_over: Holder | None) -> None:
        self.path = path
        self._fd: int | None = fd
        self.took_over = took_over  # the dead process whose left-over lock file we replaced
        self.acquired_at = time.time()  # no save of ours began before this while we hold the lock

    @classmethod
    def acquire(cls, db: Path) -> "WriterLock":
        """Take the lock for `db`; raises Locked (someone else has it) or LockUnavailable."""
        path = lock_path(db)
        while True:
            fd = _open_lock_file(path)
            try:
                got = lock_descriptor(fd, blocking=False)
            except OSError as exc:
                os.close(fd)
                raise LockUnavailable(f"cannot lock {path}: {exc.strerror or exc}") from None
            if not got:
                holder = _read_holder(fd)
                os.close(fd)
                raise Locked(db, holder)
            # The holder deletes the file as it releases; if it did so between our open and
            # our lock, we hold a deleted file that guards nothing: start again.
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        try:
            took_over = _read_holder(fd)
            me = orjson.dumps(asdict(Holder.me()))
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, b"\n" + me)
        except OSError as exc:  # a full disk, say: no writer, and say why
            unlock_descriptor(fd)
            os.close(fd)
            raise LockUnavailable(f"cannot write the lock file {path}: {exc.strerror or exc}") from None
        return cls(path, fd, took_over)

    def release(self) -> None:
        """Delete the lock file, then let go: deleting first means no one can lock the old file."""
        if self._fd is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass  # already gone, or the folder became read-only: the OS lock still goes below
        unlock_descriptor(self._fd)
        os.close(self._fd)
        self._fd = None
