"""performance_index, regression_score and known-issue flags."""

from __future__ import annotations

import math

import pytest

from perftui.analysis import (
    MetricSpec,
    MetricVerdict,
    compute_baseline,
    evaluate_flags,
    metric_score,
    performance_index,
    regression_score,
)

SPECS = {
    "APP-001": MetricSpec("APP-001", "lower", target=500),
    "VAL-003": MetricSpec("VAL-003", "higher", target=90),
    "NO-TARGET": MetricSpec("NO-TARGET"),
}


@pytest.mark.parametrize("value, score", [(400, 100), (500, 100), (600, 80), (750, 50), (1000, 0), (5000, 0)])
def test_lower_is_better_score(value, score):
    assert metric_score(value, SPECS["APP-001"]) == pytest.approx(score)


@pytest.mark.parametrize("value, score", [(99, 100), (90, 100), (75, 80), (60, 50), (45, 0), (0, 0), (-3, 0)])
def test_higher_is_better_score(value, score):
    assert metric_score(value, SPECS["VAL-003"]) == pytest.approx(score)


def test_index_averages_metrics_with_targets():
    assert performance_index({"APP-001": 600, "VAL-003": 90, "NO-TARGET": 1e9, "UNKNOWN": 1}, SPECS) == pytest.approx(90)


def test_index_is_none_without_any_target():
    assert performance_index({"NO-TARGET": 5}, SPECS) is None
    assert performance_index({}, SPECS) is None
    assert performance_index({"APP-001": math.nan}, SPECS) is None


def test_score_with_zero_or_negative_target():
    assert metric_score(0.5, MetricSpec("m", target=0)) == pytest.approx(50)
    assert metric_score(-12, MetricSpec("m", target=-10)) == 100
    assert metric_score(-5, MetricSpec("m", target=-10)) == pytest.approx(50)


def _verdict(metric, direction, value, history):
    b = compute_baseline(history)
    return MetricVerdict(metric, value, "ok", (), b, (value - b.median) / b.median * 100, direction)


def test_regression_score_is_direction_aware():
    slower = _verdict("APP-001", "lower", 120.0, [100.0] * 20)  # 20 % slower: -20
    better_hits = _verdict("VAL-003", "higher", 110.0, [100.0] * 20)  # 10 % more hits: +10
    assert regression_score([slower]) == pytest.approx(-20)
    assert regression_score([better_hits]) == pytest.approx(10)
    assert regression_score([slower, better_hits]) == pytest.approx(-5)


def test_regression_score_skips_unconfident_baselines():
    young = _verdict("APP-001", "lower", 200.0, [100.0] * 5)  # confidence 0.25
    assert regression_score([young]) is None
    assert regression_score([]) is None
    assert regression_score([young, _verdict("X", "lower", 90.0, [100.0] * 14)]) == pytest.approx(10)


RULES = [
    {"flag": "double_container_init", "metric": "SVC-001", "op": ">", "value": 1},
    {"flag": "prompt_too_long", "metric": "API-002", "op": ">=", "value": 7000},
    {"flag": "cold_cache", "metric": "VAL-003", "op": "<", "value": 50},
]


def test_flags_follow_their_rules():
    assert evaluate_flags({"SVC-001": 2, "API-002": 7250, "VAL-003": 85}, RULES) == [
        "double_container_init", "prompt_too_long"]
    assert evaluate_flags({"SVC-001": 1, "API-002": 6999}, RULES) == []
    assert evaluate_flags({"VAL-003": 10}, RULES) == ["cold_cache"]


@pytest.mark.parametrize("op, hit, miss", [(">", 2, 1), (">=", 1, 0), ("<", 0, 1), ("<=", 1, 2), ("==", 1, 2), ("!=", 2, 1)])
def test_every_operator(op, hit, miss):
    rule = [{"flag": "f", "metric": "m", "op": op, "value": 1}]
    assert evaluate_flags({"m": hit}, rule) == ["f"]
    assert evaluate_flags({"m": miss}, rule) == []


def test_missing_metrics_and_nan_raise_no_flag_and_flags_are_unique():
    rules = RULES[:1] + [{"flag": "double_container_init", "metric": "SVC-002", "op": ">", "value": 0}]
    assert evaluate_flags({"SVC-001": 3, "SVC-002": 5}, rules) == ["double_container_init"]
    assert evaluate_flags({"SVC-001": math.nan}, RULES) == []


def test_malformed_rules_are_refused_with_the_field_named():
    with pytest.raises(ValueError, match="'op'"):
        evaluate_flags({}, [{"flag": "f", "metric": "m", "value": 1}])
    with pytest.raises(ValueError, match="op must be one of"):
        evaluate_flags({}, [{"flag": "f", "metric": "m", "op": "=>", "value": 1}])
    with pytest.raises(ValueError, match="value must be a finite number"):
        evaluate_flags({}, [{"flag": "f", "metric": "m", "op": ">", "value": "1"}])
