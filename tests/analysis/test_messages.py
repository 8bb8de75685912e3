"""Alert messages a person can read (issue 14, items 2 and 3): every message names the metric and
its unit and is a sentence; value, expected value and deviation of a finding are one finding."""

from __future__ import annotations

import pytest

from perftui.analysis import DEFAULT_CONFIG, MetricSpec, check_threshold, evaluate_metric
from perftui.analysis.types import replace

from ._helpers import noisy

VAL = MetricSpec("VAL-001", name="Validation time", unit="ms")
HIT = MetricSpec("CACHE-001", direction="higher", name="Rule cache hit rate", unit="ratio")


def _agree(f, direction: str) -> None:
    """The row's three numbers come from one finding: deviation = value against expected."""
    sign = 1.0 if direction == "lower" else -1.0
    assert f.deviation_percent == pytest.approx(
        sign * (f.current_value - f.expected_value) / abs(f.expected_value) * 100, rel=1e-6)


def test_a_regression_reads_as_a_sentence_with_name_and_unit():
    hist = noisy(60, 0.02, level=838.0, seed=3)
    v = evaluate_metric(960.0, hist + [957.0], VAL)
    f = v.findings[0]
    assert f.alert_type == "regression"
    assert f.message == (f"Validation time 960ms is {f.deviation_percent:.0f}% above its baseline of "
                         f"{f.expected_value:.0f}ms for 2 runs in a row")
    _agree(f, "lower")


def test_a_lone_spike_says_it_was_a_single_run():
    hist = noisy(60, 0.02, level=838.0, seed=3)
    f = evaluate_metric(2000.0, hist, VAL).findings[0]
    assert f.alert_type == "anomaly" and f.message.endswith("ms in a single run")
    assert f.message.startswith("Validation time 2,000ms is ")
    _agree(f, "lower")


def test_a_higher_is_better_metric_is_below_its_baseline():
    hist = [0.92 + 0.002 * ((i * 7) % 5) for i in range(60)]
    f = evaluate_metric(0.70, hist + [0.71], HIT).findings[0]
    assert f.message.startswith("Rule cache hit rate 70% is 24% below its baseline of 92")
    _agree(f, "higher")


def test_a_change_point_names_the_level_of_the_recent_runs_and_its_numbers_agree():
    hist = noisy(60, 0.05, seed=21, level=838.0) + noisy(7, 0.05, seed=22, level=960.0)
    config = replace(DEFAULT_CONFIG, run_rules=((9, 9.0),))  # keep the point test out of the way
    f = evaluate_metric(970.0, hist, VAL, config).findings[0]
    assert f.alert_type == "change_point"
    m = f.details["recent_runs"]
    assert f.details["value"] == 970.0  # the run's own value, beside the level
    assert f.message.startswith(f"Validation time averaged {f.current_value:.0f}ms over the last {m} runs, ")
    assert f.message.endswith(f"above its level of {f.expected_value:.0f}ms before them")
    _agree(f, "lower")


def test_a_trend_says_where_the_line_went_and_its_numbers_agree():
    base = noisy(100, 0.02, seed=31, level=838.0)
    values = [v * (1 + 0.006 * i) for i, v in enumerate(base[:60])]
    config = replace(DEFAULT_CONFIG, change_point=False, run_rules=((9, 9.0),), anomaly_z=99)
    f = evaluate_metric(values[-1], values[:-1], VAL, config).findings[0]
    assert f.alert_type == "trend"
    assert f.message.startswith("Validation time drifted up ")
    assert "% over the last 40 runs (0." in f.message and "% a run), from " in f.message
    _agree(f, "lower")


def test_a_threshold_message_names_the_metric_its_unit_and_the_line():
    spec = MetricSpec("API-002", target=3000, warning=3300, error=3600, name="Prompt tokens",
                      unit="tokens")
    f = check_threshold(4110, spec)
    assert f.message == "Prompt tokens 4,110 tokens is 37% above its target of 3,000 tokens"
    g = check_threshold(0.72, MetricSpec("hit", "higher", target=0.9, name="Hit rate", unit="ratio"))
    assert g.message == "Hit rate 72% is 20% below its target of 90%"
    _agree(f, "lower")


def test_without_a_name_the_metric_id_is_the_subject():
    f = check_threshold(4110, MetricSpec("API-002", target=3000))
    assert f.message == "API-002 4,110 is 37% above its target of 3,000"
