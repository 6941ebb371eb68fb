"""`maliterm sync`: two laptops' clones share one database through a bare repository (a USB stick)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from maliterm.storage import dumps

CITE = [{"source": "src-a", "loc": "para 9"}]


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Who commits, and no user or system git config of this machine."""
    for var in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{var}_NAME", "t")
        monkeypatch.setenv(f"GIT_{var}_EMAIL", "t@example.org")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def read(clone: Path) -> dict:
    return json.loads((clone / "db.json").read_text(encoding="utf-8"))


def edit(clone: Path, change) -> None:
    data = read(clone)
    change(data)
    (clone / "db.json").write_bytes(dumps(data))


@pytest.fixture
def team(tmp_path: Path, small_data: dict, runner) -> tuple[Path, Path, Path]:
    """A bare repository on a 'USB stick' and two laptops' clones of it holding small.json."""
    stick = tmp_path / "usb" / "team.git"
    assert git("init", "-q", "--bare", "-b", "main", str(stick)).returncode == 0
    a, b = tmp_path / "laptop-a", tmp_path / "laptop-b"
    a.mkdir()
    assert git("-C", str(a), "init", "-q", "-b", "main").returncode == 0
    (a / "db.json").write_bytes(dumps(small_data))
    first = runner("sync", stick, "--db", a / "db.json")  # a path, remembered as origin
    assert first.exit_code == 0, first.output
    assert git("clone", "-q", str(stick), str(b)).returncode == 0
    return stick, a, b


def add_actor(data: dict) -> None:
    data["actors"]["new-band"] = {"id": "new-band", "name": "New Band", "kind": "armed_group", "cite": CITE}


def add_event(data: dict) -> None:
    data["events"]["market-raid"] = {"id": "market-raid", "date": "2016-03-01", "title": "Market raid",
                                     "place": "segou", "cite": CITE}


def test_two_laptops_sync_through_a_usb_stick_and_both_end_with_both_edits(runner, team):
    stick, a, b = team
    assert git("-C", str(a), "log", "-1", "--format=%s").stdout.strip().startswith("maliterm sync: ")
    edit(a, add_actor)
    result = runner("sync", "--db", a / "db.json")
    assert result.exit_code == 0, result.output
    assert "committed: maliterm sync: 1 record changed (1 added)" in result.stdout
    edit(b, add_event)
    result = runner("sync", "--db", b / "db.json")
    assert result.exit_code == 0, result.output
    assert "new      actors/new-band" in result.stdout  # the driver's report, from git
    assert runner("sync", "--db", a / "db.json").exit_code == 0
    for clone in (a, b):
        data = read(clone)
        assert "new-band" in data["actors"] and "market-raid" in data["events"], clone
    assert git("-C", str(stick), "log", "-1", "--format=%s", "main").stdout.strip().startswith("Merge")


def test_sync_sets_the_driver_up_with_no_git_config_by_hand(runner, team):
    _, _, b = team
    edit(b, add_event)
    assert runner("sync", "--db", b / "db.json").exit_code == 0
    driver = git("-C", str(b), "config", "merge.maliterm.driver").stdout
    assert "-m maliterm merge-driver %O %A %B %P" in driver
    assert git("-C", str(b), "check-attr", "merge", "--", "db.json").stdout.strip() == "db.json: merge: maliterm"
    assert git("-C", str(b), "status", "--porcelain").stdout == ""  # the lock file is ignored, nothing left over


def test_a_title_both_laptops_changed_stops_sync_and_the_documented_steps_finish_it(runner, team):
    _, a, b = team
    edit(a, lambda d: d["events"]["hotel-attack"].update(title="Attack on Hotel Z (A)"))
    edit(b, lambda d: d["events"]["hotel-attack"].update(title="Attack on Hotel Z (B)"))
    edit(b, add_event)
    assert runner("sync", "--db", a / "db.json").exit_code == 0
    result = runner("sync", "--db", b / "db.json")
    assert result.exit_code == 1
    assert "events/hotel-attack.title: changed on both sides" in result.output
    assert "Nothing is lost: db.json holds both sides" in result.stderr
    assert "run maliterm sync again: it commits the merge and pushes" in result.stderr
    event = read(b)["events"]["hotel-attack"]
    assert event["title"] == "Attack on Hotel Z (B)"  # ours in the field, theirs beside it
    fact = next(f for f in event["facts"] if f["about"] == "title")
    assert [c["value"] for c in fact["claims"]] == ["Attack on Hotel Z (B)", "Attack on Hotel Z (A)"]
    result = runner("sync", "--db", b / "db.json")  # the documented step: sync again
    assert result.exit_code == 0, result.output
    assert "finished the merge of db.json" in result.stdout
    assert runner("sync", "--db", a / "db.json").exit_code == 0
    assert read(a)["events"]["hotel-attack"] == read(b)["events"]["hotel-attack"]
    assert "market-raid" in read(a)["events"]


def test_a_relative_path_to_the_stick_is_the_users_not_the_clones(runner, team, tmp_path, monkeypatch):
    stick, _, b = team
    git("-C", str(b), "remote", "remove", "origin")
    monkeypatch.chdir(stick.parent)
    edit(b, add_event)
    result = runner("sync", "team.git", "--db", b / "db.json")
    assert result.exit_code == 0, result.output
    assert "pushed main to team.git (origin)" in result.stdout
    assert git("-C", str(b), "remote", "get-url", "origin").stdout.strip() == str(stick)
    assert "market-raid" in json.loads(git("-C", str(stick), "show", "main:db.json").stdout)["events"]


def test_sync_outside_a_git_repository_says_so(runner, small_db):
    result = runner("sync", "--db", small_db)
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr and "git clone" in result.stderr


def test_sync_without_a_remote_says_how_to_give_one(runner, small_db):
    assert git("-C", str(small_db.parent), "init", "-q").returncode == 0
    result = runner("sync", "--db", small_db)
    assert result.exit_code == 1
    assert "no remote to sync with" in result.stderr and "maliterm sync /media/usb/team.git" in result.stderr
    assert git("-C", str(small_db.parent), "log", "-1", "--format=%s").stdout.startswith("maliterm sync: ")


def test_sync_without_git_installed_says_so(runner, small_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    result = runner("sync", "--db", small_db)
    assert result.exit_code == 1
    assert "git is not installed" in result.stderr


def test_sync_with_an_unplugged_stick_keeps_the_commit_and_says_why(runner, team, tmp_path):
    _, a, _ = team
    edit(a, add_actor)
    result = runner("sync", tmp_path / "unplugged.git", "--db", a / "db.json")
    assert result.exit_code == 1
    assert "cannot reach" in result.stderr and "your commit is kept" in result.stderr
    assert git("-C", str(a), "status", "--porcelain", "--", "db.json").stdout == ""


def test_sync_refuses_a_database_open_for_writing_elsewhere(runner, team):
    from maliterm.store import Store

    _, a, _ = team
    with Store.open(a / "db.json", read_only=False):
        result = runner("sync", "--db", a / "db.json")
    assert result.exit_code == 1
    assert "Close the other maliterm" in result.stderr
