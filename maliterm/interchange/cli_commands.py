"""The interchange commands: `import acled|json`, `export FORMAT`, `merge`, `merge-driver`."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from maliterm.cli_support import db_option, err, event_filter, handles_errors, open_store, out
from maliterm.errors import InvalidDatabase, MalitermError, Problem
from maliterm.interchange.importers import ImportGroup
from maliterm.interchange.importers import register as register_importer
from maliterm.interchange.merge import NOTE_FIELDS, POLICIES, Conflict, MergeReport, merge, resolve, show
from maliterm.untrusted import one_line

FILE = click.Path(path_type=Path, dir_okay=False)


def say(console, lines: list[str]) -> None:
    """Print report lines; each may quote a file's text, so each is made one safe line."""
    for line in lines:
        console.print(one_line(line), markup=False, highlight=False, soft_wrap=True)  # one line each, for grep


@click.group("import", cls=ImportGroup)
def import_() -> None:
    """Bring data in: FORMAT FILE, one of the formats below."""


@register_importer("acled", (".csv",), "Events, actors and places from an ACLED CSV export; a dry run unless "
                   "`--apply`; re-importing changes nothing")
@click.command("acled")
@click.argument("file", type=FILE)
@click.option("--apply", "do_apply", is_flag=True, help="Write the records (default: a dry run that only reports).")
@db_option
@click.pass_context
@handles_errors
def import_acled(ctx: click.Context, file: Path, do_apply: bool, db: Path | None) -> None:
    """Import FILE, a CSV exported from ACLED; re-importing it changes nothing.

    Lists what would be added, matched and skipped; --apply writes it all at once.
    Bad rows are reported as FILE:LINE and skipped whole.
    """
    from rich.progress import Progress

    from maliterm.interchange import acled

    store = open_store(ctx, db, read_only=not do_apply)
    with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("Reading rows", total=None)
        plan = acled.plan_import(store, file, lambda done, total: bar.update(task, completed=done, total=total))
    say(err, [str(p) for p in plan.skipped])
    if do_apply:
        acled.apply(store, plan)
    say(out, plan.lines(applied=do_apply))


@register_importer("json", (".json",), "Another laptop's maliterm file, merged record by record (as `maliterm merge`)")
@click.command("json")
@click.argument("file", type=FILE)
@click.option("--keep", type=click.Choice(POLICIES), help="How to settle conflicts without asking.")
@db_option
@click.pass_context
@handles_errors
def import_json(ctx: click.Context, file: Path, keep: str | None, db: Path | None) -> None:
    """Bring in another laptop's maliterm file: the same as `maliterm merge FILE`."""
    ctx.invoke(merge_cmd, theirs=file, base=None, keep=keep, db=db)


class Registered(click.Choice):
    """A choice among a registry's names as they are when asked, so a format registered after this
    module was imported is offered (and listed by --help) too."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self.names = names
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(self.names())

    @choices.setter
    def choices(self, value: object) -> None:
        pass  # click.Choice.__init__ sets it: the registry is the source


class ExportCommand(click.Command):
    """`export`, whose help lists the registered formats with what each can be narrowed by."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from maliterm.interchange.exporters import EXPORTERS, FILTERS

        super().format_help_text(ctx, formatter)
        with formatter.section("Formats"):
            formatter.write_dl([(e.name, f"{e.description} ({e.suffix}; narrowed by "
                                 f"{', '.join(FILTERS[f] for f in e.filters) or 'nothing'})")
                                for e in EXPORTERS.values()])


def _export_names() -> Iterable[str]:
    from maliterm.interchange.exporters import EXPORTERS

    return EXPORTERS


@click.command("export", cls=ExportCommand)
@click.argument("fmt", metavar="FORMAT", type=Registered(_export_names))
@click.option("--actor", help="Only this actor and its circle (name, alias or id).")
@click.option("--place", help="Only events at this place or within it (name, alias or id).")
@click.option("--from", "start", help="Only events from this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--to", "end", help="Only events up to this date.")
@click.option("-o", "--output", type=FILE, help="Write to this file (default: standard output).")
@db_option
@click.pass_context
@handles_errors
def export(ctx: click.Context, fmt: str, actor: str | None, place: str | None, start: str | None,
           end: str | None, output: Path | None, db: Path | None) -> None:
    """Export the database in FORMAT, or the part the filters name; a format that cannot honour a
    filter refuses it rather than export more than asked."""
    from maliterm.interchange.exporters import Scope, check_scope, export_to, render

    check_scope(fmt, Scope(actor=actor, place=place, start=start, end=end))  # before the file is read
    store = open_store(ctx, db)
    f = event_filter(store, actor, place, None, start, end, False)
    scope = Scope(actor=f.actor, place=f.place, start=f.start, end=f.end)
    if output:
        export_to(store, fmt, output, scope)
        say(err, [f"wrote {output}"])
    else:
        sys.stdout.write(render(store, fmt, scope))


def ask(conflict: Conflict) -> str:
    say(err, [f"Conflict in {conflict.where}:", f"  ours:   {show(conflict.ours)}", f"  theirs: {show(conflict.theirs)}"])
    return click.prompt("Keep", type=click.Choice(POLICIES), default="contested", err=True)


def merged_or_fail(ours: dict, theirs: dict, base: dict | None, choose: Callable[[Conflict], str] | None,
                   where: str) -> tuple[dict, MergeReport]:
    """Merge, settle conflicts with `choose` (a policy, or asking), and check the result is a valid database."""
    from maliterm.validate import validate

    merged, report = merge(base, ours, theirs)
    if report.conflicts and choose:
        resolve(merged, report, choose, theirs)
    problems = validate(merged, where)
    if problems:
        raise InvalidDatabase("the merged database would not be valid; nothing written", problems)
    return merged, report


@click.command("merge")
@click.argument("theirs", type=FILE)
@click.option("--base", type=FILE, help="The common ancestor of both files, for a three-way merge.")
@click.option("--keep", type=click.Choice(POLICIES),
              help="Settle conflicts without asking: ours, theirs, or contested (both claims kept, cited).")
@db_option
@click.pass_context
@handles_errors
def merge_cmd(ctx: click.Context, theirs: Path, base: Path | None, keep: str | None, db: Path | None) -> None:
    """Merge THEIRS (another copy of the database) into --db; a report says what came in."""
    from maliterm.store import load_valid

    store = open_store(ctx, db, read_only=False)
    ours = {t: store.tables[t] for t in store.tables}
    interactive = sys.stdin.isatty() and err.is_terminal
    merged, report = merged_or_fail(ours, load_valid(theirs), load_valid(base) if base else None,
                                    (lambda c: keep) if keep else (ask if interactive else None), str(store.path))
    say(out, report.lines(str(theirs)))
    if report.unresolved:
        raise MalitermError("unresolved conflicts", msg=f"{len(report.unresolved)} conflicts and no way to ask: "
                            "nothing written. Rerun with --keep ours, theirs or contested.")
    store.write_many(((t, rid, merged.get(t, {}).get(rid)) for t in set(ours) | set(merged)
                      for rid in ours.get(t, {}) | merged.get(t, {})), summary=f"merge of {theirs.name}")


@click.command("merge-driver")
@click.argument("base", type=FILE)
@click.argument("ours", type=FILE)
@click.argument("theirs", type=FILE)
@click.argument("name", required=False, default="")
@click.option("--keep", type=click.Choice(POLICIES), help="Settle conflicts instead of leaving them to you.")
@handles_errors
def merge_driver(base: Path, ours: Path, theirs: Path, name: str, keep: str | None) -> None:
    """Git merge driver: merge %O (BASE) %A (OURS) %B (THEIRS) into %A; %P (NAME) names the file.

    `maliterm sync` sets it up; by hand: `git config merge.maliterm.driver "maliterm merge-driver
    %O %A %B %P"` and the line `db.json merge=maliterm` in .gitattributes. %A always ends up
    holding both sides: a field changed differently on both keeps ours, with theirs beside it in
    a contested fact (a note for sources); then the driver exits 1 so git stops for you to choose.
    """
    from maliterm.storage import load_file, read_bytes, save_atomic
    from maliterm.store import load_valid

    # Git passes an empty %O when the two branches added the file independently.
    base_data = load_file(base) if read_bytes(base).strip() else None
    if not isinstance(base_data, dict):
        base_data = None  # an ancestor that is not a database gives no history to go by
    # Without a policy both sides of a conflict are kept (contested) and git stops for a person.
    merged, report = merged_or_fail(load_valid(ours), load_valid(theirs), base_data, lambda c: keep or "contested",
                                    str(ours))
    choices = [] if keep else report.conflicts
    save_atomic(ours, merged)
    say(err, report.lines(f"the other branch's {name}" if name else str(theirs)))
    if choices:
        raise MalitermError("conflicts to choose", [Problem(name or str(ours), c.where, "changed on both sides",
                                                            f"your choice; ours is in the field, {kept_where(c)}")
                                                    for c in choices], msg=resolution_steps(name or "the file"))


def kept_where(c: Conflict) -> str:
    if c.resolution == "noted":
        return f"theirs noted in {c.table}/{c.rid}.{NOTE_FIELDS[c.table]}"
    if c.field.startswith("facts["):
        return "both claims in that contested fact"
    return f"theirs in a contested fact about {c.field!r}"


def resolution_steps(name: str) -> str:
    return (f"{name} holds both sides' work; git stopped so a person can choose. To choose another value than "
            "ours, edit the field (maliterm, e on the record); the contested fact keeps both claims, cited. "
            f"Then finish the merge: git add {name} && git commit --no-edit (maliterm sync does both and pushes).")


@click.command("sync")
@click.argument("remote", required=False)
@db_option
@click.pass_context
@handles_errors
def sync(ctx: click.Context, remote: str | None, db: Path | None) -> None:
    """Share the database through git: commit it, pull REMOTE (merging records), push.

    REMOTE is a remote's name, a path (a bare repository on a USB stick: git init --bare
    /media/usb/team.git) or a git URL; without it, the clone's own remote. The first time,
    a path or URL given to a clone without remotes is remembered as `origin`. The merge
    driver is set up in the clone on every run: no git config by hand.
    """
    from maliterm.interchange import gitsync

    store = open_store(ctx, db, read_only=False)  # checks the file, and holds the writer lock while git works
    try:
        if store.read_only:
            raise MalitermError("cannot sync", msg=f"{one_line(store.path)}: {one_line(store.read_only_reason)}. "
                                "Close the other maliterm that has it open, then sync again.")
        gitsync.sync(store.path, remote, lambda text: say(out, text.split("\n")))  # git's lines, each made safe
    finally:
        store.close()
