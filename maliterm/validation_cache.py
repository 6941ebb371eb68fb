"""Remember which file contents passed validation, so reopening an unchanged file skips the check.

Checking every field of a 100k-event file costs twice its parse; an analyst reopens the
same file day after day, or a file maliterm itself just saved (and checked before saving).
The cache holds SHA-256 digests of whole files, keyed by the validator's own source, so a
changed file or a changed validator is always checked again. It lives in the user's cache
folder (MALITERM_CACHE points elsewhere); losing it only costs time.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import orjson
from platformdirs import user_cache_dir

KEEP = 32  # digests remembered; the oldest goes first


def cache_path() -> Path:
    env = os.environ.get("MALITERM_CACHE")
    return Path(env) if env else Path(user_cache_dir("maliterm")) / "validated.json"


@lru_cache(maxsize=1)
def validator_key() -> str:
    """Changes whenever the rules can: the modules that define them, and the package version."""
    from maliterm import __version__, dates, model, validate

    h = hashlib.sha256(__version__.encode())
    for module in (validate, model, dates):
        assert module.__file__ is not None  # a module of this package, read from its file
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def _read() -> list[str]:
    try:
        raw = orjson.loads(cache_path().read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return []
    if not isinstance(raw, dict) or raw.get("validator") != validator_key():
        return []
    digests = raw.get("digests")
    return [d for d in digests if isinstance(d, str)] if isinstance(digests, list) else []


def known_valid(digest: str) -> bool:
    return digest in _read()


def remember(digest: str) -> None:
    """Record a digest as valid; best effort (a read-only home must not stop work)."""
    from maliterm.storage import save_atomic

    digests = [d for d in _read() if d != digest][-(KEEP - 1):] + [digest]
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        save_atomic(path, {"validator": validator_key(), "digests": digests})
    except OSError:
        pass
