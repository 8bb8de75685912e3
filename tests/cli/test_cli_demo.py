"""`perftui demo` through the real entry point, into an SQLite file or a PostgreSQL database."""

from __future__ import annotations

import json

from ._helpers import assert_one_line_error, fingerprint, query, store_exists


def test_demo_creates_a_store_and_reports_it(cli, store_url):
    path = store_url
    code, out, _ = cli("demo", "--output", path, "--snapshots", "60", "--no-tui",
                       "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["snapshots"] == 60 and summary["metrics"] >= 20
    assert summary["branches"] == ["feature/prompt-cache", "main"]
    assert summary["alerts"]["open"] + summary["alerts"]["acknowledged"] >= 1
    assert query(path, "SELECT count(*) FROM snapshots") == [(60,)]
    assert query(path, "SELECT count(DISTINCT git_commit) FROM snapshots")[0][0] >= 5


def test_demo_text_output_and_no_tui_when_piped(cli, store_url, tmp_path, monkeypatch):
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    code, out, _ = cli("--db", store_url, "demo", "--snapshots", "50")
    assert code == 0
    assert "demo store" in out and "50 snapshots" in out
    assert "perftui --db" in out          # not a terminal: where to find it later
    assert list(workdir.iterdir()) == []  # a URL is a database, never a file name here
    assert query(store_url, "SELECT count(*) FROM snapshots") == [(50,)]


def test_demo_recreates_a_demo_store(cli, store_url):
    path = store_url
    assert cli("demo", "--output", path, "--snapshots", "60", "--no-tui")[0] == 0
    assert cli("demo", "--output", path, "--snapshots", "40", "--no-tui", "--seed", "2")[0] == 0
    assert query(path, "SELECT count(*) FROM snapshots") == [(40,)]


def test_demo_refuses_to_overwrite_a_real_store(cli, store_url):
    path = store_url
    assert cli("--db", path, "record", "APP-001=400")[0] == 0
    before = fingerprint(path)
    code, _, err = cli("demo", "--output", path, "--no-tui")
    assert_one_line_error(code, err, "not a demo", "refusing to overwrite")
    assert fingerprint(path) == before


def test_demo_refuses_a_file_that_is_not_a_store(cli, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("my notes")
    code, _, err = cli("demo", "--output", path, "--no-tui")
    assert_one_line_error(code, err, "not a demo store")
    assert path.read_text() == "my notes"


def test_demo_bad_size_is_a_usage_error(cli, store_url):
    code, _, err = cli("demo", "--output", store_url, "--snapshots", "0", "--no-tui")
    assert_one_line_error(code, err, "--snapshots")
    assert not store_exists(store_url)
