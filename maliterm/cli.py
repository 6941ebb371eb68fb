"""The `maliterm` command: the TUI by default, and commands for scripting and printing."""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import orjson

from maliterm.cli_support import (
    check_date, db_option, db_path, err, event_filter, fail, filter_options, handles_errors, json_option, open_store, out,
    print_json, resolve_name,
)
from maliterm.interchange.cli_commands import export, import_, merge_cmd, merge_driver, sync
from maliterm.interchange.sources import source
from maliterm.untrusted import one_line


def open_reader(ctx: click.Context, db: Path | None) -> Any:
    """What `show`, `search`, `timeline` and `lineage` read: the derived index when it is that of this
    very file (no load: tenths of a second at 100k events), else the file, loaded, after which the
    index is built for the next command. Both answer every read alike (see `maliterm.derived`)."""
    from maliterm import derived

    path = db_path(ctx, db)
    if path is None:
        from maliterm.store import default_path  # not at the top: the store's imports cost a tenth of a second

        path = default_path()
    if not ctx.meta.get("maliterm.no_index") and (indexed := derived.open_indexed(path)) is not None:
        ctx.meta["maliterm.indexed"] = True
        ctx.call_on_close(indexed.close)
        return indexed
    try:
        st, seen = os.stat(path), derived.now_ns()
    except OSError:
        return open_store(ctx, path)  # which says what is wrong with the path
    store = open_store(ctx, path)
    ctx.call_on_close(lambda: index_for_next_time(store, path, st, seen))
    return store


def index_for_next_time(store: Any, path: Path, st: os.stat_result, seen: int) -> None:
    """Build the derived index of the file `store` read, unless it changed since (then the next
    command loads it again); a failure is said, never fatal: the answer was given already."""
    import sqlite3
    import threading

    from maliterm import derived

    say = threading.Timer(1.0, lambda: err.print(one_line(
        f"Indexing {path} for quick commands (once per change of the file)…"), style="dim", markup=False))
    try:
        if derived.identity(path, os.stat(path)) != derived.identity(path, st):
            return
        snap, digest = store.saved_state()
        if err.is_terminal:  # a first build on a big file takes seconds: say why
            say.start()
        derived.build(path, snap, digest, st, seen)
    except (OSError, sqlite3.Error) as exc:
        err.print(one_line(f"Could not save the index of {path} in {derived.index_path(path).parent} "
                           f"({exc}): the next command reads the whole file again."), style="dim", markup=False)
    finally:
        say.cancel()


def reads_index(f: Callable[..., None]) -> Callable[..., None]:
    """Run a reading command again on the loaded file if the derived index fails it midway (a
    corrupt page SQLite finds only when read): the answer must not depend on the cache."""
    import sqlite3

    @functools.wraps(f)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> None:
        try:
            return f(ctx, *args, **kwargs)
        except (sqlite3.Error, orjson.JSONDecodeError):  # a damaged page, or a record's bytes in one
            if not ctx.meta.pop("maliterm.indexed", False):
                raise
            ctx.meta["maliterm.no_index"] = True
            return f(ctx, *args, **kwargs)
    return wrapper


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_option
@click.option("--read-only", is_flag=True, help="Open the TUI without allowing edits.")
@click.version_option(package_name="maliterm")
@click.pass_context
@handles_errors
def main(ctx: click.Context, db: Path | None, read_only: bool) -> None:
    """maliterm: timeline, dossiers and lineage of an armed conflict, offline.

    With no command, opens the TUI on --db (default: the shipped db.json).
    """
    if ctx.invoked_subcommand is None:
        # Starting the TUI makes hundreds of thousands of long-lived objects (modules, classes, styles) and
        # little garbage: the collector's passes over them cost a tenth of the first frame. The main
        # screen turns it on again once the panes are painted (MainScreen.on_store_loaded).
        gc.disable()
        from maliterm.store import default_path
        from maliterm.ui.opening import open_in_background

        path = db or default_path()
        opening = open_in_background(path, read_only)  # read while Textual is imported and starts
        from maliterm.ui.app import make_app

        app = make_app(path, read_only=read_only, opening=opening)
        app.run()
        if app.load_error is not None:
            fail(app.load_error)
        sys.exit(app.return_code or 0)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@db_option
@click.pass_context
@handles_errors
def validate(ctx: click.Context, path: Path | None, db: Path | None) -> None:
    """Check a database file; print every problem, or the record counts."""
    from maliterm.store import Store

    store = Store.open(path or db_path(ctx, db), read_only=True)
    from maliterm.presentation import counts_table

    out.print(one_line(f"{store.path}: valid"), markup=False)
    out.print(counts_table(store.counts()))


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--title", default="", help="A title for the new database.")
@handles_errors
def init(path: Path, title: str) -> None:
    """Create an empty, valid database at PATH (never overwrites)."""
    from maliterm.store import init as init_db

    init_db(path, title)
    out.print(one_line(f"created {path}"), markup=False)


@main.command()
@click.argument("name")
@db_option
@json_option
@click.pass_context
@handles_errors
@reads_index
def show(ctx: click.Context, name: str, db: Path | None, as_json: bool) -> None:
    """The dossier of an actor, event, place or source, by name, alias or id."""
    store = open_reader(ctx, db)
    table, rec = resolve_name(store, name)
    if as_json:
        from maliterm.timeline import events_at

        rid = rec["id"]
        print_json({
            "table": table,
            "record": rec,
            "relations": store.relations_of(rid) if table == "actors" else [],
            "events": (store.events_by_actor.get(rid, []) if table == "actors"
                       else events_at(store, rid) if table == "places" else []),
            "actors": [{"actor": a, "role": r} for a, r in store.event_actors(rid)] if table == "events" else [],
            "quotes": store.quotes_by_speaker.get(rid, []) if table == "actors" else [],
        })
        return
    from maliterm.presentation import dossier

    out.print(dossier(store, table, rec))


@main.command()
@filter_options
@db_option
@json_option
@click.pass_context
@handles_errors
@reads_index
def timeline(ctx, actor, place, etype, start, end, contested, db, as_json) -> None:
    """Events in date order, optionally filtered."""
    from maliterm.timeline import filter_events

    store = open_reader(ctx, db)
    f = event_filter(store, actor, place, etype, start, end, contested)
    ids = filter_events(store.snapshot, f)
    if as_json:
        print_json([store.event(e) for e in ids])
        return
    from maliterm.presentation import timeline_table

    out.print(timeline_table(store, ids))
    from maliterm.presentation import counted

    out.print(one_line(f"{counted(len(ids), 'event')} ({f.describe(store.name)})"), style="dim", markup=False)


@main.command()
@click.option("--by", "by", type=click.Choice(("month", "year", "actor", "place", "type")), default="month",
              show_default=True, help="Count events and deaths per month, year, actor, place or event type.")
@click.option("--top", default=10, show_default=True, help="How many actors, places and types to list.")
@filter_options
@db_option
@json_option
@click.pass_context
@handles_errors
def stats(ctx, by, top, actor, place, etype, start, end, contested, db, as_json) -> None:
    """Counts of events and deaths per period (a bar chart), the top actors, places and event
    types, and the contested facts, for the events `timeline` lists with the same options."""
    from maliterm.stats import overview, to_json

    store = open_store(ctx, db)
    ov = overview(store, event_filter(store, actor, place, etype, start, end, contested), by, top)
    if as_json:
        print_json(to_json(store, ov))
        return
    from rich.columns import Columns

    from maliterm import chart

    out.print(chart.summary_line(store, ov))
    out.print()
    out.print(chart.groups_table(store, ov, bar_width=max(10, min(40, out.width - 62))))
    out.print()
    out.print(Columns([chart.top_table(store, "Top actors", ov.actors, "actors"),
                       chart.top_table(store, "Top places", ov.places, "places"),
                       chart.top_table(store, "Top event types", ov.types, "types")], padding=(0, 4)))
    out.print()
    out.print(chart.contested_lines(store, ov))


@main.command()
@click.argument("actor", required=False)
@click.option("--as-of", "as_of", help="Show the lineage as it stood on this date.")
@db_option
@json_option
@click.pass_context
@handles_errors
@reads_index
def lineage(ctx, actor, as_of, db, as_json) -> None:
    """Group lineage (splits, mergers, renamings) as a tree; ACTOR narrows it to one family."""
    from maliterm.lineage import Lineage, node_json

    check_date("--as-of", as_of)
    store = open_reader(ctx, db)
    focus = resolve_name(store, actor, ("actors",))[1]["id"] if actor else None
    lin = Lineage.of_store(store.snapshot, as_of)
    nodes = lin.forest(focus)
    if as_json:
        print_json({"as_of": as_of, "focus": focus, "roots": [node_json(lin, n) for n in nodes]})
        return
    from maliterm.presentation import lineage_tree

    if not nodes:
        what = f"{store.name(focus)} has no lineage" if focus else "No lineage"
        out.print(one_line(f"{what}{' as of ' + as_of if as_of else ''}."), markup=False)
        return
    out.print(lineage_tree(lin, nodes, as_of))


@main.command()
@click.argument("text")
@click.option("--limit", default=20, show_default=True, help="At most this many hits.")
@db_option
@json_option
@click.pass_context
@handles_errors
@reads_index
def search(ctx, text, limit, db, as_json) -> None:
    """Search names, aliases and titles (case, accents and typos forgiven), and every text: facts,
    claims, quotations, casualty notes, summaries, source paragraphs (plurals and inflections too)."""
    from maliterm import fulltext

    store = open_reader(ctx, db)
    if err.is_terminal:  # a first search of a big file takes seconds: say why
        fulltext.prepare(store, lambda: err.print("Indexing every text for search (once per change of the file)…",
                                                  style="dim", markup=False))
    hits = fulltext.search(store, text, limit)
    if as_json:
        print_json([{"score": round(h.score, 1), "table": h.table, "id": h.id, "name": store.name(h.id),
                     "field": h.field, "loc": h.loc, "matched": h.snippet, "marks": [list(m) for m in h.marks],
                     "words": h.words} for h in hits])
        return
    if not hits:
        for line in fulltext.no_match(text):
            err.print(one_line(line), markup=False, highlight=False)
        sys.exit(1)
    from maliterm.presentation import search_table

    out.print(search_table(store, hits))


@main.command()
@click.argument("first")
@click.argument("second")
@click.option("--no-events", is_flag=True, help="Through relations only, not through events both took part in.")
@click.option("--limit", default=20, show_default=True, help="At most this many paths of the shortest length.")
@db_option
@json_option
@click.pass_context
@handles_errors
def path(ctx, first, second, no_events, limit, db, as_json) -> None:
    """How two actors are connected: the shortest chains of relations and shared events."""
    from maliterm.paths import shortest, to_json

    store = open_store(ctx, db)
    a = resolve_name(store, first, ("actors",))[1]["id"]
    b = resolve_name(store, second, ("actors",))[1]["id"]
    found = shortest(store, a, b, events=not no_events, limit=limit)
    if as_json:
        print_json(to_json(store, found))
        return
    from maliterm.presentation import path_lines

    for line, _ in path_lines(store, found):
        out.print(line, soft_wrap=True)  # a step is one line, for grep
    if found.length is None:
        sys.exit(1)


@main.command("map")
@filter_options
@click.option("--width", type=click.IntRange(20, 400), help="Columns of the map (default: the terminal's).")
@click.option("--height", type=click.IntRange(5, 200), default=20, show_default=True, help="Lines of the map.")
@db_option
@click.pass_context
@handles_errors
def map_(ctx, actor, place, etype, start, end, contested, width, height, db) -> None:
    """A map of the events' places (Braille country outlines, points shaded by events);
    places without coordinates are listed under it, never guessed."""
    from maliterm.mapdraw import View, draw, legend
    from maliterm.mapplaces import map_places
    from maliterm.presentation import counted
    from maliterm.timeline import filter_events

    store = open_store(ctx, db)
    f = event_filter(store, actor, place, etype, start, end, contested)
    ids = filter_events(store.snapshot, f)
    found = map_places(store, ids)
    cols = width or max(out.size.width, 20)
    view = View.fit([(p.lon, p.lat) for p in found.points], cols, height)
    if found.points:
        for line in draw(view, cols, height, found.points):
            out.print(line, soft_wrap=True)
        west, south, east, north = view.box(cols, height)
        out.print(f"{legend()} events   equirectangular: longitude {west:.1f}° to {east:.1f}°, latitude {south:.1f}° to {north:.1f}°",
                  style="dim", markup=False, soft_wrap=True)
    mapped = sum(p.count for p in found.points)
    out.print(one_line(f"{counted(len(found.points), 'place')} on the map ({counted(mapped, 'event')}), "
                       f"{counted(len(ids), 'event')} in all ({f.describe(store.name)})"), markup=False, soft_wrap=True)
    if found.unplaced:
        out.print(f"Not on the map (no coordinates in the data): {counted(len(found.unplaced), 'place')}",
                  markup=False, soft_wrap=True)
        from maliterm.untrusted import literal_line

        for pid, n in found.unplaced:
            out.print(literal_line(f"  {store.name(pid)} ({pid}): {counted(n, 'event')}"), soft_wrap=True)


main.add_command(import_)
main.add_command(export)
main.add_command(merge_cmd)
main.add_command(merge_driver)
main.add_command(sync)

main.add_command(source)


if __name__ == "__main__":
    main()
