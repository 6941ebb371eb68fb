"""The TUI builds the search index in a background thread: an edit saved meanwhile must not be lost from it."""

from __future__ import annotations

import threading

from maliterm.search import SearchIndex
from maliterm.store import Store


def test_an_edit_waits_for_the_search_index_being_built(small_db, monkeypatch):
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
    new = {"id": "late-group", "name": "Late Group", "kind": "armed_group", "cite": [{"source": "src-a"}]}
    editor = threading.Thread(target=store.put, args=("actors", new))
    editor.start()
    editor.join(0.3)
    assert editor.is_alive()  # the edit waits for the index build instead of racing it
    release.set()
    builder.join(5)
    editor.join(5)
    assert [h.id for h in store.search("late group")][:1] == ["late-group"]
    store.close()
