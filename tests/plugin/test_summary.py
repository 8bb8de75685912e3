"""The summary section and --perftui-fail-on, on a recorded result (in process): which alerts
are listed, and at which level the session fails."""

from __future__ import annotations

import pytest

from perftui.pytest_plugin.record import summarise
from perftui.recorder.evaluate import AlertEvent, RecordResult


def _result(*severities: str) -> RecordResult:
    result = RecordResult(7, "2026-12-02T10:00:00.000000Z", "proj-tests", "local",
                          {"tests/t.py::test_a": 84.0})
    result.evaluated = True
    for i, severity in enumerate(severities):
        result.alerts.append(AlertEvent(i + 1, f"tests/t.py::test_{i}", f"tests/t.py::test_{i}",
                                        "ms", "regression", severity, "message", 84.0, 60.0,
                                        40.0, True))
    return result


def _opts(fail_on: str) -> dict:
    return {"db": "/tmp/perf.db", "fail_on": fail_on}


@pytest.mark.parametrize("fail_on, severities, failing", [
    ("none", ("critical",), False),
    ("critical", ("warning", "error"), False),
    ("critical", ("warning", "critical"), True),
    ("error", ("error",), True),
    ("warning", ("info",), False),          # an anomaly is never a regression to fail on
])
def test_fail_on_level(fail_on, severities, failing):
    outcome = summarise(_result(*severities), ["perftui: 1 test(s)"], [], _opts(fail_on))
    assert outcome.failing is failing
    assert any("session failed" in line for line in outcome.lines) is failing


def test_regressions_listed_worst_first_with_their_values():
    outcome = summarise(_result("warning", "info", "critical"), ["perftui: 3 test(s)"], [],
                        _opts("none"))
    lines = outcome.lines
    assert lines[0] == ("perftui: run 7 of proj-tests (local) recorded in /tmp/perf.db: "
                        "3 test(s)")
    listed = lines[lines.index("perftui: 2 regression(s) against the baselines:") + 1:]
    assert listed == [
        "  CRITICAL tests/t.py::test_2",
        "           +40%: 84 ms against a baseline of 60 ms (regression)",
        "  WARNING  tests/t.py::test_0",
        "           +40%: 84 ms against a baseline of 60 ms (regression)",
    ]
