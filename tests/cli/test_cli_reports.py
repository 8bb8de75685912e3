"""Read commands over a demo store: report, baseline, regression, compare."""

from __future__ import annotations

import json

import pytest

from ._helpers import assert_one_line_error, query


def run_json(cli, db, *args) -> dict:
    code, out, err = cli("--db", db, *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_report_json_shape(cli, demo_db):
    data = run_json(cli, demo_db, "--env", "local", "report", "--days", "30")
    assert data["scope"] == {"app": "definitie-app", "environment": "local"}
    assert data["period"]["snapshots"] > 0
    val = next(m for m in data["metrics"] if m["metric_id"] == "VAL-001")
    assert set(val) >= {"count", "mean", "median", "min", "max", "p95", "latest", "trend",
                        "trend_percent", "target_status", "alerts"}
    assert val["min"] <= val["median"] <= val["max"]


def test_report_text_and_markdown(cli, demo_db):
    code, out, _ = cli("--db", demo_db, "report", "--days", "7")
    assert code == 0 and "median" in out and "VAL-001" in out
    code, out, _ = cli("--db", demo_db, "report", "--format", "markdown")
    assert code == 0 and out.startswith("## Performance report") and "| Metric |" in out


def test_baseline(cli, demo_db):
    data = run_json(cli, demo_db, "--env", "local", "baseline", "--metric", "APP-001",
                    "--days", "30")
    assert data["metric"]["metric_id"] == "APP-001"
    base = data["baseline"]
    assert base["sample_size"] <= 20 and base["p5"] <= base["median"] <= base["p95"]
    assert len(data["values"]) == 20
    assert {"snapshot_id", "recorded_at", "value", "outlier"} <= set(data["values"][0])
    assert data["period"]["count"] >= 20
    by_key = run_json(cli, demo_db, "--env", "local", "baseline", "--metric", "startup_time_ms")
    assert by_key["baseline"] == base
    code, out, _ = cli("--db", demo_db, "baseline", "--metric", "APP-001")
    assert code == 0 and "baseline of" in out


def test_regression(cli, demo_db):
    data = run_json(cli, demo_db, "regression", "--threshold", "10")
    assert data["snapshot"] is not None and data["metrics"]
    m = data["metrics"][0]
    assert set(m) >= {"metric_id", "value", "baseline_median", "change_percent", "status"}
    assert set(data["regressions"]) == {x["metric_id"] for x in data["metrics"]
                                        if x["status"] == "regressed"}
    code, out, _ = cli("--db", demo_db, "regression", "--threshold", "0.5")
    assert code == 0 and "threshold 0.5%" in out


def commits(db) -> list[str]:
    return [r[0] for r in query(
        db, "SELECT git_commit FROM snapshots WHERE environment='local' GROUP BY git_commit "
            "ORDER BY min(recorded_at)")]


def test_compare_two_commits_by_prefix(cli, demo_db):
    shas = commits(demo_db)
    data = run_json(cli, demo_db, "--env", "local", "compare", shas[0][:7], shas[-1][:10])
    assert data["a"]["commit"] == shas[0] and data["b"]["commit"] == shas[-1]
    val = next(m for m in data["metrics"] if m["metric_id"] == "VAL-001")
    assert val["status"] == "regressed" and val["change_percent"] > 10   # the +25 % step
    assert sum(data["summary"].values()) == len(data["metrics"])
    code, out, _ = cli("--db", demo_db, "compare", shas[0], shas[-1], "--format", "markdown")
    assert code == 0 and "| Metric | A | B | Change | Status |" in out


def test_compare_branch_names(cli, demo_db):
    data = run_json(cli, demo_db, "compare", "feature/prompt-cache", "main")
    assert data["a"]["branch"] == "feature/prompt-cache" and data["b"]["branch"] == "main"


def test_commit_prefixes_match_exactly_whatever_the_collation(cli, stores):
    """A prefix means the same commits on every engine, also in a PostgreSQL database with a
    linguistic collation, where 'ABC…' sorts among 'abc…' (it is not a match for `abc`)."""
    db = stores.new("commits", linguistic=True)
    for i, sha in enumerate(("abc123", "ABC777", "abd999")):
        assert cli("--db", db, "record", f"APP-001={400 + i}", "--commit", sha.ljust(40, "0"),
                   "--branch", "main", "--at", f"2026-03-01T0{i}:00:00Z")[0] == 0
    data = run_json(cli, db, "compare", "abc", "abd")
    assert data["a"]["commit"] == "abc123".ljust(40, "0")
    assert data["b"]["commit"] == "abd999".ljust(40, "0")


@pytest.mark.parametrize("refs, words", [
    (["abcdef12", "main"], ["unknown commit", "abcdef12"]),
    (["main", "no-such-branch"], ["unknown commit", "no-such-branch"]),
])
def test_compare_unknown_commit(cli, demo_db, refs, words):
    code, _, err = cli("--db", demo_db, "compare", *refs)
    assert_one_line_error(code, err, *words)


def test_compare_ambiguous_prefix(cli, demo_db):
    shas = commits(demo_db)
    first = {}
    for sha in shas:
        first.setdefault(sha[0], []).append(sha)
    shared = next((v for v in first.values() if len(v) > 1), None)
    if shared is None:
        pytest.skip("no two demo commits share a first character")
    code, _, err = cli("--db", demo_db, "compare", shared[0][0], shas[0])
    assert_one_line_error(code, err, "ambiguous")


@pytest.mark.parametrize("args, words", [
    (["report", "--days", "0"], ["--days"]),
    (["baseline"], ["--metric"]),
    (["baseline", "--metric", "NOPE-1"], ["unknown metric"]),
    (["regression", "--threshold", "nan"], ["--threshold", "finite"]),
    (["regression", "--threshold", "-5"], ["--threshold"]),
])
def test_bad_read_arguments(cli, demo_db, args, words):
    code, _, err = cli("--db", demo_db, *args)
    assert_one_line_error(code, err, *words)


def test_reads_on_an_empty_store(cli, store_url):
    assert cli("--db", store_url, "targets", "add", "X-1", "--unit", "ms")[0] == 0
    code, _, err = cli("--db", store_url, "report")
    assert_one_line_error(code, err, "no snapshots")
