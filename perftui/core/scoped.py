"""The scope a read command works on, or a one-line error saying why there is none."""

from __future__ import annotations

from perftui.core.errors import InputError
from perftui.core.scope import resolve_scope


def require_scope(app: str | None, environment: str | None) -> tuple[str, str]:
    """(app, environment) from the arguments, the environment or the newest snapshot;
    InputError when the store has no snapshots to take a scope from."""
    scope = resolve_scope(app, environment)
    if scope is None:
        raise InputError("the store has no snapshots yet (record one, import history, or try "
                         "`perftui demo`)")
    return scope


def scope_dict(scope: tuple[str, str]) -> dict:
    return {"app": scope[0], "environment": scope[1]}
