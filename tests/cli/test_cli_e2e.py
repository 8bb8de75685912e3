"""End to end through `python -m perftui` in a subprocess: exit codes, one-line errors, help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

COMMANDS = ["status", "record", "run", "report", "export", "import", "compare", "alerts",
            "baseline", "regression", "targets", "prune", "check", "demo"]


def perftui(*args, env=None, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "perftui", *map(str, args)], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_demo_then_reads_and_check(tmp_path, subprocess_env):
    db = tmp_path / "demo.db"
    done = perftui("demo", "--output", db, "--snapshots", "150", "--no-tui", env=subprocess_env)
    assert done.returncode == 0, done.stderr
    done = perftui("--db", db, "alerts", "--status", "all", "--format", "json",
                   env=subprocess_env)
    assert done.returncode == 0 and json.loads(done.stdout)["count"] > 0
    results = tmp_path / "r.json"
    results.write_text(json.dumps({"snapshots": [{
        "recorded_at": "2026-11-01T00:00:00Z", "app": "definitie-app", "environment": "local",
        "metrics": {"VAL-001": 5000}}]}))
    done = perftui("--db", db, "check", "--current", results, "--markdown", tmp_path / "c.md",
                   env=subprocess_env)
    assert done.returncode == 1, done.stderr
    assert (tmp_path / "c.md").read_text().startswith("## Performance Report")


def test_bad_import_is_one_line_without_traceback(store_url, tmp_path, subprocess_env):
    db = store_url
    assert perftui("--db", db, "record", "APP-001=1", env=subprocess_env).returncode == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "metrics": {"A": NaN}}]}')
    done = perftui("--db", db, "import", bad, env=subprocess_env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "finite" in done.stderr


def test_pipe_gets_no_progress_bar(store_url, subprocess_env):
    db = store_url
    assert perftui("--db", db, "record", "APP-001=1", env=subprocess_env).returncode == 0
    done = perftui("--db", db, "export", "--format", "csv", env=subprocess_env)
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("id,recorded_at")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    from perftui.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    text = sub.choices[command].format_help()
    assert "examples:" in text
    assert "perftui" in text.split("examples:")[1]


def test_help_runs_in_a_subprocess(subprocess_env):
    done = perftui("check", "--help", env=subprocess_env)
    assert done.returncode == 0 and "examples:" in done.stdout and "--fail-on" in done.stdout
