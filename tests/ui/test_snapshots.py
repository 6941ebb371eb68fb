"""Layout snapshots: the main screen at 80x24 and 160x48, the help screen, a contested dossier.

Regenerate after an intended layout change with `pytest tests/ui/test_snapshots.py --snapshot-update`
and look at the SVGs (snapshot_report.html shows the difference when a test fails).
"""

from __future__ import annotations

from ui_helpers import open_by_search, ready

from maliterm.ui.app import make_app


async def loaded(pilot) -> None:
    await ready(pilot.app, pilot)


def test_main_screen_80x24(snap_compare, shipped):
    assert snap_compare(make_app(shipped), terminal_size=(80, 24), run_before=loaded)


def test_main_screen_160x48(snap_compare, shipped):
    assert snap_compare(make_app(shipped), terminal_size=(160, 48), run_before=loaded)


def test_help_screen(snap_compare, shipped):
    async def help_open(pilot) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")

    assert snap_compare(make_app(shipped), terminal_size=(100, 40), run_before=help_open)


def test_dossier_with_a_contested_fact(snap_compare, shipped):
    async def contested(pilot) -> None:
        await loaded(pilot)
        await open_by_search(pilot, "al-mourabitoun")
        await pilot.press("2", "z")  # the dossier alone, maximised

    assert snap_compare(make_app(shipped), terminal_size=(100, 48), run_before=contested)


def test_relations_at_80x24(snap_compare, shipped):
    """Narrow: the relations take the width below the timeline; a cut merger line shows whole below the tree."""
    async def relations(pilot) -> None:
        await loaded(pilot)
        await pilot.press("3", "down", "down", "down", "down")

    assert snap_compare(make_app(shipped), terminal_size=(80, 24), run_before=relations)


def test_filter_dialog_at_80x24(snap_compare, shipped):
    async def filter_open(pilot) -> None:
        await loaded(pilot)
        await pilot.press("f")

    assert snap_compare(make_app(shipped), terminal_size=(80, 24), run_before=filter_open)


def test_hts_example_lineage_160x48(snap_compare, hts_example):
    """The second example opened as `maliterm --db examples/hts-lineage.json`, its lineage pane zoomed:
    the rename, the six-group merger under each parent, Zenki's leaving with its dates."""
    async def lineage_zoomed(pilot) -> None:
        await ready(pilot.app, pilot)
        await pilot.press("3", "z")
        await pilot.pause()

    assert snap_compare(make_app(hts_example), terminal_size=(160, 48), run_before=lineage_zoomed)
