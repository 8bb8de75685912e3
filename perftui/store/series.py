"""The SQL behind trend charts: one metric's values over time in one scope.

Plain sqlite3 on purpose (not peewee): a trend over 100,000 runs must be ready to draw in a few
tens of milliseconds, so rows come back as bare tuples and timestamps are turned into epoch
seconds by SQLite itself (`julianday`), not parsed in Python. Every query here is answered from
an index; `tests/tui/test_tui_series.py` checks the plans with EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

from perftui.store.engine import Database

# Epoch seconds of an ISO-8601 UTC text column, computed inside SQLite.
EPOCH = "(julianday({col}) - 2440587.5) * 86400.0"

POINTS_SQL = (
    "SELECT " + EPOCH.format(col="s.recorded_at") + ", m.value, s.is_cold_start"
    " FROM snapshots s INDEXED BY snapshots_scope_time"
    " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
    " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.status = 'ok'"
    " ORDER BY s.recorded_at")

WARM_POINTS_SQL = (
    "SELECT " + EPOCH.format(col="s.recorded_at") + ", m.value"
    " FROM snapshots s INDEXED BY snapshots_warm_scope_time"
    " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
    " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ?"
    " AND s.is_cold_start = 0 AND s.status = 'ok'"
    " ORDER BY s.recorded_at")

ROWS_SQL = (
    "SELECT s.id, s.recorded_at, m.value, s.is_cold_start, s.git_commit, s.host"
    " FROM snapshots s INDEXED BY snapshots_scope_time"
    " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
    " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.status = 'ok'"
    " {cold} ORDER BY s.recorded_at DESC, s.id DESC LIMIT ?")

COUNT_SQL = (
    "SELECT count(*) FROM snapshots s INDEXED BY snapshots_scope_time"
    " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
    " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.status = 'ok' {cold}")

ALERTS_SQL = (
    "SELECT a.id, a.severity, a.alert_type, a.status, "
    + EPOCH.format(col="coalesce(s.recorded_at, a.triggered_at)") + ","
    " coalesce(m.value, a.current_value)"
    " FROM alerts a"
    " LEFT JOIN snapshots s ON s.id = a.snapshot_id"
    " LEFT JOIN measurements m ON m.metric_id = a.metric_id AND m.snapshot_id = a.snapshot_id"
    " WHERE a.metric_id = ? AND a.app = ? AND a.environment = ? AND a.last_seen_at >= ?"
    " ORDER BY a.triggered_at")

SPAN_SQL = (
    "SELECT id FROM snapshots INDEXED BY snapshots_scope_time"
    " WHERE app = ? AND environment = ? AND recorded_at >= ? ORDER BY recorded_at {order} LIMIT 1")

# One bucket of a long history, aggregated inside SQLite: the metric's rows in a range of
# snapshot ids, read in primary-key order (measurements) with one rowid look-up each (snapshots).
BUCKET_SQL = (
    "SELECT count(*), {cold_count}, {warm_min}, {warm_max}, {cold_min}, {cold_max},"
    " " + EPOCH.format(col="min(s.recorded_at)") + ", " + EPOCH.format(col="max(s.recorded_at)")
    + " FROM measurements m CROSS JOIN snapshots s ON s.id = m.snapshot_id"
    " WHERE m.metric_id = ? AND m.snapshot_id >= ? AND m.snapshot_id < ?"
    " AND s.app = ? AND s.environment = ? AND s.status = 'ok' AND s.recorded_at >= ? {where}")
BUCKET_ALL_SQL = BUCKET_SQL.format(
    cold_count="sum(s.is_cold_start)",
    warm_min="min(CASE WHEN s.is_cold_start = 0 THEN m.value END)",
    warm_max="max(CASE WHEN s.is_cold_start = 0 THEN m.value END)",
    cold_min="min(CASE WHEN s.is_cold_start THEN m.value END)",
    cold_max="max(CASE WHEN s.is_cold_start THEN m.value END)", where="")
BUCKET_WARM_SQL = BUCKET_SQL.format(
    cold_count="0", warm_min="min(m.value)", warm_max="max(m.value)", cold_min="NULL",
    cold_max="NULL", where="AND s.is_cold_start = 0")

# Days folded into daily aggregates by retention (older history), by the aggregates' key.
DAILY_SQL = (
    "SELECT " + EPOCH.format(col="d.day || 'T12:00:00'") + ", d.median, d.min, d.max, d.count"
    " FROM daily_aggregates d WHERE d.day >= ? AND d.day < ? AND d.app = ?"
    " AND d.environment = ? AND d.metric_id = ? ORDER BY d.day")

LATEST_SQL = (
    "SELECT max(recorded_at) FROM snapshots INDEXED BY snapshots_scope_time"
    " WHERE app = ? AND environment = ?")


def metric_points(conn: Database, metric_pk: int, app: str, environment: str,
                  since: str = "", cold_starts: bool = True
                  ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
    """(epoch seconds, values, cold flags) of successful runs at or after `since`, oldest first.

    With cold_starts=False the cold runs are left out in SQL (the warm partial index) and every
    flag is 0.
    """
    if cold_starts:
        rows = conn.execute(POINTS_SQL, (metric_pk, app, environment, since)).fetchall()
        if not rows:
            return (), (), ()
        xs, ys, cold = zip(*rows)
        return xs, ys, cold
    rows = conn.execute(WARM_POINTS_SQL, (metric_pk, app, environment, since)).fetchall()
    if not rows:
        return (), (), ()
    xs, ys = zip(*rows)
    return xs, ys, (0,) * len(xs)


def metric_rows(conn: Database, metric_pk: int, app: str, environment: str,
                since: str = "", cold_starts: bool = True, limit: int = 500) -> list[tuple]:
    """The newest `limit` runs as (snapshot id, recorded_at, value, is_cold_start, commit, host)."""
    sql = ROWS_SQL.format(cold="" if cold_starts else "AND s.is_cold_start = 0")
    return conn.execute(sql, (metric_pk, app, environment, since, limit)).fetchall()


def count_points(conn: Database, metric_pk: int, app: str, environment: str,
                 since: str = "", cold_starts: bool = True) -> int:
    sql = COUNT_SQL.format(cold="" if cold_starts else "AND s.is_cold_start = 0")
    return conn.execute(sql, (metric_pk, app, environment, since)).fetchone()[0]


def alert_marks(conn: Database, metric_pk: int, app: str, environment: str,
                since: str = "") -> list[tuple[int, str, str, str, float, float]]:
    """Alerts of one metric seen at or after `since`: (id, severity, type, status, epoch x, value
    at the triggering run)."""
    return conn.execute(ALERTS_SQL, (metric_pk, app, environment, since)).fetchall()


def id_span(conn: Database, app: str, environment: str,
            since: str = "") -> tuple[int, int] | None:
    """Snapshot ids of the earliest and the latest run at or after `since` (two index seeks)."""
    first = conn.execute(SPAN_SQL.format(order="ASC"), (app, environment, since)).fetchone()
    if first is None:
        return None
    last = conn.execute(SPAN_SQL.format(order="DESC"), (app, environment, since)).fetchone()
    return first[0], last[0]


def bucket_stats(conn: Database, metric_pk: int, app: str, environment: str,
                 since: str, bounds: list[int], cold_starts: bool = True) -> list[tuple]:
    """Per bucket of snapshot ids [bounds[i], bounds[i+1]): (runs, cold runs, warm min, warm max,
    cold min, cold max, first epoch, last epoch); empty buckets give runs = 0."""
    sql = BUCKET_ALL_SQL if cold_starts else BUCKET_WARM_SQL
    if not since:  # all time: one comparison less per row
        sql = sql.replace(" AND s.recorded_at >= ?", "")
    execute = conn.execute
    args = (app, environment, since) if since else (app, environment)
    return [execute(sql, (metric_pk, lo, hi, *args)).fetchone()
            for lo, hi in zip(bounds, bounds[1:])]


def daily_points(conn: Database, metric_pk: int, app: str, environment: str,
                 since_day: str = "", before_day: str = "9999") -> list[tuple]:
    """Daily aggregates of one metric in one scope for days in [since_day, before_day):
    (epoch seconds of the day's noon, median, min, max, runs), oldest first."""
    return conn.execute(DAILY_SQL, (since_day, before_day, app, environment,
                                    metric_pk)).fetchall()


def latest_time(conn: Database, app: str, environment: str) -> str | None:
    return conn.execute(LATEST_SQL, (app, environment)).fetchone()[0]


def query_plans(conn: Database) -> dict[str, list[str]]:
    """EXPLAIN QUERY PLAN of every query above (details only), for tests and benchmarks."""
    args = {POINTS_SQL: (1, "a", "e", ""), WARM_POINTS_SQL: (1, "a", "e", ""),
            ROWS_SQL.format(cold=""): (1, "a", "e", "", 10),
            COUNT_SQL.format(cold=""): (1, "a", "e", ""),
            ALERTS_SQL: (1, "a", "e", ""), LATEST_SQL: ("a", "e"),
            SPAN_SQL.format(order="ASC"): ("a", "e", ""),
            BUCKET_ALL_SQL: (1, 0, 9, "a", "e", ""), BUCKET_WARM_SQL: (1, 0, 9, "a", "e", ""),
            DAILY_SQL: ("", "9999", "a", "e", 1)}
    names = ("points", "warm_points", "rows", "count", "alerts", "latest", "span", "bucket",
             "bucket_warm", "daily")
    return {name: [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            for name, (sql, params) in zip(names, args.items())}
