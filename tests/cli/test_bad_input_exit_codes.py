"""Bad input is exit 2 with one line naming what is wrong, never exit 1 "internal error";
and a reader that goes away (`perftui status | head -1`) is not an error at all.

SQLite alone: these are about the input, not the engine."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

WHEN = "2026-01-01T00:00:00Z"


def one_line_error(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("perftui: error: "), err
    assert "internal error" not in err
    for word in words:
        assert word in err, (word, err)


def snapshots(tmp_path: Path, raw: str | None = None, **fields) -> Path:
    path = tmp_path / "in.json"
    if raw is None:
        raw = json.dumps({"snapshots": [{"recorded_at": WHEN, "metrics": {"APP-001": 5},
                                         **fields}]})
    path.write_text(raw)
    return path


def stored_rows(db: Path, sql: str) -> list:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:   # no tables: nothing was written
            return []


@pytest.mark.parametrize("args, words", [
    (["record", "APP-001=-5"], ["APP-001", "negative"]),
    (["record", "APP-001=1e16"], ["APP-001", "out of range"]),
    (["record", "APP-001=5", "--at", "1960-01-01T00:00:00Z"], ["before 1970"]),
    (["record", "VAL-003=1.5"], ["VAL-003", "ratio"]),
])
def test_nonsense_recordings_are_refused(cli, tmp_path, args, words):
    db = tmp_path / "s.db"
    one_line_error(*cli("--db", db, *args)[::2], *words)
    assert stored_rows(db, "SELECT * FROM snapshots") == []


def test_a_negative_duration_never_shows_as_an_improvement(cli, tmp_path):
    db = tmp_path / "s.db"
    assert cli("--db", db, "record", "APP-001=400")[0] == 0
    one_line_error(*cli("--db", db, "record", "APP-001=-5")[::2], "negative")
    assert stored_rows(db, "SELECT value FROM measurements") == [(400.0,)]


@pytest.mark.parametrize("make, words", [
    (lambda p: snapshots(p, "[" * 50_000 + "]" * 50_000), ["nested too deeply"]),
    (lambda p: snapshots(p, '{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, '
                            '"cpu_count": %s}]}' % (WHEN, "9" * 400)), ["cpu_count"]),
    (lambda p: snapshots(p, cpu_count=1e300), ["cpu_count", "out of range"]),
    (lambda p: snapshots(p, total_memory_mb=-1), ["total_memory_mb", "negative"]),
    (lambda p: snapshots(p, '{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, '
                            '"notes": "\\ud800"}]}' % WHEN), ["surrogate"]),
    (lambda p: snapshots(p, '{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, '
                            '"operations": {"db": NaN}}]}' % WHEN), ["operations.db", "finite"]),
    (lambda p: snapshots(p, metrics={"APP-001\n": 5}), ["not a valid metric id"]),
    (lambda p: snapshots(p, metrics={"APP-001": -5}), ["APP-001", "negative"]),
    (lambda p: snapshots(p, metrics={"APP-001": 1e300}), ["out of range"]),
    (lambda p: snapshots(p, recorded_at="1969-07-20T20:17:00Z"), ["before 1970"]),
    (lambda p: snapshots(p, recorded_at="2999-01-01T00:00:00Z"), ["future"]),
    (lambda p: snapshots(p, app={"not": "text"}), ["app", "expected text"]),
    (lambda p: snapshots(p, json.dumps({
        "format": "perftui-export", "snapshots": [],
        "alerts": [{"metric_code": "APP-001", "app": "a", "environment": "e",
                    "alert_type": "regression", "severity": "warning", "status": "open",
                    "triggered_at": WHEN, "last_seen_at": WHEN, "current_value": 5,
                    "message": {"not": "text"}}]})), ["message"]),
    (lambda p: snapshots(p, json.dumps({
        "format": "perftui-export", "snapshots": [],
        "daily_aggregates": [{"day": "2026-01-01", "app": "a", "environment": "e",
                              "metric_code": "APP-001", "count": 3, "mean": 3, "median": 3,
                              "min": 5, "max": 1, "p95": 3}]})), ["above max"]),
    (lambda p: snapshots(p, json.dumps({"commit_hash": "ab" * 20, "date": 1.7e12,
                                        "results": {"time_x": [[0.1, 0.2], 7]}})), ["params"]),
    (lambda p: snapshots(p, json.dumps({"commit_hash": "ab" * 20, "date": 1.7e12,
                                        "result_columns": 3, "results": {"time_x": [0.1]}})),
     ["result_columns"]),
])
def test_hostile_import_files_are_exit_2(cli, tmp_path, make, words):
    db = tmp_path / "s.db"
    one_line_error(*cli("--db", db, "import", make(tmp_path))[::2], *words)
    assert stored_rows(db, "SELECT * FROM snapshots") == []


@pytest.mark.parametrize("content, words", [
    (bytes(range(256)) * 8, ["not a UTF-8 text file"]),
    (b"[" * 50_000, ["nested too deeply"]),
    (b'{"metrics": [{"id": "X-1", "target": ' + b"9" * 400 + b"}]}", ["out of range"]),
    (b'{"metrics": [{"id": "X-1", "name": "\\ud800"}]}', ["surrogate"]),
    (b'{"metrics": [{"id": "X-1\\n"}]}', ["short slug"]),
])
def test_hostile_catalog_files_are_exit_2(cli, tmp_path, content, words):
    path = tmp_path / "catalog.json"
    path.write_bytes(content)
    one_line_error(*cli("--db", tmp_path / "s.db", "targets", "import", path)[::2], *words)


def test_import_commit_and_branch_replace_pytest_benchmark_placeholders(cli, tmp_path):
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({
        "machine_info": {"node": "h"}, "datetime": WHEN,
        "commit_info": {"id": "unversioned", "branch": "(unknown)"},
        "benchmarks": [{"name": "test_x", "fullname": "t.py::test_x",
                        "stats": {"median": 0.01}}]}))
    db = tmp_path / "s.db"
    code, _, err = cli("--db", db, "import", path, "--commit", "abc123", "--branch", "main")
    assert code == 0, err
    assert stored_rows(db, "SELECT git_commit, git_branch FROM snapshots") == [("abc123", "main")]


@pytest.mark.parametrize("command", [["status"], ["targets", "export"]])
def test_a_reader_that_goes_away_is_not_an_error(tmp_path, subprocess_env, command):
    db = tmp_path / "s.db"
    run = [sys.executable, "-m", "perftui", "--db", str(db)]
    subprocess.run([*run, "record", "APP-001=400", "VAL-001=12"], env=subprocess_env,
                   check=True, capture_output=True, timeout=120)
    read_end, write_end = os.pipe()
    os.close(read_end)          # like `| head -1` after its line: every write is EPIPE
    try:
        done = subprocess.run([*run, *command], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, env=subprocess_env, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 0 and done.stderr == "", (done.returncode, done.stderr)


def test_status_piped_to_head_exits_0_quietly(tmp_path, subprocess_env):
    db = tmp_path / "s.db"
    run = f"{sys.executable} -m perftui --db {db}"
    script = (f"{run} record APP-001=400 >/dev/null && "
              f"{run} status | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True,
                          env=subprocess_env, timeout=120)
    assert done.stdout.strip() == "0" and done.stderr == "", (done.stdout, done.stderr)
