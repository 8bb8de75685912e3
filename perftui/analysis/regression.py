"""Tier 2: the current value against the baseline (robust z-score AND minimum effect size).

The series handed to this module is in *badness* space (values multiplied by +1 for
lower-is-better and -1 for higher-is-better metrics), so "bigger is worse" everywhere here.

A value is *beyond* the baseline when both

* its robust z-score ``(x - median) / spread`` reaches ``config.anomaly_z`` (``z_warning`` for the
  runs that confirm it), with ``spread`` floored at ``spread_floor`` x |median|, and
* its relative effect ``(x - median) / |median|`` reaches ``config.min_effect``.

One value beyond is an ``anomaly`` at ``info``: real timings have a 2-3x spike about once in a
hundred runs, and a single run must never page anyone. When the previous ``confirm_runs - 1``
runs were beyond too, the shift is confirmed and becomes a ``regression``, whose severity is
graded on the *least* bad of the confirming runs (see :func:`shift_severity`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ._stats import safe_ratio
from .types import DetectorConfig, Finding


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


def describe_shift(effect: float, sign: float, what: str) -> str:
    """'23% slower than baseline'-style phrase; ``sign`` +1 for lower-is-better metrics."""
    pct = abs(effect) * 100.0
    if sign > 0:
        word = "above" if effect >= 0 else "below"
    else:
        word = "below" if effect >= 0 else "above"
    return f"{pct:.0f}% {word} {what}"


def point_findings(
    s: Sequence[float],
    center: float,
    sigma: float,
    sign: float,
    config: DetectorConfig,
) -> Finding | None:
    """Regression or anomaly finding for the last value of badness series ``s``.

    ``center`` is the baseline median (badness space), ``sigma`` its floored robust spread.
    Returns None when the current value is not beyond the baseline.
    """
    n = len(s)
    scale = abs(center)
    x = s[-1]
    z = (x - center) / sigma
    effect = safe_ratio(x - center, scale)
    eps = 1e-9
    if z < config.anomaly_z or effect + eps < config.min_effect:
        return None
    confirm = config.confirm_runs
    zs = [z]
    effects = [effect]
    confirmed = n >= confirm
    if confirmed:
        for i in range(2, confirm + 1):
            xi = s[-i]
            zi = (xi - center) / sigma
            ei = safe_ratio(xi - center, scale)
            if zi < config.z_warning or ei + eps < config.min_effect:
                confirmed = False
                break
            zs.append(zi)
            effects.append(ei)
    value = sign * x
    expected = sign * center
    details = {
        "z": round(z, 4),
        "effect": round(effect, 6),
        "baseline_median": expected,
        "spread": sigma,
    }
    if confirmed:
        zmin, emin = min(zs), min(effects)
        sev = shift_severity(zmin, emin, config, config.z_warning, config.z_error, config.z_critical)
        if sev is not None:
            details.update({"confirm_runs": confirm, "z_min": round(zmin, 4), "effect_min": round(emin, 6)})
            return Finding(
                alert_type="regression",
                severity=sev,
                current_value=value,
                expected_value=expected,
                deviation_percent=effect * 100.0,
                message=describe_shift(effect, sign, f"baseline {expected:.4g}")
                + f", {confirm} runs in a row",
                details=details,
            )
    return Finding(
        alert_type="anomaly",
        severity="info",
        current_value=value,
        expected_value=expected,
        deviation_percent=effect * 100.0,
        message=describe_shift(effect, sign, f"baseline {expected:.4g}") + ", single run",
        details=details,
    )
