"""The shared judgement of a change: direction-aware, threshold and half-threshold bands."""

from __future__ import annotations

import pytest

from perftui.analysis import verdicts


@pytest.mark.parametrize("change, direction, expected", [
    (12, "lower", "regressed"), (10, "lower", "regressed"), (6.5, "lower", "warning"),
    (2, "lower", "unchanged"), (-4.9, "lower", "unchanged"), (-14.4, "lower", "improved"),
    (-12, "higher", "regressed"), (12, "higher", "improved"), (None, "lower", "unchanged"),
])
def test_classify(change, direction, expected):
    assert verdicts.classify(change, direction, 10) == expected


def test_change_percent_and_worse_by():
    assert verdicts.change_percent(110, 100) == pytest.approx(10)
    assert verdicts.change_percent(1, 0) is None
    assert verdicts.worse_by(-5, "higher") == 5 and verdicts.worse_by(None, "lower") is None


def test_noise_gate():
    assert verdicts.outside_noise(130, 100, 5, 20, "lower")
    assert not verdicts.outside_noise(112, 100, 5, 20, "lower")
    assert verdicts.outside_noise(0.7, 0.9, 0.01, 20, "higher")
    assert verdicts.outside_noise(101, 100, 50, 3, "lower")       # too few runs to tell


def test_levels():
    assert verdicts.check_level("regressed", True) == "critical"
    assert verdicts.check_level("regressed", False) == "error"
    assert verdicts.check_level("warning", True) == "warning"
    assert verdicts.check_level("improved", True) == "ok"
    assert [verdicts.level_rank(x) for x in ("ok", "warning", "error", "critical")] == [0, 1, 2, 3]
