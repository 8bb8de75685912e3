"""Evaluate one value of one metric: every tier, confidence gating, worst severity wins.

Tiers (see their modules): threshold (absolute lines, never gated), regression (the value
against the baseline, confirmed over 2-3 runs; a lone outlier is an ``anomaly`` at ``info``),
change point (a level shift of the last 3-10 runs against the 40 before them), trend (a
sustained drift over 40 runs).

The statistical tiers report at most one finding per run: a confirmed ``regression`` hides a
``change_point`` (the same shift seen by a slower test), either hides a ``trend``, and any of
them hides the ``anomaly`` of the same run. Statistical findings are gated by the baseline's
confidence: below ``min_confidence`` none, below ``full_confidence`` at most ``warning``.

Cost: about 40 microseconds per metric with 60 values of history in plain CPython 3.11, so 20
metrics take well under a millisecond.
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

from ._stats import floored_sigma, noise_sigmas, resolution, safe_ratio
from .baseline import summarise
from .changepoint import detect_change_point
from .regression import point_findings
from .threshold import check_threshold
from .trend import detect_trend
from .types import DEFAULT_CONFIG, Baseline, DetectorConfig, Finding, MetricSpec, MetricVerdict, bad_sign, worst

__all__ = ["check_threshold", "evaluate_metric", "check_value"]


def check_value(value: float, what: str = "value") -> float:
    """``value`` as a float; ValueError naming the problem if it is NaN, infinite or not a number."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not a bool")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if math.isnan(v):
        raise ValueError(f"{what} is NaN")
    if math.isinf(v):
        raise ValueError(f"{what} is infinite ({v})")
    return v


def _cap(f: Finding, severity: str) -> Finding:
    """``f`` with its severity lowered to ``severity`` (details record the cap)."""
    details = dict(f.details)
    details["capped_from"] = f.severity
    return Finding(f.alert_type, severity, f.current_value, f.expected_value, f.deviation_percent, f.message, details)


def _history_tail(history: Sequence[float], keep: int) -> list[float]:
    """The last ``keep`` finite values of ``history`` as floats (non-finite ones skipped)."""
    try:
        tail = [float(v) for v in history[-keep:]]
    except (TypeError, ValueError):
        tail = None
    if tail is not None and all(map(math.isfinite, tail)):
        return tail  # the common case: a clean list of numbers
    out: list[float] = []
    for v in reversed(list(history)):
        try:
            v = float(v)
        except (TypeError, ValueError):
            continue
        if math.isfinite(v):
            out.append(v)
            if len(out) == keep:
                break
    out.reverse()
    return out


def evaluate_metric(
    value: float,
    history: Sequence[float],
    spec: MetricSpec,
    config: DetectorConfig = DEFAULT_CONFIG,
) -> MetricVerdict:
    """Verdict on ``value`` of metric ``spec`` given its earlier warm values.

    ``history`` holds the previous warm, successful values in this scope, oldest -> newest,
    without ``value`` itself; only the last ``config.history`` are read (non-finite ones are
    skipped). Raises ValueError when ``value`` is NaN, infinite or not a number, or when the
    spec's direction or lines are invalid.
    """
    value = check_value(value, f"{spec.metric_id} value")
    sign = bad_sign(spec.direction)
    findings: list[Finding] = []
    thr = check_threshold(value, spec)
    if thr is not None:
        findings.append(thr)
    hist = _history_tail(history, config.history)
    baseline = summarise(hist[-config.window:], config.window, config.outlier_k) if hist else None
    change = None
    if baseline is not None:
        if baseline.median != 0:
            change = safe_ratio(value - baseline.median, baseline.median) * 100.0
        if baseline.confidence + 1e-12 >= config.min_confidence:
            findings.extend(_statistical(value, hist, baseline, sign, config, spec))
    severity = worst(*(f.severity for f in findings))
    return MetricVerdict(
        metric_id=spec.metric_id,
        value=value,
        severity=severity,
        findings=tuple(findings),
        baseline=baseline,
        change_percent=change,
        direction=spec.direction,
    )


def _statistical(
    value: float, hist: list[float], baseline: Baseline, sign: float, config: DetectorConfig,
    spec: MetricSpec,
) -> list[Finding]:
    """Regression / change point / trend / anomaly findings, precedence and gating applied."""
    if sign > 0:
        s = hist + [value]
    else:
        s = [-v for v in hist]
        s.append(-value)
    center = sign * baseline.median
    # noise: successive differences, absolute and (for all-positive series) relative to the
    # level; the larger wins, so a history that spans a lasting change in level (whose noise
    # scales with it) never makes the current regime look quieter than it is
    noise_abs, rel = noise_sigmas(hist)
    # a quantised metric (few distinct levels: a coarse timer, a count) dithers between
    # neighbouring levels: its noise is at least half a step, however long the runs of one
    # level are, and a run at the neighbouring level is no evidence of a shift
    step = resolution(hist)
    if step > 0.0:
        # its median sits on one level while its true level lies between two: the mean of the
        # baseline's runs is the level, and their spread counts (successive differences of a
        # series that stays on one level for a while are mostly 0)
        center = sign * baseline.mean
        noise_abs = max(noise_abs, 0.5 * step)
    noise = noise_abs if rel is None else max(noise_abs, rel * abs(baseline.median))
    if config.point_sigma == "window" or noise <= 0:
        spread = baseline.spread
    elif config.point_sigma == "max" and baseline.spread > noise:
        spread = baseline.spread
    else:
        spread = noise
    sigma = floored_sigma(spread, baseline.median, config.spread_floor)
    point = point_findings(s, center, sigma, sign, config, step, spec)
    shift: Finding | None = point if point is not None and point.alert_type == "regression" else None
    if shift is None and config.change_point:
        shift = detect_change_point(s, sign, noise_abs, config, rel, step, spec)
    if shift is None and config.trend and s[-1] >= center:
        # a drift is only news on a run that is itself no better than its baseline: a run
        # 17 % below the median is not the moment to say "drifting up" (an alert already open
        # for the drift stays open through lifecycle.still_regressed)
        shift = detect_trend(s, sign, config, spec)
    out: list[Finding] = []
    if shift is not None:
        if baseline.confidence + 1e-12 < config.full_confidence and shift.severity in ("error", "critical"):
            shift = _cap(shift, "warning")
        out.append(shift)
    elif point is not None:
        out.append(point)  # the lone anomaly, info
    return out
