"""User settings (the theme, for now): one small JSON file in the user's config folder.

MALITERM_CONFIG points elsewhere (tests use it so they never read a developer's own settings).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson
from platformdirs import user_config_dir

from maliterm.storage import save_atomic


def config_path() -> Path:
    env = os.environ.get("MALITERM_CONFIG")
    return Path(env) if env else Path(user_config_dir("maliterm")) / "config.json"


@dataclass
class Settings:
    theme: str = "textual-dark"
    """Name of the Textual theme; maliterm adds `maliterm-high-contrast` for sunlight."""


def load() -> Settings:
    """The saved settings; defaults when the file is missing or unreadable (settings never block work)."""
    try:
        raw = orjson.loads(config_path().read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return Settings()
    known = {k: v for k, v in raw.items() if k in Settings.__dataclass_fields__ and isinstance(v, str)} \
        if isinstance(raw, dict) else {}
    return Settings(**known)


def save(settings: Settings) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_atomic(path, asdict(settings))
