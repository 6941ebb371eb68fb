"""What every command module shares: the output consoles, the common options, error handling, opening the store.

Below `cli.py` and the command modules of `interchange/`, so they import it and never each other.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
import orjson
from rich.console import Console

from maliterm import model as m
from maliterm.errors import MalitermError
from maliterm.untrusted import json_text, one_line

if TYPE_CHECKING:
    from maliterm.store import Store
    from maliterm.timeline import EventFilter

out = Console(highlight=False, soft_wrap=False, emoji=False)  # `:skull:` in data is text, not an emoji
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def fail(exc: MalitermError) -> None:
    for line in exc.lines():  # already one_line each: see MalitermError.lines
        err.print(line, markup=False, highlight=False)
    sys.exit(1)


def print_json(data: object) -> None:
    sys.stdout.write(json_text(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()) + "\n")


def db_option(f):
    """`--db PATH` on every command (MALITERM_DB too); a command's own wins over the group's."""
    return click.option("--db", "db", type=click.Path(path_type=Path, dir_okay=True), default=None,
                        help="Database file (default: $MALITERM_DB, else the shipped db.json).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON (see README).")(f)


def db_path(ctx: click.Context, db: Path | None) -> Path | None:
    return db or (ctx.find_root().params.get("db"))


def handles_errors(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except MalitermError as exc:
            fail(exc)
    return wrapper


def resolve_name(store: Store, query: str, tables: tuple[str, ...] | None = None) -> tuple[str, dict]:
    """`Store.resolve_match`, saying on stderr which record a partial name was taken for."""
    found = store.resolve_match(query, tables) if tables else store.resolve_match(query)
    if not found.exact:
        rid = found.record["id"]
        err.print(f"Using {one_line(store.name(rid))} ({one_line(rid)}) for {one_line(query)!r}.", markup=False, highlight=False)
    return found.table, found.record


def open_store(ctx: click.Context, db: Path | None, read_only: bool = True) -> Store:
    from maliterm.store import Store

    store = Store.open(db_path(ctx, db), read_only=read_only)
    ctx.call_on_close(store.close)  # finish its writes and give up the lock when the command ends
    return store


def filter_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options that pick events, shared by `timeline`, `stats` and `map` (one `EventFilter`)."""
    for option in reversed((
        click.option("--actor", help="Only events this actor took part in (name, alias or id)."),
        click.option("--place", help="Only events at this place or at a place within it (name, alias or id)."),
        click.option("--type", "etype", type=click.Choice(m.EVENT_TYPES),
                     help="Only events of this type (an unknown type is an error, not an empty list)."),
        click.option("--from", "start", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
        click.option("--to", "end", help="To this date."),
        click.option("--contested", is_flag=True, help="Only events with a contested fact."),
    )):
        f = option(f)
    return f


def event_filter(store: Store, actor: str | None, place: str | None, etype: str | None, start: str | None,
                 end: str | None, contested: bool) -> EventFilter:
    """The `EventFilter` the filter options describe, names resolved, dates checked."""
    from maliterm import dates
    from maliterm.timeline import EventFilter

    for label, value in (("--from", start), ("--to", end)):
        check_date(label, value)
    if start and end and dates.latest(end) < dates.earliest(start):
        # Swapped bounds would print "0 events", which reads as "nothing happened".
        raise click.BadParameter(f"{end!r} is before --from {start!r}", param_hint="--to")
    return EventFilter(
        actor=resolve_name(store, actor, ("actors",))[1]["id"] if actor else None,
        place=resolve_name(store, place, ("places",))[1]["id"] if place else None,
        type=etype, start=start, end=end, contested=contested,
    )


def check_date(label: str, value: str | None) -> None:
    from maliterm import dates

    if value and (why := dates.problem(value)):
        raise click.BadParameter(f"{why} (expected {dates.FORMAT_HINT})", param_hint=label)
