"""A save killed at any instant (SIGKILL) leaves a file that loads and is either the old or the new state."""

from __future__ import annotations

import json
import multiprocessing
import random
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from maliterm.storage import backup_path
from maliterm.store import Store, load_valid

SMALL = Path(__file__).parents[1] / "data" / "small.json"

# Savers are forked from a server that has maliterm imported already: a trial then costs a
# fork rather than a Python start-up, and 200 of them fit in seconds.
FORKS = multiprocessing.get_context("forkserver")
FORKS.set_forkserver_preload(["maliterm.store", __name__])


def state(letter: str) -> dict:
    """An actor of a few MB, so a kill often lands inside a write, an fsync or a rename."""
    facts = [{"about": letter * 90_000, "claims": [{"text": str(i), "cite": [{"source": "src-a"}]}]}
             for i in range(20)]
    return {"id": "payload", "name": "Payload", "kind": "other", "cite": [{"source": "src-a"}], "facts": facts}


def save_forever(path: str, saving, took) -> None:
    """Save the two states in turn; `saving` is set as each save starts, `took` holds the last one's seconds."""
    store = Store.open(path)
    n = 0
    while True:
        start = time.perf_counter()
        saving.set()
        store.put("actors", state("ab"[n % 2]))
        took.value = time.perf_counter() - start
        n += 1


def letters(data: dict) -> set[str]:
    payload = data["actors"].get("payload")
    return {f["about"][0] for f in payload["facts"]} if payload else set()


def one_trial(folder: Path, seed: int) -> str:
    """Kill a saving process at a random moment; '' if the file is whole, else what is wrong."""
    path = folder / f"db-{seed}.json"
    shutil.copy(SMALL, path)
    saving, took = FORKS.Event(), FORKS.Value("d", 0.0)
    proc = FORKS.Process(target=save_forever, args=(str(path), saving, took))
    proc.start()
    deadline = time.monotonic() + 30
    while not took.value:  # one save done: the next one's length is known
        assert time.monotonic() < deadline, "the saver never saved"
        time.sleep(0.001)
    saving.clear()
    saving.wait(30)
    # A random instant of a save: in the checks, the backup, the write, the rename.
    time.sleep(random.Random(seed).uniform(0, took.value))
    proc.kill()
    proc.join()
    problems = []
    for f in (path, backup_path(path)):
        try:
            data = load_valid(f)
        except Exception as exc:  # any failure to load is the bug this test looks for
            problems.append(f"{f.name}: {exc}")
            continue
        if letters(data) not in ({"a"}, {"b"}, set()):
            problems.append(f"{f.name}: a mix of the two states: {letters(data)}")
        rest = {t: r for t, r in data.items() if t != "changes"}
        rest["actors"] = {k: v for k, v in rest["actors"].items() if k != "payload"}
        if rest != json.loads(SMALL.read_bytes()):
            problems.append(f"{f.name}: other records changed")
    return "; ".join(problems)


@pytest.fixture
def folder(tmp_path):
    """In memory where there is a tmpfs: a SIGKILL tests the rename, not the disk, and fsync is then free."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="maliterm-crash-", dir=shm))
    yield path
    shutil.rmtree(path)


def run_trials(folder: Path, n: int) -> None:
    broken = [r for r in (one_trial(folder, seed) for seed in range(n)) if r]
    assert broken == [], f"{len(broken)} of {n} kills left a broken file: {broken[:3]}"


def test_killed_saves_leave_old_or_new(folder):
    run_trials(folder, 20)


@pytest.mark.slow
def test_killed_saves_leave_old_or_new_200_times(folder):
    run_trials(folder, 200)
