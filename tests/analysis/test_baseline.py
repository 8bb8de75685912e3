"""compute_baseline: window, outlier removal, spread fallbacks, confidence; properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perftui.analysis import compute_baseline
from perftui.analysis._stats import successive_sigma

from ._helpers import noisy


def test_empty_history_has_no_baseline():
    assert compute_baseline([]) is None
    assert compute_baseline([math.nan, math.inf]) is None


def test_uses_only_the_last_window_values():
    b = compute_baseline([1000.0] * 5 + [10.0] * 20, window=20)
    assert b.median == 10.0 and b.sample_size == 20 and b.confidence == 1.0


def test_a_spike_is_removed_and_counted():
    values = noisy(19, 0.05, seed=3) + [300.0]
    b = compute_baseline(values)
    assert b.outliers_removed == 1
    assert b.sample_size == 19
    assert b.p95 < 130
    assert b.confidence == pytest.approx(19 / 20)


def test_all_equal_values_have_the_floor_spread_without_error():
    b = compute_baseline([50.0] * 20)
    assert (b.median, b.p5, b.p95, b.spread, b.std) == (50.0, 50.0, 50.0, 0.5, 0.0)
    assert compute_baseline([0.0] * 20).spread == 0.0


def test_ordinary_noise_of_two_percent_is_never_an_outlier():
    # 20 stable runs differing by 2 % (issue 14): all of them are the baseline
    for values in ([100.0] * 17 + [102.0] * 3, [100.0] * 19 + [98.0], [100.0, 102.0] * 10):
        b = compute_baseline(values)
        assert b.outliers_removed == 0 and b.confidence == 1.0, values
        assert b.spread >= 1.0  # never below 1 % of the median, as the README says
    assert compute_baseline([100.0] * 19 + [110.0]).outliers_removed == 1  # 10 % still is one


def test_spread_falls_back_when_mad_is_zero():
    # more than half the values equal: MAD is 0, the mean absolute deviation is not
    b = compute_baseline([1.0] * 12 + [2.0] * 8)
    assert b.spread > 0
    assert b.outliers_removed == 0  # a second common value is not an outlier


def test_spread_estimates_sigma_for_normal_noise():
    b = compute_baseline(noisy(20, 0.05, seed=11))
    assert 2.0 < b.spread < 9.0


@pytest.mark.parametrize("n, confidence", [(1, 0.05), (3, 0.15), (6, 0.3), (14, 0.7), (20, 1.0), (40, 1.0)])
def test_confidence_grows_with_sample_size(n, confidence):
    b = compute_baseline([100.0 + (i % 3) for i in range(n)])
    assert b.confidence == pytest.approx(confidence)
    assert b.sample_size == min(n, 20)


def test_non_finite_values_are_skipped():
    b = compute_baseline([1.0, math.nan, 2.0, math.inf, 3.0])
    assert b.sample_size == 3 and b.median == 2.0


def test_window_must_be_positive():
    with pytest.raises(ValueError):
        compute_baseline([1.0], window=0)


def test_successive_sigma_ignores_a_level_shift():
    flat = noisy(60, 0.05, seed=5)
    stepped = flat[:30] + [v * 1.5 for v in flat[30:]]
    s_flat = successive_sigma(flat)
    assert 3.5 < s_flat < 6.5
    # one difference straddles the step; the trimmed mean drops it
    assert successive_sigma(stepped) < 1.5 * s_flat
    assert successive_sigma([7.0] * 10) == 0.0 and successive_sigma([1.0]) == 0.0


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
windows = st.lists(positive, min_size=1, max_size=20)


@settings(max_examples=150, deadline=None)
@given(windows, st.randoms(use_true_random=False))
def test_baseline_is_invariant_under_permutation(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert compute_baseline(values) == compute_baseline(shuffled)


@settings(max_examples=150, deadline=None)
@given(windows, st.sampled_from([0.001, 0.5, 3.0, 1000.0]))
def test_scaling_scales_location_and_spread_not_confidence(values, c):
    a = compute_baseline(values)
    b = compute_baseline([v * c for v in values])
    assert b.confidence == a.confidence
    assert b.sample_size == a.sample_size
    # differences of large values are exact only to their float resolution (1e6 ± 1e-10 has a
    # spread that is all rounding), so the absolute tolerance grows with the values' magnitude
    scale = max(abs(v) for v in values) * c
    for field in ("median", "p5", "p95", "spread", "mean"):
        assert getattr(b, field) == pytest.approx(getattr(a, field) * c, rel=1e-9,
                                                  abs=1e-12 + 1e-14 * scale)


@settings(max_examples=150, deadline=None)
@given(windows)
def test_baseline_is_ordered_and_bounded(values):
    b = compute_baseline(values)
    assert b.p5 <= b.median <= b.p95
    assert min(values) <= b.p5 and b.p95 <= max(values)
    assert 0 < b.confidence <= 1 and b.spread >= 0 and b.std >= 0
    assert b.sample_size + b.outliers_removed == len(values)
