"""downsample keeps spikes and shape; trend_line fits lines."""

from __future__ import annotations

import pytest

from perftui.analysis import downsample, line_points, trend_line


def test_short_input_is_returned_whole():
    assert downsample([1, 2, 3], [4, 5, 6], 10) == ([1, 2, 3], [4, 5, 6])


def test_output_fits_and_keeps_order_extremes_and_spikes():
    n = 100_000
    xs = list(range(n))
    ys = [float(i % 7) for i in range(n)]
    ys[54_321] = 1000.0  # one spike
    ys[77_777] = -50.0  # one dip
    ox, oy = downsample(xs, ys, 80)
    assert len(ox) == len(oy) <= 80
    assert ox == sorted(ox)
    assert 1000.0 in oy and -50.0 in oy
    assert max(oy) == max(ys) and min(oy) == min(ys)
    assert all(ys[x] == y for x, y in zip(ox, oy))  # real points, not averages


def test_each_bucket_contributes_its_min_and_max():
    xs = list(range(8))
    ys = [1, 9, 2, 8, 3, 7, 4, 6]
    ox, oy = downsample(xs, ys, 4)  # two buckets of four
    assert (ox, oy) == ([0, 1, 4, 5], [1, 9, 3, 7])


def test_flat_bucket_gives_one_point_and_max_points_one():
    ox, oy = downsample(list(range(10)), [5.0] * 10, 4)
    assert oy == [5.0, 5.0] and len(ox) == 2
    assert downsample([0, 1, 2], [1, 3, 2], 1) == ([1], [3])


def test_bad_arguments():
    with pytest.raises(ValueError, match="length"):
        downsample([1, 2], [1], 5)
    with pytest.raises(ValueError, match="max_points"):
        downsample([1, 2], [1, 2], 0)


def test_trend_line():
    slope, intercept, r2 = trend_line([0, 1, 2, 3], [1, 3, 5, 7])
    assert (slope, intercept, r2) == pytest.approx((2, 1, 1))
    assert trend_line([1], [1]) is None
    assert trend_line([2, 2], [1, 5]) is None
    assert trend_line([0, 1, 2], [4, 4, 4])[2] == 0.0
    assert line_points([10, 20], [1, 2]) == pytest.approx(([10, 20], [1, 2]))
