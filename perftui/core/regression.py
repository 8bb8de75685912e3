"""Which metrics' latest value is beyond a threshold from their baseline.

Shape of `regression(...)`:
    {scope{app, environment}, threshold, snapshot{id, recorded_at, git_commit, git_branch,
     app_version} | None, regression_score,
     metrics[{metric_id, name, unit, direction, value, baseline_median, baseline_confidence,
              baseline_runs, change_percent, worse_by_percent, status}],
     regressions[metric ids with status "regressed"]}

The latest warm, successful run of the scope is compared with the baseline it was judged
against (the last 20 warm runs before it). `regression_score` is the original design's figure:
the mean direction-aware change over metrics with a confident baseline, negative = regression.
"""

from __future__ import annotations

from perftui.analysis.baseline import compute_baseline
from perftui.analysis.types import DEFAULT_CONFIG
from perftui.core import verdicts
from perftui.core.errors import InputError
from perftui.core.scoped import require_scope, scope_dict
from perftui.store import queries
from perftui.store.db import Store

FULL_CONFIDENCE = DEFAULT_CONFIG.full_confidence


def regression(store: Store, app: str | None = None, environment: str | None = None,
               threshold: float = 10.0) -> dict:
    if not threshold > 0:
        raise InputError(f"--threshold must be above 0, got {threshold}")
    scope = require_scope(app, environment)
    snap = queries.latest_snapshot(scope[0], scope[1], warm_only=True)
    result = {"scope": scope_dict(scope), "threshold": threshold, "snapshot": None,
              "regression_score": None, "metrics": [], "regressions": []}
    if snap is None:
        return result
    result["snapshot"] = {k: snap[k] for k in ("id", "recorded_at", "git_commit", "git_branch",
                                                "app_version")}
    catalog = {m["metric_id"]: m for m in queries.metric_rows()}
    scores = []
    for code, value in sorted(queries.snapshot_values(snap["id"]).items()):
        meta = catalog[code]
        if not meta["active"]:
            continue
        row = _metric(code, meta, value, scope, snap["recorded_at"], threshold)
        result["metrics"].append(row)
        if row["status"] == "regressed":
            result["regressions"].append(code)
        if row["worse_by_percent"] is not None and row["baseline_confidence"] >= FULL_CONFIDENCE:
            scores.append(-row["worse_by_percent"])
    if scores:
        result["regression_score"] = sum(scores) / len(scores)
    return result


def _metric(code: str, meta: dict, value: float, scope: tuple[str, str], at: str,
            threshold: float) -> dict:
    since = queries.latest_reset(code, scope[0], scope[1], at)
    past = queries.recent_values(code, scope[0], scope[1], before=at,
                                 limit=DEFAULT_CONFIG.window, since=since)
    base = compute_baseline([v for _, _, v in past], DEFAULT_CONFIG.window,
                            DEFAULT_CONFIG.outlier_k)
    change = verdicts.change_percent(value, base.median) if base else None
    return {"metric_id": code, "name": meta["name"], "unit": meta["unit"],
            "direction": meta["direction"], "value": value,
            "baseline_median": base.median if base else None,
            "baseline_confidence": base.confidence if base else 0.0,
            "baseline_runs": base.sample_size if base else 0,
            "change_percent": change,
            "worse_by_percent": verdicts.worse_by(change, meta["direction"]),
            "status": verdicts.classify(change, meta["direction"], threshold) if base else "new"}
