"""One writer, snapshot reads: writes run one at a time with their history, reads never wait for them."""

from __future__ import annotations

import threading

import pytest

from maliterm import storage
from maliterm.store import Store

ACTOR_A = {"id": "cell-a", "name": "Cell A", "kind": "armed_group", "cite": [{"source": "src-a"}]}
ACTOR_B = {"id": "cell-b", "name": "Cell B", "kind": "armed_group", "cite": [{"source": "src-a"}]}


def hold_saves(path, monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Saves of `path` stop inside the disk write until `release` is set; `entered` says one got there."""
    entered, release = threading.Event(), threading.Event()
    real = storage.write_atomic

    def slow(target, *args, **kwargs):
        if target == path:
            entered.set()
            release.wait(10)
        return real(target, *args, **kwargs)

    monkeypatch.setattr(storage, "write_atomic", slow)
    return entered, release


@pytest.fixture
def held_save(small_db, monkeypatch):
    entered, release = hold_saves(small_db, monkeypatch)
    yield entered, release
    release.set()


def test_two_undos_during_a_slow_save_undo_two_edits(small_db, monkeypatch):
    store = Store.open(small_db)
    store.put("actors", ACTOR_A)
    store.put("actors", ACTOR_B)
    entered, release = hold_saves(small_db, monkeypatch)
    first = threading.Thread(target=store.undo)
    first.start()
    assert entered.wait(5)
    second = threading.Thread(target=store.undo)  # `u` pressed again while the first undo saves
    second.start()
    second.join(0.3)
    release.set()
    first.join(5)
    second.join(5)
    assert store.get("cell-b") is None and store.get("cell-a") is None  # each undo took back its own edit
    assert store.can_redo
    store.redo()
    assert store.get("cell-a") == ACTOR_A and store.get("cell-b") is None
    store.close()


def test_a_search_and_a_read_return_while_a_save_is_in_progress(small_db, held_save):
    entered, release = held_save
    store = Store.open(small_db)
    store.prepare_search()
    saving = threading.Thread(target=store.put, args=("actors", ACTOR_A))
    saving.start()
    assert entered.wait(5)
    answers: list = []
    reader = threading.Thread(target=lambda: answers.append(([h.id for h in store.search("old front")][:1],
                                                             store.get("cell-a"))))
    reader.start()
    reader.join(5)
    assert not reader.is_alive(), "a read waited for the save"
    assert saving.is_alive()  # the save is still held: the read did not wait for it
    assert answers == [(["old-front"], None)]  # the snapshot from before the save
    release.set()
    saving.join(5)
    assert store.get("cell-a") == ACTOR_A
    assert [h.id for h in store.search("cell a")][:1] == ["cell-a"]
    store.close()


def test_an_edit_saved_while_the_search_index_is_built_is_found(small_db, monkeypatch):
    from maliterm.search import SearchIndex

    store = Store.open(small_db)
    building, release = threading.Event(), threading.Event()
    real = SearchIndex.from_store.__func__

    def slow(cls, s):
        building.set()
        release.wait(5)
        return real(cls, s)

    monkeypatch.setattr(SearchIndex, "from_store", classmethod(slow))
    builder = threading.Thread(target=store.prepare_search)
    builder.start()
    assert building.wait(5)
    editor = threading.Thread(target=store.put, args=("actors", ACTOR_A))
    editor.start()
    editor.join(5)
    assert not editor.is_alive()  # the edit does not wait for the index build
    release.set()
    builder.join(5)
    assert [h.id for h in store.search("cell a")][:1] == ["cell-a"]
    store.close()


def test_a_snapshot_never_changes_after_it_is_published(small_db):
    store = Store.open(small_db)
    before = store.snapshot
    order, names = list(before.event_order), dict(before.by_name)
    with pytest.raises(TypeError, match="read-only"):
        before.tables["actors"]["x"] = ACTOR_A
    store.put("actors", ACTOR_A)
    store.delete("events", before.event_order[0], cascade=True)
    after = store.snapshot
    assert after is not before and after.version > before.version
    assert "cell-a" not in before.tables["actors"] and before.get("cell-a") is None  # a reader holding it sees no change
    assert before.event_order == order and before.by_name == names
    assert after.get("cell-a") == ACTOR_A and order[0] not in after.event_order
    store.close()
