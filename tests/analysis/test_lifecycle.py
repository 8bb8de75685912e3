"""plan_alerts: dedupe, repeats, normal streaks, resolve after K runs, acknowledged alerts."""

from __future__ import annotations

from perftui.analysis.types import replace

from perftui.analysis import DEFAULT_CONFIG, Finding, MetricSpec, MetricVerdict, OpenAlert, plan_alerts

from ._helpers import Replay, noisy


def finding(kind: str = "regression", severity: str = "warning") -> Finding:
    return Finding(kind, severity, 130.0, 100.0, 30.0, "30% above baseline 100", {})


def verdict(*findings: Finding, metric: str = "APP-001") -> MetricVerdict:
    sev = max((f.severity for f in findings), key=["ok", "info", "warning", "error", "critical"].index, default="ok")
    return MetricVerdict(metric, 130.0, sev, tuple(findings), None, None)


def test_a_first_finding_is_new():
    plan = plan_alerts(verdict(finding()), [])
    assert plan.new == (finding(),) and not plan.repeats and not plan.streaks and not plan.resolve


def test_a_finding_with_an_open_alert_of_its_key_repeats_it():
    open_ = [OpenAlert(7, "APP-001", "regression", "warning", normal_streak=1)]
    plan = plan_alerts(verdict(finding(severity="critical")), open_)
    assert plan.new == ()
    assert plan.repeats == ((7, finding(severity="critical")),)
    assert plan.streaks == () and plan.resolve == ()


def test_acknowledged_alerts_dedupe_too():
    open_ = [OpenAlert(7, "APP-001", "threshold", "error", status="acknowledged")]
    plan = plan_alerts(verdict(finding("threshold", "error")), open_)
    assert plan.repeats[0][0] == 7 and plan.new == ()


def test_resolved_alerts_do_not_dedupe():
    open_ = [OpenAlert(7, "APP-001", "regression", "warning", status="resolved")]
    assert plan_alerts(verdict(finding()), open_).new == (finding(),)


def test_statistical_types_share_one_key():
    # a level shift may show up as a regression on one run and a change point or trend on the next
    open_ = [OpenAlert(3, "APP-001", "regression", "error")]
    for kind in ("change_point", "trend"):
        plan = plan_alerts(verdict(finding(kind)), open_)
        assert plan.repeats == ((3, finding(kind)),) and plan.new == ()
    # but a threshold breach or an anomaly is its own alert
    plan = plan_alerts(verdict(finding("threshold")), open_)
    assert plan.new == (finding("threshold"),)
    assert plan.streaks == ((3, 1),)


def test_normal_runs_count_up_and_resolve_after_k():
    k = DEFAULT_CONFIG.resolve_after
    alert = OpenAlert(9, "APP-001", "regression", "warning", normal_streak=0)
    for run in range(1, k + 1):
        plan = plan_alerts(verdict(), [alert])
        assert plan.streaks == ((9, run),)
        alert = replace(alert, normal_streak=run)
        assert plan.resolve == ((9,) if run == k else ())


def test_resolve_after_is_configurable():
    cfg = replace(DEFAULT_CONFIG, resolve_after=2)
    plan = plan_alerts(verdict(), [OpenAlert(1, "APP-001", "trend", "warning", normal_streak=1)], cfg)
    assert plan.resolve == (1,)


def test_other_metrics_alerts_are_left_alone():
    open_ = [OpenAlert(1, "OTHER", "regression", "warning")]
    plan = plan_alerts(verdict(finding()), open_)
    assert plan.new == (finding(),) and plan.streaks == () and plan.repeats == ()


def test_info_findings_are_recorded_by_default_but_can_be_filtered():
    anomaly = finding("anomaly", "info")
    assert plan_alerts(verdict(anomaly), []).new == (anomaly,)
    cfg = replace(DEFAULT_CONFIG, record_min_severity="warning")
    plan = plan_alerts(verdict(anomaly), [OpenAlert(2, "APP-001", "anomaly", "info")], cfg)
    assert plan.new == () and plan.streaks == ((2, 1),)


def test_duplicate_open_rows_collapse_onto_the_oldest():
    open_ = [OpenAlert(5, "APP-001", "regression", "warning"), OpenAlert(4, "APP-001", "regression", "warning")]
    plan = plan_alerts(verdict(finding()), open_)
    assert plan.repeats[0][0] == 4 and plan.streaks == ((5, 1),)


def test_plan_is_empty_for_a_quiet_metric():
    assert plan_alerts(verdict(), []).is_empty


def test_replay_dedupes_a_regression_and_resolves_it_after_recovery():
    r = Replay(MetricSpec("APP-001"))
    r.feed_all(noisy(60, 0.03, seed=51))
    r.feed_all(noisy(8, 0.03, seed=52, level=140.0))  # a regression lasting 8 runs
    assert len(r.alerts(60)) == 1  # one alert, repeated, not eight
    r.feed_all(noisy(40, 0.03, seed=53))  # back to normal
    assert r.open == {}  # resolved itself after resolve_after normal runs
    assert len(r.alerts(60)) == 1


def test_regression_alert_does_not_resolve_while_still_worse_than_before():
    from perftui.analysis import MetricSpec, evaluate_metric
    from perftui.analysis.lifecycle import still_regressed

    alert = OpenAlert(7, "VAL-001", "change_point", "warning", normal_streak=3,
                      expected_value=400.0)
    absorbed = evaluate_metric(540.0, [540.0] * 40, MetricSpec("VAL-001"))
    assert absorbed.severity == "ok" and still_regressed(alert, absorbed)
    plan = plan_alerts(absorbed, [alert])
    assert plan.resolve == () and plan.streaks == ((7, 0),)
    recovered = evaluate_metric(405.0, [540.0] * 40, MetricSpec("VAL-001"))
    assert not still_regressed(alert, recovered)
    higher = OpenAlert(8, "HIT", "regression", "warning", expected_value=0.9)
    assert still_regressed(higher, evaluate_metric(0.7, [0.7] * 30, MetricSpec("HIT", "higher")))
    threshold = OpenAlert(9, "VAL-001", "threshold", "error", expected_value=400.0)
    assert not still_regressed(threshold, absorbed)


def test_a_shift_after_two_normal_runs_is_its_own_alert_and_the_old_one_resolves():
    open_ = [OpenAlert(7, "APP-001", "regression", "warning", normal_streak=2),
             OpenAlert(8, "APP-001", "threshold", "warning", normal_streak=2)]
    plan = plan_alerts(verdict(finding("change_point", "error"), finding("threshold")), open_)
    assert plan.new == (finding("change_point", "error"),)
    assert plan.repeats == ((8, finding("threshold")),)  # a target line is one event
    assert plan.resolve == (7,) and plan.superseded == (7,)
    off = replace(DEFAULT_CONFIG, new_after_normal=0)
    assert plan_alerts(verdict(finding()), open_[:1], off).repeats == ((7, finding()),)


def test_a_real_slowdown_after_a_false_alarm_is_reported_as_itself():
    r = Replay(MetricSpec("APP-001"))
    r.feed_all(noisy(40, 0.02, seed=5))
    r.feed_all([118.0, 119.0, 117.0])     # an alarm (say, a noisy neighbour) ...
    r.feed_all(noisy(3, 0.02, seed=6))     # ... that goes away
    r.feed_all([150.0, 151.0])             # then the real slowdown
    got = r.alerts()
    assert len(got) == 2 and got[1][0] == 47, got
    assert r.verdicts[-1].findings[0].current_value == 151.0
