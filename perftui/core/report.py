"""A per-metric summary of a period, as data; text and markdown renderings in `render_markdown`.

Shape of `report(...)`:
    {scope{app, environment}, days, since, generated_at,
     period{snapshots, cold_starts, failed, first, last, performance_index_mean, commits},
     open_alerts{critical, error, warning, info},
     metrics[{metric_id, name, unit, direction, target, warning, error, count, mean, median,
              min, max, p95, latest, trend_percent, trend, target_status, alerts{severity: n}}]}

Statistics are over warm, successful runs. `trend_percent` compares the median of the second
half of the period with the first half's (direction-aware `trend`: improving, stable,
worsening, at 5 %); `target_status` is the period median against the metric's lines.
"""

from __future__ import annotations

import math

from perftui.analysis.threshold import check_threshold
from perftui.analysis.types import MetricSpec
from perftui.analysis import verdicts
from perftui.core.markdown import md
from perftui.core.scope import require_scope, scope_dict
from perftui.errors import InputError
from perftui.store import reports as store_reports
from perftui.store.alerts import open_alert_counts
from perftui.store.engine import Database
from perftui.store.metrics import metric_rows
from perftui.timefmt import days_ago_iso, now_iso

TREND_BAND = 5.0


def report(store: Database, app: str | None = None, environment: str | None = None,
           days: float = 7) -> dict:
    if not days > 0:
        raise InputError(f"--days must be above 0, got {days}")
    scope = require_scope(store, app, environment)
    since = days_ago_iso(days)
    conn = store
    values = store_reports.warm_series(conn, scope[0], scope[1], since)
    alerts = store_reports.alerts_in_period(conn, scope[0], scope[1], since)
    catalog = {m["metric_id"]: m for m in metric_rows(store)}
    metrics = [_metric(catalog[code], series, alerts.get(code, {}))
               for code, series in sorted(values.items()) if code in catalog]
    return {"scope": scope_dict(scope), "days": days, "since": since, "generated_at": now_iso(),
            "period": store_reports.period_counts(conn, scope[0], scope[1], since),
            "open_alerts": open_alert_counts(store, scope[0], scope[1]), "metrics": metrics}


def _metric(meta: dict, series: list[float], alerts: dict) -> dict:
    n = len(series)
    half = n // 2
    early, late = sorted(series[:half]), sorted(series[half:])
    ordered = early + late
    ordered.sort()  # two sorted runs: Timsort merges them in one linear pass
    first = _median(early) if half else None
    second = _median(late) if half else None
    change = verdicts.change_percent(second, first) if first is not None else None
    worse = verdicts.worse_by(change, meta["direction"])
    trend = "stable" if worse is None or abs(worse) < TREND_BAND else (
        "worsening" if worse > 0 else "improving")
    median = _median(ordered)
    spec = MetricSpec(meta["metric_id"], meta["direction"], meta["target"], meta["warning"],
                      meta["error"])
    finding = check_threshold(median, spec)
    return {"metric_id": meta["metric_id"], "name": meta["name"], "unit": meta["unit"],
            "direction": meta["direction"], "target": meta["target"],
            "warning": meta["warning"], "error": meta["error"], "count": n,
            "mean": math.fsum(ordered) / n, "median": median, "min": ordered[0],
            "max": ordered[-1], "p95": _quantile(ordered, 0.95), "latest": series[-1],
            "trend_percent": change, "trend": trend,
            "target_status": finding.severity if finding else ("ok" if meta["target"] is not None
                                                                else None),
            "alerts": alerts}


def _median(ordered: list[float]) -> float:
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _quantile(ordered: list[float], q: float) -> float:
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def label(metric: dict) -> str:
    """'APP-001 Application Startup Time', or just the id when the name adds nothing."""
    name = metric["name"]
    return metric["metric_id"] if name == metric["metric_id"] else f"{metric['metric_id']} {name}"


def render_markdown(data: dict) -> str:
    from perftui.fmt import format_percent, format_value

    scope, period = data["scope"], data["period"]
    lines = [f"## Performance report: {md(scope['app'])} / {md(scope['environment'])}", "",
             f"**Period:** last {data['days']:g} days ({md((period['first'] or '—')[:10])} .. "
             f"{md((period['last'] or '—')[:10])}), {period['snapshots']} runs "
             f"({period['cold_starts']} cold starts, {period['failed']} failed), "
             f"{period['commits']} commits", ""]
    pi = period["performance_index_mean"]
    if pi is not None:
        lines += [f"**Performance index:** {pi:.0f}/100", ""]
    lines += ["| Metric | Median | p95 | Min | Max | Target | Trend | Status | Alerts |",
              "|---|---:|---:|---:|---:|---:|---|---|---|"]
    for m in data["metrics"]:
        u = m["unit"]
        alerts = ", ".join(f"{n} {sev}" for sev, n in sorted(m["alerts"].items())) or "—"
        cells = [label(m), format_value(m["median"], u), format_value(m["p95"], u),
                 format_value(m["min"], u), format_value(m["max"], u),
                 format_value(m["target"], u),
                 f"{m['trend']} ({format_percent(m['trend_percent'])})",
                 m["target_status"] or "—", alerts]
        lines.append("| " + " | ".join(md(cell) for cell in cells) + " |")
    open_alerts = ", ".join(f"{n} {sev}" for sev, n in data["open_alerts"].items() if n) or "none"
    lines += ["", f"**Open alerts:** {md(open_alerts)}", ""]
    return "\n".join(lines)
