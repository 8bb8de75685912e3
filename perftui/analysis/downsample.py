"""Helpers for drawing long histories on a small terminal chart.

:func:`downsample` keeps, for each of ``max_points // 2`` equal-count buckets, the point with the
smallest and the one with the largest y (in x order), so a single spike among 100,000 runs still
shows on an 80-column chart. It slices lists and uses the C-level ``min``/``max``/``index``, so
100,000 points take a few milliseconds in plain Python.
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Sequence


def downsample(xs: Sequence[float], ys: Sequence[float], max_points: int) -> tuple[list[float], list[float]]:
    """At most ``max_points`` (x, y) pairs that keep each bucket's minimum and maximum y.

    Input must be of equal length, ordered by x, with finite y values. Returns copies; when the
    input already fits it is returned whole. ValueError for mismatched lengths or max_points < 1.
    """
    n = len(xs)
    if n != len(ys):
        raise ValueError(f"xs and ys differ in length ({n} != {len(ys)})")
    if max_points < 1:
        raise ValueError("max_points must be at least 1")
    xl = xs if isinstance(xs, list) else list(xs)
    yl = ys if isinstance(ys, list) else list(ys)
    if n <= max_points:
        return list(xl), list(yl)
    if max_points == 1:
        i = yl.index(max(yl))
        return [xl[i]], [yl[i]]
    buckets = max_points // 2
    out_x: list[float] = []
    out_y: list[float] = []
    ax, ay = out_x.append, out_y.append
    start = 0
    for b in range(1, buckets + 1):
        end = b * n // buckets
        seg = yl[start:end]
        lo = min(seg)
        hi = max(seg)
        ilo = seg.index(lo) + start
        ihi = seg.index(hi) + start
        if ilo == ihi:
            ax(xl[ilo])
            ay(lo)
        elif ilo < ihi:
            ax(xl[ilo])
            ay(lo)
            ax(xl[ihi])
            ay(hi)
        else:
            ax(xl[ihi])
            ay(hi)
            ax(xl[ilo])
            ay(lo)
        start = end
    return out_x, out_y


def trend_line(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float, float] | None:
    """Least-squares line y = slope * x + intercept; returns (slope, intercept, r2).

    None for fewer than 2 points or when all x are equal. r2 is 0 for a constant y.
    """
    n = len(xs)
    if n != len(ys):
        raise ValueError(f"xs and ys differ in length ({n} != {len(ys)})")
    if n < 2:
        return None
    mx = sum(xs) / n
    my = sum(ys) / n
    sxx = sxy = syy = 0.0
    for x, y in zip(xs, ys):
        dx = x - mx
        dy = y - my
        sxx += dx * dx
        sxy += dx * dy
        syy += dy * dy
    if sxx <= 0:
        return None
    slope = sxy / sxx
    intercept = my - slope * mx
    r2 = 0.0 if syy <= 0 else min(1.0, sxy * sxy / (sxx * syy))
    return slope, intercept, r2


def line_points(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]] | None:
    """Two points (first and last x) of :func:`trend_line`, ready to draw; None if undefined."""
    fit = trend_line(xs, ys)
    if fit is None:
        return None
    slope, intercept, _ = fit
    x0, x1 = xs[0], xs[-1]
    return [x0, x1], [slope * x0 + intercept, slope * x1 + intercept]
