"""The write path for snapshots, on a plain sqlite3 connection.

Used by the recorder inside host applications, by `perftui record` and by imports: one
transaction per snapshot (or per batch on import), no ORM import. Every function here takes
the connection and plain values and returns plain values; `perftui.recorder.evaluate` decides what
to write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from perftui.timefmt import now_iso


class MetricRow:
    """One row of the metrics table. (A plain slotted class: dataclasses cost milliseconds to
    import and create, and this module runs inside host applications' start-up.)"""

    __slots__ = ("id", "code", "key", "name", "unit", "direction", "target", "warning", "error",
                 "active", "operation")

    def __init__(self, id: int, code: str, key: str | None, name: str, unit: str, direction: str,
                 target: float | None, warning: float | None, error: float | None, active: bool,
                 operation: str | None):
        self.id, self.code, self.key, self.name, self.unit = id, code, key, name, unit
        self.direction, self.target, self.warning, self.error = direction, target, warning, error
        self.active, self.operation = active, operation

    def __repr__(self) -> str:
        return f"MetricRow({self.code!r}, id={self.id})"


_METRIC_COLUMNS = "id, code, key, name, unit, direction, target, warning, error, active, operation"


def _metric(row: tuple) -> MetricRow:
    return MetricRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                     bool(row[9]), row[10])


class Catalog:
    """The store's metrics, looked up by code ("APP-001"), key ("startup_time_ms") or operation."""

    def __init__(self, rows: Iterable[MetricRow]):
        self.by_code: dict[str, MetricRow] = {}
        self.by_name: dict[str, MetricRow] = {}
        self.by_operation: dict[str, MetricRow] = {}
        for row in rows:
            self.add(row)

    def add(self, row: MetricRow) -> None:
        self.by_code[row.code] = row
        self.by_name[row.code] = row
        if row.key:
            self.by_name[row.key] = row
        if row.operation:
            self.by_operation[row.operation] = row

    def find(self, name: str) -> MetricRow | None:
        return self.by_name.get(name)


def load_catalog(conn: sqlite3.Connection) -> Catalog:
    return Catalog(_metric(r) for r in conn.execute(f"SELECT {_METRIC_COLUMNS} FROM metrics"))


def flag_rules(conn: sqlite3.Connection) -> list[dict]:
    row = conn.execute("SELECT value FROM store_meta WHERE key='flag_rules'").fetchone()
    return json.loads(row[0]) if row and row[0] else []


def register_metric(conn: sqlite3.Connection, catalog: Catalog, name: str) -> MetricRow:
    """Register a metric first seen in a recording (unit guessed from its name, no target)."""
    from perftui.store.catalog import guess_metric

    entry = guess_metric(name)
    cur = conn.execute(
        "INSERT INTO metrics (code, key, name, unit, direction, description, source, active,"
        " updated_at, updated_by) VALUES (?,?,?,?,?,?,?,1,?,?)",
        (entry["id"], None, entry["name"], entry["unit"], entry["direction"], entry["description"],
         entry["source"], now_iso(), "recorder"))
    row = MetricRow(cur.lastrowid, entry["id"], None, entry["name"], entry["unit"],
                    entry["direction"], None, None, None, True, None)
    catalog.add(row)
    return row


def history(conn: sqlite3.Connection, metric_id: int, app: str, environment: str,
            before: str, limit: int, since: str | None = None) -> list[float]:
    """Prior warm, successful values of one metric in one scope, oldest first."""
    rows = conn.execute(
        "SELECT m.value FROM snapshots s INDEXED BY snapshots_warm_scope_time"
        " JOIN measurements m ON m.snapshot_id = s.id AND m.metric_id = ?"
        " WHERE s.app = ? AND s.environment = ? AND s.is_cold_start = 0 AND s.status = 'ok'"
        " AND s.recorded_at < ? AND s.recorded_at >= ?"
        " ORDER BY s.recorded_at DESC LIMIT ?",
        (metric_id, app, environment, before, since or "", limit)).fetchall()
    return [r[0] for r in reversed(rows)]


def baseline_resets(conn: sqlite3.Connection, app: str, environment: str,
                    before: str) -> dict[int, str]:
    """metric id -> the latest 'accepted as new baseline' moment before `before`."""
    return {mid: since for mid, since in conn.execute(
        "SELECT metric_id, max(since) FROM baseline_resets WHERE app=? AND environment=?"
        " AND since <= ? GROUP BY metric_id", (app, environment, before))}


def last_warm_snapshot(conn: sqlite3.Connection, app: str, environment: str,
                       before: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM snapshots INDEXED BY snapshots_warm_scope_time"
        " WHERE app=? AND environment=? AND is_cold_start=0 AND status='ok' AND recorded_at < ?"
        " ORDER BY recorded_at DESC LIMIT 1", (app, environment, before)).fetchone()
    return row[0] if row else None


class OpenAlertRow:
    __slots__ = ("id", "metric_id", "alert_type", "severity", "normal_streak", "status",
                 "expected_value")

    def __init__(self, id: int, metric_id: int, alert_type: str, severity: str,
                 normal_streak: int, status: str, expected_value: float | None):
        self.id, self.metric_id, self.alert_type = id, metric_id, alert_type
        self.severity, self.normal_streak, self.status = severity, normal_streak, status
        self.expected_value = expected_value


def open_alerts(conn: sqlite3.Connection, app: str, environment: str) -> list[OpenAlertRow]:
    return [OpenAlertRow(*r) for r in conn.execute(
        "SELECT id, metric_id, alert_type, severity, normal_streak, status, expected_value"
        " FROM alerts"
        " WHERE app=? AND environment=? AND status IN ('open', 'acknowledged')",
        (app, environment))]


SNAPSHOT_FIELDS = ("recorded_at", "app", "environment", "host", "session_id", "git_commit",
                   "git_branch", "app_version", "python_version", "platform", "cpu_count",
                   "total_memory_mb", "is_cold_start", "status", "performance_index",
                   "regression_score", "flags", "operations", "cache_stats", "errors", "notes")
_INSERT_SNAPSHOT = (f"INSERT INTO snapshots ({', '.join(SNAPSHOT_FIELDS)}) VALUES "
                    f"({', '.join('?' * len(SNAPSHOT_FIELDS))})")


def insert_snapshot(conn: sqlite3.Connection, fields: dict) -> int:
    """Insert one snapshot row; JSON fields may be given as Python objects."""
    values = []
    for name in SNAPSHOT_FIELDS:
        value = fields.get(name)
        if name in ("flags", "operations", "cache_stats", "errors") and value is not None \
                and not isinstance(value, str):
            value = json.dumps(value, separators=(",", ":"), sort_keys=True)
        if name == "is_cold_start":
            value = int(bool(value))
        if name == "status" and value is None:
            value = "ok"
        values.append(value)
    return conn.execute(_INSERT_SNAPSHOT, values).lastrowid


def insert_measurements(conn: sqlite3.Connection, snapshot_id: int,
                        values: Iterable[tuple[int, float]]) -> None:
    conn.executemany("INSERT INTO measurements (metric_id, snapshot_id, value) VALUES (?,?,?)",
                     [(mid, snapshot_id, v) for mid, v in values])


def update_snapshot_scores(conn: sqlite3.Connection, snapshot_id: int,
                           performance_index: float | None, regression_score: float | None,
                           flags: Sequence[str]) -> None:
    conn.execute("UPDATE snapshots SET performance_index=?, regression_score=?, flags=? WHERE id=?",
                 (performance_index, regression_score, json.dumps(list(flags)), snapshot_id))


def insert_alert(conn: sqlite3.Connection, *, snapshot_id: int, baseline_snapshot_id: int | None,
                 metric_id: int, app: str, environment: str, alert_type: str, severity: str,
                 current_value: float, expected_value: float | None,
                 deviation_percent: float | None, message: str, at: str,
                 context: dict | None) -> int:
    return conn.execute(
        "INSERT INTO alerts (snapshot_id, baseline_snapshot_id, metric_id, app, environment,"
        " alert_type, severity, current_value, expected_value, deviation_percent, message,"
        " triggered_at, last_seen_at, occurrences, normal_streak, status, context)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,0,'open',?)",
        (snapshot_id, baseline_snapshot_id, metric_id, app, environment, alert_type, severity,
         current_value, expected_value, deviation_percent, message, at, at,
         json.dumps(context or {}, separators=(",", ":"), default=float))).lastrowid


_SEVERITY_ORDER = "CASE {col} WHEN 'info' THEN 1 WHEN 'warning' THEN 2 WHEN 'error' THEN 3 " \
                  "WHEN 'critical' THEN 4 ELSE 0 END"


def repeat_alert(conn: sqlite3.Connection, alert_id: int, *, alert_type: str, severity: str,
                 current_value: float, expected_value: float | None,
                 deviation_percent: float | None, message: str, at: str) -> None:
    """A repeat of an open alert: count it, move last-seen, keep the worst severity seen.

    Type, value, expectation, deviation and message all come from the latest finding (a
    regression may be seen next as a change point or a trend: one incident, one row, whose
    fields never mix two findings). The caller decides the expected value (see
    perftui.recorder.evaluate._expectation)."""
    conn.execute(
        "UPDATE alerts SET occurrences = occurrences + 1, last_seen_at = max(last_seen_at, ?),"
        " normal_streak = 0, alert_type = ?, current_value = ?, expected_value = ?,"
        " deviation_percent = ?, message = ?, severity = CASE WHEN "
        + _SEVERITY_ORDER.format(col="?") + " > " + _SEVERITY_ORDER.format(col="severity")
        + " THEN ? ELSE severity END WHERE id = ?",
        (at, alert_type, current_value, expected_value, deviation_percent, message, severity,
         severity, alert_id))


def set_normal_streak(conn: sqlite3.Connection, alert_id: int, streak: int) -> None:
    conn.execute("UPDATE alerts SET normal_streak=? WHERE id=?", (streak, alert_id))


def resolve_alert(conn: sqlite3.Connection, alert_id: int, at: str, note: str) -> None:
    conn.execute(
        "UPDATE alerts SET status='resolved', resolved_at=?, resolution_notes=coalesce("
        "resolution_notes || ' | ', '') || ? WHERE id=?", (at, note, alert_id))


def has_snapshot_since(conn: sqlite3.Connection, app: str, environment: str, host: str | None,
                       since: str) -> bool:
    """Whether this scope (and host) recorded anything at or after `since`."""
    return conn.execute(
        "SELECT 1 FROM snapshots INDEXED BY snapshots_scope_time WHERE app=? AND environment=?"
        " AND recorded_at >= ? AND host IS ? LIMIT 1", (app, environment, since, host)
    ).fetchone() is not None


def newest_scope(conn: sqlite3.Connection, app: str | None = None,
                 environment: str | None = None) -> tuple[str, str] | None:
    """(app, environment) of the newest snapshot, within the app or environment if given."""
    where, args = [], []
    if app is not None:
        where.append("app = ?")
        args.append(app)
    if environment is not None:
        where.append("environment = ?")
        args.append(environment)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    row = conn.execute(f"SELECT app, environment FROM snapshots{clause}"
                       " ORDER BY recorded_at DESC LIMIT 1", args).fetchone()
    return (row[0], row[1]) if row else None
