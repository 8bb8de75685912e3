"""From data to `PlotSpec`: the trend chart and the small history plot of an alert.

Pure functions of their arguments (plus the theme's colours), so the chart a screen shows is
easy to test without drawing it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from perftui.severity import ALERT_SEVERITIES
from perftui.tui.format import format_value
from perftui.tui.widgets.plot import HLine, PlotSpec, Series, hex_to_rgb, nice_ticks


def palette(app) -> dict[str, tuple[int, int, int] | None]:
    v = app.theme_variables if app is not None else {}
    return {name: hex_to_rgb(v.get(var)) for name, var in (
        ("line", "primary"), ("cold", "secondary"), ("median", "foreground-darken-2"),
        ("band", "panel-lighten-3"), ("daily", "accent-darken-1"), ("target", "success"), ("warning", "warning"),
        ("error", "error"), ("critical", "error"), ("info", "accent"), ("accent", "accent"))}


HOUR, DAY = 3600.0, 86400.0
TIME_STEPS = (HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY,
              30 * DAY, 91 * DAY, 182 * DAY, 365 * DAY)


def time_ticks(x0: float, x1: float, count: int = 6) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Ticks on round UTC boundaries (hours, days, weeks...) across [x0, x1], at most `count`,
    labelled to fit the span ('14:00', '01-28', '2025-11')."""
    if x1 <= x0:
        x1 = x0 + 1
    span = x1 - x0
    step = next((s for s in TIME_STEPS if span / s <= count - 1), TIME_STEPS[-1])
    fmt = "%H:%M" if step < DAY else "%m-%d" if step < 30 * DAY else "%Y-%m"
    first = (x0 // step + 1) * step if step <= DAY else (x0 // DAY + 1) * DAY
    ticks = []
    value = first
    while value <= x1 and len(ticks) < count + 2:
        ticks.append(value)
        value += step
    if not ticks:
        ticks = [x0]
    if step < DAY and span > DAY:  # hours across midnight: say which day
        fmt = "%d %H:%M"
    labels = tuple(datetime.fromtimestamp(t, timezone.utc).strftime(fmt) for t in ticks)
    return tuple(ticks), labels


AXIS_UNITS = {"ms", "s", "us", "ns", "MB", "KB", "GB", "%", "ratio"}


def value_ticks(lo: float, hi: float, unit: str) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Round y ticks; short units on the labels, long ones (tokens, cents) left to the title."""
    ticks = [t for t in nice_ticks(lo, hi, 5) if lo <= t <= hi] or [lo]
    unit = unit if unit in AXIS_UNITS else ""
    return tuple(ticks), tuple(format_value(t, unit) for t in ticks)


def _ylim(values: list[float], lines: list[float]) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    span = max(hi - lo, abs(hi) * 0.05, 1e-9)
    for y in lines:  # a target line is drawn when it is near the data, not far off-chart
        if lo - span <= y <= hi + span:
            lo, hi = min(lo, y), max(hi, y)
    pad = (hi - lo) * 0.06 or span * 0.1
    return lo - pad, hi + pad


def trend_spec(trend, app, show_lines: bool = True) -> PlotSpec:
    """The trend chart: runs (braille line), cold starts (•), baseline median and p5-p95
    band, target / warning / error lines, alert marks (x) at the triggering runs."""
    colours = palette(app)
    if trend is None or trend.empty:
        return PlotSpec(empty_message=_empty_message(trend))
    metric = trend.metric
    series = []
    if trend.daily_x:  # older history, folded into daily medians by retention
        series.append(Series(tuple(trend.daily_x), tuple(trend.daily_y), "line", "braille",
                             colours["daily"]))
    series.append(Series(tuple(trend.warm_x), tuple(trend.warm_y), "line", "braille",
                         colours["line"]))
    if trend.cold_x:
        series.append(Series(tuple(trend.cold_x), tuple(trend.cold_y), "scatter", "•",
                             colours["cold"]))
    starts = [x for x in (trend.first_x, trend.daily_x[0] if trend.daily_x else None) if x]
    ends = [x for x in (trend.last_x, trend.daily_x[-1] if trend.daily_x else None) if x]
    if trend.since is not None:
        x0, x1 = trend.since, max([trend.now] + ends)
    else:
        x0, x1 = min(starts), max(ends)
    marks = [a for a in trend.alerts if x0 <= a.x <= x1]
    for severity in ALERT_SEVERITIES:
        points = [(a.x, a.y) for a in marks if a.severity == severity]
        if points:
            xs, ys = zip(*points)
            series.append(Series(xs, ys, "scatter", "x", colours[severity]))
    lines, band = [], None
    base = trend.baseline
    if base is not None:
        lines.append(HLine(base["median"], colours["median"]))
        if base["p95"] > base["p5"]:
            band = (base["p5"], base["p95"])
    levels = []
    if show_lines:
        for name, marker in (("target", "╌"), ("warning", "┄"), ("error", "━")):
            if metric.get(name) is not None:
                levels.append(metric[name])
                lines.append(HLine(metric[name], colours[name], marker))
    values = list(trend.warm_y) + list(trend.cold_y) + list(trend.daily_y)
    if band:
        values += list(band)
    ylim = _ylim(values, levels)
    lines = [ln for ln in lines if ylim[0] <= ln.y <= ylim[1]]
    if x1 <= x0:
        x0, x1 = x0 - 1800, x1 + 1800
    return PlotSpec(series=tuple(series), lines=tuple(lines), band=band,
                    band_color=colours["band"], xlim=(x0, x1), ylim=ylim,
                    xticks=time_ticks(x0, x1), yticks=value_ticks(*ylim, metric["unit"]))


def _empty_message(trend) -> str:
    if trend is None:
        return "loading…"
    from perftui.core.trends import RANGE_LABELS

    text = f"No runs of {trend.metric['metric_id']} in the {RANGE_LABELS[trend.range]}"
    if trend.latest_any:
        text += f" (the newest run of this scope is from {trend.latest_any[:16].replace('T', ' ')})"
    return text + ". Press r for a longer range."


def history_spec(alert: dict, history: list[tuple[int, str, float]], app) -> PlotSpec:
    """The small plot of an alert: the metric's recent warm runs (by run number) with the
    baseline band and median from the alert's context, and the triggering run marked."""
    colours = palette(app)
    if not history:
        return PlotSpec(empty_message="no runs left for this alert (pruned)")
    xs = tuple(float(i) for i in range(len(history)))
    ys = tuple(v for _, _, v in history)
    series = [Series(xs, ys, "line", "braille", colours["line"])]
    hit = [i for i, (sid, _, _) in enumerate(history) if sid == alert.get("snapshot_id")]
    hit = hit or [len(history) - 1]
    series.append(Series(tuple(float(i) for i in hit), tuple(ys[i] for i in hit), "scatter",
                         "x", colours.get(alert["severity"]) or colours["error"]))
    base = (alert.get("context") or {}).get("baseline") or {}
    lines, band = [], None
    if base.get("median") is not None:
        lines.append(HLine(base["median"], colours["median"]))
    if base.get("p5") is not None and base.get("p95") is not None and base["p95"] > base["p5"]:
        band = (base["p5"], base["p95"])
    values = list(ys) + (list(band) if band else [])
    ylim = _ylim(values, [])
    x1 = max(1.0, float(len(history) - 1))
    labels = (f"-{len(history) - 1} runs", "latest") if len(history) > 1 else ("", "latest")
    return PlotSpec(series=tuple(series), lines=tuple(lines), band=band,
                    band_color=colours["band"], xlim=(0.0, x1), ylim=ylim,
                    xticks=((0.0, x1), labels), yticks=value_ticks(*ylim, alert["unit"]))
