"""Value types shared by every analysis module: severities, specs, config, baselines, findings.

Everything here is a frozen record (see `_frozen.py`: a frozen dataclass without the import
cost) or a plain function, so verdicts can be hashed, compared and handed between threads
without copying. No I/O, no clock.
"""

from __future__ import annotations

from perftui.severity import SEVERITIES, severity_rank, worst  # the one severity order

from ._frozen import Frozen, factory, replace

# Annotations only: importing typing at run time would cost a host application's start-up.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# re-exported: replace(config, window=30) works like dataclasses.replace; the severity order
# and its helpers are perftui.severity's, under the names perftui.analysis has always exported
__all__ = ["replace", "SEVERITIES", "severity_rank", "worst"]

Direction = str  # "lower" | "higher"
"""Which way is better: ``lower`` for timings, memory and tokens, ``higher`` for hit rates."""

DIRECTIONS: tuple[str, ...] = ("lower", "higher")

ALERT_TYPES: tuple[str, ...] = ("threshold", "regression", "trend", "change_point", "anomaly")


def bad_sign(direction: str) -> float:
    """+1.0 when higher values are worse (``lower`` is better), -1.0 otherwise.

    Multiplying a difference by this sign turns it into a "badness": positive means worse.
    """
    if direction == "lower":
        return 1.0
    if direction == "higher":
        return -1.0
    raise ValueError(f"direction must be 'lower' or 'higher', not {direction!r}")


class MetricSpec(Frozen):
    """What a metric should look like: its good direction and optional absolute lines.

    ``warning`` and ``error`` are absolute values in the metric's unit, beyond ``target`` in the
    bad direction (above it for ``lower``, below it for ``higher``). ``name`` and ``unit`` only
    make alert messages readable (see ``messages.py``); detection never reads them.
    """

    metric_id: str
    direction: str = "lower"
    target: float | None = None
    warning: float | None = None
    error: float | None = None
    name: str | None = None  # what alert messages call it ("Validation time"); else metric_id
    unit: str | None = None  # the unit its values are shown in ("ms", "tokens", "ratio")


class DetectorConfig(Frozen):
    """Tunable knobs of the detector. Defaults were chosen with ``benchmarks/detection_quality.py``.

    The harness replays synthetic series (log-normal noise 2/5/10 %, a 2-3x spike about once in
    100 runs, steps, drifts, improvements) and the labelled Mozilla Perfherder series through
    :func:`evaluate_metric` and :func:`plan_alerts`; figures and the alternatives that lost are in
    ``benchmarks/DETECTION.md``. Sigma below means the noise of the metric, estimated from the
    successive differences of the history (robust to steps, drifts and spikes, ~13 % error on 60
    values against ~27 % for the MAD of 20: using window MADs instead doubles false alerts, to
    1.4 per 1,000 runs at 10 % noise, and gives 12 instead of 5 false alerts on Mozilla).

    Baseline and gating
        window 20: the original's N. history 60: the most any tier reads (change point:
        40 reference + up to 10 recent runs; trend: 40). outlier_k 3.5: values beyond 3.5 robust
        sigmas of the window median are left out of the baseline (removes spikes, almost never a
        normal run). spread_floor 0.01: sigma is never below 1 % of the median, so an all-equal
        history neither divides by zero nor alerts on a 0.1 % wobble. min_confidence 0.3 /
        full_confidence 0.7: below 6 of 20 baseline values no statistical finding, below 14 at
        most warning. min_effect 0.10: the original's "more than 10 % slower"; every statistical
        alert needs it, so a tight series never alerts on a 2 % wobble.

    Regression (tier 2): run_rules ((2, 3.5), (3, 2.0)): the last 2 runs all >= 3.5 sigmas, or
        the last 3 runs all >= 2 sigmas, above the baseline median, each by >= min_effect. One
        run alone is at most an ``anomaly`` (info, from anomaly_z 4). The 3-run rule lifts +20 %
        steps caught within 3 runs at 5 % noise from 90 % to 92 % for +0.01 false alerts per
        1,000 runs (3 normal runs in a row beyond 2 sigmas: p ~ 1e-5). Severity: error needs an
        effect >= error_effect (25 %) and z >= z_error (5), critical >= critical_effect (50 %)
        and z >= z_critical (6), on the least bad of the confirming runs.

    Change point: cp_reference 40 (with a 20-run reference 77 % of +10 % steps are caught within
        10 runs at 5 % noise, with 40 runs 90 %), m = 3..10 recent runs, cp_z 4.0,
        cp_winsor_k 5 (a 4-sigma cap cost 3 points of +20 % recall), cp_effect_tolerance 1
        standard error (a strict 10 % cut catches 78 % of +10 % steps). Moving every z threshold
        (run rules, cp_z, trend t) down by 1 gives 2.2 / 5.0 false alerts per 1,000 runs at
        5 / 10 % noise; up by 1 catches only 61 % of +10 % steps and 68 % of +20 % steps in time.
        cp_quiet_sigmas 4 / cp_quiet_effect 3 %: a lasting shift of 4 sigmas on a quiet series
        (every recent run a sigma or more above the reference) counts below min_effect, down to
        3 %, as a warning at most. It catches Mozilla 3779396 (+6 % at ~1.5 % noise, which the
        sheriffs confirmed: recall 0.67 -> 0.83) and moves no synthetic figure; a 1-2 % wobble
        stays silent (DESIGN.md). 0 switches it off (DETECTION.md, "no quiet shifts" row).

    Trend (tier 3): trend_window 40, projected change over the window >= trend_min_change
        (10 %), r^2 >= 0.3 and slope t >= 4. On its own (no change point) it catches 97 % of
        +0.5 %/run drifts within 40 runs at 5 % noise (a 30-run window: 95 %, but 34 % instead of
        54 % at 10 % noise and twice the false trends). trend_step_ratio 0.8: no trend when one
        step explains the window clearly better than a line (a level shift tilts the line too;
        without this check one more false alert on the Mozilla series).

    Lifecycle: resolve_after 5 normal runs resolve an open alert; new_after_normal 2: a shift
        found after 2 normal runs is a new alert (the old one resolves), not a repeat, so a real
        slowdown after a false alarm is reported as itself (0: always a repeat);
        record_min_severity "info" keeps anomalies as (info) alert rows.
    """

    window: int = 20
    history: int = 60
    min_effect: float = 0.10
    outlier_k: float = 3.5
    spread_floor: float = 0.01
    min_confidence: float = 0.3
    full_confidence: float = 0.7
    # point-wise regression tier
    run_rules: tuple[tuple[int, float], ...] = ((2, 3.5), (3, 2.0))
    z_error: float = 5.0
    z_critical: float = 6.0
    error_effect: float = 0.25
    critical_effect: float = 0.50
    anomaly_z: float = 4.0
    point_sigma: str = "noise"
    # change-point tier
    change_point: bool = True
    cp_min_recent: int = 3
    cp_max_recent: int = 10
    cp_min_reference: int = 10
    cp_reference: int = 40
    cp_z: float = 4.0
    cp_winsor_k: float = 5.0
    cp_effect_tolerance: float = 1.0
    cp_sigma: str = "noise"
    cp_quiet_sigmas: float = 4.0
    cp_quiet_effect: float = 0.03
    # trend tier
    trend: bool = True
    trend_window: int = 40
    trend_min_change: float = 0.10
    trend_min_r2: float = 0.3
    trend_min_t: float = 4.0
    trend_winsor_k: float = 3.5
    trend_step_ratio: float = 0.8
    # lifecycle
    resolve_after: int = 5
    new_after_normal: int = 2
    record_min_severity: str = "info"

    def __post_init__(self) -> None:
        if self.window < 1:
            raise ValueError("window must be at least 1")
        if self.history < self.window:
            raise ValueError("history must be at least window")
        if not 0 <= self.min_confidence <= self.full_confidence <= 1:
            raise ValueError("need 0 <= min_confidence <= full_confidence <= 1")
        for runs, z in self.run_rules:
            if runs < 2 or z <= 0:
                raise ValueError("run_rules need at least 2 runs and a positive z each")
        if not 2 <= self.cp_min_recent <= self.cp_max_recent <= 20:
            raise ValueError("need 2 <= cp_min_recent <= cp_max_recent <= 20")
        if self.trend_window < 3:
            raise ValueError("trend_window must be at least 3")
        if self.resolve_after < 1:
            raise ValueError("resolve_after must be at least 1")
        severity_rank(self.record_min_severity)
        if self.point_sigma not in ("noise", "window", "max"):
            raise ValueError("point_sigma must be 'noise', 'window' or 'max'")
        if self.cp_sigma not in ("noise", "reference", "max"):
            raise ValueError("cp_sigma must be 'noise', 'reference' or 'max'")
        if self.cp_quiet_sigmas < 0 or not 0 <= self.cp_quiet_effect <= self.min_effect:
            raise ValueError("need cp_quiet_sigmas >= 0 and 0 <= cp_quiet_effect <= min_effect")

    def needed_history(self) -> int:
        """How many prior values the tiers can use at most (callers may pass ``history``)."""
        longest = max((r for r, _ in self.run_rules), default=1)
        return max(self.window + longest, self.cp_reference + self.cp_max_recent, self.trend_window)


DEFAULT_CONFIG = DetectorConfig()


class Baseline(Frozen):
    """Robust summary of the last ``window`` warm runs (outliers removed).

    ``spread`` is a robust sigma: 1.4826 x MAD, falling back to 1.2533 x mean absolute deviation
    when more than half the values are equal, and never below 1 % of |median| (so an all-equal
    window has a spread of 1 % of its value, as the README says; 0 only for a median of 0).
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


class Finding(Frozen):
    """One tier's verdict on one value.

    ``deviation_percent`` is signed so that **positive means worse** whatever the direction
    (a hit rate 5 points under its target gives a positive number). What it measures depends on
    the tier: threshold, the value against the target line; regression and anomaly, the value
    against the baseline median; change_point, the recent runs' level against the reference
    level; trend, the change the fitted line projects over its window. In every tier
    ``deviation_percent`` is ``current_value`` against ``expected_value`` (so a row of these
    three numbers is one finding): for a change point ``current_value`` is the recent runs'
    level, for a trend the fitted line's end (the run's own value is ``details["value"]``).
    ``message`` says the same in a sentence that names the metric and its unit.
    """

    alert_type: str
    severity: str
    current_value: float
    expected_value: float
    deviation_percent: float
    message: str
    details: dict[str, Any] = factory(dict)


class MetricVerdict(Frozen):
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
        return severity_rank(self.severity) >= severity_rank("warning")
