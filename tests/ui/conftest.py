"""UI test isolation: a private copy of each database, a private config file, no cursor blink."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from textual.widgets import Input

from maliterm.ui.app import make_app

ROOT = Path(__file__).parents[2]
SHIPPED = ROOT / "db.json"
SMALL = ROOT / "tests" / "data" / "small.json"
HTS_EXAMPLE = ROOT / "examples" / "hts-lineage.json"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALITERM_CONFIG", str(tmp_path / "config.json"))
    monkeypatch.delenv("MALITERM_DB", raising=False)
    monkeypatch.setattr(Input, "cursor_blink", False)


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    return Path(shutil.copy(SHIPPED, tmp_path / "db.json"))


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return Path(shutil.copy(SMALL, tmp_path / "small.json"))


@pytest.fixture
def hts_example(tmp_path: Path) -> Path:
    """A private copy of the second shipped example, the lineage of Hay'at Tahrir al-Sham."""
    return Path(shutil.copy(HTS_EXAMPLE, tmp_path / "hts-lineage.json"))


@pytest.fixture
def open_app():
    def factory(path: Path, **kwargs):
        return make_app(path, **kwargs)
    return factory
