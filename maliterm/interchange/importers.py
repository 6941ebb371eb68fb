"""The registry of import formats: the one list `maliterm import`'s commands and README's table of
import formats are made from.

An importer registers its click command once (`register`) with its name, the file suffixes it
reads and a one-line description; `maliterm import NAME FILE` then runs it. Importers take
different options (`--apply`, `--keep`, `--title`...), so each keeps its own command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Importer:
    name: str  # `maliterm import NAME`
    suffixes: tuple[str, ...]  # the files it reads, as README lists them
    description: str  # one line: `import --help` and README's table
    command: click.Command


IMPORTERS: dict[str, Importer] = {}


def register(name: str, suffixes: tuple[str, ...], description: str) -> Callable[[click.Command], click.Command]:
    """Decorator over a click command: make it `maliterm import NAME`, in the order registered."""
    def add(command: click.Command) -> click.Command:
        if name in IMPORTERS:
            raise ValueError(f"importer {name!r} is registered already")
        IMPORTERS[name] = Importer(name, suffixes, description, command)
        return command
    return add


class ImportGroup(click.Group):
    """`maliterm import`: its subcommands are the registered importers, as they are when asked."""

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:  # what click and tests walking the CLI read
        return {i.name: i.command for i in IMPORTERS.values()}

    @commands.setter
    def commands(self, value: object) -> None:
        pass  # click.Group.__init__ sets it: the registry is the source

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(IMPORTERS)  # in the order registered, not sorted

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Formats"):
            formatter.write_dl([(i.name, f"{i.description} ({', '.join(i.suffixes)})") for i in IMPORTERS.values()])


def readme_table() -> str:
    """README's table of import formats (between its `importers` markers), from the registry."""
    rows = ["| format | files | what it brings in |", "|---|---|---|"]
    rows += [f"| `maliterm import {i.name}` | {', '.join(f'`{s}`' for s in i.suffixes)} | {i.description} |"
             for i in IMPORTERS.values()]
    return "\n".join(rows)
