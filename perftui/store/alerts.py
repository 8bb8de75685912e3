"""Alert rows: listing, acknowledging, resolving, accepting a new baseline (peewee)."""

from __future__ import annotations

from perftui.store.models import Alert, BaselineReset, Metric, Snapshot

SEVERITY_ORDER = ("info", "warning", "error", "critical")
STATUSES = ("open", "acknowledged", "resolved")


def alert_dict(a: Alert, metric: Metric | None = None) -> dict:
    m = metric or a.metric
    return {
        "id": a.id, "snapshot_id": a.snapshot_id, "baseline_snapshot_id": a.baseline_snapshot_id,
        "metric_id": m.code, "metric_name": m.name, "unit": m.unit, "direction": m.direction,
        "app": a.app, "environment": a.environment, "alert_type": a.alert_type,
        "severity": a.severity, "status": a.status, "current_value": a.current_value,
        "expected_value": a.expected_value, "deviation_percent": a.deviation_percent,
        "message": a.message, "triggered_at": a.triggered_at, "last_seen_at": a.last_seen_at,
        "occurrences": a.occurrences, "acknowledged_by": a.acknowledged_by,
        "acknowledged_at": a.acknowledged_at, "resolution_notes": a.resolution_notes,
        "resolved_at": a.resolved_at, "context": a.context,
    }


def list_alerts(*, min_severity: str | None = None, status: str = "open",
                unacknowledged: bool = False, metric_code: str | None = None,
                app: str | None = None, environment: str | None = None,
                limit: int | None = None) -> list[dict]:
    """Newest first. status: open (open + acknowledged, i.e. unresolved), acknowledged,
    resolved, or all. min_severity keeps that severity and worse."""
    query = Alert.select(Alert, Metric).join(Metric)
    if status == "open":
        query = query.where(Alert.status.in_(("open", "acknowledged")))
    elif status in ("acknowledged", "resolved"):
        query = query.where(Alert.status == status)
    if unacknowledged:
        query = query.where(Alert.acknowledged_at.is_null())
    if min_severity:
        allowed = SEVERITY_ORDER[SEVERITY_ORDER.index(min_severity):]
        query = query.where(Alert.severity.in_(allowed))
    if metric_code:
        query = query.where((Metric.code == metric_code) | (Metric.key == metric_code))
    if app is not None:
        query = query.where(Alert.app == app)
    if environment is not None:
        query = query.where(Alert.environment == environment)
    query = query.order_by(Alert.last_seen_at.desc(), Alert.id.desc())
    if limit:
        query = query.limit(limit)
    return [alert_dict(a, a.metric) for a in query]


def get_alert(alert_id: int) -> dict | None:
    a = Alert.select(Alert, Metric).join(Metric).where(Alert.id == alert_id).first()
    return alert_dict(a, a.metric) if a else None


def acknowledge(alert_id: int, by: str | None, notes: str | None, at: str) -> None:
    """Mark acknowledged. Acknowledging again keeps the trail: earlier notes stay and the new
    note is appended with who wrote it; the first acknowledger and time stay on the alert."""
    a = Alert.get_by_id(alert_id)
    if a.acknowledged_at is None:
        Alert.update(status="acknowledged", acknowledged_by=by, acknowledged_at=at,
                     resolution_notes=notes).where(Alert.id == alert_id).execute()
        return
    merged = a.resolution_notes
    if notes:
        entry = notes if by in (None, a.acknowledged_by) else f"{by}: {notes}"
        merged = f"{merged} | {entry}" if merged else entry
    Alert.update(status="acknowledged", resolution_notes=merged).where(
        Alert.id == alert_id).execute()


def resolve(alert_id: int, by: str | None, notes: str | None, at: str) -> None:
    a = Alert.get_by_id(alert_id)
    note = notes if not a.resolution_notes else f"{a.resolution_notes} | {notes}" if notes else a.resolution_notes
    Alert.update(status="resolved", resolved_at=at, resolution_notes=note,
                 acknowledged_by=a.acknowledged_by or by,
                 acknowledged_at=a.acknowledged_at or at).where(Alert.id == alert_id).execute()


def add_baseline_reset(alert_id: int, by: str | None, notes: str | None, at: str) -> list[int]:
    """Accept the alert's level as the new baseline of its metric in its scope.

    Runs before the triggering snapshot leave that metric's baseline; every unresolved
    statistical alert (not threshold: a target line is absolute) of that metric in that scope
    is resolved. Returns the ids resolved.
    """
    a = Alert.get_by_id(alert_id)
    since = a.triggered_at
    if a.snapshot_id is not None:
        snap = Snapshot.get_or_none(Snapshot.id == a.snapshot_id)
        if snap is not None:
            since = snap.recorded_at
    BaselineReset.create(metric=a.metric_id, app=a.app, environment=a.environment, since=since,
                         created_by=by, created_at=at, notes=notes)
    ids = [x.id for x in Alert.select(Alert.id).where(
        (Alert.metric == a.metric_id) & (Alert.app == a.app) & (Alert.environment == a.environment)
        & (Alert.status.in_(("open", "acknowledged"))) & (Alert.alert_type != "threshold"))]
    if a.id not in ids and a.status != "resolved":
        ids.append(a.id)
    text = "accepted as new baseline" + (f": {notes}" if notes else "")
    for alert in ids:
        resolve(alert, by, text, at)
    return ids
