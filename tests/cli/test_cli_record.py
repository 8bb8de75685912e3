"""`perftui record` through the real entry point, including its bad inputs."""

from __future__ import annotations

import json

import pytest

from ._helpers import assert_one_line_error, fingerprint, query, scalar, store_exists


def record(cli, db, *args):
    return cli("--db", db, "--app", "web", "--env", "ci", "record", *args)


def test_record_creates_the_store_and_prints_the_snapshot(cli, store_url):
    code, out, _ = record(cli, store_url, "APP-001=412.5", "VAL-001=890", "--commit", "abc123",
                          "--branch", "main", "--version", "1.2.0")
    assert code == 0
    assert "recorded snapshot #1" in out and "web / ci" in out
    rows = query(store_url, "SELECT app, environment, git_commit, git_branch, app_version"
                            " FROM snapshots")
    assert rows == [("web", "ci", "abc123", "main", "1.2.0")]


def test_record_json_shape_and_alerts(cli, store_url):
    for i in range(12):
        assert record(cli, store_url, f"APP-001={400 + i % 3}",
                      "--at", f"2026-03-01T{i:02d}:00:00Z")[0] == 0
    code, out, _ = record(cli, store_url, "APP-001=700", "--at", "2026-03-01T13:00:00Z",
                          "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"snapshot_id", "recorded_at", "app", "environment", "evaluated",
                         "metrics", "alerts", "performance_index", "registered_metrics"}
    assert data["evaluated"] is True
    assert data["metrics"][0]["metric_id"] == "APP-001"
    kinds = {(a["metric_id"], a["alert_type"]) for a in data["alerts"]}
    assert ("APP-001", "threshold") in kinds


def test_record_registers_an_unknown_metric(cli, store_url):
    code, out, _ = record(cli, store_url, "build_time_s=84.2", "--format", "json")
    assert code == 0
    assert json.loads(out)["registered_metrics"] == ["build_time_s"]
    unit = scalar(store_url, "SELECT unit FROM metrics WHERE code='build_time_s'")
    assert unit == "s"


def test_cold_and_failed_runs_are_not_evaluated(cli, store_url):
    code, out, _ = record(cli, store_url, "APP-001=2000", "--cold", "--format", "json")
    assert code == 0 and json.loads(out)["evaluated"] is False
    code, out, _ = record(cli, store_url, "APP-001=2000", "--failed", "--format", "json")
    assert code == 0 and json.loads(out)["evaluated"] is False


@pytest.mark.parametrize("pairs, words", [
    (["APP-001=NaN"], ["APP-001", "finite"]),
    (["APP-001=inf"], ["APP-001", "finite"]),
    (["APP-001=fast"], ["APP-001", "not a number"]),
    (["APP-001"], ["KEY=VALUE"]),
    (["APP-001=1", "APP-001=2"], ["twice"]),
    (["bad name=1"], ["not a valid metric"]),
    (["APP-001=1", "--at", "yesterday"], ["--at", "ISO-8601"]),
])
def test_bad_input_is_refused_and_the_store_unchanged(cli, store_url, pairs, words):
    assert record(cli, store_url, "APP-001=400")[0] == 0
    before = fingerprint(store_url)
    code, _, err = record(cli, store_url, *pairs)
    assert_one_line_error(code, err, *words)
    assert fingerprint(store_url) == before


def test_bad_input_creates_no_store(cli, store_url):
    code, _, err = record(cli, store_url, "APP-001=nan")
    assert_one_line_error(code, err, "APP-001")
    assert not store_exists(store_url)


def test_read_only_refuses_to_record(cli, store_url):
    assert record(cli, store_url, "APP-001=400")[0] == 0
    code, _, err = cli("--db", store_url, "--read-only", "record", "APP-001=1")
    assert_one_line_error(code, err, "--read-only")
