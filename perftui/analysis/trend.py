"""Tier 3: a sustained drift over a window (slope relative to the median, and fit quality).

A rolling baseline follows a slow drift, so the regression and change-point tiers never see it
(at +0.5 %/run the current run is only ~5 % above a 20-run median). This tier fits a least-squares
line through the last ``trend_window`` runs (current included) and alerts when

* the change the line projects over the window, slope x (window - 1) / |median|, reaches
  ``trend_min_change`` in the bad direction,
* the fit explains enough of the variance (r^2 >= ``trend_min_r2``), and
* the slope is significant (t >= ``trend_min_t``; r^2 alone is noisy for 30 points).

Values beyond ``trend_winsor_k`` robust sigmas of the window median are clipped first, so one
3x spike at the end of the window cannot tilt the line. Input is in badness space.
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence
from _operator import mul

from ._stats import floored_sigma, iqr_sigma_sorted, linear_fit, median_sorted, safe_ratio
from .messages import trend_message
from .types import DetectorConfig, Finding, MetricSpec


def winsorise(ys: Sequence[float], k: float, floor: float) -> tuple[list[float], float]:
    """``ys`` clipped to median +- k robust (interquartile) sigmas, and that median."""
    srt = sorted(ys)
    med = median_sorted(srt)
    sigma = floored_sigma(iqr_sigma_sorted(srt), med, floor)
    lo, hi = med - k * sigma, med + k * sigma
    if srt[0] < lo or srt[-1] > hi:
        return [lo if y < lo else hi if y > hi else y for y in ys], med
    return list(ys), med


def best_step_sse(ys: Sequence[float], min_segment: int = 3) -> float:
    """Smallest residual sum of squares of a one-step (two-level) fit to ``ys``.

    Every split leaving at least ``min_segment`` values on each side is tried, with prefix sums,
    so the cost is linear in len(ys).
    """
    n = len(ys)
    ybar = sum(ys) / n
    d = [y - ybar for y in ys]
    total = sum(d)
    best = sum(map(mul, d, d)) - total * total / n
    sq = best + total * total / n
    left = 0.0
    for j, y in enumerate(d[: n - min_segment], start=1):
        left += y
        if j < min_segment:
            continue
        right = total - left
        sse = sq - left * left / j - right * right / (n - j)
        if sse < best:
            best = sse
    return best


def detect_trend(s: Sequence[float], sign: float, config: DetectorConfig,
                 spec: MetricSpec | None = None) -> Finding | None:
    """Trend finding for badness series ``s`` (current value last), or None."""
    w = config.trend_window
    if len(s) < w:
        return None
    ys, med = winsorise(s[-w:], config.trend_winsor_k, config.spread_floor)
    slope, intercept, r2, t = linear_fit(ys)
    if slope <= 0:
        return None
    change = safe_ratio(slope * (w - 1), med)
    if change + 1e-9 < config.trend_min_change or r2 < config.trend_min_r2 or t < config.trend_min_t:
        return None
    if config.trend_step_ratio > 0:
        # a level shift inside the window also tilts the line: it is not a drift when the best
        # single step leaves clearly less residual than the line
        ybar = sum(ys) / w
        sst = sum([(y - ybar) * (y - ybar) for y in ys])
        if best_step_sse(ys) < config.trend_step_ratio * sst * (1.0 - r2):
            return None
    severity = "error" if change >= config.error_effect and r2 >= 0.6 else "warning"
    expected = sign * med
    per_run = safe_ratio(slope, med) * 100.0
    # the line's projected change, told from the window's median: value and deviation agree
    projected = sign * (med + slope * (w - 1))
    return Finding(
        alert_type="trend",
        severity=severity,
        current_value=projected,
        expected_value=expected,
        deviation_percent=change * 100.0,
        message=trend_message(spec or MetricSpec("metric"), expected, projected, change, per_run, w),
        details={
            "value": sign * s[-1],
            "slope_percent_per_run": round(sign * per_run, 6),
            "projected_change": round(change, 6),
            "r2": round(r2, 4),
            "t": round(t, 4),
            "n": w,
            "window_median": expected,
            "fitted_end": sign * (intercept + slope * (w - 1)),
        },
    )
