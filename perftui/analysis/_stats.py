"""Small, fast order statistics for short lists of floats (plain Python, no numpy).

All functions take an already **sorted** list where the name says so; sorting 20-60 floats is
cheap, sorting them twice is the cost to avoid.
"""

from __future__ import annotations

import math
TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence
from _operator import add, mul, sub, truediv  # the C module: operator.py is 18 KB of bytecode



def fmt_number(x: float) -> str:
    """Number for alert messages: the one format shared with tables and summaries (perftui.fmt):
    19,997 / 832 / 99.95 / 0.85 / 1.25, never scientific notation for everyday magnitudes.
    (Imported on first use: only a run that raises an alert writes a message.)"""
    from perftui.fmt import format_number

    return format_number(x)

MAD_TO_SIGMA = 1.4826
"""Scale that makes the median absolute deviation estimate sigma for normal data."""
MEANAD_TO_SIGMA = 1.2533
"""Scale that makes the mean absolute deviation estimate sigma for normal data (sqrt(pi/2))."""
IQR_TO_SIGMA = 1.0 / 1.349
TINY = 1e-12
_TRIM90_TO_SIGMA = 1.0 / (0.6573 * math.sqrt(2.0))
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
    """Robust sigma around ``center``: 1.4826 x MAD, falling back to 1.2533 x mean absolute
    deviation when the MAD is 0 (more than half the values equal); 0 only if every value equals
    ``center``."""
    devs = sorted([abs(v - center) for v in values])
    mad = median_sorted(devs)
    if mad > 0:
        return MAD_TO_SIGMA * mad
    total = sum(devs)
    if total > 0:
        return MEANAD_TO_SIGMA * total / len(devs)
    return 0.0


def successive_sigma(values: Sequence[float], keep: float = 0.9) -> float:
    """Robust noise sigma from successive differences |x[i] - x[i-1]|.

    The mean of the smallest ``keep`` (90 %) of the absolute differences, scaled so that it
    estimates sigma for normal noise (the 90 %-trimmed mean of a half-normal is 0.6573, and a
    difference has sigma * sqrt(2)). Unlike the MAD of a window it hardly moves when the window
    holds a level shift (one difference straddles a step) or a slow drift, spikes only touch the
    trimmed top 10 %, and on 60 values it is about twice as precise as the MAD of a 20-run
    window (relative error ~13 % against ~27 %). 0 for fewer than 2 values or a constant series.
    """
    n = len(values)
    if n < 2:
        return 0.0
    diffs = sorted(map(abs, map(sub, values[1:], values[:-1])))
    k = int(len(diffs) * keep + 0.5)
    if k < 1:
        k = 1
    return sum(diffs[:k]) / k * _TRIM90_TO_SIGMA


def noise_sigmas(values: Sequence[float], keep: float = 0.9) -> tuple[float, float | None]:
    """(:func:`successive_sigma`, relative noise) of ``values`` from one pass over the differences.

    The relative noise uses |x[i] - x[i-1]| / mean(x[i], x[i-1]): a timing's noise scales with
    its level, so after a lasting change (a 30 % speed-up, a regression) absolute differences mix
    two noise levels for as long as the history spans the change; relative ones do not. Multiply
    it by a level to get a sigma. It is None unless every value is > 0.
    """
    n = len(values)
    if n < 2:
        return 0.0, None
    a, b = values[1:], values[:-1]
    diffs = list(map(abs, map(sub, a, b)))
    k = int(len(diffs) * keep + 0.5)
    if k < 1:
        k = 1
    absolute = sum(sorted(diffs)[:k]) / k * _TRIM90_TO_SIGMA
    if min(values) <= 0:
        return absolute, None
    rel = sorted(map(truediv, diffs, map(add, a, b)))
    # x2: the differences were divided by the sum of the pair, not its mean
    return absolute, 2.0 * sum(rel[:k]) / k * _TRIM90_TO_SIGMA


def resolution(values: Sequence[float], max_level_share: float = 1.0 / 3.0) -> float:
    """The step between neighbouring levels of a quantised series, or 0.0 when it is not one.

    Real metrics are often quantised: a timer with 1 ms granularity gives 10.1 or 11.1 ms and
    nothing between, counts are integers, a cache holds a whole number of entries. Such a series
    takes few distinct values, again and again. A *level* is a value that occurs at least twice
    (float noise below 1e-9 of the magnitude merged). When ``values`` (at least 4) take at most
    ``max_level_share`` of their count in distinct values and at least two levels, the
    resolution is the smallest gap between neighbouring levels. Continuous data (every value
    distinct), a constant series and a series that left its only level once (1, 1, ..., 1, 2:
    the 2 is news, not a level) give 0.0.
    """
    n = len(values)
    if n < 4:
        return 0.0
    most = max(2, int(n * max_level_share))
    if len(set(values)) > 2 * most:
        return 0.0  # continuous, the common case: no need to look closer
    srt = sorted(values)
    tol = 1e-9 * max(abs(srt[0]), abs(srt[-1])) + 1e-300
    levels: list[float] = []  # values seen at least twice
    distinct = 1
    first = srt[0]
    seen = 1
    for v in srt[1:]:
        if v - first <= tol:
            seen += 1
            if seen == 2:
                levels.append(first)
            continue
        distinct += 1
        first = v
        seen = 1
    if distinct > most or len(levels) < 2:
        return 0.0
    return min(map(sub, levels[1:], levels[:-1]))


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


_CENTERED_X: dict[int, tuple[list[float], float]] = {}


def _centered_x(n: int) -> tuple[list[float], float]:
    """[i - (n-1)/2 for i < n] and its sum of squares n(n^2-1)/12, cached per n."""
    got = _CENTERED_X.get(n)
    if got is None:
        xbar = (n - 1) * 0.5
        got = ([i - xbar for i in range(n)], n * (n * n - 1) / 12.0)
        if len(_CENTERED_X) < 64:
            _CENTERED_X[n] = got
    return got


def linear_fit(ys: Sequence[float]) -> tuple[float, float, float, float]:
    """Least-squares line through (i, ys[i]) for i = 0..n-1.

    Returns (slope, intercept, r2, t) where t is the slope's t statistic (+-1e12 for a perfect
    fit, 0 when undefined). Needs n >= 2; r2 is 0 for a constant series.
    """
    n = len(ys)
    xc, sxx = _centered_x(n)
    ybar = sum(ys) / n
    d = [y - ybar for y in ys]
    sxy = sum(map(mul, xc, d))
    sst = sum(map(mul, d, d))
    slope = sxy / sxx
    intercept = ybar - slope * (n - 1) * 0.5
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
    if se <= 0:
        return slope, intercept, r2, (BIG if slope > 0 else -BIG if slope < 0 else 0.0)
    return slope, intercept, r2, slope / se


