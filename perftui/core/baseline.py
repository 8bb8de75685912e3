"""A metric's baseline in one scope: the statistics and the runs behind them.

Shape of `baseline(...)`:
    {metric{...catalog entry}, scope{app, environment}, window, since, reset_since,
     baseline{median, p5, p95, spread, mean, std, sample_size, confidence, outliers_removed} | None,
     values[{snapshot_id, recorded_at, value, outlier}],
     period{days, since, count, median, min, max, p5, p95} | None}

The baseline is what the next run will be judged against: the last `window` warm, successful
runs (after the last "accepted as new baseline", if any), outliers removed.
"""

from __future__ import annotations

from perftui.analysis.baseline import compute_baseline, remove_outliers
from perftui.analysis.types import DEFAULT_CONFIG
from perftui.core.scope import require_scope, scope_dict
from perftui.core.targets import get_metric
from perftui.store import snapshots
from perftui.store.engine import Database
from perftui.store.metrics import find_metric
from perftui.timefmt import days_ago_iso

PERIOD_LIMIT = 1_000_000


def baseline(store: Database, metric: str, app: str | None = None, environment: str | None = None,
             days: float | None = None, window: int = DEFAULT_CONFIG.window) -> dict:
    entry = get_metric(store, metric)
    pk = find_metric(store, entry["metric_id"])["_pk"]
    scope = require_scope(store, app, environment)
    reset = snapshots.baseline_resets(store, scope[0], scope[1], "9999").get(pk)
    period_since = days_ago_iso(days) if days is not None else None
    since = max(filter(None, (reset, period_since)), default=None)
    rows = snapshots.history_rows(store, pk, scope[0], scope[1], limit=window, since=since)
    stats = compute_baseline([v for _, _, v in rows], window, DEFAULT_CONFIG.outlier_k)
    kept = remove_outliers(sorted(v for _, _, v in rows), DEFAULT_CONFIG.outlier_k)
    low, high = (kept[0], kept[-1]) if kept else (None, None)
    values = [{"snapshot_id": sid, "recorded_at": at, "value": value,
               "outlier": low is not None and not low <= value <= high}
              for sid, at, value in rows]
    result = {"metric": entry, "scope": scope_dict(scope), "window": window, "since": since,
              "reset_since": reset, "baseline": stats.to_dict() if stats else None,
              "values": values, "period": None}
    if days is not None:
        result["period"] = _period(store, pk, scope, days, period_since)
    return result


def _period(db: Database, pk: int, scope: tuple[str, str], days: float,
            period_since: str) -> dict:
    """Every warm run of the last `days` days (an accepted reset does not hide them here)."""
    rows = snapshots.history_rows(db, pk, scope[0], scope[1], limit=PERIOD_LIMIT,
                                  since=period_since)
    values = sorted(v for _, _, v in rows)
    out = {"days": days, "since": period_since, "count": len(values), "median": None,
           "min": None, "max": None, "p5": None, "p95": None}
    if values:
        out.update(median=_quantile(values, 0.5), min=values[0], max=values[-1],
                   p5=_quantile(values, 0.05), p95=_quantile(values, 0.95))
    return out


def _quantile(values: list[float], q: float) -> float:
    pos = q * (len(values) - 1)
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (pos - low)
