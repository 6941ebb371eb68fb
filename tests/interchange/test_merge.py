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


def test_claims_resting_on_their_records_citation_take_it_into_a_contested_fact(runner, small_data, write_db):
    """An imported row cites itself once, on the record; once the two sides' claims stand side by side,
    each must say its own source, the citation of the record it came from."""
    ours, theirs = copy.deepcopy(small_data), copy.deepcopy(small_data)
    ours["actors"]["old-front"]["facts"] = [{"about": "leaders", "claims": [{"text": "Two leaders.", "value": 2}]}]
    theirs["actors"]["old-front"]["facts"] = [{"about": "leaders", "claims": [{"text": "Three leaders.", "value": 3}]}]
    theirs["actors"]["old-front"]["cite"] = [{"source": "src-a", "loc": "para 7"}]
    o, t = write_db(ours, "o.json"), write_db(theirs, "t.json")
    result = runner("merge", t, "--db", o, "--keep", "contested")
    assert result.exit_code == 0, result.output
    rec = Store.open(o, read_only=True).actor("old-front")
    [fact] = [f for f in rec["facts"] if f["about"] == "leaders"]
    assert fact["contested"] is True
    ours_claim, theirs_claim = fact["claims"]
    # Ours rests on the merged record's citations (ours, with what theirs added); theirs on theirs alone.
    assert all(c in ours_claim["cite"] for c in small_data["actors"]["old-front"]["cite"])
    assert theirs_claim["cite"] == [{"source": "src-a", "loc": "para 7"}]


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
    """A git repo whose db.json two branches edit: different records, and one field both change.

    Its driver line is the one configured by hand before `%P` was passed: it still works.
    """
    repo = branches(tmp_path, small_data, *diverge(small_data))
    git(repo, "config", "merge.maliterm.driver", f"{sys.executable} -m maliterm merge-driver %O %A %B")
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


# --- merges that cannot lose ----------------------------------------------------------------------

CITE = [{"source": "src-a", "loc": "para 9"}]


def group(rid: str, name: str, kind: str = "armed_group", **more) -> dict:
    return {"id": rid, "name": name, "kind": kind, "cite": CITE, **more}


def deleted_but_referenced(base: dict) -> tuple[dict, dict]:
    """Ours deletes a lone place; theirs adds an event at that place."""
    base["places"]["kidal"] = {"id": "kidal", "name": "Kidal", "kind": "town", "cite": CITE}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["places"]["kidal"]
    theirs["events"]["kidal-clash"] = {"id": "kidal-clash", "date": "2016-02-01", "title": "Clash near Kidal",
                                       "place": "kidal", "cite": CITE}
    return ours, theirs


def test_three_way_merge_keeps_a_deleted_record_the_other_side_refers_to(runner, small_data, write_db):
    base = copy.deepcopy(small_data)
    ours, theirs = deleted_but_referenced(base)
    b, o, t = write_db(base, "b.json"), write_db(ours, "o.json"), write_db(theirs, "t.json")
    result = runner("merge", t, "--base", b, "--db", o)
    assert result.exit_code == 0, result.output
    assert ("kept     places/kidal (deleted in ours; kept because events/kidal-clash.place refers to it)"
            in result.stdout)
    store = Store.open(o, read_only=True)
    assert store.event("kidal-clash")["place"] == "kidal"
    assert store.get("kidal")["name"] == "Kidal"


def test_the_pure_merge_keeps_a_record_theirs_deleted_that_ours_refers_to(small_data):
    from maliterm.interchange.merge import merge
    from maliterm.validate import validate

    base = copy.deepcopy(small_data)
    theirs, ours = deleted_but_referenced(base)  # the other way round: theirs deleted it
    merged, report = merge(base, ours, theirs)
    assert validate(merged, "merged") == []
    assert merged["places"]["kidal"]["name"] == "Kidal"
    assert [(r.where, r.deleted_by, r.referrers) for r in report.restored] == [
        ("places/kidal", "theirs", ["events/kidal-clash.place"])]
    assert report.removed == []


def test_a_record_kept_for_a_reference_brings_the_records_it_needs(small_data):
    """The kept place sits within another place the same side deleted: both stay."""
    from maliterm.interchange.merge import merge
    from maliterm.validate import validate

    base = copy.deepcopy(small_data)
    base["places"]["adrar"] = {"id": "adrar", "name": "Adrar", "kind": "region", "cite": CITE}
    base["places"]["kidal"] = {"id": "kidal", "name": "Kidal", "kind": "town", "within": "adrar", "cite": CITE}
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    del ours["places"]["kidal"], ours["places"]["adrar"]
    theirs["events"]["kidal-clash"] = {"id": "kidal-clash", "date": "2016-02-01", "title": "Clash",
                                       "place": "kidal", "cite": CITE}
    merged, report = merge(base, ours, theirs)
    assert validate(merged, "merged") == []
    assert {"kidal", "adrar"} <= set(merged["places"])
    assert [r.where for r in report.restored] == ["places/kidal", "places/adrar"]


def collision(small_data: dict) -> tuple[dict, dict]:
    """Both laptops add `jnim`: ours an armed group, theirs a company that an event of theirs names."""
    ours, theirs = copy.deepcopy(small_data), copy.deepcopy(small_data)
    ours["actors"]["jnim"] = group("jnim", "JNIM")
    theirs["actors"]["jnim"] = group("jnim", "Jnim Haulage", "company")
    theirs["events"]["hotel-attack"]["actors"].append({"actor": "jnim", "role": "witness"})
    theirs["relations"]["r-jnim"] = {"id": "r-jnim", "from": "jnim", "type": "employed_by", "to": "old-front",
                                     "cite": CITE}
    return ours, theirs


def test_an_id_naming_two_different_things_gives_theirs_a_new_id(runner, small_data, write_db):
    ours, theirs = collision(small_data)
    o, t = write_db(ours, "o.json"), write_db(theirs, "t.json")
    result = runner("merge", t, "--db", o)
    assert result.exit_code == 0, result.output
    assert ('collision actors/jnim: ours "JNIM" (armed_group) and theirs "Jnim Haulage" (company) are different: '
            "theirs is now actors/jnim-2, 2 references rewritten" in result.stdout)
    store = Store.open(o, read_only=True)
    assert store.actor("jnim")["name"] == "JNIM" and store.actor("jnim")["kind"] == "armed_group"
    assert store.actor("jnim-2")["name"] == "Jnim Haulage" and store.actor("jnim-2")["kind"] == "company"
    assert "aliases" not in store.actor("jnim") and "facts" not in store.actor("jnim")
    assert {"actor": "jnim-2", "role": "witness"} in store.event("hotel-attack")["actors"]
    assert store.get("r-jnim")["from"] == "jnim-2"


def test_the_same_group_added_on_both_sides_is_merged(small_data):
    """Same kind, and a name of one is an alias of the other (folded): one group, aliases combined."""
    from maliterm.interchange.merge import merge

    ours, theirs = copy.deepcopy(small_data), copy.deepcopy(small_data)
    ours["actors"]["jnim"] = group("jnim", "JNIM", aliases=["GSIM"])
    theirs["actors"]["jnim"] = group("jnim", "Jama'at Nusrat al-Islam wal-Muslimin", aliases=["J.N.I.M."])
    merged, report = merge(None, ours, theirs)
    assert report.collisions == []
    assert merged["actors"]["jnim"]["aliases"] == ["GSIM", "J.N.I.M."]
    assert [c.where for c in report.conflicts] == ["actors/jnim.name"]


def test_one_id_in_two_tables_is_a_collision(small_data):
    from maliterm.interchange.merge import merge
    from maliterm.validate import validate

    ours, theirs = copy.deepcopy(small_data), copy.deepcopy(small_data)
    ours["actors"]["kidal"] = group("kidal", "Kidal", "other")
    theirs["places"]["kidal"] = {"id": "kidal", "name": "Kidal", "kind": "town", "cite": CITE}
    theirs["events"]["hotel-attack"]["place"] = "kidal"
    inputs = copy.deepcopy((small_data, ours, theirs))
    merged, report = merge(small_data, ours, theirs)
    assert (small_data, ours, theirs) == inputs  # pure: a property test may reuse its inputs
    assert validate(merged, "merged") == []
    assert merged["actors"]["kidal"]["kind"] == "other"
    assert merged["places"]["kidal-2"]["kind"] == "town"
    assert merged["events"]["hotel-attack"]["place"] == "kidal-2"
    assert [(c.table, c.rid, c.new_id) for c in report.collisions] == [("places", "kidal", "kidal-2")]


def branches(tmp_path: Path, base: dict, ours: dict, theirs: dict) -> Path:
    """A repo whose main carries `ours` and whose branch `theirs` carries theirs, the driver set up as sync does."""
    from maliterm.interchange.gitsync import Git, configure

    repo = tmp_path / "team"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "db.json").write_bytes(dumps(base))
    configure(Git(repo), "db.json")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "theirs")
    (repo / "db.json").write_bytes(dumps(theirs))
    git(repo, "commit", "-q", "-am", "theirs")
    git(repo, "checkout", "-q", "main")
    (repo / "db.json").write_bytes(dumps(ours))
    git(repo, "commit", "-q", "-am", "ours")
    return repo


def both_laptops(small_data: dict, conflicting: bool) -> tuple[dict, dict, dict]:
    """A deletion the other side refers to, one id for two groups, a plain edit each; and maybe a title both change."""
    base = copy.deepcopy(small_data)
    ours, theirs = deleted_but_referenced(base)
    ours["actors"]["jnim"] = group("jnim", "JNIM")
    theirs["actors"]["jnim"] = group("jnim", "Jnim Haulage", "company")
    theirs["events"]["kidal-clash"]["actors"] = [{"actor": "jnim", "role": "witness"}]
    ours["actors"]["old-front"]["summary"] = "Our summary."
    theirs["places"]["segou"]["aliases"] = ["Segu"]
    if conflicting:
        ours["events"]["hotel-attack"]["title"] = "Attack on Hotel Z (ours)"
        theirs["events"]["hotel-attack"]["title"] = "Attack on Hotel Z (theirs)"
    return base, ours, theirs


def assert_both_sides_kept(merged: dict) -> None:
    assert merged["places"]["kidal"]["name"] == "Kidal"  # ours deleted it; their event needs it
    assert merged["events"]["kidal-clash"]["actors"] == [{"actor": "jnim-2", "role": "witness"}]
    assert (merged["actors"]["jnim"]["kind"], merged["actors"]["jnim-2"]["kind"]) == ("armed_group", "company")
    assert merged["actors"]["old-front"]["summary"] == "Our summary."
    assert merged["places"]["segou"]["aliases"] == ["Segu"]


def test_git_merge_without_a_choice_to_make_completes_and_keeps_both_sides(tmp_path, small_data):
    repo = branches(tmp_path, *both_laptops(small_data, conflicting=False))
    result = git(repo, "merge", "--no-edit", "theirs")
    assert result.returncode == 0, result.stderr + result.stdout
    said = result.stderr + result.stdout
    assert "kept     places/kidal (deleted in ours; kept because events/kidal-clash.place refers to it)" in said
    assert "theirs is now actors/jnim-2" in said
    assert_both_sides_kept(Store.open(repo / "db.json", read_only=True).tables)


def test_git_merge_with_a_field_both_changed_stops_and_the_documented_steps_keep_everything(tmp_path, small_data):
    repo = branches(tmp_path, *both_laptops(small_data, conflicting=True))
    result = git(repo, "merge", "--no-edit", "theirs")
    said = result.stderr + result.stdout
    assert result.returncode != 0
    assert ("db.json: events/hotel-attack.title: changed on both sides (expected your choice; ours is in the field, "
            "theirs in a contested fact about 'title')") in said
    assert "git add db.json && git commit --no-edit" in said
    # The documented resolution, keeping the contested fact as it is:
    assert git(repo, "add", "db.json").returncode == 0
    assert git(repo, "commit", "-q", "--no-edit").returncode == 0
    assert git(repo, "status", "--porcelain", "--", "db.json").stdout == ""
    assert git(repo, "rev-parse", "-q", "--verify", "MERGE_HEAD").returncode != 0  # the merge is done
    merged = Store.open(repo / "db.json", read_only=True).tables
    assert_both_sides_kept(merged)
    event = merged["events"]["hotel-attack"]
    assert event["title"] == "Attack on Hotel Z (ours)"
    fact = next(f for f in event["facts"] if f["about"] == "title")
    assert [c["value"] for c in fact["claims"]] == ["Attack on Hotel Z (ours)", "Attack on Hotel Z (theirs)"]


def test_git_merge_notes_their_side_of_a_source_conflict(tmp_path, small_data):
    """A source cannot cite, so it cannot hold a contested fact: theirs goes, whole, into its notes."""
    base = copy.deepcopy(small_data)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["sources"]["src-a"]["title"] = "Field report A, revised"
    theirs["sources"]["src-a"]["title"] = "Field report A (" + "long " * 20 + "title)"
    repo = branches(tmp_path, base, ours, theirs)
    result = git(repo, "merge", "--no-edit", "theirs")
    assert result.returncode != 0
    assert "theirs noted in sources/src-a.notes" in result.stderr + result.stdout
    source = Store.open(repo / "db.json", read_only=True).get("src-a")
    assert source["title"] == "Field report A, revised"
    assert source["notes"] == f"Merge conflict: title in their copy: {json.dumps(theirs['sources']['src-a']['title'])}"


def test_fields_that_do_not_fit_together_keep_ours_whole_and_both_sides_in_a_contested_fact(runner, small_data, write_db):
    """Ours ends a leadership in mid-2013, theirs starts it in 2014: merged field by field it would end
    before it began. The merge completes: ours whole, theirs beside it."""
    base = copy.deepcopy(small_data)
    ours, theirs = copy.deepcopy(base), copy.deepcopy(base)
    ours["relations"]["r-lead"]["end"] = "2013-06"
    theirs["relations"]["r-lead"]["start"] = "2014"
    b, o, t = write_db(base, "b.json"), write_db(ours, "o.json"), write_db(theirs, "t.json")
    result = runner("merge", t, "--base", b, "--db", o, "--keep", "contested")
    assert result.exit_code == 0, result.output
    assert "conflict relations/r-lead.(whole record)" in result.stdout
    rel = Store.open(o, read_only=True).get("r-lead")
    assert (rel["start"], rel["end"]) == ("2012-12", "2013-06")
    fact = next(f for f in rel["facts"] if f["about"] == "(whole record)")
    assert json.loads(fact["claims"][1]["text"].split(": ", 1)[1])["start"] == "2014"


def test_a_field_one_side_removed_and_the_other_left_alone_is_removed_without_a_conflict(small_data):
    from maliterm.interchange.merge import merge

    ours = copy.deepcopy(small_data)
    del ours["events"]["hotel-attack"]["place"]  # as a cascading delete of the place leaves it
    del ours["places"]["hotel-z"]
    merged, report = merge(small_data, ours, small_data)
    assert merged["events"]["hotel-attack"] == ours["events"]["hotel-attack"]
    assert report.conflicts == [] and "events/hotel-attack" not in report.updated
