"""evaluate_metric: tiers, direction, gating, spikes, improvements, zero spread, bad input."""

from __future__ import annotations

import math
from perftui.analysis.types import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perftui.analysis import DEFAULT_CONFIG, MetricSpec, evaluate_metric, severity_rank

from ._helpers import Replay, noisy

STATISTICAL = {"regression", "change_point", "trend", "anomaly"}


def types(verdict):
    return [f.alert_type for f in verdict.findings]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad, word", [(math.nan, "NaN"), (math.inf, "infinite"), (-math.inf, "infinite")])
def test_nan_and_inf_are_refused(lower, bad, word):
    with pytest.raises(ValueError, match=word):
        evaluate_metric(bad, [1.0, 2.0], lower)


def test_non_numbers_are_refused(lower):
    with pytest.raises(ValueError, match="number"):
        evaluate_metric("fast", [1.0], lower)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="bool"):
        evaluate_metric(True, [1.0], lower)  # type: ignore[arg-type]


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        evaluate_metric(1.0, [], MetricSpec("m", direction="up"))


def test_non_finite_history_values_are_skipped(lower):
    hist = noisy(20, seed=2)
    clean = evaluate_metric(100.0, hist, lower)
    dirty = evaluate_metric(100.0, hist[:10] + [math.nan, math.inf] + hist[10:], lower)
    assert clean == dirty


# ---------------------------------------------------------------- verdict shape


def test_verdict_carries_baseline_and_raw_change(lower, higher):
    hist = [100.0] * 20
    v = evaluate_metric(90.0, hist, lower)
    assert v.severity == "ok" and v.findings == ()
    assert v.baseline.median == 100.0
    assert v.change_percent == pytest.approx(-10.0)
    assert evaluate_metric(90.0, hist, higher).change_percent == pytest.approx(-10.0)  # raw sign
    assert evaluate_metric(5.0, [], lower).change_percent is None


def test_only_the_last_history_values_are_read(lower):
    hist = noisy(60, seed=4)
    assert evaluate_metric(101.0, [1e6] * 500 + hist, lower) == evaluate_metric(101.0, hist, lower)


# ---------------------------------------------------------------- regression tier and spikes


@pytest.mark.parametrize("spec_name", ["lower", "higher"])
def test_a_single_spike_is_only_an_info_anomaly(spec_name, request):
    spec = request.getfixturevalue(spec_name)
    hist = noisy(60, seed=7)
    spike = 250.0 if spec.direction == "lower" else 40.0
    v = evaluate_metric(spike, hist, spec)
    assert v.severity == "info"
    assert types(v) == ["anomaly"]
    assert v.findings[0].deviation_percent > 0  # positive = worse in either direction
    # the run after a spike is back to normal and raises nothing
    assert evaluate_metric(100.0, hist + [spike], spec).severity == "ok"


def test_a_shift_confirmed_over_two_runs_is_a_regression(lower):
    hist = noisy(60, seed=8)
    assert evaluate_metric(170.0, hist, lower).severity == "info"
    v = evaluate_metric(172.0, hist + [170.0], lower)
    f = v.findings[0]
    assert f.alert_type == "regression" and v.severity == "critical"
    assert f.details["confirm_runs"] == 2
    assert f.expected_value == pytest.approx(v.baseline.median)
    assert f.deviation_percent == pytest.approx(100 * (172 / v.baseline.median - 1))
    assert f.message == f"APP-001 172 is 68% above its baseline of {v.baseline.median:.0f} for 2 runs in a row"


@pytest.mark.parametrize("step, expected", [(1.12, "warning"), (1.30, "error"), (1.60, "critical")])
def test_severity_grows_with_effect_size(lower, step, expected):
    hist = noisy(60, 0.02, seed=9)
    r = Replay(lower)
    r.feed_all(hist)
    worst_seen = "ok"
    for v in noisy(4, 0.02, level=100.0 * step, seed=10):
        verdict = r.feed(v)
        if severity_rank(verdict.severity) > severity_rank(worst_seen):
            worst_seen = verdict.severity
    assert worst_seen == expected


def test_higher_is_better_regresses_downward(higher):
    hist = noisy(60, seed=12, level=90.0)
    r = Replay(higher)
    r.feed_all(hist)
    r.feed_all([60.0, 61.0])
    assert r.alerts(60) and r.alerts(60)[0][2] in ("error", "critical")
    # the same drop is an improvement for a lower-is-better metric
    r2 = Replay(MetricSpec("t", "lower"))
    r2.feed_all(hist + [60.0, 61.0, 59.0, 60.0])
    assert r2.alerts(60) == []


@pytest.mark.parametrize("direction, factor", [("lower", 0.7), ("higher", 1.3)])
def test_a_lasting_improvement_never_alerts(direction, factor):
    r = Replay(MetricSpec("m", direction))
    r.feed_all(noisy(60, seed=13))
    r.feed_all(noisy(80, seed=14, level=100.0 * factor))
    assert r.alerts() == []
    assert all(v.severity in ("ok", "info") for v in r.verdicts)


def test_small_wobble_in_a_tight_series_does_not_alert(lower):
    # 0.5 % noise: a 2 % shift is 4 sigmas, but below the 3 % floor of a quiet shift
    r = Replay(lower)
    r.feed_all(noisy(60, 0.005, seed=15))
    r.feed_all(noisy(40, 0.005, seed=16, level=102.0))
    assert r.alerts() == []


def test_a_small_lasting_shift_in_a_quiet_series_is_a_warning_only(lower):
    # 0.5 % noise: a 5 % shift is 10 sigmas. Below the 10 % minimum effect, but beyond doubt
    # (issue 14: the Mozilla sheriffs confirmed +3.9 % and +6.2 % steps as real regressions):
    # one change-point warning, never an error, and nothing for the same shift at 2 % noise.
    r = Replay(lower)
    r.feed_all(noisy(60, 0.005, seed=15))
    r.feed_all(noisy(40, 0.005, seed=16, level=105.0))
    assert [(kind, severity) for _run, kind, severity in r.alerts()] == [
        ("change_point", "warning")]
    assert 60 < r.alerts()[0][0] <= 66
    noisy_series = Replay(lower)
    noisy_series.feed_all(noisy(60, 0.02, seed=15))
    noisy_series.feed_all(noisy(40, 0.02, seed=16, level=105.0))
    assert noisy_series.alerts() == []


# ---------------------------------------------------------------- zero spread


def test_all_equal_history_does_not_divide_by_zero(lower):
    hist = [100.0] * 30
    assert evaluate_metric(100.0, hist, lower).severity == "ok"
    assert evaluate_metric(100.5, hist, lower).severity == "ok"  # 0.5 %: below the minimum effect
    v = evaluate_metric(110.0, hist, lower)
    assert v.severity == "info"


def test_all_equal_history_still_catches_a_real_ten_percent_step(lower):
    r = Replay(lower)
    r.feed_all([100.0] * 30)
    r.feed_all([110.0] * 3)
    assert r.alerts(30)[0][:2] == (31, "regression")


def test_zero_and_negative_values_do_not_break_anything(lower):
    assert evaluate_metric(0.0, [0.0] * 30, lower).severity == "ok"
    v = evaluate_metric(2.0, [0.0] * 29 + [2.0], lower)
    assert v.severity in ("warning", "error", "critical")
    assert math.isfinite(v.findings[0].deviation_percent)
    assert evaluate_metric(-5.0, [-5.0, -4.0, -6.0] * 10, lower).severity == "ok"


# ---------------------------------------------------------------- confidence gating


@pytest.mark.parametrize("n, allowed", [(0, "ok"), (3, "ok"), (5, "ok"), (6, "warning"), (13, "warning"),
                                        (14, "critical"), (19, "critical")])
def test_confidence_gates_statistical_findings(lower, n, allowed):
    # n normal runs, then one 3x run (left out of the baseline as an outlier, so the baseline
    # holds n values and confidence is n / 20), then the judged 3x run: a confirmed shift
    hist = ([100.0, 101.0, 99.0] * 10)[:n] + [300.0]
    v = evaluate_metric(300.0, hist, lower)
    if n:
        assert v.baseline.sample_size == n and v.baseline.confidence == pytest.approx(n / 20)
    stat = [f for f in v.findings if f.alert_type in STATISTICAL]
    if allowed == "ok":
        assert stat == []
    else:
        assert severity_rank(v.severity) <= severity_rank(allowed)
        assert severity_rank(v.severity) >= severity_rank("warning")
        if allowed == "warning":
            assert stat[0].details["capped_from"] in ("error", "critical")


# ---------------------------------------------------------------- change point and trend


def test_a_ten_percent_step_in_five_percent_noise_is_caught_by_the_change_point(lower):
    caught = []
    for seed in range(10):
        r = Replay(lower)
        r.feed_all(noisy(60, 0.05, seed=100 + seed))
        r.feed_all(noisy(10, 0.05, seed=200 + seed, level=110.0))
        caught.append(bool(r.alerts(60)))
    assert sum(caught) >= 7


def test_a_change_point_finding_describes_the_shift(lower):
    hist = noisy(60, 0.05, seed=21) + noisy(7, 0.05, seed=22, level=115.0)
    config = replace(DEFAULT_CONFIG, run_rules=((9, 9.0),))  # keep the point test out of the way
    v = evaluate_metric(116.0, hist, lower, config)
    f = v.findings[0]
    assert f.alert_type == "change_point"
    assert f.details["recent_runs"] >= 3
    assert f.deviation_percent == pytest.approx(15, abs=5)
    assert f.expected_value == pytest.approx(f.details["reference_median"])


def test_a_slow_drift_is_caught_by_the_trend_tier(lower):
    base = noisy(100, 0.03, seed=31)
    values = base[:60] + [v * (1 + 0.005 * (i + 1)) for i, v in enumerate(base[60:])]
    config = replace(DEFAULT_CONFIG, change_point=False)
    r = Replay(lower, config)
    r.feed_all(values)
    first = r.alerts(60)[0]
    assert first[1] == "trend" and first[0] < 100
    f = next(v for v in r.verdicts if v.findings and v.findings[0].alert_type == "trend").findings[0]
    assert f.details["slope_percent_per_run"] > 0.2 and f.details["r2"] >= 0.3
    assert f.message.startswith("APP-001 drifted up ")


def test_a_step_is_not_reported_as_a_trend(lower):
    values = noisy(40, 0.02, seed=41) + noisy(20, 0.02, seed=42, level=125.0)
    config = replace(DEFAULT_CONFIG, change_point=False, run_rules=((9, 9.0),))
    v = evaluate_metric(125.0, values, lower, config)
    assert "trend" not in types(v)


# ---------------------------------------------------------------- properties

finite_positive = st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(finite_positive, st.lists(finite_positive, max_size=60), st.sampled_from(["lower", "higher"]),
       st.one_of(st.none(), finite_positive))
def test_evaluate_never_raises_on_finite_positive_input(value, history, direction, target):
    v = evaluate_metric(value, history, MetricSpec("m", direction, target=target))
    assert v.severity in ("ok", "info", "warning", "error", "critical")
    assert v.severity == max((f.severity for f in v.findings), key=severity_rank, default="ok")
    for f in v.findings:
        assert math.isfinite(f.deviation_percent)


@settings(max_examples=200, deadline=None)
@given(finite_positive, st.lists(finite_positive, min_size=1, max_size=13), st.sampled_from(["lower", "higher"]))
def test_low_confidence_caps_statistical_findings_at_warning(value, history, direction):
    v = evaluate_metric(value, history, MetricSpec("m", direction))
    if v.baseline.confidence < 0.7:
        for f in v.findings:
            assert f.alert_type in STATISTICAL
            assert severity_rank(f.severity) <= severity_rank("warning")
    if v.baseline.confidence < 0.3:
        assert v.findings == ()


def test_huge_values_do_not_raise(lower):
    v = evaluate_metric(1e300, [1e300, 1e299, 5e299] * 20, lower)
    assert v.severity in ("ok", "info", "warning", "error", "critical")


def test_quiet_shift_rule_catches_a_clear_small_step_and_can_be_switched_off(lower):
    values = noisy(60, 0.01, seed=41) + noisy(12, 0.01, seed=42, level=106.0)
    r = Replay(lower)
    r.feed_all(values)
    got = r.alerts(60)
    assert got and got[0][1:] == ("change_point", "warning") and got[0][0] < 70
    off = replace(DEFAULT_CONFIG, cp_quiet_sigmas=0.0)
    r = Replay(lower, off)
    r.feed_all(values)
    assert r.alerts() == []  # without it, the 10 % minimum effect alone
    with pytest.raises(ValueError):
        replace(DEFAULT_CONFIG, cp_quiet_effect=0.5)
