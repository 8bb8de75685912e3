"""Where the store lives (--db, else PERFTUI_DB, else the user data directory) and which scope
the environment names (PERFTUI_APP, PERFTUI_ENV): the settings read from the environment.

Plain os.path (no pathlib): the recorder resolves the path inside host apps' start-up.
"""

from __future__ import annotations

import os
import sys

STORE_FILENAME = "perftui.db"
DEMO_FILENAME = "demo.db"


def user_data_dir() -> str:
    """The per-user data directory for perftui, following each platform's convention."""
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(home, "Library", "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or os.path.join(home, ".local", "share")
    return os.path.join(base, "perftui")


def resolve_store_path(explicit: str | os.PathLike | None = None) -> str:
    """The store path to use: explicit argument, then PERFTUI_DB, then the user data dir."""
    if explicit:
        return os.fspath(explicit)
    env = os.environ.get("PERFTUI_DB")
    if env:
        return env
    return os.path.join(user_data_dir(), STORE_FILENAME)


def default_demo_path() -> str:
    return os.path.join(user_data_dir(), DEMO_FILENAME)


def env_scope(app: str | None = None,
              environment: str | None = None) -> tuple[str | None, str | None]:
    """The scope the arguments name, else PERFTUI_APP / PERFTUI_ENV (each may stay None)."""
    return (app or os.environ.get("PERFTUI_APP") or None,
            environment or os.environ.get("PERFTUI_ENV") or None)
