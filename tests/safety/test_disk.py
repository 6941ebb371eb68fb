"""The disk says no (full, read-only, permission, ownership): one clear line, the file intact, no
temp file left; and what a save leaves behind when it dies is cleaned at the next open."""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from pathlib import Path

import pytest

from maliterm import storage
from maliterm.errors import SaveFailed
from maliterm.storage import group_name, user_name
from maliterm.store import Store

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False
PLACE = {"id": "mopti", "name": "Mopti", "kind": "town", "cite": [{"source": "src-a"}]}
ACLED = Path(__file__).parents[1] / "data" / "acled_sample.csv"
WORDS = {errno.ENOSPC: "no space left on device", errno.EACCES: "permission denied",
         errno.EROFS: "the file system is read-only"}


def beside(path: Path) -> list[str]:
    return sorted(os.listdir(path.parent))


def inject(monkeypatch, step: str, code: int) -> None:
    """Make one step of a save fail as the kernel would with `code`."""
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    if step == "create":  # the temp file cannot be made (a read-only or full folder)
        real_open = os.open

        def open_(path, flags, *args, **kwargs):
            if str(path).endswith(".tmp"):
                refuse()
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(storage.os, "open", open_)
    elif step in ("replace", "backup"):  # the rename over the file, or over its backup
        real_replace = os.replace

        def replace(src, dst):
            if str(dst).endswith(".bak") == (step == "backup"):
                refuse()
            return real_replace(src, dst)

        monkeypatch.setattr(storage.os, "replace", replace)
    else:
        monkeypatch.setattr(storage.os, step, refuse)


@pytest.mark.parametrize("code", list(WORDS))
@pytest.mark.parametrize("step", ["create", "fsync", "backup", "replace"])
def test_a_refused_save_is_one_clear_line_and_the_file_is_intact(step, code, small_db, runner, monkeypatch):
    before, files = small_db.read_bytes(), beside(small_db)
    inject(monkeypatch, step, code)
    result = runner("import", "acled", ACLED, "--apply", "--db", small_db)
    monkeypatch.undo()
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if str(small_db) in line]
    assert lines == [f"{small_db}: not saved: {WORDS[code]}"
                     + {"create": f" (creating a temporary file in {small_db.parent})",
                        "backup": " (keeping the previous version as small.json.bak)"}.get(step, "")
                     + "; the file on disk is as it was before this save"], result.output
    assert small_db.read_bytes() == before
    # No temp file. (The lock goes as the command's process exits; here the runner's process
    # lives on, so its lock file may still be there.)
    left = [n for n in beside(small_db) if n != "small.json.lock"]
    if step == "replace":  # the backup is made just before the rename: it is the file as it is
        assert left == files + ["small.json.bak"] and (small_db.parent / "small.json.bak").read_bytes() == before
    else:
        assert left == files


def test_a_full_disk_is_a_store_error_the_tui_can_show(small_db, monkeypatch):
    """The TUI shows any MalitermError from a save (the form stays open with it): a full disk is one."""
    before = small_db.read_bytes()
    store = Store.open(small_db)
    inject(monkeypatch, "fsync", errno.ENOSPC)
    with pytest.raises(SaveFailed) as failed:
        store.put("places", PLACE)
    monkeypatch.undo()
    assert failed.value.lines() == [f"{small_db}: not saved: no space left on device; "
                                    "the file on disk is as it was before this save"]
    assert store.get("mopti") is None and small_db.read_bytes() == before
    store.put("places", PLACE)  # space again: the same store saves
    assert Store.open(small_db, read_only=True).get("mopti") == PLACE


# ---- mode, owner and group -------------------------------------------------------------------

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_save_keeps_the_mode(small_db):
    small_db.chmod(0o640)
    with Store.open(small_db) as store:
        store.put("places", PLACE)
    assert stat.S_IMODE(small_db.stat().st_mode) == 0o640


@pytest.mark.skipif(not ROOT, reason="giving a file to another user needs root (CI runs as root)")
def test_a_save_keeps_owner_group_and_mode(small_db):
    """A teammate's file in a shared folder stays theirs and its group's after a save."""
    os.chown(small_db, 65534, 65534)
    small_db.chmod(0o664)
    with Store.open(small_db) as store:
        store.put("places", PLACE)
    st = small_db.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o664)
    assert Store.open(small_db, read_only=True).get("mopti") == PLACE


@pytest.mark.skipif(not ROOT, reason="a file owned by another user needs root to make (CI runs as root)")
def test_a_save_that_cannot_keep_the_owner_says_why_before_writing(small_db, monkeypatch):
    os.chown(small_db, 65534, 65534)
    before, files = small_db.read_bytes(), beside(small_db)
    store = Store.open(small_db)

    def refuse(*args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(storage.os, "fchown", refuse)  # what the kernel says to anyone but root
    with pytest.raises(SaveFailed) as failed:
        store.put("places", PLACE)
    assert failed.value.lines() == [
        f"{small_db}: not saved: it belongs to {user_name(65534)}, group {group_name(65534)}, and a save by "
        "you could not keep that (only root can); the file on disk is as it was before (expected a file you "
        "own and whose group you are in (ask its owner, or save a copy))"]
    assert small_db.read_bytes() == before and beside(small_db) == files + ["small.json.lock"]
    assert small_db.stat().st_uid == 65534


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners")
def test_another_users_file_opens_read_only_saying_why(small_db, monkeypatch):
    """Not root, not the owner: a save would give the file to you, so it opens read-only at once."""
    owner = small_db.stat().st_uid
    monkeypatch.setattr(storage.os, "geteuid", lambda: owner + 1)
    with Store.open(small_db) as store:
        assert store.read_only
        assert store.read_only_reason == (f"{small_db} belongs to {user_name(owner)}; a save would make it "
                                          "yours, and only root can keep another user's file theirs")


# ---- what a dead save leaves behind ----------------------------------------------------------

def make(path: Path, age: float = 3600) -> Path:
    path.write_bytes(b"a full copy of the database, deleted records included")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_temp_files_of_dead_saves_are_removed_by_the_next_writer(small_db, tmp_path):
    ours = [make(tmp_path / ".small.json.0123456789abcdef.tmp"),   # a save's temp file
            make(tmp_path / ".small.json.k2_9xqa1.tmp"),           # tempfile.mkstemp's, from older saves
            make(tmp_path / ".small.json.bak.fedcba9876543210.tmp")]  # the backup's
    others = [make(tmp_path / ".small.json.notours.tmp"),           # not our pattern
              make(tmp_path / ".other.json.0123456789abcdef.tmp"),  # another database's
              make(tmp_path / ".small.json.1111111111111111.tmp", age=-3600)]  # written after we locked
    victim = make(tmp_path / "victim.txt")
    (tmp_path / ".small.json.2222222222222222.tmp").symlink_to(victim)  # a link, not a file of ours
    with Store.open(small_db, read_only=True):
        assert all(p.exists() for p in ours)  # a reader deletes nothing: a live writer may own them
    with Store.open(small_db) as store:
        assert store.leftovers_removed == sorted(ours)
        assert store.leftovers_kept == []
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in others) and victim.exists()
    assert (tmp_path / ".small.json.2222222222222222.tmp").is_symlink()
