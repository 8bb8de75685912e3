"""Where the store lives: --db, else PERFTUI_DB, else the user data directory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

STORE_FILENAME = "perftui.db"
DEMO_FILENAME = "demo.db"


def user_data_dir() -> Path:
    """The per-user data directory for perftui, following each platform's convention."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "perftui"


def resolve_store_path(explicit: str | os.PathLike | None = None) -> str:
    """The store path to use: explicit argument, then PERFTUI_DB, then the user data dir."""
    if explicit:
        return str(explicit)
    env = os.environ.get("PERFTUI_DB")
    if env:
        return env
    return str(user_data_dir() / STORE_FILENAME)


def default_demo_path() -> str:
    return str(user_data_dir() / DEMO_FILENAME)
