"""`perftui export` and `perftui import`: round trips, real files, replay, bad files."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest

from perftui.timefmt import to_iso, utcnow

from ._helpers import assert_one_line_error, fingerprint, query, store_exists


def export(cli, db, path, *args):
    code, _, err = cli("--db", db, "export", "--output", path, *args)
    assert code == 0, err
    return path


def counts(db) -> dict:
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0]
            for t in ("snapshots", "measurements", "alerts", "baseline_resets", "target_changes",
                      "daily_aggregates")}


def test_json_export_round_trips_into_an_empty_store(cli, demo_db, stores, tmp_path):
    first = export(cli, demo_db, tmp_path / "a.json", "--format", "json")
    restored = stores.new("restored")
    code, out, _ = cli("--db", restored, "import", first, "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["restore"] is True and summary["skipped_duplicates"] == 0
    second = export(cli, restored, tmp_path / "b.json", "--format", "json")
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    a.pop("exported_at"), b.pop("exported_at")
    assert a == b
    assert counts(demo_db) == counts(restored)


def test_importing_the_same_file_twice_changes_nothing(cli, demo_db, tmp_path):
    dump = export(cli, demo_db, tmp_path / "a.json", "--format", "json")
    before = fingerprint(demo_db)
    code, out, _ = cli("--db", demo_db, "import", dump, "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["imported"] == 0 and summary["skipped_duplicates"] == summary["in_file"]
    assert fingerprint(demo_db) == before


def test_csv_export_is_wide_and_reimports(cli, demo_db, stores, tmp_path):
    path = export(cli, demo_db, tmp_path / "a.csv")
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == counts(demo_db)["snapshots"]
    assert {"recorded_at", "app", "git_commit", "APP-001", "VAL-001"} <= set(rows[0])
    other = stores.new("other")
    code, out, _ = cli("--db", other, "import", path, "--json")
    assert code == 0 and json.loads(out)["imported"] == len(rows)
    assert counts(other)["measurements"] == counts(demo_db)["measurements"]


def test_export_to_stdout_with_filters(cli, demo_db):
    code, out, _ = cli("--db", demo_db, "--app", "definitie-app", "--env", "ci", "export",
                       "--days", "2", "--format", "csv")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("id,recorded_at")
    assert all(",ci," in line for line in lines[1:])


def test_minimal_perftui_json(cli, store_url, tmp_path):
    path = tmp_path / "min.json"
    path.write_text(json.dumps({"snapshots": [
        {"recorded_at": "2026-01-01T00:00:00Z", "metrics": {"APP-001": 412.5}},
        {"recorded_at": "2026-01-01T01:00:00+01:00", "metrics": {"startup_time_ms": 400},
         "app": "web", "environment": "ci", "git_commit": "abc", "git_branch": "main",
         "app_version": "1.0", "is_cold_start": True, "status": "failed"}]}))
    code, out, _ = cli("--db", store_url, "import", path)
    assert code == 0 and "imported 2 of 2" in out
    rows = query(store_url, "SELECT app, environment, is_cold_start, status FROM snapshots"
                            " ORDER BY id")
    assert rows == [("default", "local", 0, "ok"), ("web", "ci", 1, "failed")]


def test_a_run_recorded_after_an_import_takes_the_next_id(cli, store_url, tmp_path):
    """Imported snapshots get ids from the importer; the next recorded run must not collide
    with them (on PostgreSQL the identity sequence is moved past them)."""
    recent = utcnow() - timedelta(hours=5)
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"snapshots": [
        {"recorded_at": to_iso(recent + timedelta(hours=i)), "metrics": {"APP-001": 400 + i}}
        for i in range(3)]}))
    assert cli("--db", store_url, "import", path)[0] == 0
    code, out, err = cli("--db", store_url, "record", "APP-001=401", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["snapshot_id"] == 4
    assert query(store_url, "SELECT id FROM snapshots ORDER BY id") == [(1,), (2,), (3,), (4,)]


def test_replay_raises_the_alerts_a_live_run_would(cli, stores, tmp_path):
    snapshots = [{"recorded_at": f"2026-01-01T{i:02d}:00:00Z",
                  "metrics": {"APP-001": 400.0 + i % 3 if i < 20 else 650.0}}
                 for i in range(24)]
    path = tmp_path / "h.json"
    path.write_text(json.dumps({"snapshots": snapshots}))
    bulk_db, replay_db = stores.new("bulk"), stores.new("replay")
    assert cli("--db", bulk_db, "import", path)[0] == 0
    code, out, _ = cli("--db", replay_db, "import", path, "--replay", "--json")
    assert code == 0 and json.loads(out)["alerts_raised"] >= 1
    assert counts(bulk_db)["alerts"] == 0 and counts(replay_db)["alerts"] >= 1


@pytest.mark.parametrize("path, fmt, app, metrics", [
    ("pytest-benchmark/gab_pytest_several_units.json", "auto", "github-action-benchmark", 4),
    ("pytest-benchmark/pytest-benchmark_0030_5b78858e_20150815_030419_uncommitted-changes.json",
     "pytest-benchmark", "default", 1),
    ("asv/results", "auto", "Django", 66),
    ("asv/results/ubuntu-latest/4c4f8fd7-conda-py3.12.json", "asv", "Django", 66),
    ("github-action-benchmark/data.js", "auto", "github-action-benchmark", None),
])
def test_real_files_import(cli, store_url, fixtures, path, fmt, app, metrics):
    code, out, err = cli("--db", store_url, "import", fixtures / path, "--format", fmt, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["imported"] >= 1
    apps = {r[0] for r in query(store_url, "SELECT app FROM snapshots")}
    assert apps == {app}
    if metrics is not None:
        assert summary["measurements"] >= metrics


def test_throughput_units_are_bigger_is_better(cli, store_url, fixtures):
    assert cli("--db", store_url, "import", fixtures / "github-action-benchmark/data.js")[0] == 0
    rows = dict(query(store_url, "SELECT unit, direction FROM metrics WHERE source LIKE "
                                 "'github-action-benchmark%'"))
    assert rows["iter/sec"] == "higher" and rows["ops/sec"] == "higher"
    assert rows["ns/iter"] == "lower"


def test_asv_directory_and_branch_override(cli, store_url, fixtures):
    code, out, _ = cli("--db", store_url, "import", fixtures / "asv/results", "--branch",
                       "main", "--json")
    assert code == 0 and json.loads(out)["imported"] == 2
    rows = query(store_url, "SELECT DISTINCT environment, host, git_branch FROM snapshots")
    assert rows == [("conda-py3.12", "ubuntu-latest", "main")]


BAD_FILES = {
    "nan.json": ('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", '
                 '"metrics": {"APP-001": NaN}}]}', ["APP-001", "finite"]),
    "text.json": ('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", '
                  '"metrics": {"APP-001": "fast"}}]}', ["APP-001", "number"]),
    "truncated.json": ('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "metrics": '
                       '{"APP-001": 4', ["truncated"]),
    "malformed.json": ('{"snapshots": [}', ["not valid JSON", "line 1"]),
    "no_time.json": ('{"snapshots": [{"metrics": {"APP-001": 1}}]}', ["recorded_at"]),
    "bad_time.json": ('{"snapshots": [{"recorded_at": "soon", "metrics": {"APP-001": 1}}]}',
                      ["recorded_at", "ISO-8601"]),
    "typo.json": ('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", '
                  '"metrcs": {"APP-001": 1}}]}', ["metrcs"]),
    "status.json": ('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "status": "meh", '
                    '"metrics": {"APP-001": 1}}]}', ["status"]),
    "empty.json": ('{"snapshots": []}', ["nothing to import"]),
    "shape.json": ('{"results": 1}', ["unknown shape"]),
    "cells.csv": ("recorded_at,APP-001\n2026-01-01T00:00:00Z,12\n2026-01-02T00:00:00Z,abc\n",
                  ["line 3", "APP-001", "number"]),
    "short.csv": ("recorded_at,app,APP-001\n2026-01-01T00:00:00Z,web,12\n2026-01-02T00:0",
                  ["line 3", "truncated"]),
    "prose.txt": ("hello world\n", ["cannot tell the format"]),
    "truncated.js": ("window.BENCHMARK_DATA = {\"entries\": {\"x\": [", ["truncated"]),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_leave_the_store_unchanged(cli, demo_db, tmp_path, name):
    content, words = BAD_FILES[name]
    path = tmp_path / name
    path.write_text(content)
    before = fingerprint(demo_db)
    code, _, err = cli("--db", demo_db, "import", path)
    assert_one_line_error(code, err, *words)
    assert fingerprint(demo_db) == before


def test_a_bad_file_creates_no_store(cli, store_url, tmp_path):
    path = tmp_path / "nan.json"
    path.write_text(BAD_FILES["nan.json"][0])
    code, _, err = cli("--db", store_url, "import", path)
    assert_one_line_error(code, err, "APP-001")
    assert not store_exists(store_url)


def test_half_bad_file_imports_nothing(cli, demo_db, tmp_path):
    good = [{"recorded_at": f"2026-02-01T{i:02d}:00:00Z", "metrics": {"APP-001": 400}}
            for i in range(10)]
    bad = [{"recorded_at": "2026-02-02T00:00:00Z", "metrics": {"APP-001": "oops"}}]
    path = tmp_path / "half.json"
    path.write_text(json.dumps({"snapshots": good + bad}))
    before = fingerprint(demo_db)
    code, _, err = cli("--db", demo_db, "import", path)
    assert_one_line_error(code, err, "snapshots[10]")
    assert fingerprint(demo_db) == before


def test_missing_file_and_wrong_format(cli, demo_db, fixtures, tmp_path):
    code, _, err = cli("--db", demo_db, "import", tmp_path / "nope.json")
    assert_one_line_error(code, err, "no such file")
    code, _, err = cli("--db", demo_db, "import", fixtures / "github-action-benchmark/data.js",
                       "--format", "pytest-benchmark")
    assert_one_line_error(code, err)
    code, _, err = cli("--db", demo_db, "import", fixtures / "asv", "--format", "csv")
    assert_one_line_error(code, err, "directory")


def test_export_to_a_missing_directory(cli, demo_db, tmp_path):
    code, _, err = cli("--db", demo_db, "export", "--output", tmp_path / "no" / "x.csv")
    assert_one_line_error(code, err, "no such directory")


def test_text_output_prints_names_with_brackets(cli, store_url, fixtures):
    """Benchmark names such as test_x[0] are data, not rich markup."""
    path = fixtures / ("pytest-benchmark/pytest-benchmark_0030_5b78858e_20150815_030419_"
                       "uncommitted-changes.json")
    assert cli("--db", store_url, "import", path)[0] == 0
    code, out, err = cli("--db", store_url, "report", "--days", "100000")
    assert code == 0, err
    assert "test_xfast_parametrized[0]" in out
    code, out, err = cli("--db", store_url, "targets")
    assert code == 0 and "test_xfast_parametrized[0]" in out
