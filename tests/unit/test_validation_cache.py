"""Reopening a file that passed its check skips the check; anything changed is checked again."""

from __future__ import annotations

import json

import pytest

from maliterm import store as store_module
from maliterm import validation_cache
from maliterm.errors import InvalidDatabase
from maliterm.store import Store


@pytest.fixture
def checks(monkeypatch):
    """Count whole-file validations while still running them."""
    calls = []
    real = store_module.validate

    def counting(data, path, *args, **kwargs):
        calls.append(path)
        return real(data, path, *args, **kwargs)

    monkeypatch.setattr(store_module, "validate", counting)
    return calls


def test_an_unchanged_file_is_checked_once(small_db, checks):
    phases = []
    Store.open(small_db, read_only=True, progress=phases.append)
    assert phases == ["reading", "checking", "indexing"]
    phases.clear()
    Store.open(small_db, read_only=True, progress=phases.append)
    assert phases == ["reading", "indexing"]
    assert len(checks) == 1


def test_a_changed_file_is_checked_again_and_a_broken_one_refused(small_db, checks):
    Store.open(small_db, read_only=True)
    data = json.loads(small_db.read_text(encoding="utf-8"))
    data["actors"]["old-front"]["kind"] = "not-a-kind"
    small_db.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidDatabase) as err:
        Store.open(small_db, read_only=True)
    assert "actors/old-front.kind: is 'not-a-kind'" in err.value.text()
    with pytest.raises(InvalidDatabase):  # and it is never remembered as valid
        Store.open(small_db, read_only=True)
    assert len(checks) == 3


def test_a_file_maliterm_saved_needs_no_check_on_reopen(small_db, checks):
    with Store.open(small_db) as s:
        s.put("actors", {**s.actor("old-front"), "summary": "Edited."})
    before = len(checks)
    Store.open(small_db, read_only=True)
    assert len(checks) == before


def test_a_new_validator_checks_everything_again(small_db, checks, monkeypatch):
    Store.open(small_db, read_only=True)
    monkeypatch.setattr(validation_cache, "validator_key", lambda: "rules of a newer maliterm")
    Store.open(small_db, read_only=True)
    assert len(checks) == 2


def test_a_damaged_cache_only_costs_a_check(small_db, checks):
    validation_cache.cache_path().write_text("{not json")
    Store.open(small_db, read_only=True)
    Store.open(small_db, read_only=True)
    assert len(checks) == 1
