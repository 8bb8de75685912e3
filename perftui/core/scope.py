"""Which app and environment a command looks at, and who is acting."""

from __future__ import annotations

import getpass
import os

from perftui.store import queries


def resolve_scope(app: str | None, environment: str | None) -> tuple[str, str] | None:
    """Explicit app/env, else PERFTUI_APP/PERFTUI_ENV, else the scope of the newest snapshot."""
    app = app or os.environ.get("PERFTUI_APP")
    environment = environment or os.environ.get("PERFTUI_ENV")
    if app and environment:
        return app, environment
    newest = queries.newest_scope(app, environment)
    if newest is None:
        if app or environment:
            return app or "default", environment or "local"
        return None
    return newest


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
