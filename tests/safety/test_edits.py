"""Editing safety: undo/redo, cascading deletes, the change log, backups, and changes made by others."""

from __future__ import annotations

import json

import pytest

from maliterm.errors import FileChanged, InvalidDatabase, Referenced
from maliterm.storage import backup_path, dumps
from maliterm.store import Store
from maliterm.validate import validate

NEW_ACTOR = {"id": "new-cell", "name": "New Cell", "kind": "armed_group",
             "cite": [{"source": "src-a", "loc": "para 7"}]}
NEW_RELATION = {"id": "r-new", "from": "new-cell", "type": "splinter_of", "to": "old-front",
                "cite": [{"source": "src-b", "loc": "para 1"}]}


def on_disk(path) -> dict:
    return json.loads(path.read_bytes())


def without_log(data: dict) -> dict:
    return {t: recs for t, recs in data.items() if t != "changes"}


def test_undo_and_redo_each_save_and_survive_a_reopen(small_db):
    original = without_log(on_disk(small_db))
    with Store.open(small_db) as store:
        store.put("actors", NEW_ACTOR)
        store.put("relations", NEW_RELATION)
        assert store.can_undo and not store.can_redo
        store.undo()
        assert store.get("r-new") is None and "r-new" not in on_disk(small_db)["relations"]
        store.undo()
        assert without_log(on_disk(small_db)) == original
        assert not store.can_undo and store.can_redo
        store.redo()
        store.redo()
    with Store.open(small_db) as again:
        assert again.get("new-cell") == NEW_ACTOR and again.get("r-new") == NEW_RELATION


def test_a_new_edit_clears_redo(small_db):
    with Store.open(small_db) as store:
        store.put("actors", NEW_ACTOR)
        store.undo()
        store.put("actors", {**NEW_ACTOR, "name": "Other Cell"})
        assert not store.can_redo
        assert store.redo() is None


def test_put_replaces_the_whole_record(small_db):
    with Store.open(small_db) as store:
        rec = dict(store.get("leader-x"))
        del rec["summary"]
        store.put("actors", rec)
    assert "summary" not in on_disk(small_db)["actors"]["leader-x"]


def test_put_of_an_invalid_record_saves_nothing(small_db):
    before = small_db.read_bytes()
    with Store.open(small_db) as store:
        with pytest.raises(InvalidDatabase, match=r"actors/new-cell.cite\[0\].source: refers to 'nope'"):
            store.put("actors", {**NEW_ACTOR, "cite": [{"source": "nope"}]})
        assert not store.can_undo
    assert small_db.read_bytes() == before


def test_delete_of_a_referenced_record_lists_the_references(small_db):
    before = small_db.read_bytes()
    with Store.open(small_db) as store:
        with pytest.raises(Referenced) as err:
            store.delete("actors", "new-union")
        assert store.references_to("new-union") == [
            "events/hotel-attack.actors[0].actor", "relations/r-claim.from", "relations/r-m1.to", "relations/r-m2.to"]
        assert [p.where for p in err.value.problems] == store.references_to("new-union")
    assert small_db.read_bytes() == before


def test_cascade_delete_leaves_nothing_dangling_and_undoes_in_one_step(small_db):
    original = without_log(on_disk(small_db))
    with Store.open(small_db) as store:
        store.delete("actors", "new-union", cascade=True)
        data = on_disk(small_db)
        assert validate(data, "db") == []
        assert "new-union" not in data["actors"]
        # A required single reference takes its relation with it; a list entry is dropped.
        assert not {"r-claim", "r-m1", "r-m2"} & set(data["relations"])
        assert [a["actor"] for a in data["events"]["hotel-attack"]["actors"]] == ["leader-x"]
        assert store.references_to("new-union") == []
        store.undo()
    assert without_log(on_disk(small_db)) == original


def test_cascade_drops_an_optional_reference_and_a_lone_citation_takes_its_claim(small_db):
    with Store.open(small_db) as store:
        store.delete("places", "hotel-z", cascade=True)
        assert "place" not in store.get("hotel-attack")
        store.delete("sources", "src-b", cascade=True)
        data = on_disk(small_db)
    assert validate(data, "db") == []
    assert "src-b" not in json.dumps(without_log(data))


def test_every_edit_is_in_the_change_log(small_db, monkeypatch):
    monkeypatch.setattr("maliterm.locking.getpass.getuser", lambda: "amina")
    with Store.open(small_db) as store:
        store.put("actors", NEW_ACTOR)
        store.put("actors", {**NEW_ACTOR, "name": "Renamed Cell", "summary": "Split in 2016."})
        store.delete("actors", "new-cell")
        store.undo()
    log = sorted(on_disk(small_db)["changes"].values(), key=lambda c: c["id"])
    assert [(c["action"], c["record"], c["fields"]) for c in log] == [
        ("add", "actors/new-cell", ["cite", "id", "kind", "name"]),
        ("edit", "actors/new-cell", ["name", "summary"]),
        ("delete", "actors/new-cell", ["cite", "id", "kind", "name", "summary"]),
        ("undo", "actors/new-cell", ["cite", "id", "kind", "name", "summary"]),
    ]
    assert {c["who"] for c in log} == {"amina"}
    assert all(c["when"].endswith("Z") for c in log)
    # The log is not something to search or browse by name.
    assert all(h.table != "changes" for h in Store.open(small_db, read_only=True).search("new-cell"))


def test_user_name_falls_back_when_the_os_has_none(small_db, monkeypatch):
    def no_user():
        raise OSError("no login name")

    monkeypatch.setattr("maliterm.locking.getpass.getuser", no_user)
    with Store.open(small_db) as store:
        store.put("actors", NEW_ACTOR)
    assert [c["who"] for c in on_disk(small_db)["changes"].values()] == ["unknown"]


@pytest.mark.parametrize("links", [True, False], ids=["hard-link", "no-hard-links"])
def test_each_save_keeps_the_previous_file_as_backup(small_db, monkeypatch, links):
    if not links:  # a file system without hard links (FAT, some network shares): a copy instead
        def refuse(*args, **kwargs):
            raise PermissionError("hard links are not supported here")
        monkeypatch.setattr("os.link", refuse)
    first = small_db.read_bytes()
    with Store.open(small_db) as store:
        store.put("actors", NEW_ACTOR)
        assert backup_path(small_db).read_bytes() == first
        second = small_db.read_bytes()
        store.put("relations", NEW_RELATION)
        assert backup_path(small_db).read_bytes() == second


def test_a_file_changed_by_another_program_is_never_overwritten(small_db):
    with Store.open(small_db) as store:
        theirs = on_disk(small_db)
        theirs["actors"]["leader-x"]["summary"] = "Changed by a git pull."
        small_db.write_bytes(dumps(theirs))
        assert store.changed_on_disk()
        with pytest.raises(FileChanged, match="changed by another program"):
            store.put("actors", NEW_ACTOR)
        assert on_disk(small_db) == theirs
        assert store.get("new-cell") is None
        store.reload()
        assert not store.changed_on_disk()
        assert store.get("leader-x")["summary"] == "Changed by a git pull."
        store.put("actors", NEW_ACTOR)
    assert on_disk(small_db)["actors"]["leader-x"]["summary"] == "Changed by a git pull."


def test_a_touched_but_unchanged_file_is_not_a_conflict(small_db):
    import os

    with Store.open(small_db) as store:
        os.utime(small_db, ns=(1, 1))
        assert not store.changed_on_disk()
        store.put("actors", NEW_ACTOR)


def test_a_file_replaced_by_one_of_the_same_size_and_time_is_a_conflict(small_db):
    import os

    with Store.open(small_db) as store:
        st = small_db.stat()
        theirs = on_disk(small_db)
        summary = theirs["actors"]["leader-x"]["summary"]
        theirs["actors"]["leader-x"]["summary"] = summary[::-1]  # same length, other text
        other = small_db.with_name("theirs.json")
        other.write_bytes(dumps(theirs))
        os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(other, small_db)
        assert small_db.stat().st_size == st.st_size
        assert store.changed_on_disk()
        with pytest.raises(FileChanged, match="changed by another program"):
            store.put("actors", NEW_ACTOR)
        assert on_disk(small_db) == theirs


def test_a_deleted_file_is_a_conflict(small_db):
    with Store.open(small_db) as store:
        small_db.unlink()
        with pytest.raises(FileChanged, match="no such file"):
            store.put("actors", NEW_ACTOR)
        assert not small_db.exists()


def test_read_only_store_refuses_edits_with_its_reason(small_db):
    before = small_db.read_bytes()
    store = Store.open(small_db, read_only=True)
    assert store.read_only and store.read_only_reason == "opened read-only"
    from maliterm.errors import ReadOnly

    with pytest.raises(ReadOnly, match="opened read-only"):
        store.put("actors", NEW_ACTOR)
    assert small_db.read_bytes() == before


# ---- field-level edits and one log entry per bulk write ------------------------------------------

def test_a_field_level_edit_applies_to_the_record_as_it_is_now(small_db):
    from maliterm import editing
    from maliterm.errors import Conflict

    with Store.open(small_db) as store:
        form = editing.values_of("actors", store.get("old-front"))
        typed = {**form, "name": "Old Front (renamed)"}
        changes = editing.changed_fields(editing.fields_for("actors"), form, typed)
        assert changes == {"name": (form["name"], "Old Front (renamed)")}
        # meanwhile another edit changes the summary, and then the name
        store.put("actors", {**store.get("old-front"), "summary": "Theirs."})
        saved = store.edit("actors", "old-front", lambda cur: editing.apply_changes("actors", cur, changes, store.table_of))
        assert saved["summary"] == "Theirs." and saved["name"] == "Old Front (renamed)"
        store.put("actors", {**store.get("old-front"), "name": "Their name"})
        with pytest.raises(Conflict) as err:
            store.edit("actors", "old-front", lambda cur: editing.apply_changes("actors", cur, changes, store.table_of))
        assert err.value.fields == {"name": (form["name"], "Their name", "Old Front (renamed)")}
        assert store.get("old-front")["name"] == "Their name"  # refused: nothing overwritten
        store.edit("actors", "old-front",
                   lambda cur: editing.apply_changes("actors", cur, changes, store.table_of, frozenset({"name"})))
        assert store.get("old-front")["name"] == "Old Front (renamed)"  # the user chose to save mine over theirs


def test_write_many_with_a_summary_logs_one_entry_and_undoes_as_one(small_db):
    records = [("actors", f"bulk-{i}", {"id": f"bulk-{i}", "name": f"Bulk {i}", "kind": "armed_group",
                                       "cite": [{"source": "src-a"}]}) for i in range(30)]
    with Store.open(small_db) as store:
        before = len(store.tables["changes"])
        store.write_many(records, summary="import of week.csv: 30 actors added")
        log = on_disk(small_db)["changes"]
        assert len(log) == before + 1
        entry = max(log.values(), key=lambda c: c["when"])
        assert entry["record"] == "import of week.csv: 30 actors added"
        assert entry["action"] == "add" and entry["fields"] == ["actors: 30 add"]
        store.undo()
        assert store.get("bulk-7") is None and len(on_disk(small_db)["changes"]) == before + 2
