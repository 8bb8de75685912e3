"""The alerts table: what the recorder writes as it judges a run (insert, repeat, streaks,
auto-resolve) and what people do with alerts (list, acknowledge, resolve, accept a new
baseline).

The people's side lives in `perftui.store.alert_triage` and is found here too (loaded on first
use: a recording, inside a host application's start-up, needs none of it)."""

from __future__ import annotations


from perftui._json import dumps
from perftui.severity import sql_rank
from perftui.store.engine import Database

STATUSES = ("open", "acknowledged", "resolved")
UNRESOLVED = "status IN ('open', 'acknowledged')"


# ---------------------------------------------------------------- the recorder's side

OPEN_ALERT_COLUMNS = ("id", "metric_id", "alert_type", "severity", "normal_streak", "status",
                      "expected_value")


def open_alerts(db: Database, app: str, environment: str) -> list[tuple]:
    """Unresolved alerts of one scope, as the alert lifecycle needs them: tuples of
    OPEN_ALERT_COLUMNS (plain rows: a class costs a host application's start-up to build)."""
    return db.execute(
        f"SELECT {', '.join(OPEN_ALERT_COLUMNS)}"
        f" FROM alerts WHERE app = ? AND environment = ? AND {UNRESOLVED}",
        (app, environment)).fetchall()


def insert_alert(db: Database, *, snapshot_id: int, baseline_snapshot_id: int | None,
                 metric_id: int, app: str, environment: str, alert_type: str, severity: str,
                 current_value: float, expected_value: float | None,
                 deviation_percent: float | None, message: str, at: str,
                 context: dict | None) -> int:
    return db.execute(
        "INSERT INTO alerts (snapshot_id, baseline_snapshot_id, metric_id, app, environment,"
        " alert_type, severity, current_value, expected_value, deviation_percent, message,"
        " triggered_at, last_seen_at, occurrences, normal_streak, status, context)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,1,0,'open',?) RETURNING id",
        (snapshot_id, baseline_snapshot_id, metric_id, app, environment, alert_type, severity,
         current_value, expected_value, deviation_percent, message, at, at,
         dumps(context or {}, default=float))).scalar()


def repeat_alert(db: Database, alert_id: int, *, alert_type: str, severity: str,
                 current_value: float, expected_value: float | None,
                 deviation_percent: float | None, message: str, at: str) -> None:
    """A repeat of an open alert: count it, move last-seen, keep the worst severity seen.

    Type, value, expectation, deviation and message all come from the latest finding (a
    regression may be seen next as a change point or a trend: one incident, one row, whose
    fields never mix two findings). The caller decides the expected value (see
    perftui.recorder.evaluate._expectation)."""
    db.execute(
        "UPDATE alerts SET occurrences = occurrences + 1,"
        " last_seen_at = CASE WHEN last_seen_at > ? THEN last_seen_at ELSE ? END,"
        " normal_streak = 0, alert_type = ?, current_value = ?, expected_value = ?,"
        " deviation_percent = ?, message = ?, severity = CASE WHEN "
        + sql_rank("?") + " > " + sql_rank("severity") + " THEN ? ELSE severity END WHERE id = ?",
        (at, at, alert_type, current_value, expected_value, deviation_percent, message, severity,
         severity, alert_id))


def set_normal_streak(db: Database, alert_id: int, streak: int) -> None:
    db.execute("UPDATE alerts SET normal_streak = ? WHERE id = ?", (streak, alert_id))


def auto_resolve(db: Database, alert_id: int, at: str, note: str) -> None:
    """Resolve an alert whose metric is back to normal, appending `note` to its notes."""
    db.execute(
        "UPDATE alerts SET status = 'resolved', resolved_at = ?, resolution_notes = coalesce("
        "resolution_notes || ' | ', '') || ? WHERE id = ?", (at, note, alert_id))


# ---------------------------------------------------------------- the people's side

_TRIAGE = frozenset(("list_alerts", "get_alert", "open_alert_counts",
                     "open_alert_severity_by_metric", "messages_seen_at", "alert_status_counts",
                     "acknowledge", "resolve", "add_baseline_reset"))


def __getattr__(name: str):
    """`alerts.list_alerts` and the rest of perftui.store.alert_triage, imported on first use."""
    if name not in _TRIAGE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from perftui.store import alert_triage

    value = globals()[name] = getattr(alert_triage, name)
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_TRIAGE])
