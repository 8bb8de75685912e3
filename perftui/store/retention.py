"""Retention queries: what is old enough to fold or drop, daily groups of values, deletes.

`perftui.core.retention` owns the policy (how many days of each) and computes the daily
statistics; this module only reads and deletes rows. Deletes run with foreign keys handled
by hand (measurements removed and alert references cleared explicitly, in the caller's
transaction), because letting SQLite cascade would scan the alerts table once per deleted
snapshot.
"""

from __future__ import annotations

from perftui.store.engine import Database
from perftui.store import rollups
from typing import Iterator

# Which snapshots a prune removes, as a WHERE clause over `snapshots`:
# raw runs older than the raw cutoff, and cold starts older than the cold cutoff.
_DOOMED = "(recorded_at < :raw OR (is_cold_start = 1 AND recorded_at < :cold))"
DAY_START = "T00:00:00.000000Z"   # a day's first instant, as recorded_at spells it


def counts(conn: Database, raw_cutoff: str, cold_cutoff: str,
           aggregate_cutoff_day: str) -> dict[str, int]:
    """How many rows a prune with these cutoffs would fold or delete."""
    p = {"raw": raw_cutoff, "cold": cold_cutoff}
    raw = conn.execute("SELECT count(*) FROM snapshots WHERE recorded_at < :raw", p).fetchone()[0]
    cold = conn.execute("SELECT count(*) FROM snapshots WHERE is_cold_start = 1"
                        " AND recorded_at >= :raw AND recorded_at < :cold", p).fetchone()[0]
    measurements = conn.execute(
        f"SELECT count(*) FROM measurements WHERE snapshot_id IN"
        f" (SELECT id FROM snapshots WHERE {_DOOMED})", p).fetchone()[0]
    groups = conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM snapshots s JOIN measurements m"
        " ON m.snapshot_id = s.id WHERE s.recorded_at < :raw AND s.is_cold_start = 0"
        " AND s.status = 'ok' GROUP BY substr(s.recorded_at, 1, 10), s.app, s.environment,"
        " m.metric_id) AS g", p).fetchone()[0]
    aggregates = conn.execute("SELECT count(*) FROM daily_aggregates WHERE day < ?",
                              (aggregate_cutoff_day,)).fetchone()[0]
    return {"raw_snapshots": raw, "cold_start_snapshots": cold, "measurements": measurements,
            "daily_groups": groups, "expired_aggregates": aggregates}


def daily_groups(conn: Database, raw_cutoff: str, since: str = ""
                 ) -> Iterator[tuple[str, str, str, int, list[float]]]:
    """(day, app, environment, metric_id, sorted values) of warm, successful runs recorded
    from `since` up to the raw cutoff: what becomes daily aggregates."""
    cursor = conn.execute(
        "SELECT substr(s.recorded_at, 1, 10) AS day, s.app, s.environment, m.metric_id, m.value"
        " FROM snapshots s" + conn.dialect.indexed("snapshots_time") +
        f" {conn.dialect.cross_join} measurements m ON m.snapshot_id = s.id"
        " WHERE s.recorded_at >= ? AND s.recorded_at < ? AND s.is_cold_start = 0"
        " AND s.status = 'ok' ORDER BY day, s.app, s.environment, m.metric_id, m.value",
        (since, raw_cutoff))
    key: tuple | None = None
    values: list[float] = []
    for day, app, env, metric_id, value in cursor:
        current = (day, app, env, metric_id)
        if current != key:
            if key is not None:
                yield (*key, values)
            key, values = current, []
        values.append(value)
    if key is not None:
        yield (*key, values)


def first_run(conn: Database, since: str, before: str) -> str | None:
    """When the oldest run recorded from `since` up to `before` was recorded (None: none)."""
    return conn.execute("SELECT min(recorded_at) FROM snapshots WHERE recorded_at >= ?"
                        " AND recorded_at < ?", (since, before)).fetchone()[0]


def existing_aggregate(conn: Database, day: str, app: str, environment: str,
                       metric_id: int) -> tuple | None:
    """(count, mean, median, min, max, p95) already stored for this day and scope, if any."""
    return conn.execute(
        "SELECT count, mean, median, min, max, p95 FROM daily_aggregates WHERE day = ?"
        " AND app = ? AND environment = ? AND metric_id = ?",
        (day, app, environment, metric_id)).fetchone()


def delete_runs(conn: Database, since: str, before: str, *,
                cold_only: bool = False) -> dict[str, int]:
    """Delete the runs recorded from `since` up to `before` (only cold starts with
    `cold_only`) and their measurements; alerts and profiles stay (their snapshot references
    become NULL).
    The hourly rollups of the hours they were in are recomputed from what is left. Runs inside
    the caller's transaction."""
    doomed = "recorded_at >= :since AND recorded_at < :before" + (
        " AND is_cold_start = 1" if cold_only else "")
    p = {"since": since, "before": before}
    conn.execute("DROP TABLE IF EXISTS doomed")
    conn.execute(f"CREATE TEMP TABLE doomed AS SELECT id FROM snapshots WHERE {doomed}", p)
    try:
        conn.execute(f"CREATE UNIQUE INDEX {conn.dialect.temp_index('doomed_id')} ON doomed (id)")
        hours = (rollups.hours_of(conn, "id IN (SELECT id FROM doomed)", ())
                 if rollups.kept(conn) else [])
        measurements = conn.execute(
            "DELETE FROM measurements WHERE snapshot_id IN (SELECT id FROM doomed)").rowcount
        conn.execute("UPDATE alerts SET snapshot_id = NULL"
                     " WHERE snapshot_id IN (SELECT id FROM doomed)")
        conn.execute("UPDATE alerts SET baseline_snapshot_id = NULL"
                     " WHERE baseline_snapshot_id IN (SELECT id FROM doomed)")
        # profiles stay with their alerts, as alerts do; the run they were taken in may go
        conn.execute("UPDATE profiles SET snapshot_id = NULL"
                     " WHERE snapshot_id IN (SELECT id FROM doomed)")
        snapshots = conn.execute(
            "DELETE FROM snapshots WHERE id IN (SELECT id FROM doomed)").rowcount
        rollups.recompute_hours(conn, hours)
    finally:
        conn.execute("DROP TABLE IF EXISTS doomed")
    return {"snapshots": snapshots, "measurements": measurements}


def delete_aggregates(conn: Database, before_day: str) -> int:
    """Delete daily aggregates older than `before_day`; returns how many."""
    return conn.execute("DELETE FROM daily_aggregates WHERE day < ?", (before_day,)).rowcount
