"""Opening a store by where it lives: --db, else PERFTUI_DB, else the user data directory.
A `postgresql://` URL is a PostgreSQL store; anything else is an SQLite file.

    db = open_store(where, readonly=False, create=True)   # creates and migrates if needed
    with db.transaction(): ...
    db.close()
"""

from __future__ import annotations

from perftui.store.engine import Database
from perftui.store.location import resolve_store_path


def open_store(where: str | None = None, *, readonly: bool = False, create: bool = False,
               busy_timeout_ms: int | None = None) -> Database:
    """Open the store at `where` (or PERFTUI_DB, or the user data dir).

    `create=False` (the default for read commands) refuses a missing store with StoreMissing.
    Schema checks and migrations run first, so every failure is a one-line StoreError.
    """
    location = resolve_store_path(where)
    if is_url(location):
        from perftui.store.postgres import connect as connect_postgres

        return connect_postgres(location, create=create, readonly=readonly,
                                busy_timeout_ms=busy_timeout_ms)
    from perftui.store.sqlite import connect

    return connect(location, create=create, readonly=readonly, busy_timeout_ms=busy_timeout_ms)


def is_url(where: str | None) -> bool:
    """Whether `where` names a database server (postgresql://…) rather than a file."""
    return bool(where) and str(where).startswith(("postgresql://", "postgres://"))


def display(where: str) -> str:
    """`where` as it may be shown: a URL's password is masked."""
    if is_url(where):
        from perftui.store.postgres import mask

        return mask(where)
    return where
