"""Which metrics' latest value is beyond a threshold from their baseline.

Shape of `regression(...)`:
    {scope{app, environment}, threshold, snapshot{id, recorded_at, git_commit, git_branch,
     app_version} | None, regression_score,
     metrics[{metric_id, name, unit, direction, value, baseline_median, baseline_confidence,
              baseline_runs, change_percent, worse_by_percent, status}],
     regressions[metric ids with status "regressed"]}

The latest warm, successful run of the scope, with the verdicts stored when it was written:
its baseline (the last 20 warm runs before it), its change from that baseline, and the
snapshot's `regression_score` (the original design's figure: the mean direction-aware change
over metrics with a confident baseline, negative = regression). Only the threshold that turns a
change into "regressed" is this command's own.
"""

from __future__ import annotations

from perftui.analysis import verdicts
from perftui.analysis.types import DEFAULT_CONFIG
from perftui.core.scope import require_scope, scope_dict
from perftui.errors import InputError
from perftui.store import snapshots
from perftui.store.engine import Database
from perftui.store.metrics import metric_rows


def regression(db: Database, app: str | None = None, environment: str | None = None,
               threshold: float = 10.0) -> dict:
    if not threshold > 0:
        raise InputError(f"--threshold must be above 0, got {threshold}")
    scope = require_scope(db, app, environment)
    snap = snapshots.latest_snapshot(db, scope[0], scope[1], warm_only=True)
    result = {"scope": scope_dict(scope), "threshold": threshold, "snapshot": None,
              "regression_score": None, "metrics": [], "regressions": []}
    if snap is None:
        return result
    result["snapshot"] = {k: snap[k] for k in ("id", "recorded_at", "git_commit", "git_branch",
                                                "app_version")}
    result["regression_score"] = snap["regression_score"]
    catalog = {m["metric_id"]: m for m in metric_rows(db)}
    for stored in snapshots.measurements(db, snap["id"]):
        meta = catalog[stored["metric_id"]]
        if not meta["active"]:
            continue
        row = _metric(meta, stored, threshold)
        result["metrics"].append(row)
        if row["status"] == "regressed":
            result["regressions"].append(row["metric_id"])
    return result


def _metric(meta: dict, stored: dict, threshold: float) -> dict:
    runs = stored["baseline_runs"] or 0
    judged = stored["expected"] is not None
    change = stored["deviation"]
    return {"metric_id": meta["metric_id"], "name": meta["name"], "unit": meta["unit"],
            "direction": meta["direction"], "value": stored["value"],
            "baseline_median": stored["expected"],
            "baseline_confidence": min(1.0, runs / DEFAULT_CONFIG.window) if judged else 0.0,
            "baseline_runs": runs,
            "change_percent": change,
            "worse_by_percent": verdicts.worse_by(change, meta["direction"]),
            "status": verdicts.classify(change, meta["direction"], threshold) if judged
            else "new"}
