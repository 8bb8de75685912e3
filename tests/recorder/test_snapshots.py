"""record_baseline_snapshot: what a snapshot holds, evaluation, summary and log, one transaction."""

from __future__ import annotations

import json
import re

import pytest

from perftui import PerformanceTracker
from perftui.store import snapshots
from perftui.store import sqlite as sq
from tests.recorder._helpers import make_tracker, rows


def fake_git(tmp_path, branch="feature/x", commit="a" * 40):
    repo = tmp_path / "repo"
    (repo / ".git" / "refs" / "heads" / "feature").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text(f"ref: refs/heads/{branch}\n")
    (repo / ".git" / "refs" / "heads" / "feature" / "x").write_text(commit + "\n")
    (repo / "src").mkdir()
    return repo


def test_snapshot_holds_metrics_context_and_breakdown(store_path, tmp_path):
    repo = fake_git(tmp_path)
    tracker = make_tracker(store_path, app_version="1.2.3", git_dir=repo / "src",
                           environment="staging")
    tracker.start_operation("app_startup")
    tracker.stop_operation("app_startup")
    tracker.record_metric("prompt_token_count", 2800)
    tracker.record_metric("VAL-003", 0.93)
    result = tracker.record_baseline_snapshot()
    assert int(result) == result.snapshot_id == 1

    snap = rows(store_path, "SELECT app, environment, git_commit, git_branch, app_version,"
                " python_version, platform, cpu_count, total_memory_mb, session_id, operations,"
                " is_cold_start, status, host FROM snapshots")[0]
    assert snap[:5] == ("shop", "staging", "a" * 40, "feature/x", "1.2.3")
    assert re.match(r"^\d+\.\d+\.\d+$", snap[5]) and snap[6] and snap[7] >= 1 and snap[8] > 0
    assert re.match(r"^[0-9a-f]{16}$", snap[9])
    assert json.loads(snap[10])["app_startup"]["calls"] == 1
    assert snap[11:13] == (0, "ok") and snap[13]
    values = dict(rows(store_path, "SELECT m.code, v.value FROM measurements v JOIN metrics m"
                       " ON m.id = v.metric_id"))
    assert values["API-002"] == 2800 and values["VAL-003"] == 0.93
    assert "APP-001" in values                      # app_startup maps to APP-001 via the catalog
    assert values["MEM-001"] > 0 and values["MEM-002"] >= 0


def test_id_and_key_name_the_same_metric(store_path):
    tracker = make_tracker(store_path)
    tracker.record_metric("startup_time_ms", 400)
    first = tracker.record_baseline_snapshot()
    tracker.record_metric("APP-001", 410)
    second = tracker.record_baseline_snapshot()
    assert first.values["APP-001"] == 400 and second.values["APP-001"] == 410
    assert rows(store_path, "SELECT count(*) FROM metrics WHERE code IN ('startup_time_ms')") == [(0,)]


def test_unknown_metric_is_registered_on_the_fly(store_path):
    tracker = make_tracker(store_path)
    tracker.record_metric("search_index_build_ms", 125.0)
    tracker.start_operation("thumbnailing")
    tracker.stop_operation("thumbnailing")
    tracker.record_baseline_snapshot()
    registered = dict((r[0], r[1:]) for r in rows(
        store_path, "SELECT code, unit, target, source FROM metrics WHERE code IN"
        " ('search_index_build_ms', 'thumbnailing_time_ms')"))
    assert registered["search_index_build_ms"] == ("ms", None, "registered on first recording")
    assert registered["thumbnailing_time_ms"][0] == "ms"


def test_bad_values_are_dropped_not_raised(store_path, caplog):
    tracker = make_tracker(store_path)
    tracker.record_metric("APP-001", float("nan"))
    tracker.record_metric("APP-002 bad name", 3)
    tracker.record_metric("API-002", "lots")
    tracker.record_metric("VAL-001", 900)
    result = tracker.record_baseline_snapshot()
    assert set(result.values) >= {"VAL-001"} and "APP-001" not in result.values
    assert "API-002" not in result.values


def test_threshold_alert_is_raised_then_deduplicated(store_path):
    tracker = make_tracker(store_path)
    tracker.record_metric("prompt_token_count", 4200)
    first = tracker.record_baseline_snapshot()
    tracker.record_metric("prompt_token_count", 4300)
    second = tracker.record_baseline_snapshot()
    new = [a for a in first.alerts if a.metric_id == "API-002"]
    again = [a for a in second.alerts if a.metric_id == "API-002"]
    assert new and new[0].is_new and new[0].alert_type == "threshold"
    assert new[0].severity in ("error", "critical")
    assert again and not again[0].is_new and again[0].alert_id == new[0].alert_id
    (occurrences,) = rows(store_path, "SELECT occurrences FROM alerts WHERE id=?", new[0].alert_id)[0]
    assert occurrences == 2
    assert rows(store_path, "SELECT count(*) FROM alerts")[0][0] == 1


def test_regression_is_caught_after_a_stable_history(store_path):
    tracker = make_tracker(store_path)
    for i in range(25):
        tracker.record_metric("VAL-001", 400 + (i % 5))
        tracker.record_baseline_snapshot()
    raised = []
    for _ in range(3):
        tracker.record_metric("VAL-001", 560)
        raised += [a for a in tracker.record_baseline_snapshot().alerts
                   if a.metric_id == "VAL-001" and a.severity in ("warning", "error", "critical")]
    assert raised, "a confirmed +39 % shift must raise a warning or worse"
    assert raised[0].expected_value == pytest.approx(402, abs=3)


def test_flags_index_and_scores_are_stored(store_path):
    tracker = make_tracker(store_path)
    tracker.record_metric("container_init_count", 2)
    tracker.record_metric("prompt_token_count", 7250)
    result = tracker.record_baseline_snapshot()
    assert set(result.flags) == {"double_container_init", "prompt_duplication"}
    flags, index = rows(store_path, "SELECT flags, performance_index FROM snapshots")[0]
    assert set(json.loads(flags)) == set(result.flags)
    assert index is not None and 0 <= index < 100


def test_cold_and_failed_runs_stay_out_of_baselines(store_path):
    tracker = make_tracker(store_path)
    for _ in range(5):
        tracker.record_metric("VAL-001", 400)
        tracker.record_baseline_snapshot()
    tracker.record_metric("VAL-001", 5000)
    cold = tracker.record_baseline_snapshot(cold_start=True)
    tracker.record_metric("VAL-001", 9000)
    failed = tracker.record_baseline_snapshot(failed=True)
    assert not cold.evaluated and not failed.evaluated
    conn = sq.connect(str(store_path))
    mid = conn.scalar("SELECT id FROM metrics WHERE code='VAL-001'")
    past = snapshots.history(conn, mid, "shop", "local", "9999", 60)
    assert past == [400.0] * 5


def test_auto_cold_start_is_the_first_run_since_boot(store_path, monkeypatch):
    from perftui.recorder import context

    monkeypatch.setattr(context, "boot_time", lambda: 1_000_000_000.0)
    for name in context.CI_VARIABLES:   # this suite itself runs on CI
        monkeypatch.delenv(name, raising=False)
    tracker = make_tracker(store_path, cold_start=None)
    tracker.record_metric("VAL-001", 400)
    assert tracker.record_baseline_snapshot() is not None
    tracker.record_metric("VAL-001", 400)
    tracker.record_baseline_snapshot()
    assert rows(store_path, "SELECT is_cold_start FROM snapshots ORDER BY id") == [(1,), (0,)]


@pytest.mark.parametrize("variable, value", [("CI", "true"), ("GITHUB_ACTIONS", "true"),
                                             ("GITLAB_CI", "true"), ("BUILDKITE", "true")])
def test_fresh_ci_runners_are_judged(store_path, monkeypatch, variable, value):
    """Eight fresh CI runners (a new host each, just booted) record warm runs that are
    evaluated, unless the app says a run is cold (PERFTUI_COLD_START=1)."""
    from perftui.recorder import context

    for name in context.CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("PERFTUI_COLD_START", raising=False)
    monkeypatch.setenv(variable, value)
    monkeypatch.setattr(context, "boot_time", lambda: 1_000_000_000.0)
    real = context.system_context
    results = []
    for runner in range(8):
        monkeypatch.setattr(context, "system_context",
                            lambda runner=runner: {**real(), "host": f"runner-{runner}"})
        tracker = make_tracker(store_path, cold_start=None)
        tracker.record_metric("VAL-001", 400)
        results.append(tracker.record_baseline_snapshot())
    assert rows(store_path, "SELECT count(*) FROM snapshots WHERE is_cold_start = 0") == [(8,)]
    assert results[-1].evaluated
    monkeypatch.setenv("PERFTUI_COLD_START", "1")
    tracker = make_tracker(store_path, cold_start=None)
    tracker.record_metric("VAL-001", 400)
    tracker.record_baseline_snapshot()
    assert rows(store_path, "SELECT count(*) FROM snapshots WHERE is_cold_start = 1") == [(1,)]


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_a_ci_variable_set_to_false_is_not_ci(monkeypatch, value):
    from perftui.recorder import context

    for name in context.CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CI", value)
    assert context.ci_runner() is False
    monkeypatch.setenv("TF_BUILD", "True")
    assert context.ci_runner() is True


def test_summary_goes_to_stderr_and_log_line_to_file(store_path, tmp_path, capsys):
    logs = tmp_path / "logs"
    tracker = make_tracker(store_path, summary=True, log_dir=logs)
    tracker.record_metric("startup_time_ms", 387)
    tracker.record_metric("prompt_token_count", 4123)
    result = tracker.record_baseline_snapshot()
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "shop Startup Performance" in captured.err
    assert "Application Startup Time" in captured.err and "387ms" in captured.err
    assert "WARNINGS" in captured.err and "Prompt Token Count" in captured.err
    (log,) = logs.glob("performance_*.log")
    line = json.loads(log.read_text().splitlines()[-1])
    assert line["snapshot_id"] == result.snapshot_id
    assert line["metrics"]["APP-001"] == 387
    assert line["alerts"][0]["metric_id"] == "API-002"
    assert line["session_id"] == tracker.session_id


def test_summary_off_when_not_a_terminal_by_default(store_path, capsys):
    tracker = PerformanceTracker(db=store_path, cold_start=False)
    tracker.record_metric("APP-001", 1)
    tracker.record_baseline_snapshot()
    assert capsys.readouterr().err == ""


def test_one_transaction_per_snapshot(store_path, monkeypatch):
    tracker = make_tracker(store_path)
    tracker.record_metric("APP-001", 400)
    tracker.record_baseline_snapshot()
    before = rows(store_path, "SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM"
                  " measurements), (SELECT count(*) FROM alerts)")

    def die(*args, **kwargs):
        raise KeyboardInterrupt("killed mid-write")

    monkeypatch.setattr(snapshots, "update_snapshot_scores", die)
    tracker.record_metric("APP-001", 401)
    with pytest.raises(KeyboardInterrupt):
        tracker._record(cold_start=False, failed=False)
    after = rows(store_path, "SELECT (SELECT count(*) FROM snapshots), (SELECT count(*) FROM"
                 " measurements), (SELECT count(*) FROM alerts)")
    assert after == before and before[0][0] == 1


def test_environment_configuration(store_path, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", str(store_path))
    monkeypatch.setenv("PERFTUI_APP", "billing")
    monkeypatch.setenv("PERFTUI_ENV", "ci")
    monkeypatch.setenv("PERFTUI_COLD_START", "0")
    tracker = PerformanceTracker(summary=False)
    tracker.record_metric("APP-001", 1)
    tracker.record_baseline_snapshot()
    assert rows(store_path, "SELECT app, environment FROM snapshots") == [("billing", "ci")]


def test_a_real_regression_stays_open_after_the_baseline_absorbs_it(store_path):
    """A rolling baseline follows a lasting step; the alert must not resolve itself silently."""
    tracker = make_tracker(store_path)
    for i in range(25):
        tracker.record_metric("VAL-001", 400 + (i % 5))
        tracker.record_baseline_snapshot()
    raised = set()
    for i in range(60):
        tracker.record_metric("VAL-001", 540 + (i % 5))
        result = tracker.record_baseline_snapshot()
        # VAL-001's alerts only: the tracker also records this process's memory (MEM-001/002),
        # which depends on what ran before in the same test process
        raised |= {a.alert_id for a in result.alerts
                   if a.severity != "info" and a.metric_id == "VAL-001"}
        assert not raised & set(result.resolved), f"resolved itself after {i + 1} runs"
    assert len(raised) == 1
    alert_id = raised.pop()
    (status, expected, deviation) = rows(
        store_path, "SELECT status, expected_value, deviation_percent FROM alerts WHERE id=?",
        alert_id)[0]
    assert status == "open" and expected == pytest.approx(402, abs=3)
    assert deviation > 30  # still measured against the level before the regression
    for _ in range(8):  # it recovers: the alert resolves after K normal runs
        tracker.record_metric("VAL-001", 401)
        tracker.record_baseline_snapshot()
    assert rows(store_path, "SELECT status FROM alerts WHERE id=?", alert_id) == [("resolved",)]


def test_an_impossible_value_is_left_out_not_the_whole_run(store_path, caplog):
    """A hit rate above 1 or a negative duration loses that metric, with one warning; the rest
    of the run is stored."""
    tracker = make_tracker(store_path)
    tracker.record_metric("APP-001", 400)
    tracker.record_metric("rule_cache_hit_rate", 1.02)     # a ratio cannot exceed 1
    tracker.record_metric("export_time_ms", -4)             # nor a duration be negative
    with caplog.at_level("WARNING", logger="perftui"):
        result = tracker.record_baseline_snapshot()
    assert result is not None and set(result.values) >= {"APP-001"}
    assert not {"VAL-003", "rule_cache_hit_rate", "export_time_ms"} & set(result.values)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and all("left out of this snapshot" in w for w in warnings)
    assert rows(store_path, "SELECT count(*) FROM snapshots") == [(1,)]


@pytest.mark.parametrize("enabled", [True, False])
def test_recording_leaves_the_hosts_garbage_collector_as_it_found_it(store_path, enabled):
    """The recorder pauses cycle collection while it records, and restores the host's choice,
    whether the record succeeds or fails."""
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        tracker = make_tracker(store_path)
        tracker.record_metric("VAL-001", 400)
        assert tracker.record_baseline_snapshot() is not None
        assert gc.isenabled() is enabled
        broken = make_tracker(str(store_path) + ".missing-dir/x/y.db")
        broken.record_metric("VAL-001", 400)
        broken.record_baseline_snapshot()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_process_memory_off_leaves_mem_001_and_002_out(store_path):
    """A tracker whose process is not the thing measured (the pytest plugin) records no peak
    memory or growth of its own; metrics the app records under those ids still count."""
    tracker = make_tracker(store_path, process_memory=False)
    tracker.record_metric("VAL-001", 400)
    result = tracker.record_baseline_snapshot()
    assert set(result.values) == {"VAL-001"}
    tracker.record_metric("MEM-001", 120.0)
    assert set(tracker.record_baseline_snapshot().values) == {"MEM-001"}
    assert "MEM-001" in make_tracker(store_path).record_baseline_snapshot().values
