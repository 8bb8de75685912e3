"""Classifying the store's failures, once, where they happen (see `perftui.store.engine`).

The driver says what went wrong by an error code (`sqlite_errorname`, Python 3.11+) or, on older
Pythons, by its message; this is the only place that reads either.
"""

from __future__ import annotations

import errno

from perftui.errors import (StoreCorrupt, StoreError, StoreFull, StoreLocked, StoreMissing,
                            StoreNotAStore, StoreReadOnly, StoreUnreachable, StoreUnwritable)

# SQLite primary result codes (the part of sqlite_errorname before any "_" suffix)
_BY_CODE = {
    "SQLITE_BUSY": "locked", "SQLITE_LOCKED": "locked",
    "SQLITE_READONLY": "readonly",
    "SQLITE_FULL": "full",
    "SQLITE_CORRUPT": "corrupt",
    "SQLITE_NOTADB": "notadb",
    "SQLITE_CANTOPEN": "cantopen", "SQLITE_PERM": "cantopen", "SQLITE_AUTH": "cantopen",
    "SQLITE_IOERR": "ioerror",
}
_BY_TEXT = (("not a database", "notadb"), ("file is encrypted", "notadb"),
            ("malformed", "corrupt"), ("locked", "locked"), ("busy", "locked"),
            ("readonly", "readonly"), ("read-only", "readonly"), ("disk is full", "full"),
            ("unable to open", "cantopen"), ("disk i/o error", "ioerror"))


# PostgreSQL SQLSTATE codes (psycopg's `exc.sqlstate`)
_BY_SQLSTATE = {
    "55P03": "locked", "40P01": "locked", "40001": "locked",   # lock timeout, deadlock, serialise
    "25006": "readonly", "42501": "readonly",                 # read-only transaction, no grant
    "53100": "full", "53200": "full", "53400": "full",        # disk full, out of memory, limits
    "XX001": "corrupt", "XX002": "corrupt",                   # data or index corrupted
    "3D000": "missing",                                       # no such database
    "28000": "cantopen", "28P01": "cantopen",                 # authentication failed
    "57P01": "unreachable", "57P02": "unreachable", "57P03": "unreachable",  # shutting down
    "57014": "unreachable",                                   # statement timeout
}


def _kind(exc: BaseException) -> str | None:
    if type(exc).__module__.startswith("psycopg"):
        state = getattr(exc, "sqlstate", None)
        if state is None:   # no answer from a server: refused, timed out, connection lost
            return "unreachable" if type(exc).__name__ in ("OperationalError",
                                                           "ConnectionTimeout") else None
        return _BY_SQLSTATE.get(state) or ("unreachable" if state.startswith("08") else None)
    name = getattr(exc, "sqlite_errorname", None)
    if name:
        if name in ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_TRUNCATE", "SQLITE_IOERR_SHMSIZE"):
            # a write the file system refused: no space, or a file size limit (SHMSIZE: the
            # WAL's shared-memory file could not be grown, the first write when a full disk
            # meets a store nobody else has open)
            return "full"
        if name.startswith("SQLITE_READONLY"):
            return "readonly"
        if name.startswith("SQLITE_CANTOPEN"):
            return "cantopen"
        return _BY_CODE.get(name) or _BY_CODE.get("_".join(name.split("_")[:2]))
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            return "full"
        if exc.errno in (errno.EROFS,):
            return "readonly"
        if isinstance(exc, PermissionError):
            return "cantopen"
        return None
    text = str(exc).lower()
    for fragment, kind in _BY_TEXT:
        if fragment in text:
            return kind
    return None


def classify(exc: BaseException, path: str) -> StoreError:
    """Turn a driver or OS error into the StoreError a person understands."""
    if isinstance(exc, StoreError):
        return exc
    return known_failure(exc, path) or StoreError(f"store error at {path}: {exc}")


def known_failure(exc: BaseException, path: str) -> StoreError | None:
    """The StoreError for a failure of the store itself (locked, read-only, full, damaged …);
    None for anything else, such as an SQL syntax error, which is a bug to report as such."""
    kind = _kind(exc)
    if kind == "notadb":
        return StoreNotAStore(f"{path} is not a perftui store (not a readable SQLite database)")
    if kind == "corrupt":
        return StoreCorrupt(f"{path} is damaged (database disk image is malformed); restore it "
                            "from a backup, or `perftui export` what can still be read")
    if kind == "locked":
        return StoreLocked(f"{path} is locked by another process; try again in a moment")
    if kind == "readonly":
        return StoreReadOnly(f"{path} is read-only; open it with --read-only, or fix its "
                             "permissions")
    if kind == "full":
        return StoreFull(f"cannot write to {path}: the disk is full (or a file size limit was "
                         "reached); nothing was written")
    if kind == "cantopen":
        return StoreUnwritable(f"cannot open or create the store at {path}: {exc}")
    if kind == "ioerror":
        return StoreError(f"cannot read or write {path}: disk I/O error")
    if kind == "unreachable":
        return StoreUnreachable(f"the database server of {path} does not answer: "
                                f"{_first_line(exc)}")
    if kind == "missing":
        return StoreMissing(f"no database {path}: {_first_line(exc)}")
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
