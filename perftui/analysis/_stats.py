"""Small, fast order statistics for short lists of floats (plain Python, no numpy).

All functions take an already **sorted** list where the name says so; sorting 20-60 floats is
cheap, sorting them twice is the cost to avoid.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

MAD_TO_SIGMA = 1.4826
"""Scale that makes the median absolute deviation estimate sigma for normal data."""
MEANAD_TO_SIGMA = 1.2533
"""Scale that makes the mean absolute deviation estimate sigma for normal data (sqrt(pi/2))."""
IQR_TO_SIGMA = 1.0 / 1.349
TINY = 1e-12
BIG = 1e12


def median_sorted(s: Sequence[float]) -> float:
    """Median of a non-empty sorted sequence."""
    n = len(s)
    h = n >> 1
    if n & 1:
        return s[h]
    return (s[h - 1] + s[h]) * 0.5


def quantile_sorted(s: Sequence[float], q: float) -> float:
    """Quantile with linear interpolation between order statistics (numpy's default method)."""
    n = len(s)
    if n == 1:
        return s[0]
    pos = q * (n - 1)
    lo = int(pos)
    if lo >= n - 1:
        return s[n - 1]
    frac = pos - lo
    return s[lo] + (s[lo + 1] - s[lo]) * frac


def robust_sigma(values: Sequence[float], center: float) -> float:
    """1.4826 x MAD around ``center``; falls back to 1.2533 x mean absolute deviation when the
    MAD is 0 (more than half the values equal); 0 only if every value equals ``center``."""
    devs = sorted([abs(v - center) for v in values])
    mad = median_sorted(devs)
    if mad > 0:
        return MAD_TO_SIGMA * mad
    total = math.fsum(devs)
    if total > 0:
        return MEANAD_TO_SIGMA * total / len(devs)
    return 0.0


def iqr_sigma_sorted(s: Sequence[float]) -> float:
    """Robust sigma from the interquartile range of a sorted sequence (0 for fewer than 2)."""
    if len(s) < 2:
        return 0.0
    return (quantile_sorted(s, 0.75) - quantile_sorted(s, 0.25)) * IQR_TO_SIGMA


def safe_ratio(num: float, den: float) -> float:
    """num / |den|, with |den| floored at 1e-12 and the result clipped to +-1e12 (JSON-able)."""
    d = abs(den)
    if d < TINY:
        d = TINY
    r = num / d
    if r > BIG:
        return BIG
    if r < -BIG:
        return -BIG
    return r


def floored_sigma(sigma: float, center: float, floor: float) -> float:
    """``sigma`` but never below ``floor`` x |center| nor below 1e-12 (no division by zero)."""
    f = floor * abs(center)
    if sigma < f:
        sigma = f
    if sigma < TINY:
        sigma = TINY
    return sigma


def linear_fit(ys: Sequence[float]) -> tuple[float, float, float, float]:
    """Least-squares line through (i, ys[i]) for i = 0..n-1.

    Returns (slope, intercept, r2, t) where t is the slope's t statistic (0 when undefined).
    Needs n >= 3; r2 is 0 for a constant series.
    """
    n = len(ys)
    xbar = (n - 1) * 0.5
    ybar = math.fsum(ys) / n
    sxx = n * (n * n - 1) / 12.0
    sxy = 0.0
    sst = 0.0
    for i, y in enumerate(ys):
        d = y - ybar
        sxy += (i - xbar) * d
        sst += d * d
    slope = sxy / sxx
    intercept = ybar - slope * xbar
    if sst <= 0:
        return slope, intercept, 0.0, 0.0
    ssr = slope * slope * sxx
    r2 = ssr / sst
    if r2 > 1.0:
        r2 = 1.0
    sse = sst - ssr
    if n <= 2:
        return slope, intercept, r2, 0.0
    if sse <= 0:
        t = BIG if slope > 0 else -BIG if slope < 0 else 0.0
        return slope, intercept, r2, t
    se = math.sqrt(sse / (n - 2) / sxx)
    return slope, intercept, r2, slope / se


def is_finite(x: float) -> bool:
    """True for a finite real number (bool and non-numbers are rejected by callers)."""
    return math.isfinite(x)
