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
