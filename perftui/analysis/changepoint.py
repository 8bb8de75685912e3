"""Change-point tier: a level shift confirmed over several runs.

For every m in ``cp_min_recent .. cp_max_recent`` the most recent m runs (the current one
included) are compared with the ``window`` runs just before them:

* the recent level is the median of the recent runs after dropping the ``cp_drop_worst`` worst
  ones, so a single 2-3x spike can never make (or confirm) a shift;
* the reference level and spread are the median and interquartile sigma of the reference runs
  (spread floored at ``spread_floor`` x |median|);
* the shift must reach ``min_effect`` relative to the reference median and ``cp_z`` standard
  errors, where the standard error of the difference of the two medians is
  ``sigma * sqrt(c(k) / k + (pi/2) / n_ref)`` with c(k) = 1 for k <= 2 recent values and pi/2
  above (the asymptotic efficiency of the median).

The strongest passing m is reported. Input is in badness space (bigger = worse). Both windows
slide with m, so sorted copies are updated with bisect instead of sorting 9 times.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Sequence

from ._stats import IQR_TO_SIGMA, floored_sigma, median_sorted, quantile_sorted, safe_ratio
from .regression import describe_shift, shift_severity
from .types import DetectorConfig, Finding

_HALF_PI = math.pi / 2.0


def detect_change_point(s: Sequence[float], sign: float, config: DetectorConfig) -> Finding | None:
    """Change-point finding for badness series ``s`` (oldest -> newest, current last), or None."""
    n_total = len(s)
    window = config.window
    m_lo = config.cp_min_recent
    m_hi = min(config.cp_max_recent, n_total - config.cp_min_reference)
    if m_hi < m_lo:
        return None
    drop = config.cp_drop_worst
    floor = config.spread_floor
    min_effect = config.min_effect
    cp_z = config.cp_z
    # windows for m = m_lo
    split = n_total - m_lo
    recent = sorted(s[split:])
    ref = sorted(s[max(0, split - window):split])
    best: tuple[float, int, float, float, float, float, int] | None = None
    m = m_lo
    while True:
        n_ref = len(ref)
        k = m - drop if m - drop >= 1 else 1
        loc = median_sorted(recent[:k]) if k < m else median_sorted(recent)
        ref_med = median_sorted(ref)
        d = loc - ref_med
        if d > 0:
            effect = safe_ratio(d, ref_med)
            if effect + 1e-9 >= min_effect:
                q1 = quantile_sorted(ref, 0.25)
                q3 = quantile_sorted(ref, 0.75)
                sigma = floored_sigma((q3 - q1) * IQR_TO_SIGMA, ref_med, floor)
                ck = 1.0 if k <= 2 else _HALF_PI
                se = sigma * math.sqrt(ck / k + _HALF_PI / n_ref)
                z = d / se
                if z >= cp_z and (best is None or z > best[0]):
                    best = (z, m, effect, ref_med, loc, sigma, n_ref)
        if m >= m_hi:
            break
        # slide: the value at split-1 moves from the reference into the recent window
        split -= 1
        v = s[split]
        insort(recent, v)
        del ref[bisect_left(ref, v)]
        j = split - window
        if j >= 0:
            insort(ref, s[j])
        m += 1
        if len(ref) < config.cp_min_reference:
            break
    if best is None:
        return None
    z, m, effect, ref_med, loc, sigma, n_ref = best
    sev = shift_severity(z, effect, config, cp_z, cp_z, cp_z)
    if sev is None:  # pragma: no cover - guarded above
        return None
    expected = sign * ref_med
    return Finding(
        alert_type="change_point",
        severity=sev,
        current_value=sign * s[-1],
        expected_value=expected,
        deviation_percent=effect * 100.0,
        message=describe_shift(effect, sign, f"level {expected:.4g}") + f" over the last {m} runs",
        details={
            "z": round(z, 4),
            "effect": round(effect, 6),
            "recent_runs": m,
            "recent_median": sign * loc,
            "reference_runs": n_ref,
            "reference_median": expected,
            "spread": sigma,
        },
    )
