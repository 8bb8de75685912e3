"""Status: the latest run of a scope, with the verdicts it was judged with when it was written."""

from __future__ import annotations

from perftui.analysis.baseline import compute_baseline
from perftui.analysis.types import DEFAULT_CONFIG
from perftui.core.scope import resolve_scope
from perftui.severity import severity_rank, worst
from perftui.store import alerts as store_alerts
from perftui.store import snapshots
from perftui.store.engine import Database
from perftui.store.metrics import metric_rows
from perftui.timefmt import parse_iso, utcnow

SPARK_POINTS = 20


def status(db: Database, app: str | None = None, environment: str | None = None) -> dict:
    """Everything the status screen and `perftui status` show, as plain data.

    Shape: {scope, scopes, snapshot, age_seconds, performance_index, regression_score,
    open_alerts{critical,error,warning,info}, metrics[...]}; `snapshot` is None on an empty store.
    `scopes` are [{app, environment, latest}], newest first, without run counts: counting reads
    every snapshot, and status must cost the same on a store of any size (`scope_counts` has
    them).
    Each metric's `severity`, `change_percent` and `evaluated` are the verdict stored when the
    snapshot was written (a cold start or a failed run is not evaluated: severity "ok");
    `baseline` describes the warm runs before it; `findings` are the messages of the alerts that
    run raised or repeated. Metrics come problems first: active ones by
    their worst severity (this run's verdict or an open alert), then by id.
    """
    scope = resolve_scope(db, app, environment)
    result = {"scope": None, "scopes": snapshots.scope_list(db), "snapshot": None,
              "age_seconds": None, "performance_index": None, "regression_score": None,
              "open_alerts": store_alerts.open_alert_counts(db), "metrics": []}
    if scope is None:
        return result
    app, environment = scope
    result["scope"] = {"app": app, "environment": environment}
    result["open_alerts"] = store_alerts.open_alert_counts(db, app, environment)
    snap = snapshots.latest_snapshot(db, app, environment)
    if snap is None:
        return result
    result["snapshot"] = snap
    result["age_seconds"] = max(0.0, (utcnow() - parse_iso(snap["recorded_at"])).total_seconds())
    result["performance_index"] = snap["performance_index"]
    result["regression_score"] = snap["regression_score"]
    alert_severity = store_alerts.open_alert_severity_by_metric(db, app, environment)
    catalog = {m["metric_id"]: m for m in metric_rows(db)}
    resets = snapshots.baseline_resets(db, app, environment, snap["recorded_at"])
    messages = store_alerts.messages_seen_at(db, app, environment, snap["recorded_at"])
    for stored in snapshots.measurements(db, snap["id"]):
        code = stored["metric_id"]
        m = catalog[code]
        value = stored["value"]
        past = snapshots.history(db, m["_pk"], app, environment, snap["recorded_at"],
                                 DEFAULT_CONFIG.history, resets.get(m["_pk"]))
        base = compute_baseline(past, DEFAULT_CONFIG.window, DEFAULT_CONFIG.outlier_k)
        evaluated = stored["severity"] is not None
        result["metrics"].append({
            "metric_id": code, "key": m["key"], "name": m["name"], "unit": m["unit"],
            "direction": m["direction"], "active": m["active"], "value": value,
            "target": m["target"], "warning": m["warning"], "error": m["error"],
            "baseline": base.to_dict() if base is not None else None,
            "evaluated": evaluated,
            "change_percent": stored["deviation"],
            "severity": stored["severity"] if evaluated and m["active"] else "ok",
            "tier": stored["tier"],
            "alert_severity": alert_severity.get(code),
            "findings": messages.get(code, []),
            "sparkline": (past + [value])[-SPARK_POINTS:],
        })
    # Problems first: active metrics by the worst of this run's verdict and their open alerts.
    result["metrics"].sort(key=lambda m: (
        not m["active"], -severity_rank(worst(m["severity"], m["alert_severity"] or "ok")),
        m["metric_id"]))
    return result
