"""Opening a store by where it lives: --db, else PERFTUI_DB, else the user data directory.

    db = open_store(path, readonly=False, create=True)   # creates and migrates if needed
    with db.transaction(): ...
    db.close()
"""

from __future__ import annotations

from perftui.store.engine import Database
from perftui.store.location import resolve_store_path


def open_store(path: str | None = None, *, readonly: bool = False,
               create: bool = False) -> Database:
    """Open the store at `path` (or PERFTUI_DB, or the user data dir).

    `create=False` (the default for read commands) refuses a missing store with StoreMissing.
    Schema checks and migrations run first, so every failure is a one-line StoreError.
    """
    from perftui.store.sqlite import connect

    return connect(resolve_store_path(path), create=create, readonly=readonly)
