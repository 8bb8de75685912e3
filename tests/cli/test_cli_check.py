"""`perftui check`: the CI gate fails on an injected regression and passes without it."""

from __future__ import annotations

import json

import pytest

from ._helpers import assert_one_line_error, fingerprint


def record_baseline(db: str) -> None:
    """20 runs on main in web/ci with a little noise."""
    from perftui.cli.main import main

    for i in range(20):
        code = main(["--db", db, "--app", "web", "--env", "ci", "record",
                     f"APP-001={400 + (i % 5)}", f"VAL-001={900 + 3 * (i % 4)}",
                     f"VAL-003={0.92 + 0.001 * (i % 3)}", "--commit", f"{i:040x}",
                     "--branch", "main", "--at", f"2026-03-01T{i:02d}:00:00Z"])
        assert code == 0


@pytest.fixture
def baseline_store(engine, templates, tmp_path) -> str:
    """A private copy of a store with 20 runs on main in web/ci (recorded once per session)."""
    return templates.copy("baseline", engine, tmp_path, record_baseline)


def results(tmp_path, **metrics) -> str:
    path = tmp_path / "results.json"
    path.write_text(json.dumps({"snapshots": [{
        "recorded_at": "2026-03-02T00:00:00Z", "app": "web", "environment": "ci",
        "git_commit": "f" * 40, "git_branch": "feature/x", "metrics": metrics}]}))
    return str(path)


def test_passes_without_regression(cli, baseline_store, tmp_path):
    current = results(tmp_path, **{"APP-001": 401, "VAL-001": 905, "VAL-003": 0.921})
    before = fingerprint(baseline_store)
    code, out, _ = cli("--db", baseline_store, "check", "--current", current)
    assert code == 0 and "PASSED" in out
    assert fingerprint(baseline_store) == before


def test_fails_on_injected_regression_and_writes_the_comment(cli, baseline_store, tmp_path):
    current = results(tmp_path, **{"APP-001": 402, "VAL-001": 1250, "VAL-003": 0.921})
    comment = tmp_path / "comment.md"
    code, out, _ = cli("--db", baseline_store, "check", "--current", current, "--markdown",
                       comment, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["passed"] is False
    val = next(m for m in data["metrics"] if m["metric_id"] == "VAL-001")
    assert val["level"] == "critical" and val["change_percent"] > 30
    text = comment.read_text()
    assert text.startswith("## Performance Report")
    assert "| Metric | Current | Baseline | Change | Status |" in text
    assert "**Branch:** `feature/x`" in text and "Failed" in text


def test_direction_aware(cli, baseline_store, tmp_path):
    """A hit rate falling 20 % is a regression; one rising is an improvement."""
    down = results(tmp_path, **{"VAL-003": 0.72})
    assert cli("--db", baseline_store, "check", "--current", down)[0] == 1
    up = results(tmp_path, **{"VAL-003": 0.99})
    code, out, _ = cli("--db", baseline_store, "check", "--current", up, "--format", "json")
    assert code == 0 and json.loads(out)["metrics"][0]["status"] == "improved"


def test_fail_on_and_threshold(cli, baseline_store, tmp_path):
    current = results(tmp_path, **{"APP-001": 428})        # +6.8 %: a warning at 10 %
    assert cli("--db", baseline_store, "check", "--current", current)[0] == 0
    assert cli("--db", baseline_store, "check", "--current", current, "--fail-on",
               "warning")[0] == 1
    assert cli("--db", baseline_store, "check", "--current", current, "--threshold",
               "5")[0] == 1


def test_an_unknown_baseline_branch_is_refused_not_passed(cli, baseline_store, tmp_path):
    """A typo in --baseline-branch must not turn the gate off."""
    current = results(tmp_path, **{"APP-001": 900})
    code, _, err = cli("--db", baseline_store, "check", "--current", current,
                       "--baseline-branch", "mian", "--format", "json")
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1
    assert "'mian' has no runs" in lines[0] and "main" in lines[0]


def test_an_empty_store_passes_with_a_note(cli, store_url, tmp_path):
    """The first run of a new project's CI: nothing recorded yet, nothing can fail."""
    from perftui.store.db import open_store

    open_store(store_url, create=True).close()
    current = results(tmp_path, **{"APP-001": 900})
    code, out, _ = cli("--db", store_url, "check", "--current", current,
                       "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["passed"] and data["summary"]["new"] == 1 and data["notes"]


def test_pytest_benchmark_results(cli, store_url, tmp_path, fixtures):
    db = store_url
    source = fixtures / "pytest-benchmark/gab_pytest_several_units.json"
    base = json.loads(source.read_text())
    for i in range(6):  # the file says branch "master": --branch only fills in a missing one
        run = dict(base, datetime=f"2026-03-0{i + 1}T00:00:00",
                   commit_info={**base["commit_info"], "branch": None})
        path = tmp_path / f"run{i}.json"
        path.write_text(json.dumps(run))
        assert cli("--db", db, "import", path, "--branch", "main")[0] == 0
    slower = json.loads(source.read_text())
    for bench in slower["benchmarks"]:
        bench["stats"]["median"] *= 1.5
    current = tmp_path / "current.json"
    current.write_text(json.dumps(slower))
    code, out, _ = cli("--db", db, "check", "--current", current, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["current"]["format"] == "pytest-benchmark"
    assert all(m["level"] == "critical" for m in data["metrics"])
    assert cli("--db", db, "check", "--current", source)[0] == 0


@pytest.mark.parametrize("content, words", [
    ('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "metrics": {"APP-001": NaN}}]}',
     ["APP-001", "finite"]),
    ('{"snapshots": [', ["truncated"]),
])
def test_bad_current_file(cli, baseline_store, tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, _, err = cli("--db", baseline_store, "check", "--current", path)
    assert_one_line_error(code, err, *words)


def test_bad_arguments(cli, baseline_store, tmp_path):
    current = results(tmp_path, **{"APP-001": 401})
    code, _, err = cli("--db", baseline_store, "check", "--current", current, "--fail-on", "x")
    assert_one_line_error(code, err, "--fail-on")
    code, _, err = cli("--db", baseline_store, "check", "--current", current, "--markdown",
                       tmp_path / "missing" / "c.md")
    assert_one_line_error(code, err, "--markdown")
    code, _, err = cli("--db", baseline_store, "check")
    assert_one_line_error(code, err, "--current")


def test_a_metric_new_to_the_store_gets_a_guessed_unit(cli, baseline_store, tmp_path):
    current = results(tmp_path, **{"APP-001": 400, "search_time_ms": 5})
    code, out, _ = cli("--db", baseline_store, "check", "--current", current, "--format", "json")
    assert code == 0
    new = next(m for m in json.loads(out)["metrics"] if m["metric_id"] == "search_time_ms")
    assert (new["status"], new["unit"], new["direction"]) == ("new", "ms", "lower")
