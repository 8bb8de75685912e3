"""Read queries over snapshots and measurements (peewee). Returns plain dicts and tuples so
the layers above never hold ORM objects or build queries themselves."""

from __future__ import annotations

from peewee import JOIN, fn

from perftui.store.models import Alert, Measurement, Metric, Snapshot, StoreMeta


def metric_rows(active_only: bool = False) -> list[dict]:
    query = Metric.select().order_by(Metric.code)
    if active_only:
        query = query.where(Metric.active == True)  # noqa: E712
    return [metric_dict(m) for m in query]


def metric_dict(m: Metric) -> dict:
    return {"metric_id": m.code, "key": m.key, "name": m.name, "unit": m.unit,
            "direction": m.direction, "target": m.target, "warning": m.warning, "error": m.error,
            "description": m.description, "source": m.source, "active": bool(m.active),
            "operation": m.operation, "updated_at": m.updated_at, "updated_by": m.updated_by,
            "_pk": m.id}


def find_metric(name: str) -> Metric | None:
    """By code ("APP-001") or key ("startup_time_ms")."""
    return Metric.get_or_none((Metric.code == name) | (Metric.key == name))


def scopes() -> list[dict]:
    """Every (app, environment) with its snapshot count and latest time, newest first."""
    rows = (Snapshot.select(Snapshot.app, Snapshot.environment, fn.COUNT(Snapshot.id).alias("n"),
                            fn.MAX(Snapshot.recorded_at).alias("latest"))
            .group_by(Snapshot.app, Snapshot.environment)
            .order_by(fn.MAX(Snapshot.recorded_at).desc()).tuples())
    return [{"app": a, "environment": e, "snapshots": n, "latest": t} for a, e, n, t in rows]


def newest_scope(app: str | None = None, environment: str | None = None
                 ) -> tuple[str, str] | None:
    """(app, environment) of the newest snapshot, optionally within an app or environment.
    One indexed lookup, unlike `scopes()`, which counts every snapshot."""
    query = Snapshot.select(Snapshot.app, Snapshot.environment)
    if app is not None:
        query = query.where(Snapshot.app == app)
    if environment is not None:
        query = query.where(Snapshot.environment == environment)
    row = query.order_by(Snapshot.recorded_at.desc()).limit(1).tuples().first()
    return (row[0], row[1]) if row else None


SNAPSHOT_COLUMNS = ("id", "recorded_at", "app", "environment", "host", "git_commit", "git_branch",
                    "app_version", "python_version", "platform", "cpu_count", "total_memory_mb",
                    "is_cold_start", "status", "performance_index", "regression_score", "flags",
                    "operations", "cache_stats", "errors", "notes")


def snapshot_dict(s: Snapshot) -> dict:
    d = {name: getattr(s, name) for name in SNAPSHOT_COLUMNS}
    d["is_cold_start"] = bool(d["is_cold_start"])
    return d


def latest_snapshot(app: str, environment: str, warm_only: bool = False) -> dict | None:
    query = Snapshot.select().where((Snapshot.app == app) & (Snapshot.environment == environment))
    if warm_only:
        query = query.where((Snapshot.is_cold_start == False) & (Snapshot.status == "ok"))  # noqa: E712
    s = query.order_by(Snapshot.recorded_at.desc(), Snapshot.id.desc()).first()
    return snapshot_dict(s) if s else None


def snapshot_count(app: str | None = None, environment: str | None = None) -> int:
    query = Snapshot.select()
    if app is not None:
        query = query.where(Snapshot.app == app)
    if environment is not None:
        query = query.where(Snapshot.environment == environment)
    return query.count()


def snapshot_values(snapshot_id: int) -> dict[str, float]:
    """metric code -> value for one snapshot."""
    rows = (Measurement.select(Metric.code, Measurement.value).join(Metric)
            .where(Measurement.snapshot == snapshot_id).tuples())
    return dict(rows)


def recent_values(metric_code: str, app: str, environment: str, before: str | None = None,
                  limit: int = 60, warm_only: bool = True, since: str | None = None,
                  until: str | None = None) -> list[tuple[int, str, float]]:
    """(snapshot id, recorded_at, value) of one metric in one scope, oldest first.
    `before` is exclusive, `until` inclusive, `since` inclusive."""
    query = (Measurement.select(Snapshot.id, Snapshot.recorded_at, Measurement.value)
             .join(Snapshot).switch(Measurement).join(Metric)
             .where((Metric.code == metric_code) & (Snapshot.app == app)
                    & (Snapshot.environment == environment)))
    if warm_only:
        query = query.where((Snapshot.is_cold_start == False) & (Snapshot.status == "ok"))  # noqa: E712
    if before is not None:
        query = query.where(Snapshot.recorded_at < before)
    if until is not None:
        query = query.where(Snapshot.recorded_at <= until)
    if since is not None:
        query = query.where(Snapshot.recorded_at >= since)
    rows = list(query.order_by(Snapshot.recorded_at.desc()).limit(limit).tuples())
    rows.reverse()
    return rows


def latest_reset(metric_code: str, app: str, environment: str, before: str) -> str | None:
    from perftui.store.models import BaselineReset

    row = (BaselineReset.select(fn.MAX(BaselineReset.since)).join(Metric)
           .where((Metric.code == metric_code) & (BaselineReset.app == app)
                  & (BaselineReset.environment == environment) & (BaselineReset.since <= before))
           .scalar())
    return row


def open_alert_counts(app: str | None = None, environment: str | None = None) -> dict[str, int]:
    query = (Alert.select(Alert.severity, fn.COUNT(Alert.id))
             .where(Alert.status.in_(("open", "acknowledged"))))
    if app is not None:
        query = query.where(Alert.app == app)
    if environment is not None:
        query = query.where(Alert.environment == environment)
    counts = {"critical": 0, "error": 0, "warning": 0, "info": 0}
    for severity, n in query.group_by(Alert.severity).tuples():
        counts[severity] = n
    return counts


def open_alert_severity_by_metric(app: str, environment: str) -> dict[str, str]:
    """metric code -> worst severity among its unresolved alerts."""
    order = {"info": 1, "warning": 2, "error": 3, "critical": 4}
    worst: dict[str, str] = {}
    query = (Alert.select(Metric.code, Alert.severity).join(Metric, JOIN.INNER)
             .where((Alert.app == app) & (Alert.environment == environment)
                    & (Alert.status.in_(("open", "acknowledged")))).tuples())
    for code, severity in query:
        if order.get(severity, 0) > order.get(worst.get(code, ""), 0):
            worst[code] = severity
    return worst


def meta_get(key: str) -> str | None:
    row = StoreMeta.get_or_none(StoreMeta.key == key)
    return row.value if row else None


def meta_set(key: str, value: str) -> None:
    StoreMeta.insert(key=key, value=value).on_conflict_replace().execute()
