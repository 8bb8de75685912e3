"""`perftui status` through the real entry point, including its bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys

from perftui.cli.main import main
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store import sqlite as sq


def seed(path, n=3):
    conn = sq.connect(str(path))
    for i in range(n):
        record_snapshot(conn, SnapshotInput({"APP-001": 400 + i, "API-002": 4100}, app="web",
                                            recorded_at=f"2026-02-01T0{i}:00:00Z",
                                            git_commit="abc1234def", git_branch="main"))
    conn.close()


def test_status_json_shape(store_path, capsys):
    seed(store_path)
    assert main(["--db", str(store_path), "status", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"scope", "snapshot", "metrics", "performance_index", "open_alerts",
                         "age_seconds", "store"}
    assert data["snapshot"]["git_commit"] == "abc1234def"
    app = next(m for m in data["metrics"] if m["metric_id"] == "APP-001")
    assert set(app) >= {"value", "baseline", "target", "change_percent", "severity", "unit"}
    assert data["open_alerts"]["error"] + data["open_alerts"]["critical"] >= 1


def test_status_text(store_path, capsys):
    seed(store_path)
    assert main(["status", "--db", str(store_path)]) == 0  # global options after the command too
    out = capsys.readouterr().out
    assert "web / local" in out and "APP-001" in out and "abc1234d" in out


def test_empty_store_says_how_to_start(store_path, capsys):
    sq.connect(str(store_path)).close()
    assert main(["--db", str(store_path), "status"]) == 0
    assert "No snapshots yet" in capsys.readouterr().out


def test_missing_store_is_exit_2_one_line(store_path, capsys):
    assert main(["--db", str(store_path), "status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no store at" in err[0]
    assert not store_path.exists()


def test_corrupt_store_is_exit_2_one_line(store_path, capsys):
    store_path.write_bytes(b"\x00garbage" * 500)
    before = store_path.read_bytes()
    assert main(["--db", str(store_path), "status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a perftui store" in err[0]
    assert store_path.read_bytes() == before


def test_bad_format_is_a_usage_error(store_path):
    proc = subprocess.run([sys.executable, "-m", "perftui", "--db", str(store_path), "status",
                           "--format", "xml"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "invalid choice" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_help_teaches_with_examples():
    proc = subprocess.run([sys.executable, "-m", "perftui", "status", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "examples:" in proc.stdout and "perftui status" in proc.stdout


def test_status_keeps_every_column_at_80_columns(store_path, capsys, monkeypatch):
    from perftui.cli import tables

    conn = sq.connect(str(store_path))
    record_snapshot(conn, SnapshotInput({"CACHE-003": 0.5, "API-002": 4100, "VAL-003": 0.99,
                                         "a_really_long_custom_metric_name_time_ms": 12.5},
                                        app="web", recorded_at="2026-02-01T00:00:00Z"))
    conn.close()
    monkeypatch.setattr(tables, "PIPED_WIDTH", 80)
    assert main(["--db", str(store_path), "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if line.startswith("metric"))
    assert "change" in header and "status" in header
    assert all(len(line) <= 80 for line in lines[2:-1])
    api = next(line for line in lines if line.startswith("API-002"))
    assert "error" in api or "critical" in api


def test_unknown_scope_names_the_known_ones(store_path, capsys):
    seed(store_path)
    assert main(["--db", str(store_path), "--app", "nosuch", "status"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no snapshots for nosuch / local" in err[0] and "web / local" in err[0]
