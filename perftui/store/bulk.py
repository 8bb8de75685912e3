"""Fast bulk writes and whole-store reads.

Imports and the demo generator insert many snapshots at once: ids are assigned here (one
`max(id)` read per batch) so snapshots and their measurements go in with two `executemany`
calls, and no evaluation runs. Export reads stream snapshots in batches so a 100,000-snapshot
store never sits in memory whole. Callers own the transaction (`db.transaction()`).

Bulk writers (import, prune) share the store with recorders of running applications, which
wait at most their busy timeout for the write lock. `short_transactions` runs a bulk writer's
steps in transactions of at most TXN_SECONDS with a pause of YIELD_SECONDS after each, so a
waiting recorder takes the lock in the pause.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from perftui.store.engine import Database
from perftui.store.metrics import metric_codes
from perftui.store.snapshots import JSON_FIELDS as _JSON_FIELDS
from perftui.store.snapshots import SNAPSHOT_FIELDS, snapshot_values
from perftui.store.where import scope_where

_SNAPSHOT_INSERT = (f"INSERT INTO snapshots (id, {', '.join(SNAPSHOT_FIELDS)}) VALUES "
                    f"({', '.join('?' * (len(SNAPSHOT_FIELDS) + 1))})")
EXPORT_BATCH = 500
TXN_SECONDS = 0.1     # the longest one bulk transaction holds the store's write lock
YIELD_SECONDS = 0.02  # the pause after each: a recorder waiting for the lock takes it then
Cursor = TypeVar("Cursor")


def short_transactions(conn: Database, step: Callable[[Cursor], Cursor], cursor: Cursor,
                       more: Callable[[Cursor], bool],
                       committed: Callable[[Cursor], None] | None = None) -> Cursor:
    """`cursor = step(cursor)` while `more(cursor)`, in transactions of at most TXN_SECONDS
    (at least one step each), pausing YIELD_SECONDS between them; `committed(cursor)` after
    each commit (progress, how far it got). Returns the final cursor. A failure rolls back
    only the transaction it happened in: what was committed stays."""
    while more(cursor):
        began = time.monotonic()
        with conn.transaction():
            while more(cursor):
                cursor = step(cursor)
                if time.monotonic() - began >= TXN_SECONDS:
                    break
        if committed is not None:
            committed(cursor)
        if more(cursor):
            time.sleep(YIELD_SECONDS)
    return cursor


def next_snapshot_id(conn: Database) -> int:
    """The id the next snapshot inserted with an explicit id should take. Call it inside the
    write transaction that inserts them: it first takes the engine's bulk lock (PostgreSQL: no
    recorder can take an id until that transaction ends)."""
    conn.dialect.lock_for_bulk(conn)
    return conn.execute("SELECT coalesce(max(id), 0) + 1 FROM snapshots").fetchone()[0]


def snapshot_row(snapshot_id: int, fields: dict) -> tuple:
    """A snapshots row (id first, then SNAPSHOT_FIELDS) from a dict of fields; JSON fields may
    be Python objects."""
    return (snapshot_id, *snapshot_values(fields))


def insert_snapshot_rows(conn: Database, rows: Iterable[tuple]) -> None:
    """Insert rows built by `snapshot_row` (explicit ids); the engine's id generator is moved
    past them (PostgreSQL's identity sequence), so later inserts without an id do not collide."""
    conn.executemany(_SNAPSHOT_INSERT, rows)
    conn.dialect.after_explicit_ids(conn, "snapshots")


def insert_measurement_rows(conn: Database,
                            rows: Iterable[tuple[int, int, float]]) -> None:
    """Insert (metric_id, snapshot_id, value) rows."""
    conn.executemany("INSERT INTO measurements (metric_id, snapshot_id, value) VALUES (?,?,?)",
                     rows)


def existing_snapshot_keys(conn: Database, first: str, last: str
                           ) -> set[tuple[str, str, str, str]]:
    """(recorded_at, app, environment, git_commit or '') of stored snapshots in [first, last]:
    the key an import uses to skip snapshots the store already holds."""
    return {tuple(r) for r in conn.execute(
        "SELECT recorded_at, app, environment, coalesce(git_commit, '') FROM snapshots"
        + conn.dialect.indexed("snapshots_time") + " WHERE recorded_at BETWEEN ? AND ?",
        (first, last))}


def existing_uids(conn: Database, uids: list[str]) -> set[str]:
    """Which of these snapshot identities the store holds already."""
    found: set[str] = set()
    for start in range(0, len(uids), 500):
        chunk = uids[start:start + 500]
        found.update(r[0] for r in conn.execute(
            f"SELECT uid FROM snapshots WHERE uid IN ({', '.join('?' * len(chunk))})", chunk))
    return found


def store_counts(conn: Database) -> dict[str, int]:
    """Row counts of the tables an import or prune changes."""
    tables = ("snapshots", "measurements", "alerts", "metrics", "daily_aggregates",
              "baseline_resets", "target_changes")
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


# ---------------------------------------------------------------- reads for export

def iter_snapshots(conn: Database, *, since: str | None = None,
                   app: str | None = None, environment: str | None = None,
                   batch: int = EXPORT_BATCH) -> Iterator[dict]:
    """Every snapshot (oldest first) as a dict with a `metrics` {code: value} mapping."""
    codes = metric_codes(conn)
    where, params = scope_where(app, environment, since=since)
    columns = ("id",) + SNAPSHOT_FIELDS
    cursor = conn.execute(f"SELECT {', '.join(columns)} FROM snapshots{where}"
                          " ORDER BY recorded_at, id", params)
    while True:
        rows = cursor.fetchmany(batch)
        if not rows:
            return
        ids = [r[0] for r in rows]
        values: dict[int, dict[str, float]] = {i: {} for i in ids}
        marks = ",".join("?" * len(ids))
        for sid, mid, value in conn.execute(
                f"SELECT snapshot_id, metric_id, value FROM measurements"
                f" WHERE snapshot_id IN ({marks})", ids):
            values[sid][codes[mid]] = value
        for row in rows:
            item = dict(zip(columns, row))
            for name in _JSON_FIELDS:
                if item[name] is not None:
                    try:
                        item[name] = json.loads(item[name])
                    except ValueError:
                        pass
            item["is_cold_start"] = bool(item["is_cold_start"])
            item["metrics"] = values[row[0]]
            yield item


def count_snapshots(conn: Database, *, since: str | None = None,
                    app: str | None = None, environment: str | None = None) -> int:
    where, params = scope_where(app, environment, since=since)
    return conn.execute(f"SELECT count(*) FROM snapshots{where}", params).fetchone()[0]


def _rows(conn: Database, sql: str, params: Sequence = ()) -> list[dict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor]


def alert_rows(conn: Database, *, since: str | None = None, app: str | None = None,
               environment: str | None = None) -> list[dict]:
    where, params = scope_where(app, environment, prefix="a.")
    if since is not None:
        where += (" AND " if where else " WHERE ") + "a.last_seen_at >= ?"
        params.append(since)
    rows = _rows(conn, "SELECT a.*, m.code AS metric_code FROM alerts a JOIN metrics m"
                       f" ON m.id = a.metric_id{where} ORDER BY a.id", params)
    for row in rows:
        row["context"] = json.loads(row["context"]) if row["context"] else None
    return rows


def baseline_reset_rows(conn: Database) -> list[dict]:
    return _rows(conn, "SELECT r.app, r.environment, r.since, r.created_by, r.created_at,"
                       " r.notes, m.code AS metric_code FROM baseline_resets r JOIN metrics m"
                       " ON m.id = r.metric_id ORDER BY r.id")


def target_change_rows(conn: Database) -> list[dict]:
    return _rows(conn, "SELECT t.field, t.old_value, t.new_value, t.changed_by, t.changed_at,"
                       " t.reason, m.code AS metric_code FROM target_changes t JOIN metrics m"
                       " ON m.id = t.metric_id ORDER BY t.id")


def daily_aggregate_rows(conn: Database, *, since_day: str | None = None,
                         app: str | None = None, environment: str | None = None) -> list[dict]:
    where, params = scope_where(app, environment, prefix="d.")
    if since_day is not None:
        where += (" AND " if where else " WHERE ") + "d.day >= ?"
        params.append(since_day)
    rows = _rows(conn, "SELECT d.day, d.app, d.environment, m.code AS metric_code, d.count,"
                       " d.mean, d.median, d.min, d.max, d.p95 FROM daily_aggregates d"
                       f" JOIN metrics m ON m.id = d.metric_id{where}", params)
    # sorted here, not by ORDER BY: text order in SQL follows the database's collation
    # (PostgreSQL's may be linguistic), and an export should not depend on the engine
    rows.sort(key=lambda r: (r["day"], r["app"], r["environment"], r["metric_code"]))
    return rows


# ---------------------------------------------------------------- writes for full-fidelity import

_ALERT_COLUMNS = ("snapshot_id", "baseline_snapshot_id", "metric_id", "app", "environment",
                  "alert_type", "severity", "current_value", "expected_value",
                  "deviation_percent", "message", "triggered_at", "last_seen_at", "occurrences",
                  "normal_streak", "status", "acknowledged_by", "acknowledged_at",
                  "resolution_notes", "resolved_at", "context")


def insert_alert_rows(conn: Database, rows: Iterable[dict]) -> int:
    """Insert alerts given as dicts with the alerts columns (metric_id = the metric's row id)."""
    data = []
    for row in rows:
        values = [row.get(c) for c in _ALERT_COLUMNS]
        context = row.get("context")
        values[-1] = None if context is None else json.dumps(context, separators=(",", ":"))
        data.append(values)
    conn.executemany(f"INSERT INTO alerts ({', '.join(_ALERT_COLUMNS)}) VALUES "
                     f"({', '.join('?' * len(_ALERT_COLUMNS))})", data)
    return len(data)


def insert_baseline_resets(conn: Database, rows: Iterable[tuple]) -> None:
    """(metric_id, app, environment, since, created_by, created_at, notes) rows."""
    conn.executemany("INSERT INTO baseline_resets (metric_id, app, environment, since, created_by,"
                     " created_at, notes) VALUES (?,?,?,?,?,?,?)", rows)


def insert_target_changes(conn: Database, rows: Iterable[tuple]) -> None:
    """(metric_id, field, old_value, new_value, changed_by, changed_at, reason) rows."""
    conn.executemany("INSERT INTO target_changes (metric_id, field, old_value, new_value,"
                     " changed_by, changed_at, reason) VALUES (?,?,?,?,?,?,?)", rows)


def upsert_daily_aggregates(conn: Database, rows: Iterable[tuple],
                            replace: bool = True) -> None:
    """(day, app, environment, metric_id, count, mean, median, min, max, p95) rows; with
    replace=False a day the store already has is left as it is."""
    action = ("DO UPDATE SET count = excluded.count, mean = excluded.mean, median ="
              " excluded.median, min = excluded.min, max = excluded.max, p95 = excluded.p95"
              if replace else "DO NOTHING")
    conn.executemany("INSERT INTO daily_aggregates (day, app, environment, metric_id, count,"
                     " mean, median, min, max, p95) VALUES (?,?,?,?,?,?,?,?,?,?)"
                     f" ON CONFLICT (day, app, environment, metric_id) {action}", rows)


def existing_alert_keys(conn: Database) -> set[tuple[int, str, str, str, str]]:
    """(metric_id, app, environment, alert_type, triggered_at) of every stored alert."""
    return {tuple(r) for r in conn.execute(
        "SELECT metric_id, app, environment, alert_type, triggered_at FROM alerts")}


def existing_reset_keys(conn: Database) -> set[tuple[int, str, str, str]]:
    return {tuple(r) for r in conn.execute(
        "SELECT metric_id, app, environment, since FROM baseline_resets")}
