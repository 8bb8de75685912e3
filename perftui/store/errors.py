"""Store failures, each with one sentence a person can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class: `str(error)` is the single line shown to the user."""


class StoreMissing(StoreError):
    pass


class StoreUnwritable(StoreError):
    pass


class StoreCorrupt(StoreError):
    pass


class StoreTooNew(StoreError):
    pass


class StoreLocked(StoreError):
    pass


class StoreReadOnly(StoreError):
    pass


def classify(exc: Exception, path: str) -> StoreError:
    """Turn a sqlite3 / OS error into the StoreError a person understands."""
    if isinstance(exc, StoreError):
        return exc
    text = str(exc).lower()
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return StoreCorrupt(f"{path} is not a perftui store (not a readable SQLite database)")
    if "locked" in text or "busy" in text:
        return StoreLocked(f"{path} is locked by another process; try again in a moment")
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return StoreReadOnly(f"{path} is read-only; open it with --read-only, or fix its permissions")
    if "unable to open" in text or isinstance(exc, PermissionError):
        return StoreUnwritable(f"cannot open or create the store at {path}: {exc}")
    return StoreError(f"store error at {path}: {exc}")
