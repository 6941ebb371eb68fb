"""Saving: atomic (a failed save leaves the old file), byte-stable, and readable in git diffs."""

from __future__ import annotations

import json
import os

import pytest

from maliterm import storage
from maliterm.errors import InvalidDatabase, SaveFailed
from maliterm.storage import dumps
from maliterm.store import Store

NEW_PLACE = {"id": "mopti", "name": "Mopti", "kind": "town", "cite": [{"source": "src-a", "loc": "para 3"}]}


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_failed_save_keeps_old_file(step, small_db, monkeypatch):
    before = small_db.read_bytes()
    store = Store.open(small_db)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, step, boom)
    with pytest.raises(SaveFailed, match="no space left on device"):
        store.put("places", NEW_PLACE)
    monkeypatch.undo()

    assert small_db.read_bytes() == before
    assert leftovers(small_db.parent) == []
    # The edit that did not reach the disk is not shown as if it had.
    assert store.get("mopti") is None
    assert Store.open(small_db).get("mopti") is None


def test_failed_write_midway_leaves_no_temp_file(small_db, monkeypatch):
    """A crash after some bytes reached the temp file: the temp file goes, the old file stays."""
    before = small_db.read_bytes()
    store = Store.open(small_db)
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, payload):
            self.fh.write(payload[: len(payload) // 2])
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    with pytest.raises(SaveFailed, match="input/output error"):
        store.put("places", NEW_PLACE)
    assert small_db.read_bytes() == before
    assert leftovers(small_db.parent) == []
    assert store.get("mopti") is None


def test_put_saves_a_valid_record(small_db):
    Store.open(small_db).put("places", NEW_PLACE)
    assert json.loads(small_db.read_bytes())["places"]["mopti"] == NEW_PLACE
    assert Store.open(small_db).resolve("mopti")[1]["name"] == "Mopti"


def test_put_invalid_record_raises_and_leaves_file(small_db):
    before = small_db.read_bytes()
    store = Store.open(small_db)
    bad = {**NEW_PLACE, "within": "atlantis"}
    with pytest.raises(InvalidDatabase) as caught:
        store.put("places", bad)
    assert [str(p) for p in caught.value.problems] == [
        f"{small_db}: places/mopti.within: refers to 'atlantis', which does not exist "
        "(expected the id of a record in places)"
    ]
    assert small_db.read_bytes() == before
    assert store.get("mopti") is None


def test_read_only_store_refuses_to_write(small_db):
    before = small_db.read_bytes()
    with pytest.raises(storage.ReadOnly):
        Store.open(small_db, read_only=True).put("places", NEW_PLACE)
    assert small_db.read_bytes() == before


def test_save_keeps_file_mode(small_db):
    small_db.chmod(0o640)
    Store.open(small_db).put("places", NEW_PLACE)
    assert small_db.stat().st_mode & 0o777 == 0o640


def test_unchanged_round_trip_is_byte_identical(small_db):
    before = small_db.read_bytes()
    assert dumps(json.loads(before)) == before, "tests/data/small.json is not in saved form"
    store = Store.open(small_db)
    store.put("places", dict(store.get("segou")))
    assert small_db.read_bytes() == before


def test_dumps_is_sorted_indented_utf8():
    data = {"b": {"name": "Ségou", "z": 1, "a": [1, 2]}, "a": "\x1b"}
    out = dumps(data)
    assert out == (
        '{\n'
        '  "a": "\\u001b",\n'
        '  "b": {\n'
        '    "a": [\n'
        '      1,\n'
        '      2\n'
        '    ],\n'
        '    "name": "Ségou",\n'
        '    "z": 1\n'
        '  }\n'
        '}\n'
    ).encode("utf-8")
    assert "Ségou".encode() in out
    assert b"\\u00e9" not in out
