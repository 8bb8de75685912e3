"""One open store: a database connection, its dialect, one transaction helper, classified errors.

Every query in `perftui.store` takes a `Database` as its first argument and runs SQL text
through `db.execute(sql, params)` with `?` placeholders. The few engine-specific pieces live in
a `Dialect` (the seam a second engine fills in): how a write transaction begins, index hints,
epoch seconds of a timestamp column, the cheap "has anything changed" token. Everything else is
written in the portable forms both engines speak (`ON CONFLICT … DO UPDATE`, `RETURNING`).

Errors are classified here, once: a driver error raised by `execute`, by fetching rows or by
ending a transaction becomes the `perftui.errors.StoreError` a person can act on (locked,
read-only, disk full, corrupt …). Constraint and programming errors are not classified: those
are bugs, and stay loud.

Standard library only: the recorder opens a Database inside host applications' start-up.
"""

from __future__ import annotations

import os


def _import_sqlite():
    """The C module `_sqlite3` itself: the sqlite3 package's wrapper registers datetime adapters
    (and imports datetime) for about 2 ms of a host application's start-up; perftui needs neither.

    On Python 3.11+ `_sqlite3` also imports `functools` when it loads, for one name: `lru_cache`,
    which it wraps around each connection as its statement cache. In a host that has not
    imported functools yet, that import (functools, collections, keyword, operator, reprlib,
    types) is about 3 ms of the recorder's cost. So while `_sqlite3` loads in such a host, it
    finds a stand-in module whose `lru_cache` builds the very same C cache functools' own
    would (`_functools._lru_cache_wrapper`); the stand-in leaves `sys.modules` right after.
    Only when nothing else can be importing at that moment: no `threading` module loaded
    (it imports functools itself), so the host runs no other Python thread."""
    import sys

    modules = sys.modules
    if "_sqlite3" in modules or "functools" in modules or "threading" in modules:
        import _sqlite3
        return _sqlite3
    from _functools import _lru_cache_wrapper

    def lru_cache(maxsize=128, typed=False):
        def decorating_function(user_function):
            return _lru_cache_wrapper(user_function, maxsize, typed, _cache_info)
        return decorating_function

    stand_in = type(sys)("functools")
    stand_in.lru_cache = lru_cache
    modules["functools"] = stand_in
    try:
        import _sqlite3
    finally:
        if modules.get("functools") is stand_in:
            del modules["functools"]
    return _sqlite3


def _cache_info(hits, misses, maxsize, currsize):
    return (hits, misses, maxsize, currsize)


try:
    sqlite3 = _import_sqlite()
except ImportError:  # pragma: no cover - an interpreter without the split
    import sqlite3


class Dialect:
    """The engine-specific SQL fragments (SQLite's here; PostgreSQL's in `store.postgres`)."""

    name = "sqlite"
    begin_write = "BEGIN IMMEDIATE"
    migration_lock: str | None = None   # SQLite's BEGIN IMMEDIATE already serialises writers
    cross_join = "CROSS JOIN"           # SQLite: a CROSS JOIN keeps the join order as written
    # errors that say something about the store (not bugs in our SQL)
    operational = (sqlite3.OperationalError, sqlite3.DatabaseError)
    bugs = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)
    integrity = sqlite3.IntegrityError  # a row that conflicts with one the store holds

    def indexed(self, index: str) -> str:
        """An index hint after a table name (SQLite's planner needs it on a few hot reads)."""
        return f" INDEXED BY {index}"

    def epoch(self, column: str) -> str:
        """Epoch seconds of an ISO-8601 UTC text column, computed by the database."""
        return f"((julianday({column}) - 2440587.5) * 86400.0)"

    def temp_index(self, name: str) -> str:
        """The name of an index on a temporary table, as CREATE INDEX wants it."""
        return f"temp.{name}"

    def before_commit(self, db: "Database") -> None:
        """Work at the end of every write transaction: SQLite refuses to commit into a file
        that is no longer the store at its path (deleted or replaced while open: a commit
        would succeed into a file nobody reads); PostgreSQL announces the change."""
        moved = db.moved()
        if moved:
            from perftui.errors import StoreMoved

            raise StoreMoved(f"{db.path} was {moved} while perftui had it open; this change "
                             "was not saved (run the command again)")

    def after_explicit_ids(self, db: "Database", table: str) -> None:
        """Rows were inserted with explicit ids (bulk import): let the id generator know."""

    def lock_for_bulk(self, db: "Database") -> None:
        """Inside a write transaction, before a bulk insert that assigns ids itself."""

    def change_token(self, db: "Database") -> int:
        """A number that moves whenever another connection (any process) commits to the store;
        costs microseconds, so the TUI can poll it for live refresh."""
        if db.frozen is not None:  # opened immutable: the files themselves are the token
            return hash(file_signature(db.path))
        return db.scalar("PRAGMA data_version")

    def sql(self, text: str) -> str:
        """The statement as this engine's driver takes it (placeholders are already `?`)."""
        return text


SQLITE = Dialect()


def file_identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def file_signature(path: str) -> tuple:
    """What changes when anyone writes to an SQLite store: the identity, size and time of the
    store file and of its write-ahead log, and whether its shared-memory file exists."""
    found = []
    for suffix in ("", "-wal"):
        try:
            st = os.stat(path + suffix)
            found.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            found.append(None)
    found.append(os.path.exists(path + "-shm"))
    return tuple(found)


class Rows:
    """A cursor whose fetches classify store errors (a corrupt page can surface mid-read)."""

    __slots__ = ("_cursor", "_db")

    def __init__(self, cursor, db: "Database"):
        self._cursor, self._db = cursor, db

    def fetchone(self):
        try:
            return self._cursor.fetchone()
        except self._db.dialect.operational as exc:
            raise self._db.classify(exc) from None

    def fetchall(self) -> list:
        try:
            return self._cursor.fetchall()
        except self._db.dialect.operational as exc:
            raise self._db.classify(exc) from None

    def fetchmany(self, size: int) -> list:
        try:
            return self._cursor.fetchmany(size)
        except self._db.dialect.operational as exc:
            raise self._db.classify(exc) from None

    def __iter__(self):
        return iter(self.fetchall())

    def scalar(self):
        row = self.fetchone()
        return row[0] if row is not None else None

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def description(self):
        return self._cursor.description


class Transaction:
    """`with db.transaction():` (a plain class: contextlib costs a host app half a millisecond
    to import)."""

    __slots__ = ("db",)

    def __init__(self, db: "Database"):
        self.db = db

    def __enter__(self) -> "Database":
        self.db._begin()
        return self.db

    def __exit__(self, kind, exc, tb) -> None:
        self.db._end(exc)


class Database:
    """An open store. Create one with `perftui.store.open_store` (or, inside the recorder,
    `perftui.store.sqlite.connect`); close it with `close()` or a `with` block."""

    def __init__(self, conn, path: str, *, readonly: bool = False, dialect: Dialect = SQLITE):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.dialect = dialect
        self._depth = 0
        self.identity: tuple[int, int] | None = None   # SQLite: the file this connection opened
        self.frozen: tuple | None = None   # SQLite opened immutable: the files' signature then

    # ------------------------------------------------------------------ the file behind it

    def moved(self) -> str | None:
        """'deleted' or 'replaced' when the store's path no longer names the file this
        connection opened (SQLite); None while it does, and always for a server."""
        if self.identity is None:
            return None
        now = file_identity(self.path)
        if now is None:
            return "deleted" if not os.path.lexists(self.path) else None
        return None if now == self.identity else "replaced"

    def outdated(self) -> bool:
        """True when reads on this connection no longer show the store: its file was deleted
        or replaced, or (opened immutable, see `store.sqlite.readonly_uri`) someone has written
        to it since. A long-lived reader (the TUI) opens the store again."""
        if self.moved():
            return True
        return self.frozen is not None and file_signature(self.path) != self.frozen

    # ------------------------------------------------------------------ statements

    def execute(self, sql: str, params=()) -> Rows:
        try:
            return Rows(self.conn.execute(self.dialect.sql(sql), params), self)
        except self.dialect.bugs:
            raise
        except self.dialect.operational as exc:
            raise self.classify(exc) from None

    def executemany(self, sql: str, rows) -> None:
        try:
            self.conn.executemany(self.dialect.sql(sql), rows)
        except self.dialect.bugs:
            raise
        except self.dialect.operational as exc:
            raise self.classify(exc) from None

    def scalar(self, sql: str, params=()):
        return self.execute(sql, params).scalar()

    def classify(self, exc: BaseException) -> BaseException:
        """The StoreError for a store failure; other driver errors (bugs) as they are."""
        from perftui.store.errors import known_failure  # only on failure: errno, messages

        return known_failure(exc, self.path) or exc

    # ------------------------------------------------------------------ transactions

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def transaction(self) -> "Transaction":
        """One write transaction, as a `with` block. Nested use joins the outer one. On any
        failure everything is rolled back and a store failure is raised as its StoreError (the
        driver's own error, not the "cannot rollback" that SQLite reports after it rolled back
        by itself)."""
        return Transaction(self)

    def _begin(self) -> None:
        if self._depth:
            self._depth += 1
            return
        if self.readonly:
            from perftui.errors import StoreReadOnly

            raise StoreReadOnly(f"{self.path} is open read-only; this needs to write "
                                "(drop --read-only)")
        self.execute(self.dialect.begin_write)
        self._depth = 1

    def _end(self, exc: BaseException | None) -> None:
        if self._depth > 1:
            self._depth -= 1
            return
        self._depth = 0
        if exc is not None:  # the block failed: roll back; __exit__ lets it propagate
            self._rollback()
            if isinstance(exc, self.dialect.operational) and not isinstance(exc, self.dialect.bugs):
                raise self.classify(exc) from None
            return
        try:
            self.dialect.before_commit(self)
            self.conn.execute("COMMIT")
        except BaseException as failure:
            self._rollback()
            if isinstance(failure, self.dialect.operational) \
                    and not isinstance(failure, self.dialect.bugs):
                raise self.classify(failure) from None
            raise

    def _rollback(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the error that ended the transaction is the one to report
            pass

    # ------------------------------------------------------------------ lifetime

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - closing twice or after a failure is harmless
            pass

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.readonly else "read-write"
        return f"Database({self.dialect.name} {self.path!r}, {mode})"
