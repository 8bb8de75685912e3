"""What people do with alerts, and what the faces read of them: list, count, look one up,
acknowledge, resolve, accept a level as the new baseline.

`perftui.store.alerts` holds what the recorder writes as it judges a run and gives these names
too, importing this module on first use (a recording needs none of it).
"""

from __future__ import annotations

from perftui._json import loads
from perftui.severity import at_least, sql_rank
from perftui.store.alerts import UNRESOLVED
from perftui.store.engine import Database


# ---------------------------------------------------------------- reading
_LIST_COLUMNS = ("a.id, a.snapshot_id, a.baseline_snapshot_id, m.code, m.name, m.unit,"
                 " m.direction, a.app, a.environment, a.alert_type, a.severity, a.status,"
                 " a.current_value, a.expected_value, a.deviation_percent, a.message,"
                 " a.triggered_at, a.last_seen_at, a.occurrences, a.acknowledged_by,"
                 " a.acknowledged_at, a.resolution_notes, a.resolved_at, a.context")
_KEYS = ("id", "snapshot_id", "baseline_snapshot_id", "metric_id", "metric_name", "unit",
         "direction", "app", "environment", "alert_type", "severity", "status", "current_value",
         "expected_value", "deviation_percent", "message", "triggered_at", "last_seen_at",
         "occurrences", "acknowledged_by", "acknowledged_at", "resolution_notes", "resolved_at",
         "context")


def _alert_dict(row) -> dict:
    d = dict(zip(_KEYS, row))
    try:
        d["context"] = loads(d["context"]) if d["context"] else None
    except ValueError:
        d["context"] = None
    return d


def list_alerts(db: Database, *, min_severity: str | None = None, status: str = "open",
                unacknowledged: bool = False, metric_code: str | None = None,
                app: str | None = None, environment: str | None = None,
                limit: int | None = None) -> list[dict]:
    """Newest first. status: open (open + acknowledged, i.e. unresolved), acknowledged,
    resolved, or all. min_severity keeps that severity and worse."""
    where, args = [], []
    if status == "open":
        where.append("a." + UNRESOLVED)
    elif status in ("acknowledged", "resolved"):
        where.append("a.status = ?")
        args.append(status)
    if unacknowledged:
        where.append("a.acknowledged_at IS NULL")
    if min_severity:
        allowed = at_least(min_severity)
        where.append(f"a.severity IN ({', '.join('?' * len(allowed))})")
        args.extend(allowed)
    if metric_code:
        where.append("(m.code = ? OR m.key = ?)")
        args.extend((metric_code, metric_code))
    from perftui.store.where import scope_terms  # not on the recorder's path

    terms, params = scope_terms(app, environment, prefix="a.")
    where.extend(terms)
    args.extend(params)
    sql = f"SELECT {_LIST_COLUMNS} FROM alerts a JOIN metrics m ON m.id = a.metric_id"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.last_seen_at DESC, a.id DESC"
    if limit:
        sql += " LIMIT ?"
        args.append(limit)
    return [_alert_dict(r) for r in db.execute(sql, args)]


def get_alert(db: Database, alert_id: int) -> dict | None:
    row = db.execute(f"SELECT {_LIST_COLUMNS} FROM alerts a JOIN metrics m ON m.id = a.metric_id"
                     " WHERE a.id = ?", (alert_id,)).fetchone()
    return _alert_dict(row) if row else None


def open_alert_counts(db: Database, app: str | None = None,
                      environment: str | None = None) -> dict[str, int]:
    """Unresolved alerts by severity, in one scope or the whole store."""
    from perftui.store.where import scope_terms  # not on the recorder's path

    terms, args = scope_terms(app, environment)
    sql = " AND ".join([f"SELECT severity, count(*) FROM alerts WHERE {UNRESOLVED}", *terms])
    counts = {"critical": 0, "error": 0, "warning": 0, "info": 0}
    for severity, n in db.execute(sql + " GROUP BY severity", args):
        counts[severity] = n
    return counts


def open_alert_severity_by_metric(db: Database, app: str, environment: str) -> dict[str, str]:
    """metric code -> worst severity among its unresolved alerts."""
    rank = sql_rank("a.severity")
    return dict(db.execute(
        f"SELECT m.code, a.severity FROM alerts a JOIN metrics m ON m.id = a.metric_id"
        f" WHERE a.app = ? AND a.environment = ? AND a.{UNRESOLVED}"
        f" ORDER BY m.code, {rank}", (app, environment)).fetchall())


def messages_seen_at(db: Database, app: str, environment: str, at: str) -> dict[str, list[str]]:
    """metric code -> messages of the alerts raised or repeated by the run recorded at `at`."""
    out: dict[str, list[str]] = {}
    for code, message in db.execute(
            "SELECT m.code, a.message FROM alerts a JOIN metrics m ON m.id = a.metric_id"
            " WHERE a.app = ? AND a.environment = ? AND a.last_seen_at = ? ORDER BY a.id",
            (app, environment, at)):
        out.setdefault(code, []).append(message)
    return out


def alert_status_counts(db: Database, app: str | None = None,
                        environment: str | None = None) -> dict[str, int]:
    counts = {"open": 0, "acknowledged": 0, "resolved": 0}
    sql, args = "SELECT status, count(*) FROM alerts", []
    if app is not None and environment is not None:
        sql += " WHERE app = ? AND environment = ?"
        args = [app, environment]
    for status, n in db.execute(sql + " GROUP BY status", args):
        counts[status] = n
    return counts


# ---------------------------------------------------------------- people's actions

def acknowledge(db: Database, alert_id: int, by: str | None, notes: str | None, at: str) -> None:
    """Mark acknowledged. Acknowledging again keeps the trail: earlier notes stay and the new
    note is appended with who wrote it; the first acknowledger and time stay on the alert."""
    first_by, first_at, earlier = db.execute(
        "SELECT acknowledged_by, acknowledged_at, resolution_notes FROM alerts WHERE id = ?",
        (alert_id,)).fetchone()
    if first_at is None:
        db.execute("UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?,"
                   " acknowledged_at = ?, resolution_notes = ? WHERE id = ?",
                   (by, at, notes, alert_id))
        return
    merged = earlier
    if notes:
        entry = notes if by in (None, first_by) else f"{by}: {notes}"
        merged = f"{merged} | {entry}" if merged else entry
    db.execute("UPDATE alerts SET status = 'acknowledged', resolution_notes = ? WHERE id = ?",
               (merged, alert_id))


def resolve(db: Database, alert_id: int, by: str | None, notes: str | None, at: str) -> None:
    """Resolve by hand: notes are appended; who resolved counts as having acknowledged."""
    ack_by, ack_at, earlier = db.execute(
        "SELECT acknowledged_by, acknowledged_at, resolution_notes FROM alerts WHERE id = ?",
        (alert_id,)).fetchone()
    note = notes if not earlier else f"{earlier} | {notes}" if notes else earlier
    db.execute("UPDATE alerts SET status = 'resolved', resolved_at = ?, resolution_notes = ?,"
               " acknowledged_by = ?, acknowledged_at = ? WHERE id = ?",
               (at, note, ack_by or by, ack_at or at, alert_id))


def add_baseline_reset(db: Database, alert_id: int, by: str | None, notes: str | None,
                       at: str) -> list[int]:
    """Accept the alert's level as the new baseline of its metric in its scope.

    Runs before the triggering snapshot leave that metric's baseline; every unresolved
    statistical alert (not threshold: a target line is absolute) of that metric in that scope
    is resolved. Returns the ids resolved.
    """
    metric_id, app, environment, status, since = db.execute(
        "SELECT a.metric_id, a.app, a.environment, a.status,"
        " coalesce(s.recorded_at, a.triggered_at) FROM alerts a"
        " LEFT JOIN snapshots s ON s.id = a.snapshot_id WHERE a.id = ?", (alert_id,)).fetchone()
    db.execute("INSERT INTO baseline_resets (metric_id, app, environment, since, created_by,"
               " created_at, notes) VALUES (?,?,?,?,?,?,?)",
               (metric_id, app, environment, since, by, at, notes))
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM alerts WHERE metric_id = ? AND app = ? AND environment = ?"
        f" AND {UNRESOLVED} AND alert_type != 'threshold' ORDER BY id",
        (metric_id, app, environment))]
    if alert_id not in ids and status != "resolved":
        ids.append(alert_id)
    text = "accepted as new baseline" + (f": {notes}" if notes else "")
    for alert in ids:
        resolve(db, alert, by, text, at)
    return ids
