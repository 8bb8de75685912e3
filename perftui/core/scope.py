"""Which app and environment a command looks at, and who is acting."""

from __future__ import annotations

import getpass

from perftui.errors import InputError
from perftui.store.engine import Database
from perftui.store.location import env_scope
from perftui.store.snapshots import newest_scope, scope_list, scopes


def resolve_scope(db: Database, app: str | None,
                  environment: str | None) -> tuple[str, str] | None:
    """Explicit app/env, else PERFTUI_APP/PERFTUI_ENV, else the scope of the newest snapshot."""
    app, environment = env_scope(app, environment)
    if app and environment:
        return app, environment
    newest = newest_scope(db, app, environment)
    if newest is None:
        if app or environment:
            return app or "default", environment or "local"
        return None
    return newest


def require_scope(db: Database, app: str | None, environment: str | None) -> tuple[str, str]:
    """(app, environment) from the arguments, the environment or the newest snapshot;
    InputError when the store has no snapshots to take a scope from."""
    scope = resolve_scope(db, app, environment)
    if scope is None:
        raise InputError("the store has no snapshots yet (record one, import history, or try "
                         "`perftui demo`)")
    return scope


def known_scopes(db: Database) -> list[dict]:
    """Every scope of the store, newest first: [{app, environment, latest}] (a few index seeks
    per scope, whatever the store's size; what `status` returns as its `scopes`)."""
    return scope_list(db)


def scope_counts(db: Database) -> list[dict]:
    """Every scope with its run count: [{app, environment, snapshots, latest}], newest first.
    Counting reads every snapshot (about 0.2 s at a million): for a person who asked to see
    the counts (the TUI's command palette), not for anything that runs at every refresh."""
    return scopes(db)


def scope_dict(scope: tuple[str, str]) -> dict:
    return {"app": scope[0], "environment": scope[1]}


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers, odd environments)
        return "unknown"
