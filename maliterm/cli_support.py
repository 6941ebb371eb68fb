"""What every command module shares: the output consoles, the common options, error handling, opening the store.

Below `cli.py` and the command modules of `interchange/`, so they import it and never each other.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
import orjson
from rich.console import Console

from maliterm.errors import MalitermError
from maliterm.safe import json_text, one_line

if TYPE_CHECKING:
    from maliterm.store import Store

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
