"""`perftui demo` through the real entry point."""

from __future__ import annotations

import json
import sqlite3

from ._helpers import assert_one_line_error, fingerprint


def test_demo_creates_a_store_and_reports_it(cli, tmp_path):
    path = tmp_path / "d.db"
    code, out, _ = cli("demo", "--output", path, "--snapshots", "120", "--no-tui",
                       "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["snapshots"] == 120 and summary["metrics"] >= 20
    assert summary["branches"] == ["feature/prompt-cache", "main"]
    assert summary["alerts"]["open"] + summary["alerts"]["acknowledged"] >= 1
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 120
    assert conn.execute("SELECT count(DISTINCT git_commit) FROM snapshots").fetchone()[0] >= 5


def test_demo_text_output_and_no_tui_when_piped(cli, tmp_path):
    code, out, _ = cli("--db", tmp_path / "d.db", "demo", "--snapshots", "50")
    assert code == 0
    assert "demo store" in out and "50 snapshots" in out
    assert "perftui --db" in out          # not a terminal: where to find it later


def test_demo_recreates_a_demo_store(cli, tmp_path):
    path = tmp_path / "d.db"
    assert cli("demo", "--output", path, "--snapshots", "60", "--no-tui")[0] == 0
    assert cli("demo", "--output", path, "--snapshots", "40", "--no-tui", "--seed", "2")[0] == 0
    assert sqlite3.connect(path).execute("SELECT count(*) FROM snapshots").fetchone()[0] == 40


def test_demo_refuses_to_overwrite_a_real_store(cli, tmp_path):
    path = tmp_path / "real.db"
    assert cli("--db", path, "record", "APP-001=400")[0] == 0
    before = fingerprint(path)
    code, _, err = cli("demo", "--output", path, "--no-tui")
    assert_one_line_error(code, err, "not a demo store")
    assert fingerprint(path) == before


def test_demo_refuses_a_file_that_is_not_a_store(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes")
    code, _, err = cli("demo", "--output", path, "--no-tui")
    assert_one_line_error(code, err, "not a demo store")
    assert path.read_text() == "my notes"


def test_demo_bad_size_is_a_usage_error(cli, tmp_path):
    code, _, err = cli("demo", "--output", tmp_path / "d.db", "--snapshots", "0", "--no-tui")
    assert_one_line_error(code, err, "--snapshots")
    assert not (tmp_path / "d.db").exists()
