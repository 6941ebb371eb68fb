"""A new export format is one `register` call: the CLI, the palette and README's table follow.

The test adds a toy format through the registry, touching no module, and finds it wherever a user
would: `maliterm export --help`, `maliterm export toy -o FILE`, the palette, README's table.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from maliterm.interchange import exporters
from maliterm.interchange.exporters import Scope
from maliterm.store import Store
from ui_helpers import ready


def toy(store: Store, scope: Scope) -> str:
    """Event titles, one a line, in timeline order: the events of `scope.actor`, or every one."""
    ids = store.events_by_actor.get(scope.actor, []) if scope.actor else store.events_in_order()
    return "".join(store.event(e)["title"] + "\n" for e in ids)


@pytest.fixture
def toy_registered() -> Iterator[None]:
    exporters.register("toy", ".toy", "toy list of event titles", "Event titles, one a line (a test's toy)",
                       ("actor",))(toy)
    yield
    del exporters.EXPORTERS["toy"]


def titles(db) -> list[str]:
    store = Store.open(db, read_only=True)
    try:
        return [store.event(e)["title"] for e in store.events_in_order()]
    finally:
        store.close()


def test_a_registered_exporter_is_in_the_cli_and_readme(toy_registered, runner, small, tmp_path):
    help_text = runner("export", "--help").stdout
    assert "  toy " in help_text and "Event titles, one a line (a test's toy) (.toy; narrowed by --actor)" in help_text
    out = tmp_path / "titles.toy"
    result = runner("export", "toy", "-o", out, "--db", small)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").splitlines() == titles(small)
    refused = runner("export", "toy", "--place", "Ségou", "--db", small)
    assert refused.exit_code == 1 and "export toy cannot narrow by --place" in refused.stderr
    assert "| `toy` | `.toy` | Event titles, one a line (a test's toy) | `--actor` |" in exporters.readme_table()


def test_a_registered_exporter_is_not_there_without_its_registration(runner):
    result = runner("export", "toy")
    assert result.exit_code == 2 and "'toy' is not one of" in result.stderr


async def test_a_registered_exporter_runs_from_the_palette(toy_registered, open_app, small, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = open_app(small)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await pilot.press("ctrl+p", *"export toy list")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#prompt-input").value == str(tmp_path / "small.toy")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert (tmp_path / "small.toy").read_text(encoding="utf-8").splitlines() == titles(small)
