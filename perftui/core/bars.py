"""Current vs target: the latest run's value of each metric as a share of its target.

The original dashboard's "bar charts: current vs target" (§7.3), as plain data for any face:

    result = current_vs_target(db, app, environment)
    result["bars"]        # problems first: [{metric_id, value, target, share, warning_share, ...}]
    result["untargeted"]  # metrics measured in the latest run that have no target

`share` is value / target (1.0 = on target). Warning and error lines are given as shares too,
resolved the way the threshold tier resolves them (a target without lines gets the default
10 % / 20 % margins). Every rule is direction-aware: for a higher-is-better metric (a cache hit
rate) the bad side is below 1.0. `state` is the threshold verdict of the value now: "critical",
"error", "warning", "off target" (on the bad side of the target, short of the warning line) or
"ok"; `badness` is how far beyond the target on the bad side, as a fraction of the target
(negative on the good side), so bars sort problems first, the worst first.
"""

from __future__ import annotations

from perftui.analysis.threshold import check_threshold, resolve_lines
from perftui.analysis.types import MetricSpec, bad_sign
from perftui.core.status import status
from perftui.store.engine import Database

STATE_ORDER = ("critical", "error", "warning", "off target", "ok")


def bar_for(metric: dict) -> dict | None:
    """One metric's bar (see the module docstring), or None when it has no usable target
    (none set, or a target of 0, which no share can be taken of)."""
    target, value = metric.get("target"), metric.get("value")
    if target is None or target == 0 or value is None:
        return None
    spec = MetricSpec(metric["metric_id"], metric["direction"], target, metric.get("warning"),
                      metric.get("error"))
    try:
        lines = resolve_lines(spec)
    except ValueError:          # lines the store should have refused: show the target only
        lines = None
    sign = bad_sign(metric["direction"])
    warning_line = error_line = None
    if lines is not None and lines.has_target:
        if lines.warning_margin is not None:
            warning_line = lines.reference + sign * lines.warning_margin
        if lines.error_margin is not None:
            error_line = lines.reference + sign * lines.error_margin
    finding = check_threshold(value, spec) if lines is not None else None
    badness = sign * (value - target) / abs(target)
    if finding is not None:
        state = finding.severity
    else:
        state = "off target" if badness > 0 else "ok"
    return {
        "metric_id": metric["metric_id"], "name": metric.get("name") or metric["metric_id"],
        "unit": metric.get("unit") or "", "direction": metric["direction"],
        "active": metric.get("active", True),
        "value": value, "target": target, "warning": warning_line, "error": error_line,
        "share": value / target,
        "warning_share": None if warning_line is None else warning_line / target,
        "error_share": None if error_line is None else error_line / target,
        "state": state, "badness": badness,
    }


def bars_from_metrics(metrics: list[dict]) -> dict:
    """Bars of status-shaped metric rows: {"bars": [...], "untargeted": [metric ids]}.

    Order: active before inactive, then by state (critical … ok), then the worst badness
    first, then by id."""
    bars, untargeted = [], []
    for metric in metrics:
        bar = bar_for(metric)
        if bar is None:
            untargeted.append(metric["metric_id"])
        else:
            bars.append(bar)
    bars.sort(key=lambda b: (not b["active"], STATE_ORDER.index(b["state"]), -b["badness"],
                             b["metric_id"]))
    return {"bars": bars, "untargeted": sorted(untargeted)}


def current_vs_target(db: Database, app: str | None = None,
                      environment: str | None = None) -> dict:
    """The bars of a scope's latest run: {scope, snapshot (recorded_at, id) or None, bars,
    untargeted}. An empty store gives no bars and `snapshot` None."""
    data = status(db, app, environment)
    snap = data["snapshot"]
    result = {"scope": data["scope"], "bars": [], "untargeted": [],
              "snapshot": None if snap is None else {"id": snap["id"],
                                                     "recorded_at": snap["recorded_at"]}}
    if snap is not None:
        result.update(bars_from_metrics(data["metrics"]))
    return result
