"""Status: the latest run of a scope against its baselines and targets."""

from __future__ import annotations

from perftui.analysis.detect import evaluate_metric
from perftui.analysis.types import DetectorConfig, MetricSpec, severity_rank, worst
from perftui.core.scope import resolve_scope
from perftui.store import queries
from perftui.store.db import Store
from perftui.timefmt import parse_iso, utcnow

CONFIG = DetectorConfig()
SPARK_POINTS = 20


def status(store: Store, app: str | None = None, environment: str | None = None) -> dict:
    """Everything the status screen and `perftui status` show, as plain data.

    Shape: {scope, scopes, snapshot, age_seconds, performance_index, regression_score,
    open_alerts{critical,error,warning,info}, metrics[...]}; `snapshot` is None on an empty store.
    Metrics come problems first: active ones by their worst severity (this run's verdict or an
    open alert), then by id.
    """
    scope = resolve_scope(app, environment)
    result = {"scope": None, "scopes": queries.scopes(), "snapshot": None, "age_seconds": None,
              "performance_index": None, "regression_score": None,
              "open_alerts": queries.open_alert_counts(), "metrics": []}
    if scope is None:
        return result
    app, environment = scope
    result["scope"] = {"app": app, "environment": environment}
    result["open_alerts"] = queries.open_alert_counts(app, environment)
    snap = queries.latest_snapshot(app, environment)
    if snap is None:
        return result
    result["snapshot"] = snap
    result["age_seconds"] = max(0.0, (utcnow() - parse_iso(snap["recorded_at"])).total_seconds())
    result["performance_index"] = snap["performance_index"]
    result["regression_score"] = snap["regression_score"]
    values = queries.snapshot_values(snap["id"])
    alert_severity = queries.open_alert_severity_by_metric(app, environment)
    metrics = {m["metric_id"]: m for m in queries.metric_rows()}
    for code in values:
        m = metrics[code]
        value = values[code]
        since = queries.latest_reset(code, app, environment, snap["recorded_at"])
        past = queries.recent_values(code, app, environment, before=snap["recorded_at"],
                                     limit=CONFIG.history, since=since)
        history = [v for _, _, v in past]
        spec = MetricSpec(code, m["direction"], m["target"], m["warning"], m["error"])
        verdict = evaluate_metric(value, history, spec, CONFIG)
        base = verdict.baseline
        result["metrics"].append({
            "metric_id": code, "key": m["key"], "name": m["name"], "unit": m["unit"],
            "direction": m["direction"], "active": m["active"], "value": value,
            "target": m["target"], "warning": m["warning"], "error": m["error"],
            "baseline": base.to_dict() if base is not None else None,
            "change_percent": verdict.change_percent,
            "severity": verdict.severity if m["active"] else "ok",
            "alert_severity": alert_severity.get(code),
            "findings": [f.message for f in verdict.findings],
            "sparkline": (history + [value])[-SPARK_POINTS:],
        })
    # Problems first: active metrics by the worst of this run's verdict and their open alerts.
    result["metrics"].sort(key=lambda m: (
        not m["active"], -severity_rank(worst(m["severity"], m["alert_severity"] or "ok")),
        m["metric_id"]))
    return result
