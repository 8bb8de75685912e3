"""The SQL behind trend charts: one metric's values over time in one scope.

Plain SQL on purpose (not peewee): a trend over 100,000 runs must be ready to draw in a few
tens of milliseconds, so rows come back as bare tuples and timestamps are turned into epoch
seconds by the database itself (SQLite's `julianday`, the dialect's `epoch` elsewhere), not
parsed in Python. The statements are built per engine (`statements`, once each). Every query
here is answered from an index; `tests/tui/test_tui_series.py` checks SQLite's plans with
EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

from perftui.store.engine import Database, Dialect

# Epoch seconds of an ISO-8601 UTC text column, computed inside SQLite.
EPOCH = "(julianday({col}) - 2440587.5) * 86400.0"


class Statements:
    """The trend queries in one engine's SQL (see `statements`).

    SQLite's are the statements this module has always run, byte for byte (their plans are
    pinned by tests/tui/test_tui_series.py): index hints, a CROSS JOIN that keeps the join order,
    `julianday`. Another engine gets the same queries through its dialect: no hints, a plain
    JOIN, its own epoch expression (as a double, so every x is a float), integer flags compared
    explicitly, and noon of a day spelled with its zone.
    """

    def __init__(self, dialect: Dialect):
        ix = dialect.indexed
        if dialect.name == "sqlite":
            def epoch(col: str) -> str:
                return EPOCH.format(col=col)

            cold, noon = "s.is_cold_start", "'T12:00:00'"
        else:
            def epoch(col: str) -> str:
                return f"CAST({dialect.epoch(col)} AS DOUBLE PRECISION)"

            cold, noon = "s.is_cold_start <> 0", "'T12:00:00Z'"

        self.points = (
            "SELECT " + epoch("s.recorded_at") + ", m.value, s.is_cold_start"
            " FROM snapshots s" + ix("snapshots_scope_time") +
            " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
            " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.status = 'ok'"
            " ORDER BY s.recorded_at")

        self.warm_points = (
            "SELECT " + epoch("s.recorded_at") + ", m.value"
            " FROM snapshots s" + ix("snapshots_warm_scope_time") +
            " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
            " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ?"
            " AND s.is_cold_start = 0 AND s.status = 'ok'"
            " ORDER BY s.recorded_at")

        self.rows = (   # {cold}: "" or a condition that leaves cold starts out
            "SELECT s.id, s.recorded_at, m.value, s.is_cold_start, s.git_commit, s.host"
            " FROM snapshots s" + ix("snapshots_scope_time") +
            " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
            " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.status = 'ok'"
            " {cold} ORDER BY s.recorded_at DESC, s.id DESC LIMIT ?")

        self.count = (
            "SELECT count(*) FROM snapshots s" + ix("snapshots_scope_time") +
            " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
            " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.status = 'ok'"
            " {cold}")

        self.alerts = (
            "SELECT a.id, a.severity, a.alert_type, a.status, "
            + epoch("coalesce(s.recorded_at, a.triggered_at)") + ","
            " coalesce(m.value, a.current_value)"
            " FROM alerts a"
            " LEFT JOIN snapshots s ON s.id = a.snapshot_id"
            " LEFT JOIN measurements m ON m.metric_id = a.metric_id"
            " AND m.snapshot_id = a.snapshot_id"
            " WHERE a.metric_id = ? AND a.app = ? AND a.environment = ? AND a.last_seen_at >= ?"
            " ORDER BY a.triggered_at")

        self.span = (   # {order}: ASC for the first run, DESC for the last
            "SELECT id FROM snapshots" + ix("snapshots_scope_time") +
            " WHERE app = ? AND environment = ? AND recorded_at >= ?"
            " ORDER BY recorded_at {order} LIMIT 1")

        # One bucket of a long history, aggregated inside the database: the metric's rows in a
        # range of snapshot ids, read in primary-key order (measurements) with one rowid
        # look-up each (snapshots).
        bucket = (
            "SELECT count(*), {cold_count}, {warm_min}, {warm_max}, {cold_min}, {cold_max},"
            " " + epoch("min(s.recorded_at)") + ", " + epoch("max(s.recorded_at)")
            + " FROM measurements m " + dialect.cross_join + " snapshots s"
            " ON s.id = m.snapshot_id"
            " WHERE m.metric_id = ? AND m.snapshot_id >= ? AND m.snapshot_id < ?"
            " AND s.app = ? AND s.environment = ? AND s.status = 'ok' AND s.recorded_at >= ?"
            " {where}")
        self.bucket_all = bucket.format(
            cold_count="sum(s.is_cold_start)",
            warm_min="min(CASE WHEN s.is_cold_start = 0 THEN m.value END)",
            warm_max="max(CASE WHEN s.is_cold_start = 0 THEN m.value END)",
            cold_min=f"min(CASE WHEN {cold} THEN m.value END)",
            cold_max=f"max(CASE WHEN {cold} THEN m.value END)", where="")
        self.bucket_warm = bucket.format(
            cold_count="0", warm_min="min(m.value)", warm_max="max(m.value)", cold_min="NULL",
            cold_max="NULL", where="AND s.is_cold_start = 0")

        # Days folded into daily aggregates by retention (older history), by the aggregates'
        # key.
        self.daily = (
            "SELECT " + epoch(f"d.day || {noon}") + ", d.median, d.min, d.max, d.count"
            " FROM daily_aggregates d WHERE d.day >= ? AND d.day < ? AND d.app = ?"
            " AND d.environment = ? AND d.metric_id = ? ORDER BY d.day")

        self.latest = (
            "SELECT max(recorded_at) FROM snapshots" + ix("snapshots_scope_time") +
            " WHERE app = ? AND environment = ?")


_STATEMENTS: dict[str, Statements] = {}


def statements(conn: Database) -> Statements:
    """The trend queries for this store's engine (built once per engine)."""
    found = _STATEMENTS.get(conn.dialect.name)
    if found is None:
        found = _STATEMENTS[conn.dialect.name] = Statements(conn.dialect)
    return found


def metric_points(conn: Database, metric_pk: int, app: str, environment: str,
                  since: str = "", cold_starts: bool = True
                  ) -> tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...]]:
    """(epoch seconds, values, cold flags) of successful runs at or after `since`, oldest first.

    With cold_starts=False the cold runs are left out in SQL (the warm partial index) and every
    flag is 0.
    """
    sql = statements(conn)
    if cold_starts:
        rows = conn.execute(sql.points, (metric_pk, app, environment, since)).fetchall()
        if not rows:
            return (), (), ()
        xs, ys, cold = zip(*rows)
        return xs, ys, cold
    rows = conn.execute(sql.warm_points, (metric_pk, app, environment, since)).fetchall()
    if not rows:
        return (), (), ()
    xs, ys = zip(*rows)
    return xs, ys, (0,) * len(xs)


def metric_rows(conn: Database, metric_pk: int, app: str, environment: str,
                since: str = "", cold_starts: bool = True, limit: int = 500) -> list[tuple]:
    """The newest `limit` runs as (snapshot id, recorded_at, value, is_cold_start, commit, host)."""
    sql = statements(conn).rows.format(cold="" if cold_starts else "AND s.is_cold_start = 0")
    return conn.execute(sql, (metric_pk, app, environment, since, limit)).fetchall()


def count_points(conn: Database, metric_pk: int, app: str, environment: str,
                 since: str = "", cold_starts: bool = True) -> int:
    sql = statements(conn).count.format(cold="" if cold_starts else "AND s.is_cold_start = 0")
    return conn.execute(sql, (metric_pk, app, environment, since)).fetchone()[0]


def alert_marks(conn: Database, metric_pk: int, app: str, environment: str,
                since: str = "") -> list[tuple[int, str, str, str, float, float]]:
    """Alerts of one metric seen at or after `since`: (id, severity, type, status, epoch x, value
    at the triggering run)."""
    return conn.execute(statements(conn).alerts, (metric_pk, app, environment, since)).fetchall()


def id_span(conn: Database, app: str, environment: str,
            since: str = "") -> tuple[int, int] | None:
    """Snapshot ids of the earliest and the latest run at or after `since` (two index seeks)."""
    span = statements(conn).span
    first = conn.execute(span.format(order="ASC"), (app, environment, since)).fetchone()
    if first is None:
        return None
    last = conn.execute(span.format(order="DESC"), (app, environment, since)).fetchone()
    return first[0], last[0]


def bucket_stats(conn: Database, metric_pk: int, app: str, environment: str,
                 since: str, bounds: list[int], cold_starts: bool = True) -> list[tuple]:
    """Per bucket of snapshot ids [bounds[i], bounds[i+1]): (runs, cold runs, warm min, warm max,
    cold min, cold max, first epoch, last epoch); empty buckets give runs = 0."""
    sql = statements(conn).bucket_all if cold_starts else statements(conn).bucket_warm
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
    return conn.execute(statements(conn).daily, (since_day, before_day, app, environment,
                                                 metric_pk)).fetchall()


def latest_time(conn: Database, app: str, environment: str) -> str | None:
    return conn.execute(statements(conn).latest, (app, environment)).fetchone()[0]


def query_plans(conn: Database) -> dict[str, list[str]]:
    """The plan of every query above (SQLite: the details of EXPLAIN QUERY PLAN; another
    engine: the lines of its EXPLAIN), for tests and benchmarks."""
    sql = statements(conn)
    args = {sql.points: (1, "a", "e", ""), sql.warm_points: (1, "a", "e", ""),
            sql.rows.format(cold=""): (1, "a", "e", "", 10),
            sql.count.format(cold=""): (1, "a", "e", ""),
            sql.alerts: (1, "a", "e", ""), sql.latest: ("a", "e"),
            sql.span.format(order="ASC"): ("a", "e", ""),
            sql.bucket_all: (1, 0, 9, "a", "e", ""), sql.bucket_warm: (1, 0, 9, "a", "e", ""),
            sql.daily: ("", "9999", "a", "e", 1)}
    names = ("points", "warm_points", "rows", "count", "alerts", "latest", "span", "bucket",
             "bucket_warm", "daily")
    if conn.dialect.name == "sqlite":
        return {name: [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + text, params)]
                for name, (text, params) in zip(names, args.items())}
    return {name: [row[0] for row in conn.execute("EXPLAIN " + text, params)]
            for name, (text, params) in zip(names, args.items())}
