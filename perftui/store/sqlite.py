"""Opening an SQLite store with the standard library: location checks, pragmas, schema version.

Cheap enough for the recorder inside a host application's start-up (no ORM). Migrations are
applied by `perftui.store.migrate`.
"""

from __future__ import annotations

import os

# the C module, loaded by engine (see engine._import_sqlite)
from perftui.store.engine import Database, file_identity, file_signature, sqlite3

BUSY_TIMEOUT_MS = 5000
# The newest migration shipped (migrations/NNNN_*.sql; a test keeps the two equal): a store at
# this version needs no look at the migrations, so opening one does not load store.migrate.
SCHEMA_VERSION = 8
PRAGMAS = (
    ("journal_mode", "wal"),
    ("busy_timeout", BUSY_TIMEOUT_MS),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
)


def _create_private_file(path: str) -> None:
    """Create the store file readable and writable by its owner only (0600, whatever the
    umask), never through a symbolic link: a link planted where the store is to be created
    (even one pointing nowhere) is refused rather than followed."""
    try:
        parent = os.path.dirname(os.path.abspath(path))
        os.makedirs(parent, exist_ok=True)
        flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)
        finally:
            os.close(fd)
    except FileExistsError:
        if os.path.islink(path):    # O_EXCL does not follow it; sqlite3.connect would
            raise _error("StoreUnwritable",
                         f"cannot create the store at {path}: it is a symbolic link "
                         f"(to {os.readlink(path)}); give the real path") from None
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
    frozen = None
    try:
        if readonly:
            signature = file_signature(file)    # before opening: a write meanwhile is seen
            uri = readonly_uri(file)
            if uri.endswith("immutable=1"):
                frozen = signature
            conn = sqlite3.connect(uri, uri=True, isolation_level=None,
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
        db.identity = file_identity(file)
        db.frozen = frozen
        version = current_version(db)
        if version != SCHEMA_VERSION:  # older, newer or not a store: migrate decides
            from perftui.store.migrate import check_schema

            check_schema(db, path, version=version, readonly=readonly, migrate=migrate)
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
    """URI that opens `path` for reading without creating or changing any file.

    A store in WAL mode keeps its readers in a shared-memory file (`-shm`) beside it. While
    its owner has it open, that file exists and `mode=ro` reads through it, seeing every
    commit. When nobody has it open, `mode=ro` would create `-wal` and `-shm` files owned by
    the reader: in a shared (sticky) directory the owner could then neither write nor delete
    them, and every later run of the owner's recorder would fail. So a reader who does not own
    the store, or who cannot create files beside it, opens it `immutable=1`: the file is read
    as it is, without locks and without creating anything. Such a connection does not see
    later commits; `Database.outdated()` notices them (the files change) and a long-lived
    reader opens the store again."""
    from pathlib import Path

    base = Path(path).resolve().as_uri()
    immutable = f"{base}?mode=ro&immutable=1"
    if _would_leave_files(path):
        return immutable
    uri = f"{base}?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
        return uri
    except sqlite3.OperationalError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        # cannot open or create the shared-memory file (a directory we may not write, a
        # read-only mount, a -shm file we may not write): read the file as it is
        if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")) \
                or "unable to open" in str(exc).lower():
            return immutable
        return uri  # let the caller report it


def _would_leave_files(path: str) -> bool:
    """True when reading the store with `mode=ro` would create its `-wal`/`-shm` files (WAL
    mode, nobody has it open) and they would not be ours to leave (the store is another user's)
    or could not be created (a directory we may not write)."""
    if os.path.exists(path + "-shm"):
        return False    # someone has it open: read through their shared memory
    try:
        with open(path, "rb") as f:
            header = f.read(20)
        st = os.stat(path)
    except OSError:
        return False    # let the open report it
    if len(header) < 20 or header[18] != 2:
        return False    # not in WAL mode: a read-only open creates no files
    folder = os.path.dirname(os.path.abspath(path))
    return st.st_uid != os.geteuid() or not os.access(folder, os.W_OK)


def current_version(conn: Database) -> int:
    """Schema version of an SQLite store; 0 for an empty database, -1 for some other one."""
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if row is None:
        tables = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
        return -1 if tables else 0  # -1: some other SQLite database
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
