"""One error family shared by the CLI (prints and exits) and the TUI (shows and exits)."""

from __future__ import annotations

from dataclasses import dataclass


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
        out = [str(p) for p in self.problems]
        if self.msg:
            out.append(self.msg)
        return out or [self.title]

    def text(self) -> str:
        return "\n".join(self.lines())


class InvalidDatabase(MalitermError):
    """The file cannot be opened: missing, unreadable, not JSON, or failing validation."""


class NotFound(MalitermError):
    """A name or id matched nothing; `suggestions` holds the closest matches."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f" Closest: {', '.join(suggestions)}." if suggestions else ""
        super().__init__(f"Nothing is called {query!r}.", msg=f"Nothing is called {query!r}.{hint}")


class ReadOnly(MalitermError):
    """A write was attempted on a database opened read-only."""


class FileChanged(MalitermError):
    """The file on disk is not the one this session loaded or last saved: reload before editing."""


class Referenced(MalitermError):
    """A record cannot be deleted alone: others refer to it (`problems` names each reference)."""


class NotSaved(MalitermError):
    """The disk refused a save (full, gone, no permission): nothing was written, memory unchanged."""


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
