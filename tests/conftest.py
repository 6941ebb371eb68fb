"""Fixtures shared by every test: the small fictional database and a CLI runner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from maliterm.cli import main
from maliterm.storage import dumps

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.json"


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own validation cache: a file is checked unless this test saw it pass."""
    monkeypatch.setenv("MALITERM_CACHE", str(tmp_path_factory.mktemp("cache") / "validated.json"))


@pytest.fixture(scope="session")
def small_path() -> Path:
    """tests/data/small.json itself, for tests that only read it."""
    return SMALL


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    """A private copy of tests/data/small.json that a test may change."""
    return Path(shutil.copy(SMALL, tmp_path / "small.json"))


@pytest.fixture
def small_data() -> dict:
    """small.json parsed, for tests that break one thing in it."""
    return json.loads(SMALL.read_text(encoding="utf-8"))


@pytest.fixture
def write_db(tmp_path: Path):
    """Write a dict as a database file the way maliterm saves; returns its path."""

    def write(data: object, name: str = "db.json") -> Path:
        path = tmp_path / name
        path.write_bytes(dumps(data))
        return path

    return write


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch):
    """Run `maliterm ARGS...`; the result must end in a clean exit, never a traceback."""
    monkeypatch.delenv("MALITERM_DB", raising=False)
    cli = CliRunner()

    def run(*args: str, env: dict | None = None) -> Result:
        result = cli.invoke(main, [str(a) for a in args], env=env, prog_name="maliterm")
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert "Traceback" not in result.output
        return result

    return run
