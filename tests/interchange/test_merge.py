"""`maliterm merge` and the git merge driver: the union comes in, conflicts are reported, nothing is lost."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from maliterm.storage import dumps
from maliterm.store import Store


def diverge(small_data: dict) -> tuple[dict, dict]:
    """Two laptops' copies: each adds a record and an alias; both change one event's title."""
    ours, theirs = copy.deepcopy(small_data), copy.deepcopy(small_data)
    cite = [{"source": "src-a", "loc": "para 9"}]
    ours["actors"]["our-group"] = {"id": "our-group", "name": "Our Group", "kind": "armed_group", "cite": cite}
    theirs["actors"]["their-group"] = {"id": "their-group", "name": "Their Group", "kind": "armed_group", "cite": cite}
    ours["actors"]["old-front"]["aliases"].append("OF-ours")
    theirs["actors"]["old-front"]["aliases"].append("OF-theirs")
    ours["events"]["hotel-attack"]["title"] = "Attack on Hotel Z (ours)"
    theirs["events"]["hotel-attack"]["title"] = "Attack on Hotel Z (theirs)"
    theirs["actors"]["river-movement"]["aliases"] = ["RM"]
    return ours, theirs


@pytest.fixture
def two_copies(small_data, write_db):
    ours, theirs = diverge(small_data)
    return write_db(ours, "ours.json"), write_db(theirs, "theirs.json")


def test_two_way_merge_without_a_policy_reports_the_conflict_and_writes_nothing(runner, two_copies):
    ours, theirs = two_copies
    before = ours.read_bytes()
    result = runner("merge", theirs, "--db", ours)
    assert result.exit_code == 1
    assert "conflict events/hotel-attack.title" in result.stdout
    assert "--keep" in result.stderr
    assert ours.read_bytes() == before


def test_two_way_merge_yields_the_union(runner, two_copies):
    ours, theirs = two_copies
    result = runner("merge", theirs, "--db", ours, "--keep", "ours")
    assert result.exit_code == 0, result.output
    assert "new      actors/their-group" in result.stdout
    assert "updated  actors/river-movement: aliases" in result.stdout
    assert 'conflict events/hotel-attack.title: ours "Attack on Hotel Z (ours)" | theirs "Attack on Hotel Z (theirs)" -> kept ours' in result.stdout
    store = Store.open(ours, read_only=True)
    assert {"our-group", "their-group"} <= set(store.tables["actors"])
    assert store.actor("old-front")["aliases"][-2:] == ["OF-ours", "OF-theirs"]
    assert store.actor("river-movement")["aliases"] == ["RM"]
    assert store.event("hotel-attack")["title"] == "Attack on Hotel Z (ours)"


def test_contested_keeps_both_sides_with_their_citations(runner, two_copies):
    ours, theirs = two_copies
    assert runner("merge", theirs, "--db", ours, "--keep", "contested").exit_code == 0
    ev = Store.open(ours, read_only=True).event("hotel-attack")
    fact = next(f for f in ev["facts"] if f["about"] == "title")
    assert fact["contested"] is True
    assert [c["value"] for c in fact["claims"]] == ["Attack on Hotel Z (ours)", "Attack on Hotel Z (theirs)"]
    assert all(c["cite"] for c in fact["claims"])


def test_a_fact_changed_on_both_sides_becomes_one_contested_fact(runner, small_data, write_db):
    ours, theirs = copy.deepcopy(small_data), copy.deepcopy(small_data)
    claim = {"text": "Two leaders.", "value": 2, "cite": [{"source": "src-a", "loc": "para 1"}]}
    fact = {"about": "leaders", "claims": [claim]}
    ours["actors"]["old-front"]["facts"] = [fact]
    theirs["actors"]["old-front"]["facts"] = [{"about": "leaders", "claims": [dict(claim, text="Three leaders.", value=3)]}]
    o, t = write_db(ours, "o.json"), write_db(theirs, "t.json")
    result = runner("merge", t, "--db", o, "--keep", "contested")
    assert "conflict actors/old-front.facts[leaders]" in result.stdout
    facts = Store.open(o, read_only=True).actor("old-front")["facts"]
    assert len(facts) == 1 and facts[0]["contested"] is True
    assert [c["value"] for c in facts[0]["claims"]] == [2, 3]


def test_merging_an_identical_copy_changes_nothing(runner, small_db, tmp_path):
    before = small_db.read_bytes()
    copy_path = Path(shutil.copy(small_db, tmp_path / "copy.json"))
    result = runner("merge", copy_path, "--db", small_db)
    assert result.exit_code == 0 and "0 new, 0 updated, 0 removed, 0 conflicts" in result.stdout
    assert small_db.read_bytes() == before


def test_three_way_merge_honours_a_deletion_and_keeps_a_changed_record(runner, small_data, write_db):
    base = copy.deepcopy(small_data)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del theirs["quotes"]["q1"]  # they deleted it; we did not touch it
    del ours["events"]["year-2015"]  # we deleted it; they changed it: it stays
    theirs["events"]["year-2015"]["title"] = "A year-only event, retitled"
    b, o, t = write_db(base, "b.json"), write_db(ours, "o.json"), write_db(theirs, "t.json")
    result = runner("merge", t, "--base", b, "--db", o)
    assert result.exit_code == 0, result.output
    assert "removed  quotes/q1" in result.stdout and "kept     events/year-2015" in result.stdout
    store = Store.open(o, read_only=True)
    assert "q1" not in store.tables["quotes"]
    assert store.event("year-2015")["title"] == "A year-only event, retitled"


def test_import_json_is_the_merge(runner, two_copies):
    ours, theirs = two_copies
    assert runner("import", "json", theirs, "--db", ours, "--keep", "theirs").exit_code == 0
    assert Store.open(ours, read_only=True).event("hotel-attack")["title"] == "Attack on Hotel Z (theirs)"


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tmp_path: Path, small_data: dict) -> Path:
    """A git repo whose db.json two branches edit: different records, and one field both change."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitattributes").write_text("db.json merge=maliterm\n")
    git(repo, "config", "merge.maliterm.name", "maliterm database merge")
    git(repo, "config", "merge.maliterm.driver", f"{sys.executable} -m maliterm merge-driver %O %A %B")
    (repo / "db.json").write_bytes(dumps(small_data))
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    ours, theirs = diverge(small_data)
    git(repo, "checkout", "-q", "-b", "theirs")
    (repo / "db.json").write_bytes(dumps(theirs))
    git(repo, "commit", "-q", "-am", "theirs")
    git(repo, "checkout", "-q", "main")
    (repo / "db.json").write_bytes(dumps(ours))
    git(repo, "commit", "-q", "-am", "ours")
    return repo


def test_git_merge_driver_merges_records_and_stops_on_the_conflict(repo):
    result = git(repo, "merge", "theirs")
    assert result.returncode != 0  # the title both branches changed needs a person
    assert "events/hotel-attack.title: changed on both sides" in result.stderr + result.stdout
    merged = json.loads((repo / "db.json").read_text(encoding="utf-8"))
    assert {"our-group", "their-group"} <= set(merged["actors"])  # the rest merged anyway
    assert merged["events"]["hotel-attack"]["title"] == "Attack on Hotel Z (ours)"
    assert "<<<<<<<" not in (repo / "db.json").read_text(encoding="utf-8")


def test_git_merge_driver_with_a_policy_merges_cleanly(repo):
    git(repo, "config", "merge.maliterm.driver", f"{sys.executable} -m maliterm merge-driver --keep contested %O %A %B")
    result = git(repo, "merge", "-q", "--no-edit", "theirs")
    assert result.returncode == 0, result.stderr
    store = Store.open(repo / "db.json", read_only=True)
    assert {"our-group", "their-group"} <= set(store.tables["actors"])
    assert store.actor("river-movement")["aliases"] == ["RM"]
    assert next(f for f in store.event("hotel-attack")["facts"] if f["about"] == "title")["contested"]
