"""Severities, config validation and the value types."""

from __future__ import annotations

import json
from perftui.analysis._frozen import FrozenInstanceError
from perftui.analysis.types import replace

import pytest

from perftui.analysis import DEFAULT_CONFIG, SEVERITIES, DetectorConfig, MetricSpec, compute_baseline, severity_rank, worst


def test_severities_are_ordered():
    assert SEVERITIES == ("ok", "info", "warning", "error", "critical")
    assert [severity_rank(s) for s in SEVERITIES] == [0, 1, 2, 3, 4]


def test_unknown_severity_is_refused():
    with pytest.raises(ValueError, match="unknown severity 'fatal'"):
        severity_rank("fatal")


def test_worst_picks_the_highest_and_defaults_to_ok():
    assert worst() == "ok"
    assert worst("info", "critical", "warning") == "critical"
    assert worst("ok", "info") == "info"


def test_config_is_frozen_and_validated():
    with pytest.raises(FrozenInstanceError):
        DEFAULT_CONFIG.window = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="history"):
        DetectorConfig(window=30, history=20)
    with pytest.raises(ValueError, match="confidence"):
        DetectorConfig(min_confidence=0.8, full_confidence=0.7)
    with pytest.raises(ValueError, match="run_rules"):
        DetectorConfig(run_rules=((1, 3.0),))
    with pytest.raises(ValueError, match="cp_min_recent"):
        DetectorConfig(cp_min_recent=1)
    with pytest.raises(ValueError):
        DetectorConfig(record_min_severity="loud")


def test_default_history_covers_every_tier():
    assert DEFAULT_CONFIG.needed_history() <= DEFAULT_CONFIG.history == 60
    assert DEFAULT_CONFIG.window == 20
    assert DEFAULT_CONFIG.min_effect == 0.10
    assert DEFAULT_CONFIG.resolve_after == 5
    assert replace(DEFAULT_CONFIG, trend_window=55).needed_history() == 55


def test_baseline_to_dict_is_json_and_complete():
    b = compute_baseline([10.0, 11.0, 12.0])
    d = b.to_dict()
    assert set(d) == {"median", "p5", "p95", "spread", "mean", "std", "sample_size", "confidence", "outliers_removed"}
    assert json.loads(json.dumps(d)) == d


def test_metric_spec_defaults():
    spec = MetricSpec("X")
    assert spec.direction == "lower" and spec.target is None and spec.warning is None and spec.error is None
