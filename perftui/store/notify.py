"""Notification channels and deliveries (migration 0007): the SQL behind `perftui.core.notify`.

Nothing is queued. What a channel still has to say is read from the alerts themselves against
what that channel last delivered about each (`notify_deliveries`): an unresolved alert it never
delivered, one whose severity rose since, one resolved after it was announced open. So the
recorder inside a host app writes nothing here.
"""

from __future__ import annotations

from perftui.store.engine import Database

CHANNEL_COLUMNS = ("id", "kind", "target", "min_severity", "repeat_hours", "max_per_hour",
                   "since_alert_id", "created_at", "created_by", "window_start", "window_count",
                   "last_sent_at", "failures", "last_error", "last_error_at", "claimed_until")
_ALERT_COLUMNS = ("a.id, a.app, a.environment, m.code, m.name, m.unit, a.alert_type,"
                  " a.severity, a.status, a.current_value, a.expected_value,"
                  " a.deviation_percent, a.message, a.triggered_at, a.last_seen_at,"
                  " a.resolved_at")
ALERT_KEYS = ("alert_id", "app", "environment", "metric_id", "metric_name", "unit",
              "alert_type", "severity", "status", "current_value", "expected_value",
              "deviation_percent", "message", "triggered_at", "last_seen_at", "resolved_at",
              "sent_severity", "sent_state", "notified_at", "attempts")


def add_channel(db: Database, kind: str, target: str, min_severity: str, repeat_hours: float,
                max_per_hour: int, at: str, by: str | None) -> int:
    """A new channel; alerts that exist now are not announced on it (only what happens next)."""
    since = db.scalar("SELECT coalesce(max(id), 0) FROM alerts")
    return db.execute(
        "INSERT INTO notify (kind, target, min_severity, repeat_hours, max_per_hour,"
        " since_alert_id, created_at, created_by) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
        (kind, target, min_severity, repeat_hours, max_per_hour, since, at, by)).scalar()


def find_channel(db: Database, kind: str, target: str) -> int | None:
    return db.scalar("SELECT id FROM notify WHERE kind = ? AND target = ?", (kind, target))


def channels(db: Database) -> list[dict]:
    return [dict(zip(CHANNEL_COLUMNS, row)) for row in db.execute(
        f"SELECT {', '.join(CHANNEL_COLUMNS)} FROM notify ORDER BY id")]


def channel(db: Database, channel_id: int) -> dict | None:
    row = db.execute(f"SELECT {', '.join(CHANNEL_COLUMNS)} FROM notify WHERE id = ?",
                     (channel_id,)).fetchone()
    return dict(zip(CHANNEL_COLUMNS, row)) if row else None


def has_channels(db: Database) -> bool:
    return db.scalar("SELECT 1 FROM notify LIMIT 1") is not None


def remove_channel(db: Database, channel_id: int) -> None:
    db.execute("DELETE FROM notify_deliveries WHERE channel_id = ?", (channel_id,))
    db.execute("DELETE FROM notify WHERE id = ?", (channel_id,))


def claim(db: Database, channel_id: int, now: str, until: str) -> bool:
    """Take the channel's sending lease (one process sends on a channel at a time), unless
    another process holds one that has not run out."""
    return db.execute(
        "UPDATE notify SET claimed_until = ? WHERE id = ?"
        " AND (claimed_until IS NULL OR claimed_until < ?)",
        (until, channel_id, now)).rowcount == 1


def release(db: Database, channel_id: int) -> None:
    db.execute("UPDATE notify SET claimed_until = NULL WHERE id = ?", (channel_id,))


def candidates(db: Database, channel_id: int, since_alert_id: int,
               severities: tuple[str, ...]) -> list[dict]:
    """The alerts a channel may have something to say about, with what it last delivered:
    unresolved ones at `severities` (new, escalated, or due a reminder) and resolved ones it
    announced open. The caller decides which are pending."""
    marks = ", ".join("?" * len(severities))
    delivered = "d.severity, d.state, d.notified_at, d.attempts"
    unresolved = db.execute(
        f"SELECT {_ALERT_COLUMNS}, {delivered} FROM alerts a"
        " JOIN metrics m ON m.id = a.metric_id"
        " LEFT JOIN notify_deliveries d ON d.alert_id = a.id AND d.channel_id = ?"
        f" WHERE a.status IN ('open', 'acknowledged') AND a.severity IN ({marks})"
        " AND a.id > ? ORDER BY a.id", (channel_id, *severities, since_alert_id)).fetchall()
    resolved = db.execute(
        f"SELECT {_ALERT_COLUMNS}, {delivered} FROM notify_deliveries d"
        " JOIN alerts a ON a.id = d.alert_id JOIN metrics m ON m.id = a.metric_id"
        " WHERE d.channel_id = ? AND d.state = 'open' AND a.status = 'resolved' ORDER BY a.id",
        (channel_id,)).fetchall()
    return [dict(zip(ALERT_KEYS, row)) for row in (*unresolved, *resolved)]


def delivered(db: Database, channel_id: int, sent: list[tuple[int, str, str]], at: str) -> None:
    """Messages about `sent` (alert id, severity, state) reached the channel at `at`."""
    for alert_id, severity, state in sent:
        db.execute(
            "INSERT INTO notify_deliveries (channel_id, alert_id, severity, state, notified_at,"
            " attempts, last_error, last_attempt_at) VALUES (?,?,?,?,?,0,NULL,?)"
            " ON CONFLICT (channel_id, alert_id) DO UPDATE SET severity = excluded.severity,"
            " state = excluded.state, notified_at = excluded.notified_at, attempts = 0,"
            " last_error = NULL, last_attempt_at = excluded.last_attempt_at",
            (channel_id, alert_id, severity, state, at, at))


def failed(db: Database, channel_id: int, alert_ids: list[int], error: str, at: str) -> None:
    """A message about `alert_ids` did not reach the channel: count the attempt, keep the error;
    what was last delivered stays as it was (so the message stays pending)."""
    for alert_id in alert_ids:
        db.execute(
            "INSERT INTO notify_deliveries (channel_id, alert_id, attempts, last_error,"
            " last_attempt_at) VALUES (?,?,1,?,?)"
            " ON CONFLICT (channel_id, alert_id) DO UPDATE SET"
            " attempts = notify_deliveries.attempts + 1, last_error = excluded.last_error,"
            " last_attempt_at = excluded.last_attempt_at",
            (channel_id, alert_id, error, at))


def channel_sent(db: Database, channel_id: int, at: str, window_start: str,
                 window_count: int) -> None:
    db.execute("UPDATE notify SET last_sent_at = ?, failures = 0, window_start = ?,"
               " window_count = ? WHERE id = ?", (at, window_start, window_count, channel_id))


def channel_failed(db: Database, channel_id: int, error: str, at: str) -> None:
    db.execute("UPDATE notify SET failures = failures + 1, last_error = ?, last_error_at = ?"
               " WHERE id = ?", (error, at, channel_id))


def channel_tested(db: Database, channel_id: int, error: str | None, at: str) -> None:
    """A test message: a failure is kept like any other; success clears the channel's error."""
    if error is None:
        db.execute("UPDATE notify SET failures = 0, last_error = NULL, last_error_at = NULL"
                   " WHERE id = ?", (channel_id,))
    else:
        channel_failed(db, channel_id, error, at)


def delivery_counts(db: Database) -> dict[int, tuple[int, int]]:
    """channel id -> (alerts delivered, alerts whose last attempt failed)."""
    return {cid: (ok, bad) for cid, ok, bad in db.execute(
        "SELECT channel_id, sum(CASE WHEN notified_at IS NOT NULL THEN 1 ELSE 0 END),"
        " sum(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) FROM notify_deliveries"
        " GROUP BY channel_id")}
