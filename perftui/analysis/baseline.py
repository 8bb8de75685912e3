"""Rolling baseline: a robust summary of the last N warm runs of one metric in one scope."""

from __future__ import annotations

import math
TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence

from ._stats import median_sorted, quantile_sorted, robust_sigma
from .types import Baseline

DEFAULT_OUTLIER_K = 3.5
SPREAD_FLOOR = 0.01
"""The spread is never below 1 % of the median (DetectorConfig.spread_floor): an all-equal window
cannot divide by zero, and no outlier rule bites on a value a few per cent from the median."""


def _finite_tail(values: Sequence[float], window: int) -> list[float]:
    """The last ``window`` finite values (non-finite ones are skipped, not counted)."""
    out: list[float] = []
    for v in reversed(values):
        v = float(v)
        if math.isfinite(v):
            out.append(v)
            if len(out) == window:
                break
    out.reverse()
    return out


def remove_outliers(sorted_values: list[float], k: float = DEFAULT_OUTLIER_K) -> list[float]:
    """Drop values further than ``k`` robust sigmas from the median (sorted in, sorted out).

    The robust sigma is 1.4826 x MAD, or 1.2533 x mean absolute deviation when the MAD is 0, so
    a window that is mostly one value still keeps a second, common value (e.g. counts of 1 and 2)
    while a lone spike is removed; it is never below 1 % of the median (:data:`SPREAD_FLOOR`),
    so ordinary noise of a few per cent (17 runs at 100 ms, 3 at 102 ms) is never an outlier.
    Nothing is removed from fewer than 3 values or when all are equal. Returns the very same
    list object when nothing is removed.
    """
    return _clean(sorted_values, k)[0]


def _clean(sorted_values: list[float], k: float) -> tuple[list[float], float | None]:
    """(kept values, robust sigma of the input around its median, or None if not computed)."""
    if len(sorted_values) < 3:
        return sorted_values, None
    center = median_sorted(sorted_values)
    sigma = robust_sigma(sorted_values, center)
    floor = SPREAD_FLOOR * abs(center)
    if sigma < floor:
        sigma = floor
    if sigma <= 0:
        return sorted_values, sigma
    lim = k * sigma
    lo, hi = center - lim, center + lim
    if sorted_values[0] >= lo and sorted_values[-1] <= hi:
        return sorted_values, sigma
    return [v for v in sorted_values if lo <= v <= hi], sigma


def compute_baseline(
    values: Sequence[float], window: int = 20, outlier_k: float = DEFAULT_OUTLIER_K
) -> Baseline | None:
    """Baseline of the last ``window`` values of ``values`` (oldest -> newest).

    Outliers (beyond ``outlier_k`` robust sigmas of the window median) are removed first; the
    statistics describe what is left. ``confidence`` = min(1, kept / window). Returns None when
    there is no finite value. Non-finite values are skipped. The result does not depend on the
    order of the values inside the window.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    tail = _finite_tail(values, window)
    if not tail:
        return None
    return summarise(tail, window, outlier_k)


def summarise(tail: Sequence[float], window: int, outlier_k: float = DEFAULT_OUTLIER_K) -> Baseline:
    """:func:`compute_baseline` of ``tail``, which must be 1..window finite floats (not checked)."""
    raw = sorted(tail)
    kept, raw_sigma = _clean(raw, outlier_k)
    n = len(kept)
    med = median_sorted(kept)
    if kept is raw and raw_sigma is not None:
        spread = raw_sigma  # nothing removed: same values, same median, same (floored) spread
    else:
        spread = max(robust_sigma(kept, med), SPREAD_FLOOR * abs(med))
    mean = sum(kept) / n
    if n > 1:
        var = sum([(v - mean) * (v - mean) for v in kept]) / (n - 1)
        std = math.sqrt(var)
    else:
        std = 0.0
    return Baseline(
        median=med,
        p5=quantile_sorted(kept, 0.05),
        p95=quantile_sorted(kept, 0.95),
        spread=spread,
        mean=mean,
        std=std,
        sample_size=n,
        confidence=min(1.0, n / window),
        outliers_removed=len(raw) - n,
    )
