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

The period starts on the hour: `since` is the start of the hour `days` days ago. A period of up
to RAW_RUNS runs is summarised from its raw values, exactly. A longer one comes
from the hourly rollups (`perftui.store.rollups`), so a week costs its 168 hours whatever the
number of runs: counts, mean, min, max, latest and the period line stay exact; median and p95
come from merged sketches, within `rollups.ALPHA` (0.5 %); the two halves of the trend are split
at an hour boundary. `exact` says which (false: the report says so). A store this process may
not write (read-only, another user's) keeps no rollups and is always read raw.
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
from perftui.store import rollups
from perftui.store.alerts import open_alert_counts
from perftui.store.engine import Database
from perftui.store.metrics import metric_codes, metric_rows
from perftui.timefmt import days_ago_iso, now_iso

TREND_BAND = 5.0
RAW_RUNS = 5000   # runs in a period up to which it is read value by value
APPROXIMATE = (f"Medians and p95 from hourly rollups, within {rollups.ALPHA * 100:g} %; "
               "the trend's halves split at an hour.")


def report(store: Database, app: str | None = None, environment: str | None = None,
           days: float = 7, progress=None) -> dict:
    """The report of the last `days` days of a scope (shape above). `progress(done, total)`
    hears about bringing the hourly rollups up to date first (a one-off on a large store whose
    rollups were never built)."""
    if not days > 0:
        raise InputError(f"--days must be above 0, got {days}")
    scope = require_scope(store, app, environment)
    # The period starts on the hour (the hour N days ago began), so a long one is whole hours
    # of the rollups, with no partial first hour to read value by value.
    since = days_ago_iso(days)[:13] + ":00:00.000000Z"
    conn = store
    app, environment = scope
    alerts = store_reports.alerts_in_period(conn, app, environment, since)
    catalog = {m["metric_id"]: m for m in metric_rows(store)}
    kept = rollups.refresh(conn, progress)
    period = (_period_from_rollups(conn, app, environment, since) if kept
              else store_reports.period_counts(conn, app, environment, since))
    exact = not kept or period["snapshots"] <= RAW_RUNS
    if exact:
        values = store_reports.warm_series(conn, app, environment, since)
        metrics = [_metric(catalog[code], series, alerts.get(code, {}))
                   for code, series in sorted(values.items()) if code in catalog]
    else:
        metrics = _metrics_from_rollups(conn, app, environment, since, catalog, alerts)
    return {"scope": scope_dict(scope), "days": days, "since": since, "generated_at": now_iso(),
            "exact": exact, "period": period,
            "open_alerts": open_alert_counts(store, app, environment), "metrics": metrics}


def _period_from_rollups(conn: Database, app: str, environment: str, since: str) -> dict:
    """`store.reports.period_counts` (the same figures) from the rollups of the period's
    hours; the period starts on the hour."""
    runs = cold = failed = index_n = 0
    index_sum = 0.0
    first = last = None
    commits: set[str] = set()
    for (_, n, n_cold, n_failed, at_first, at_last, i_sum, i_n,
         hour_commits) in rollups.run_hours(conn, app, environment, since[:13]):
        runs, cold, failed = runs + n, cold + n_cold, failed + n_failed
        if i_n:
            index_sum, index_n = index_sum + i_sum, index_n + i_n
        if hour_commits:
            commits.update(rollups.load_commits(hour_commits))
        first = at_first if first is None or at_first < first else first
        last = at_last if last is None or at_last > last else last
    return {"snapshots": runs, "cold_starts": cold, "failed": failed, "first": first,
            "last": last, "performance_index_mean": index_sum / index_n if index_n else None,
            "commits": len(commits)}


def _metrics_from_rollups(conn: Database, app: str, environment: str, since: str,
                          catalog: dict, alerts: dict) -> list[dict]:
    codes = metric_codes(conn)
    hours: dict[int, list[tuple]] = {}
    for row in rollups.metric_hours(conn, app, environment, since[:13]):
        if row[3]:   # warm runs in that hour
            hours.setdefault(row[0], []).append(row)
    out = []
    for metric_pk in sorted(hours, key=lambda pk: codes.get(pk, "")):
        code = codes.get(metric_pk)
        if code in catalog:
            out.append(_metric_summary(catalog[code], hours[metric_pk], alerts.get(code, {})))
    return out


def _metric_summary(meta: dict, hours: list[tuple], alerts: dict) -> dict:
    """`_metric`'s figures from the hours' rollups (hours with warm runs, oldest first)."""
    n = sum(h[3] for h in hours)
    low = min(h[5] for h in hours)
    high = max(h[6] for h in hours)
    early, late = rollups.Accumulator(), rollups.Accumulator()
    half, counted, split = n // 2, 0, False
    for h in hours:
        if not split and (counted + h[3] <= half or not counted):
            early.add_text(h[13])
            counted += h[3]
        else:
            split = True
            late.add_text(h[13])
    halves = (early.sketch(), late.sketch())
    whole = rollups.merge(dict(halves[0]), halves[1])
    median, p95 = rollups.quantiles(whole, (0.5, 0.95), low, high)
    first = second = None
    if half and halves[1]:
        first = rollups.quantiles(halves[0], (0.5,), low, high)[0]
        second = rollups.quantiles(halves[1], (0.5,), low, high)[0]
    return _summary(meta, n, math.fsum(h[4] for h in hours) / n, median, low, high, p95,
                    hours[-1][7], first, second, alerts)


def _metric(meta: dict, series: list[float], alerts: dict) -> dict:
    n = len(series)
    half = n // 2
    early, late = sorted(series[:half]), sorted(series[half:])
    ordered = early + late
    ordered.sort()  # two sorted runs: Timsort merges them in one linear pass
    first = _median(early) if half else None
    second = _median(late) if half else None
    return _summary(meta, n, math.fsum(ordered) / n, _median(ordered), ordered[0], ordered[-1],
                    _quantile(ordered, 0.95), series[-1], first, second, alerts)


def _summary(meta: dict, n: int, mean: float, median: float, low: float, high: float,
             p95: float, latest: float, first: float | None, second: float | None,
             alerts: dict) -> dict:
    change = verdicts.change_percent(second, first) if first is not None else None
    worse = verdicts.worse_by(change, meta["direction"])
    trend = "stable" if worse is None or abs(worse) < TREND_BAND else (
        "worsening" if worse > 0 else "improving")
    spec = MetricSpec(meta["metric_id"], meta["direction"], meta["target"], meta["warning"],
                      meta["error"])
    finding = check_threshold(median, spec)
    return {"metric_id": meta["metric_id"], "name": meta["name"], "unit": meta["unit"],
            "direction": meta["direction"], "target": meta["target"],
            "warning": meta["warning"], "error": meta["error"], "count": n,
            "mean": mean, "median": median, "min": low,
            "max": high, "p95": p95, "latest": latest,
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
    if not data.get("exact", True):
        lines += [APPROXIMATE, ""]
    return "\n".join(lines)
