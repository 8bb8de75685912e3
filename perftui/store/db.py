"""The composition root of the peewee side: bind the models to one store file.

    store = open_store(path)            # creates and migrates (via perftui.store.sqlite) if needed
    with store.atomic(): ...
    store.close()

`Store` also hands out a raw sqlite3 connection (`store.raw()`) for the recorder's write path
(imports, `perftui record`), so both sides share one file, one set of pragmas and one error
vocabulary.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from perftui.store import sqlite as sq
from perftui.store.errors import StoreError, classify
from perftui.store.location import resolve_store_path
from perftui.store.models import ALL_MODELS, database


class Store:
    def __init__(self, path: str, readonly: bool):
        self.path = path
        self.readonly = readonly
        self._raw: sqlite3.Connection | None = None
        if readonly:
            name = sq.readonly_uri(path)
            pragmas = {"busy_timeout": sq.BUSY_TIMEOUT_MS, "foreign_keys": 1}
            self.db = SqliteDatabase(name, uri=True, pragmas=pragmas, check_same_thread=False)
        else:
            pragmas = dict(sq.PRAGMAS)
            self.db = SqliteDatabase(path, pragmas=pragmas, check_same_thread=False)
        database.initialize(self.db)

    def atomic(self):
        return self.db.atomic("IMMEDIATE") if not self.readonly else self.db.atomic()

    def raw(self) -> sqlite3.Connection:
        """A stdlib sqlite3 connection to the same store (autocommit; callers BEGIN themselves)."""
        if self._raw is None:
            self._raw = sq.connect(self.path, readonly=self.readonly)
        return self._raw

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()
            self._raw = None
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(path: str | None = None, *, readonly: bool = False, create: bool = False) -> Store:
    """Open the store at `path` (or PERFTUI_DB, or the user data dir) for the ORM side.

    `create=False` (the default for read commands) refuses a missing store with StoreMissing.
    Schema checks and migrations run first through `perftui.store.sqlite.connect`, so every
    failure is a one-line StoreError.
    """
    resolved = resolve_store_path(path)
    conn = sq.connect(resolved, create=create, readonly=readonly)
    conn.close()
    store = Store(resolved, readonly)
    try:
        store.db.connect(reuse_if_open=True)
        store.db.execute_sql("SELECT count(*) FROM metrics").fetchone()
    except StoreError:
        raise
    except Exception as exc:
        store.close()
        raise classify(exc, resolved) from None
    return store


__all__ = ["Store", "open_store", "ALL_MODELS"]
