"""One error family shared by the CLI (prints and exits) and the TUI (shows and exits)."""

from __future__ import annotations

from dataclasses import dataclass

from maliterm.untrusted import one_line


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a database file: where it is and what was expected."""

    path: str
    where: str  # "table/id.field", or "" for the whole file
    what: str
    expected: str = ""

    def __str__(self) -> str:
        where = f"{self.where}: " if self.where else ""
        expected = f" (expected {self.expected})" if self.expected else ""
        return f"{self.path}: {where}{self.what}{expected}"


class MalitermError(Exception):
    """An error the user can act on. `title` is short; `problems` lists each issue found."""

    def __init__(self, title: str, problems: list[Problem] | None = None, msg: str = "") -> None:
        self.title = title
        self.problems = problems or []
        self.msg = msg
        super().__init__(self.text())

    def lines(self) -> list[str]:
        """The message as lines safe to print: a key, name or path in a problem may hold
        escapes or newlines, and no line may obey or fake a line with them. `msg` is our
        own text (a newline in it breaks the line); data put into it must be `one_line` first."""
        out = [one_line(p) for p in self.problems]
        if self.msg:
            out += [one_line(line) for line in self.msg.split("\n")]
        return out or [one_line(self.title)]

    def text(self) -> str:
        return "\n".join(self.lines())


class InvalidDatabase(MalitermError):
    """The file cannot be opened: missing, unreadable, not JSON, or failing validation."""


class NotFound(MalitermError):
    """A name or id matched nothing; `suggestions` holds the closest matches."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Closest: {', '.join(map(one_line, suggestions))}." if suggestions else ""
        super().__init__(f"Nothing is called {query!r}.", msg=f"Nothing is called {query!r}.{hint}")


class Ambiguous(NotFound):
    """A name matched several records; `candidates` are their ids, in table then id order."""

    def __init__(self, query: str, candidates: list[str], names: list[str]) -> None:
        self.query = query
        self.candidates = candidates
        self.suggestions = [f"{n} ({c})" for n, c in zip(names, candidates)]
        listing = "; ".join(self.suggestions)
        MalitermError.__init__(self, f"{query!r} matches {len(candidates)} records.",
                               msg=f"{query!r} matches {len(candidates)} records: {listing}. Give a full name or an id.")


class ReadOnly(MalitermError):
    """A write was attempted on a database opened read-only."""


class FileChanged(MalitermError):
    """The file on disk is not the one this session loaded or last saved: reload before editing."""


class Referenced(MalitermError):
    """A record cannot be deleted alone: others refer to it (`problems` names each reference)."""


class SaveFailed(MalitermError, OSError):
    """The disk refused a save (full, read-only, permission, ownership): nothing was changed.

    Also an OSError, with the kernel's `errno`, so best-effort writers (the validation cache,
    the settings file) that let a disk error pass still do."""

    def __init__(self, title: str, problems: list[Problem] | None = None, errno: int | None = None) -> None:
        super().__init__(title, problems)
        self.errno = errno


class Conflict(MalitermError):
    """A field an edit changes was changed meanwhile by someone else (on disk or by another edit).

    `fields` maps each such field to (the value the form started from, theirs now, mine)."""

    def __init__(self, ref: str, fields: dict[str, tuple[object, object, object]], path: str = "") -> None:
        self.ref = ref
        self.fields = fields
        super().__init__(f"{ref} was changed meanwhile", [
            Problem(path, f"{ref}.{name}", f"changed by someone else to {theirs!r} while you changed it to {mine!r}",
                    "a choice: keep theirs, or save yours over it")
            for name, (_, theirs, mine) in fields.items()])
