"""Tier 2: the current value against the baseline (robust z-score AND minimum effect size).

The series handed to this module is in *badness* space (values multiplied by +1 for
lower-is-better and -1 for higher-is-better metrics), so "bigger is worse" everywhere here.

A run is scored by its z-score ``(x - median) / sigma`` against the baseline median, where sigma
is the metric's noise (successive differences of the history, floored at ``spread_floor`` x
|median| so an all-equal history cannot divide by zero), and by its relative effect
``(x - median) / |median|``. Every run counted below needs an effect of at least ``min_effect``.

* A **regression** needs one of ``config.run_rules`` (r, z): the last r runs all at z or more
  (default: 2 runs at 3.5 sigmas, or 3 runs at 2 sigmas). Its severity is graded on the least bad
  of those runs (see :func:`shift_severity`).
* Otherwise a current run at ``anomaly_z`` or more is an **anomaly** at ``info``: real timings
  have a 2-3x spike about once in a hundred runs, and a single run must never page anyone.
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

from ._stats import safe_ratio
from .messages import point_message
from .types import DetectorConfig, Finding, MetricSpec


def shift_severity(
    z: float, effect: float, config: DetectorConfig, z_warn: float, z_err: float, z_crit: float
) -> str | None:
    """Severity of a shift of ``effect`` (relative, + = worse) measured at ``z`` standard errors.

    warning: effect >= min_effect and z >= z_warn; error: effect >= error_effect and
    z >= z_err; critical: effect >= critical_effect and z >= z_crit. A tiny tolerance (1e-9)
    keeps an exact 10 % step from failing a 10 % limit by rounding.
    """
    eps = 1e-9
    if effect + eps < config.min_effect or z < z_warn:
        return None
    if effect + eps >= config.critical_effect and z >= z_crit:
        return "critical"
    if effect + eps >= config.error_effect and z >= z_err:
        return "error"
    return "warning"


def point_findings(
    s: Sequence[float],
    center: float,
    sigma: float,
    sign: float,
    config: DetectorConfig,
    step: float = 0.0,
    spec: MetricSpec | None = None,
) -> Finding | None:
    """Regression or anomaly finding for the last value of badness series ``s``.

    ``center`` is the baseline median (badness space), ``sigma`` the floored noise sigma.
    A regression needs one of ``config.run_rules`` (r, z): the last r runs all at least z sigmas
    and ``min_effect`` beyond the baseline. Otherwise a current value beyond ``anomaly_z`` and
    ``min_effect`` is an anomaly (info). Returns None when neither holds. ``step`` is the
    metric's resolution (see ``_stats.resolution``; 0 when continuous): a quantised run lies up
    to half a step either side of where its true value would put it against a baseline that is
    a mean of such runs, so its z-score counts only what lies beyond half a step (a run at the
    level next to the baseline scores about 0 and never counts).
    """
    n = len(s)
    scale = abs(center)
    eps = 1e-9
    min_effect = config.min_effect - eps
    inv = 1.0 / sigma
    z_from = center + 0.5 * step
    zs: list[float] = []
    effects: list[float] = []

    def grow(upto: int) -> bool:
        """Extend zs/effects to the last ``upto`` runs; False once a run is not beyond at all."""
        while len(zs) < upto:
            i = len(zs) + 1
            if i > n:
                return False
            xi = s[-i]
            zs.append((xi - z_from) * inv)
            effects.append(safe_ratio(xi - center, scale))
        return True

    grow(1)
    z, effect = zs[0], effects[0]
    if effect < min_effect:
        return None
    rule_hit: tuple[int, float] | None = None
    for runs, zr in config.run_rules:
        if z < zr or not grow(runs):
            continue
        if all(zs[i] >= zr and effects[i] >= min_effect for i in range(runs)):
            rule_hit = (runs, zr)
            break
    if rule_hit is None and z < config.anomaly_z:
        return None
    value = sign * s[-1]
    expected = sign * center
    spec = spec or MetricSpec("metric")
    details = {
        "z": round(z, 4),
        "effect": round(effect, 6),
        "baseline_median": expected,
        "sigma": sigma,
    }
    if rule_hit is not None:
        runs, zr = rule_hit
        zmin, emin = min(zs[:runs]), min(effects[:runs])
        sev = shift_severity(zmin, emin, config, zr, config.z_error, config.z_critical)
        if sev is not None:
            details.update({"confirm_runs": runs, "z_min": round(zmin, 4), "effect_min": round(emin, 6)})
            return Finding(
                alert_type="regression",
                severity=sev,
                current_value=value,
                expected_value=expected,
                deviation_percent=effect * 100.0,
                message=point_message(spec, value, expected, effect, sign, runs),
                details=details,
            )
    return Finding(
        alert_type="anomaly",
        severity="info",
        current_value=value,
        expected_value=expected,
        deviation_percent=effect * 100.0,
        message=point_message(spec, value, expected, effect, sign, 1),
        details=details,
    )
