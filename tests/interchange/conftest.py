"""Fixtures for the interchange tests: the ACLED sample and fresh databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from maliterm.store import init

ACLED = Path(__file__).parent.parent / "data" / "acled_sample.csv"


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "empty.json"
    init(path, "Empty")
    return path


@pytest.fixture
def acled_db(runner, empty_db: Path) -> Path:
    """An empty database after `import acled --apply` of the sample."""
    assert runner("import", "acled", ACLED, "--db", empty_db, "--apply").exit_code == 0
    return empty_db
