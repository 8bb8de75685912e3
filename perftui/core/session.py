"""How the faces get at a store: open one by name, close it, ask whether it changed.

The CLI and the TUI never open a database, hold a driver connection or catch a database
exception themselves: they ask this module for an open store (an opaque handle they pass to
the other `perftui.core` functions) and get `perftui.errors.StoreError`s when it cannot be had.

    with open_session(args.db, readonly=args.read_only) as store:
        data = status(store)
"""

from __future__ import annotations

import os

from perftui.errors import UsageError
from perftui.store.db import display, is_url, open_store
from perftui.store.engine import Database
from perftui.store.location import resolve_store_path
from perftui.store.meta import meta_delete, meta_get

JUDGE_PENDING = "judge_newest_runs"   # set by migration 0004 on a store with history


def open_session(where: str | None = None, *, readonly: bool = False, write: bool = False,
                 create: bool = False) -> Database:
    """The store at `where` (else PERFTUI_DB, else the user data directory).

    `write=True` is for commands that change the store: together with `readonly` it is a
    usage error. `create=True` creates a missing store (recording, importing); otherwise a
    missing store is a StoreMissing error.
    """
    if write and readonly:
        raise UsageError("this command writes to the store; drop --read-only")
    if where is not None and not str(where).strip():
        raise UsageError("--db is empty; give a store path (or leave it out for the default)")
    if create and where is not None and not is_url(str(where)):
        folder = os.path.dirname(os.path.abspath(os.path.expanduser(str(where))))
        if not os.path.isdir(folder):   # a typo in --db must not grow a directory tree
            raise UsageError(f"--db {where}: no such directory {folder} (create it first)")
    store = open_store(where, readonly=readonly, create=create)
    if not readonly:
        try:
            _finish_upgrade(store)
            deliver_spooled(store, resolve_store_path(where))
        except BaseException:
            store.close()
            raise
    return store


def deliver_spooled(store: Database, location: str) -> int:
    """Runs a recorder could not write (the store was locked or the server down) wait in a
    local spool; any command that opens the store for writing delivers them first."""
    from perftui.recorder.spool import SpoolUnsafe, deliver, spool_dir

    if not os.path.isdir(spool_dir(location)):
        return 0
    try:
        return deliver(store, location)
    except SpoolUnsafe:
        return 0  # the recorder warns about a spool it cannot trust; a command goes on


def _finish_upgrade(store: Database) -> None:
    """Work a schema upgrade left for code above the store: a store from before verdicts were
    stored (migration 0004) has each scope's newest run judged once."""
    if meta_get(store, JUDGE_PENDING) is None:
        return
    from perftui.recorder.evaluate import judge_unjudged

    with store.transaction():
        judge_unjudged(store)
        meta_delete(store, JUDGE_PENDING)


def permission_warnings(location: str) -> list[str]:
    """What is unsafe about the permissions of the SQLite store at `location` (a path, as
    `store_location` gives it) that the user can fix: a store of theirs others may write to,
    or a store in a directory of theirs where anyone may replace it (world-writable without
    the sticky bit). Empty for a server's store, a missing file, or a safe one."""
    import stat

    if is_url(location):
        return []
    try:
        info = os.stat(location)
        folder = os.path.dirname(os.path.abspath(location))
        folder_info = os.stat(folder)
    except OSError:
        return []
    uid = os.getuid() if hasattr(os, "getuid") else None

    def yours(st: os.stat_result) -> bool:   # only the owner can chmod: say what they can fix
        return uid is None or st.st_uid == uid

    warnings = []
    mode = info.st_mode
    if mode & (stat.S_IWGRP | stat.S_IWOTH) and yours(info):
        who = "group- and world" if mode & stat.S_IWGRP and mode & stat.S_IWOTH else (
            "group" if mode & stat.S_IWGRP else "world")
        warnings.append(f"the store {location} is {who}-writable (mode "
                        f"{stat.S_IMODE(mode):04o}); `chmod 600 {location}` keeps others out")
    folder_mode = folder_info.st_mode
    if folder_mode & stat.S_IWOTH and not folder_mode & stat.S_ISVTX and yours(folder_info):
        warnings.append(f"the store {location} is in {folder}, which anyone may write to "
                        "(world-writable without the sticky bit): others can replace the store")
    return warnings


def store_location(where: str | None = None) -> str:
    """Where `open_session(where)` would look (a path, or a URL with its password)."""
    return resolve_store_path(where)


def shown_location(where: str | None = None) -> str:
    """Where the store is, as it may be shown in messages and titles (no password)."""
    return display(resolve_store_path(where))


def change_token(store: Database) -> int:
    """A number that moves whenever anyone (any process) commits to the store; cheap enough to
    poll every second for live refresh."""
    return store.dialect.change_token(store)
