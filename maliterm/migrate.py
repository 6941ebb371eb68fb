"""Bring a database written by an older maliterm up to the schema this one reads.

`migrate(data) -> data` is pure (the input is never changed; untouched tables are shared,
not copied) and idempotent (a current file comes back as it is). It runs on every load,
before the validation cache is asked, so a cached digest can never let an old file skip it.
Nothing is written here: the file on disk keeps its old version until the user saves, and
the save keeps those old bytes as `<name>.bak`.

A file from a newer maliterm is refused (`SchemaTooNew`): reading it could silently drop
what this code does not know, and a save would then lose it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from maliterm import model as m
from maliterm.errors import MalitermError


class SchemaTooNew(MalitermError):
    """The file's schema_version is newer than this code reads."""

    def __init__(self, found: int) -> None:
        self.found = found
        super().__init__(f"written by a newer maliterm: schema {found}, this one reads up to {m.SCHEMA_VERSION}")


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 only adds (kinds, types, dates with an open end or `?`, alias objects, `places`,
    `born`/`died`, `ended_by`): every version-1 record is already a version-2 record, so only
    the version number changes. Adding rather than reshaping is deliberate: a v1 file keeps
    every byte of its records, and code that reads `place` stays right for one-place events."""
    return {**data, "meta": {**data["meta"], "meta": {**data["meta"]["meta"], "schema_version": 2}}}


# From version N to N+1.
STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def schema_version(data: object) -> int | None:
    """The file's declared schema version, or None when it has none that can be read."""
    try:
        version = data["meta"]["meta"]["schema_version"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    return version if type(version) is int else None


def migrate(data: object) -> object:
    """`data` in the current schema. A file too broken to say its version is returned as it is,
    for validation to report; raises `SchemaTooNew` for a file from a newer maliterm."""
    version = schema_version(data)
    if version is None:
        return data
    if version > m.SCHEMA_VERSION:
        raise SchemaTooNew(version)
    while version in STEPS:
        data = STEPS[version](data)  # type: ignore[arg-type]
        version += 1
    return data
