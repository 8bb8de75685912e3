"""Value types shared by every analysis module: severities, specs, config, baselines, findings.

Everything here is a frozen dataclass or a plain function, so verdicts can be hashed, compared
and handed between threads without copying. No I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

SEVERITIES: tuple[str, ...] = ("ok", "info", "warning", "error", "critical")
"""Ordered from harmless to worst. "alert" in this package means ``warning`` or above."""

_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

Direction = Literal["lower", "higher"]
"""Which way is better: ``lower`` for timings, memory and tokens, ``higher`` for hit rates."""

DIRECTIONS: tuple[str, ...] = ("lower", "higher")

ALERT_TYPES: tuple[str, ...] = ("threshold", "regression", "trend", "change_point", "anomaly")


def severity_rank(s: str) -> int:
    """Position of ``s`` in :data:`SEVERITIES` (0 = ok … 4 = critical); ValueError if unknown."""
    try:
        return _RANK[s]
    except KeyError:
        raise ValueError(f"unknown severity {s!r}; expected one of {', '.join(SEVERITIES)}") from None


def worst(*severities: str) -> str:
    """The worst of the given severities; ``"ok"`` when called with none."""
    best = "ok"
    rank = 0
    for s in severities:
        r = severity_rank(s)
        if r > rank:
            best, rank = s, r
    return best


def bad_sign(direction: str) -> float:
    """+1.0 when higher values are worse (``lower`` is better), -1.0 otherwise.

    Multiplying a difference by this sign turns it into a "badness": positive means worse.
    """
    if direction == "lower":
        return 1.0
    if direction == "higher":
        return -1.0
    raise ValueError(f"direction must be 'lower' or 'higher', not {direction!r}")


@dataclass(frozen=True)
class MetricSpec:
    """What a metric should look like: its good direction and optional absolute lines.

    ``warning`` and ``error`` are absolute values in the metric's unit, beyond ``target`` in the
    bad direction (above it for ``lower``, below it for ``higher``).
    """

    metric_id: str
    direction: str = "lower"
    target: float | None = None
    warning: float | None = None
    error: float | None = None


@dataclass(frozen=True)
class DetectorConfig:
    """Tunable knobs of the detector. Defaults were chosen with ``benchmarks/detection_quality.py``.

    The harness replays synthetic series (log-normal noise 2/5/10 %, 2-3x spikes about once in
    100 runs, steps, drifts, improvements) and the labelled Mozilla series; the figures and the
    alternatives that lost are in ``benchmarks/DETECTION.md``. In short:

    Baseline
        window: 20 runs, the original design's N; with fewer values confidence drops below 1.
        history: 60 prior warm values; the largest any tier reads (trend window 30 + the
            change-point reference of 20 before up to 10 recent runs = 60).
        outlier_k: a value further than 3.5 robust sigmas from the window median is left out of
            the baseline (the Iglewicz-Hoaglin rule; removes spikes, almost never a normal run).
        spread_floor: 0.01; the robust sigma used for z-scores is never below 1 % of the median,
            so an all-equal history does not divide by zero or alert on a 0.1 % wobble.

    Gating
        min_confidence 0.3 / full_confidence 0.7: below 0.3 (fewer than 6 of 20 values) no
            statistical finding; below 0.7 (fewer than 14) at most ``warning``.
        min_effect: 0.10, the original's "more than 10 % slower"; every statistical alert needs
            at least this relative effect, so a tight distribution never alerts on a 2 % wobble.

    Regression (a point test confirmed by ``confirm_runs`` consecutive runs)
        z_warning 4 / z_error 5 / z_critical 6 robust sigmas, with effects of min_effect /
        error_effect (25 %) / critical_effect (50 %). The literal z > 1 alerts on one normal run in
        six; z > 3 on two runs in a row still gave ~1 false alert per 1,000 runs at 10 % noise
        because a 20-run MAD often underestimates sigma; 4 keeps the 20 %/3-run target.

    Change point (median of the recent m runs, m = cp_min_recent..cp_max_recent, against the
    ``window`` runs before them)
        cp_z: 4.5 standard errors of the difference of the two medians, plus min_effect.
        cp_drop_worst: the single worst recent run is ignored, so one spike never confirms a shift.

    Trend (least squares over the last ``trend_window`` runs, spikes winsorised)
        trend_window 30, trend_min_change (projected change over the window) = 10 %,
        trend_min_r2 0.35 and trend_min_t 4.5 (t statistic of the slope).

    Lifecycle
        resolve_after: 5 normal runs resolve an open alert (short enough to close a false alarm
            the same day, long enough that one good run in a regression does not close it).
    """

    window: int = 20
    history: int = 60
    min_effect: float = 0.10
    outlier_k: float = 3.5
    spread_floor: float = 0.01
    min_confidence: float = 0.3
    full_confidence: float = 0.7
    # point-wise regression tier
    confirm_runs: int = 2
    z_warning: float = 4.0
    z_error: float = 5.0
    z_critical: float = 6.0
    error_effect: float = 0.25
    critical_effect: float = 0.50
    anomaly_z: float = 4.0
    # change-point tier
    change_point: bool = True
    cp_min_recent: int = 2
    cp_max_recent: int = 10
    cp_min_reference: int = 10
    cp_z: float = 4.5
    cp_drop_worst: int = 1
    # trend tier
    trend: bool = True
    trend_window: int = 30
    trend_min_change: float = 0.10
    trend_min_r2: float = 0.35
    trend_min_t: float = 4.5
    trend_winsor_k: float = 3.5
    # lifecycle
    resolve_after: int = 5
    record_min_severity: str = "info"

    def __post_init__(self) -> None:
        if self.window < 1:
            raise ValueError("window must be at least 1")
        if self.history < self.window:
            raise ValueError("history must be at least window")
        if not 0 <= self.min_confidence <= self.full_confidence <= 1:
            raise ValueError("need 0 <= min_confidence <= full_confidence <= 1")
        if self.confirm_runs < 1:
            raise ValueError("confirm_runs must be at least 1")
        if self.cp_min_recent < 2 or self.cp_max_recent < self.cp_min_recent:
            raise ValueError("need 2 <= cp_min_recent <= cp_max_recent")
        if self.trend_window < 3:
            raise ValueError("trend_window must be at least 3")
        if self.resolve_after < 1:
            raise ValueError("resolve_after must be at least 1")
        severity_rank(self.record_min_severity)

    def needed_history(self) -> int:
        """How many prior values the tiers can use at most (callers may pass ``history``)."""
        return max(self.window + self.confirm_runs, self.window + self.cp_max_recent, self.trend_window)


DEFAULT_CONFIG = DetectorConfig()


@dataclass(frozen=True)
class Baseline:
    """Robust summary of the last ``window`` warm runs (outliers removed).

    ``spread`` is a robust sigma: 1.4826 x MAD, falling back to 1.2533 x mean absolute deviation
    when more than half the values are equal, and 0 only when all are equal.
    ``confidence`` = min(1, sample_size / window) with sample_size counted after outlier removal.
    """

    median: float
    p5: float
    p95: float
    spread: float
    mean: float
    std: float
    sample_size: int
    confidence: float
    outliers_removed: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict with every field."""
        return {
            "median": self.median,
            "p5": self.p5,
            "p95": self.p95,
            "spread": self.spread,
            "mean": self.mean,
            "std": self.std,
            "sample_size": self.sample_size,
            "confidence": self.confidence,
            "outliers_removed": self.outliers_removed,
        }


@dataclass(frozen=True)
class Finding:
    """One tier's verdict on one value.

    ``deviation_percent`` is signed so that **positive means worse** whatever the direction
    (a hit rate 5 points under its target gives a positive number). What it measures depends on
    the tier: threshold, the value against the target line; regression and anomaly, the value
    against the baseline median; change_point, the recent runs' median against the reference
    median; trend, the change the fitted line projects over its window.
    """

    alert_type: str
    severity: str
    current_value: float
    expected_value: float
    deviation_percent: float
    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricVerdict:
    """Everything the detector concluded about one value of one metric.

    ``change_percent`` is the raw (value - baseline.median) / |baseline.median| x 100, not
    direction-aware; None without a baseline or when the median is 0.
    """

    metric_id: str
    value: float
    severity: str
    findings: tuple[Finding, ...]
    baseline: Baseline | None
    change_percent: float | None
    direction: str = "lower"

    @property
    def is_alert(self) -> bool:
        """True when the verdict is ``warning`` or worse."""
        return severity_rank(self.severity) >= _RANK["warning"]
