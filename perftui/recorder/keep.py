"""After a recording's write failed: keep the run in the spool when the store's condition may
pass, and say so in one warning.

Part of `perftui.recorder.tracker`, in a module of its own because a normal run never needs
it: the tracker imports it only when a write has failed (every module a host application
imports costs its start-up about 0.1 ms, whatever its size).
"""

from __future__ import annotations

import os

from perftui.recorder.tracker import _describe

TYPE_CHECKING = False  # typing costs milliseconds inside a host app's start-up
if TYPE_CHECKING:
    from perftui.recorder.tracker import PerformanceTracker


def keep_run(tracker: PerformanceTracker, exc: Exception, built: list,
             cold_start: bool | None, failed: bool, taken: str) -> bool:
    """Keep the snapshot in the spool when the store's condition may pass (busy, full,
    read-only, unwritable, unreachable), with one warning naming the spool; otherwise (damaged,
    too new, not a store, a bug) one warning and nothing kept. `built` holds the snapshot if
    the tracker got as far as making it; `taken` is the run's time. True when it was kept."""
    from perftui import errors

    passing = tuple(c for c in (errors.StoreLocked, errors.StoreFull, errors.StoreUnwritable,
                                errors.StoreReadOnly, getattr(errors, "StoreUnreachable", None))
                    if c is not None)
    if not isinstance(exc, passing):
        tracker._warn("store", f"perftui: snapshot not recorded ({_describe(exc)})")
        return False
    try:
        from perftui.recorder import spool

        location = store_location(tracker)
        if location is None:
            raise OSError("no store location")
        snapshot = built[0] if built else fallback_snapshot(tracker, cold_start, failed)
        if snapshot.recorded_at is None:
            snapshot.recorded_at = taken
        tracker.close()  # the next write opens the store afresh (a server may come back)
        spool.save(location, snapshot,
                   warn=lambda message: tracker._warn("spool-full", message))
        where = spool.spool_dir(location)
    except Exception as kept:
        tracker._warn("store", f"perftui: snapshot not recorded ({_describe(exc)}); it could not "
                               f"be kept for later either ({_describe(kept)})")
        return False
    tracker._warn("store", f"perftui: store busy/unavailable ({_describe(exc)}); snapshot kept "
                           f"in {where}, delivered by the next successful write")
    return True


def store_location(tracker: PerformanceTracker) -> str | None:
    """The store the spool belongs to (resolved as the tracker's connection resolves it)."""
    from perftui.store.location import resolve_store_path

    try:
        return resolve_store_path(tracker.db)
    except Exception:
        return None


def fallback_snapshot(tracker: PerformanceTracker, cold_start: bool | None, failed: bool):
    """The snapshot when the write failed before it was made: from the store, if it can
    still be read (a locked SQLite store can); else the catalog shipped with perftui maps
    operations to metrics, and an automatic cold start counts as warm."""
    if tracker._conn is not None:
        try:
            from perftui.store.metrics import load_catalog

            catalog = load_catalog(tracker._conn)
            return tracker._snapshot(cold_start, failed, {
                op: row.code for op, row in catalog.by_operation.items()}, tracker._conn)
        except Exception:
            pass
    return tracker._snapshot(cold_start, failed, shipped_operation_codes())


def shipped_operation_codes() -> dict[str, str]:
    """Operation name -> metric code in the catalog shipped with perftui (perftui/data)."""
    import json

    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
                        "catalog.json")
    try:
        with open(path, encoding="utf-8") as f:
            metrics = json.load(f).get("metrics") or ()
    except (OSError, ValueError, AttributeError):
        return {}
    return {m["operation"]: m["id"] for m in metrics
            if isinstance(m, dict) and isinstance(m.get("operation"), str)
            and isinstance(m.get("id"), str)}
