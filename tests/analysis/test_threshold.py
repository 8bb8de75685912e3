"""Tier 1: absolute lines, direction-aware, critical beyond 1.5x the error margin."""

from __future__ import annotations

import pytest

from perftui.analysis import MetricSpec, check_threshold, evaluate_metric

APP = MetricSpec("APP-001", "lower", target=500, warning=550, error=600)
HIT = MetricSpec("VAL-003", "higher", target=90, warning=85, error=80)


def sev(value, spec):
    f = check_threshold(value, spec)
    return "ok" if f is None else f.severity


@pytest.mark.parametrize(
    "value, expected",
    [(400, "ok"), (500, "ok"), (549.9, "ok"), (550, "warning"), (599, "warning"), (600, "error"),
     (650, "error"), (650.0001, "critical"), (2000, "critical")],
)
def test_lower_is_better_lines(value, expected):
    # error margin = |600 - 500| = 100; critical when more than 150 above target
    assert sev(value, APP) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(99, "ok"), (90, "ok"), (85.1, "ok"), (85, "warning"), (80, "error"), (75, "error"), (74.9, "critical")],
)
def test_higher_is_better_lines(value, expected):
    # a hit rate regresses downward: error margin 10, critical below 90 - 15 = 75
    assert sev(value, HIT) == expected


def test_critical_exactly_at_one_and_a_half_margins_is_not_critical():
    assert sev(650, APP) == "error"
    assert sev(75, HIT) == "error"


def test_default_lines_are_ten_and_twenty_percent_of_target():
    spec = MetricSpec("API-002", target=3000)
    assert sev(3299, spec) == "ok"
    assert sev(3300, spec) == "warning"
    assert sev(3600, spec) == "error"
    assert sev(3900, spec) == "error"  # exactly 1.5 x the 600 error margin
    assert sev(3901, spec) == "critical"
    up = MetricSpec("CACHE-001", "higher", target=100)
    assert sev(90, up) == "warning" and sev(80, up) == "error" and sev(69, up) == "critical"


def test_only_one_line_given():
    warn_only = MetricSpec("m", target=100, warning=110)  # error at twice the margin: 120
    assert sev(115, warn_only) == "warning" and sev(120, warn_only) == "error" and sev(131, warn_only) == "critical"
    err_only = MetricSpec("m", target=100, error=120)  # warning halfway: 110
    assert sev(110, err_only) == "warning" and sev(120, err_only) == "error"


def test_lines_without_target():
    spec = MetricSpec("m", warning=50, error=60)
    assert sev(50, spec) == "ok" and sev(51, spec) == "warning" and sev(60, spec) == "error"
    assert sev(66, spec) == "critical"  # more than 1.5 x (60 - 50) beyond the warning line
    assert sev(70, MetricSpec("m", error=60)) == "error"


def test_no_lines_means_no_finding():
    assert check_threshold(1e9, MetricSpec("m")) is None


def test_finding_content_and_sign_convention():
    f = check_threshold(4110, MetricSpec("API-002", target=3000, warning=3300, error=3600))
    assert f.alert_type == "threshold"
    assert f.expected_value == 3000
    assert f.deviation_percent == pytest.approx(37.0)
    assert f.message == "API-002 4,110 is 37% above its target of 3,000"
    g = check_threshold(72, HIT)
    assert g.deviation_percent == pytest.approx(100 * 18 / 90)  # positive = worse, even downward
    assert "is 20% below its target of 90" in g.message


def test_inconsistent_lines_are_refused():
    with pytest.raises(ValueError, match="beyond error line"):
        check_threshold(1, MetricSpec("m", target=100, warning=130, error=120))
    with pytest.raises(ValueError, match="good side"):
        check_threshold(1, MetricSpec("m", target=100, warning=90))
    with pytest.raises(ValueError, match="direction"):
        check_threshold(1, MetricSpec("m", direction="sideways", target=1))


def test_threshold_is_not_gated_by_confidence():
    v = evaluate_metric(700, [], APP)
    assert v.baseline is None
    assert v.severity == "critical"
    assert [f.alert_type for f in v.findings] == ["threshold"]
