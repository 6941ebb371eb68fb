"""Two processes on one file: the second is read-only and says who writes; a dead writer's lock is taken over."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap

import orjson

from maliterm.errors import ReadOnly
from maliterm.locking import lock_path
from maliterm.store import Store

HOLD = textwrap.dedent("""
    import sys
    from maliterm.store import Store
    store = Store.open(sys.argv[1])
    print("writable" if not store.read_only else "read-only", flush=True)
    sys.stdin.readline()
    store.close()
""")


def start_writer(path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writable"
    return proc


def test_second_process_is_read_only_and_names_the_first(small_db):
    first = start_writer(small_db)
    try:
        second = Store.open(small_db)
        assert second.read_only
        assert second.lock_holder.pid == first.pid
        assert second.lock_holder.host == socket.gethostname()
        assert f"pid {first.pid}" in second.read_only_reason
        try:
            second.put("places", {"id": "x", "name": "X", "kind": "town", "cite": [{"source": "src-a"}]})
        except ReadOnly as exc:
            assert f"pid {first.pid}" in str(exc)
        else:
            raise AssertionError("a read-only store saved")
    finally:
        first.communicate("\n")
    # The first closed cleanly: the lock file is gone and the next opener writes.
    assert not lock_path(small_db).exists()
    with Store.open(small_db) as third:
        assert not third.read_only and third.took_over_lock_from is None


def test_second_store_in_the_same_process_is_read_only(small_db):
    with Store.open(small_db) as first:
        with Store.open(small_db) as second:
            assert not first.read_only and second.read_only
            assert second.lock_holder.pid == os.getpid()
    assert not lock_path(small_db).exists()


def test_lock_of_a_killed_writer_is_taken_over(small_db):
    dead = start_writer(small_db)
    dead.send_signal(signal.SIGKILL)
    dead.wait()
    assert lock_path(small_db).exists()  # left behind, naming the dead process
    with Store.open(small_db) as store:
        assert not store.read_only
        assert store.took_over_lock_from.pid == dead.pid
        store.put("places", {"id": "x", "name": "X", "kind": "town", "cite": [{"source": "src-a"}]})


def test_a_lock_file_naming_a_dead_pid_is_taken_over(small_db):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(gone.stdout)
    lock_path(small_db).write_bytes(b"\n" + orjson.dumps(
        {"user": "someone", "pid": pid, "host": socket.gethostname(), "since": "2024-01-01T00:00:00Z"}))
    with Store.open(small_db) as store:
        assert not store.read_only
        assert store.took_over_lock_from.pid == pid
    assert not lock_path(small_db).exists()


def test_read_only_open_takes_no_lock(small_db):
    with Store.open(small_db, read_only=True):
        assert not lock_path(small_db).exists()
        with Store.open(small_db) as writer:
            assert not writer.read_only


# ---- the lock file is never a way to write another file --------------------------------------

PLACE = {"id": "x", "name": "X", "kind": "town", "cite": [{"source": "src-a"}]}


def test_a_symlinked_lock_file_is_not_followed(tmp_path, small_db):
    """A repository can commit `db.json.lock -> ../other/case.json`: opening db.json must not
    truncate case.json. maliterm opens read-only and says why."""
    victim = tmp_path / "other" / "case.json"
    victim.parent.mkdir()
    victim.write_bytes(b"months of someone's notes\n")
    lock_path(small_db).symlink_to(victim)
    with Store.open(small_db) as store:
        assert store.read_only
        assert store.read_only_reason == (f"the lock file {lock_path(small_db)} is a symbolic link, which maliterm "
                                          "does not follow (it could point at any file); delete it to edit")
    assert victim.read_bytes() == b"months of someone's notes\n"
    assert lock_path(small_db).is_symlink()


def test_a_dangling_symlinked_lock_file_creates_nothing_at_its_target(tmp_path, small_db):
    target = tmp_path / "elsewhere.txt"
    lock_path(small_db).symlink_to(target)
    with Store.open(small_db) as store:
        assert store.read_only and "is a symbolic link" in store.read_only_reason
    assert not target.exists()


def test_a_hard_linked_lock_file_is_not_truncated(tmp_path, small_db):
    victim = tmp_path / "case.json"
    victim.write_bytes(b"notes\n")
    os.link(victim, lock_path(small_db))
    with Store.open(small_db) as store:
        assert store.read_only and "has other names (hard links)" in store.read_only_reason
    assert victim.read_bytes() == b"notes\n"


def test_a_fifo_lock_file_is_a_clear_reason_not_a_hang(small_db, runner):
    os.mkfifo(lock_path(small_db))
    with Store.open(small_db) as store:
        assert store.read_only
        assert store.read_only_reason == f"the lock file {lock_path(small_db)} is not a regular file; delete it to edit"
    # A command that must write says so in one line.
    result = runner("import", "acled", "tests/data/acled_sample.csv", "--apply", "--db", small_db)
    assert result.exit_code == 1
    assert result.output.strip().endswith("is not a regular file; delete it to edit")


# ---- one file, one lock, however it is reached ---------------------------------------------

def test_two_routes_to_one_file_get_one_writer(tmp_path, small_db):
    link = tmp_path / "link.json"
    link.symlink_to(small_db)
    (tmp_path / "sub").mkdir()
    dotted = tmp_path / "sub" / ".." / small_db.name
    with Store.open(small_db) as first:
        for other in (link, dotted):
            with Store.open(other) as second:
                assert not first.read_only and second.read_only
                assert second.lock_holder.pid == os.getpid()
                assert f"pid {os.getpid()}" in second.read_only_reason
    with Store.open(link) as first:  # and the other way round
        with Store.open(small_db) as second:
            assert not first.read_only and second.read_only
    assert not lock_path(small_db).exists() and not (tmp_path / "link.json.lock").exists()


def test_a_symlinked_database_is_saved_to_its_target(tmp_path, small_db):
    """The target gets the edit, the link stays a link, and the backup, temp and lock files
    live beside the target, none beside the link."""
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    link = elsewhere / "db.json"
    link.symlink_to(small_db)
    before = small_db.read_bytes()
    with Store.open(link) as store:
        assert not store.read_only
        assert lock_path(small_db).exists()
        store.put("places", PLACE)
    assert link.is_symlink() and os.readlink(link) == str(small_db)
    assert orjson.loads(small_db.read_bytes())["places"]["x"] == PLACE
    assert (tmp_path / "small.json.bak").read_bytes() == before
    assert sorted(os.listdir(elsewhere)) == ["db.json"]
    assert sorted(os.listdir(tmp_path)) == ["small.json", "small.json.bak", "work"]


def test_a_full_disk_while_writing_the_lock_opens_read_only_saying_why(small_db, monkeypatch):
    def full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("maliterm.locking.os.ftruncate", full)
    with Store.open(small_db) as store:
        assert store.read_only
        assert store.read_only_reason == f"cannot write the lock file {lock_path(small_db)}: No space left on device"
