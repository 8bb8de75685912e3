"""Opening a store with the standard library's sqlite3: location checks, pragmas, migrations.

This module (not peewee) creates and upgrades stores, so the recorder can open one inside a host
application's start-up without importing the ORM. Migrations are the numbered SQL files in
`migrations/` (shipped inside the wheel as `perftui/_migrations`); each runs once, inside a
transaction, and is recorded in `schema_migrations`.
"""

from __future__ import annotations

import json
import os
try:  # the C module itself: the sqlite3 package's wrapper registers datetime adapters (and
    # imports datetime) for about 2 ms of a host application's start-up; perftui needs neither
    import _sqlite3 as sqlite3
except ImportError:  # pragma: no cover - an interpreter without the split
    import sqlite3

from perftui.store.engine import Database
from perftui.timefmt import now_iso

BUSY_TIMEOUT_MS = 5000
PRAGMAS = (
    ("journal_mode", "wal"),
    ("busy_timeout", BUSY_TIMEOUT_MS),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
)


def migrations_dir() -> str:
    """The migrations shipped in the wheel, else the repository's top-level folder."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    packaged = os.path.join(here, "_migrations")
    if os.path.isdir(packaged):
        return packaged
    return os.path.join(os.path.dirname(here), "migrations")


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, name, path) of every numbered migration file, in order."""
    folder = os.fspath(migrations_dir())
    found = []
    for filename in sorted(os.listdir(folder)):
        # NNNN_name.sql, parsed by hand: no regex to compile inside a host app's start-up
        number, _, rest = filename.partition("_")
        if len(number) == 4 and number.isdigit() and rest.endswith(".sql") and rest[:-4]:
            found.append((int(number), rest[:-4], os.path.join(folder, filename)))
    return found


def latest_version() -> int:
    migrations = available_migrations()
    return migrations[-1][0] if migrations else 0


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def _create_private_file(path: str) -> None:
    """Create the store file readable and writable by its owner only (0600)."""
    try:
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise _error("StoreUnwritable",
                     f"cannot create the store at {path}: {exc.strerror or exc}") from None


def default_busy_timeout_ms() -> int:
    """$PERFTUI_BUSY_TIMEOUT_MS (milliseconds, 0 or more) if set to a whole number, else
    BUSY_TIMEOUT_MS; anything else in the variable is ignored."""
    text = os.environ.get("PERFTUI_BUSY_TIMEOUT_MS", "").strip()
    try:
        value = int(text)
    except ValueError:
        return BUSY_TIMEOUT_MS
    return min(value, 2**31 - 1) if value >= 0 else BUSY_TIMEOUT_MS


def connect(path: str, *, create: bool = True, readonly: bool = False,
            migrate: bool = True, busy_timeout_ms: int | None = None) -> Database:
    """Open (and by default create and migrate) the SQLite store at `path`.

    The connection is in autocommit mode (`isolation_level=None`): writers use
    `Database.transaction()`, so that one snapshot is one transaction.
    `busy_timeout_ms` is how long to wait for another process's write lock; None means
    $PERFTUI_BUSY_TIMEOUT_MS when that is a whole number, else BUSY_TIMEOUT_MS.
    Raises a StoreError subclass with a one-line message on every failure.
    """
    timeout_ms = busy_timeout_ms if busy_timeout_ms is not None else default_busy_timeout_ms()
    file = os.fspath(path)
    if os.path.isdir(file):
        raise _error("StoreNotAStore", f"{path} is a directory, not a store file")
    exists = os.path.exists(file)
    if not exists and (readonly or not create):
        raise _error("StoreMissing",
                     f"no store at {path} (record a snapshot first, or run `perftui demo`)")
    if exists and (readonly or not create) and os.path.getsize(file) == 0:
        # an empty file is a valid empty SQLite database; a read must not turn it into a store
        raise _error("StoreNotAStore", f"{path} is an empty file, not a perftui store")
    if not exists:
        _create_private_file(file)
    try:
        if readonly:
            conn = sqlite3.connect(readonly_uri(file), uri=True, isolation_level=None,
                                   timeout=timeout_ms / 1000, check_same_thread=False)
        else:
            conn = sqlite3.connect(file, isolation_level=None,
                                   timeout=timeout_ms / 1000, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _classify(exc, path) from None
    try:
        for name, value in PRAGMAS:
            if readonly and name == "journal_mode":
                continue
            if name == "busy_timeout":
                value = timeout_ms
            conn.execute(f"PRAGMA {name}={value}")
        db = Database(conn, file, readonly=readonly)
        check_schema(db, path, readonly=readonly, migrate=migrate)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise _classify(exc, path) from None
        raise
    return db


def _error(kind: str, message: str):
    """The perftui.errors class `kind` with `message`, imported only when something fails (the
    error classes cost a host application's start-up a few hundred microseconds)."""
    from perftui import errors

    return getattr(errors, kind)(message)


def _classify(exc: BaseException, path: str):
    from perftui.store.errors import classify  # only on failure

    return classify(exc, path)


def readonly_uri(path: str) -> str:
    """URI that opens `path` without writing. `mode=ro` first; a WAL store in a directory we
    cannot write to (someone else's store, a read-only mount) cannot create its shared-memory
    file, so it falls back to `immutable=1`: the file is read as it is, without locking (changes
    made meanwhile by others are not seen until it is opened again)."""
    from pathlib import Path

    base = Path(path).resolve().as_uri()
    uri = f"{base}?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
        return uri
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc).lower():
            return uri  # let the caller report it
        return f"{base}?mode=ro&immutable=1"


def current_version(conn: Database) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if row is None:
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        return -1 if tables else 0  # -1: some other SQLite database
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]


def check_schema(conn: Database, path: str, *, readonly: bool, migrate: bool) -> None:
    version = current_version(conn)
    latest = latest_version()
    if version < 0:
        raise _error("StoreNotAStore", f"{path} is an SQLite database but not a perftui store")
    if version > latest:
        raise _error("StoreTooNew",
                     f"{path} has schema version {version}, newer than this perftui "
                     f"understands ({latest}); upgrade perftui")
    if version < latest:
        if readonly or not migrate:
            raise _error("StoreTooNew",
                         f"{path} has schema version {version} and needs upgrading to "
                         f"{latest}; open it once without --read-only")
        apply_migrations(conn, path)


def apply_migrations(conn: Database, path: str = "", upto: int | None = None) -> list[int]:
    """Apply every pending migration; returns the versions applied.

    All pending migrations run in one IMMEDIATE transaction, each recorded in
    `schema_migrations`; a brand-new store is seeded with the default catalog in the same
    transaction, so no other process ever sees a store without its metrics. On any failure
    the store is left exactly as it was.
    """
    applied: list[int] = []
    with conn.transaction():
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        start = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
        for version, name, file in available_migrations():
            if version <= start or (upto is not None and version > upto):
                continue
            for statement in _statements(_read_text(file)):
                conn.execute(statement)
            conn.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?,?,?)",
                         (version, name, now_iso()))
            applied.append(version)
        if start == 0 and applied and (upto is None or upto >= latest_version()):
            _seed_catalog(conn)
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements, using sqlite3.complete_statement so that a ';'
    inside a comment or a string literal never cuts a statement short."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            text = buffer.strip()
            if any(not ln.strip().startswith("--") and ln.strip() for ln in text.splitlines()):
                statements.append(text)
            buffer = ""
    if buffer.strip() and any(not ln.strip().startswith("--") and ln.strip()
                              for ln in buffer.splitlines()):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {buffer[:60]!r}")
    return statements


def _seed_catalog(conn: Database) -> None:
    from perftui.store.catalog import default_catalog

    metrics, flags = default_catalog()
    insert_catalog_rows(conn, metrics, "catalog")
    from perftui.store.meta import meta_set

    meta_set(conn, "flag_rules", json.dumps(flags))


def insert_catalog_rows(conn: Database, metrics: list[dict], by: str) -> None:
    now = now_iso()
    conn.executemany(
        "INSERT INTO metrics (code, key, name, unit, direction, target, warning, error, description,"
        " source, active, operation, updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(m["id"], m["key"], m["name"], m["unit"], m["direction"], m["target"], m["warning"],
          m["error"], m["description"], m["source"], int(m["active"]), m.get("operation"), now, by)
         for m in metrics])
