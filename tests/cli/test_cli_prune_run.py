"""`perftui prune` (and the automatic daily retention) and `perftui run -- CMD`."""

from __future__ import annotations

import json
import sys
from datetime import timedelta

from perftui.timefmt import to_iso, utcnow

from ._helpers import assert_one_line_error, execute, query, scalar


def old_and_new_runs(cli, db):
    """Warm runs 60 days ago, a cold start 10 days ago, and a run now."""
    long_ago = (utcnow() - timedelta(days=60)).replace(hour=12, minute=0)  # one UTC day
    for i in range(5):
        at = to_iso(long_ago + timedelta(hours=i))
        assert cli("--db", db, "record", f"APP-001={400 + i}", "--at", at)[0] == 0
    assert cli("--db", db, "record", "APP-001=900", "--cold", "--at",
               to_iso(utcnow() - timedelta(days=10)))[0] == 0
    assert cli("--db", db, "record", "APP-001=410")[0] == 0


def test_prune_dry_run_then_prune(cli, store_url):
    old_and_new_runs(cli, store_url)
    code, out, _ = cli("--db", store_url, "prune", "--dry-run", "--format", "json")
    assert code == 0
    plan = json.loads(out)
    assert plan["raw_snapshots"] == 5 and plan["cold_start_snapshots"] == 1
    assert scalar(store_url, "SELECT count(*) FROM snapshots") == 7
    code, out, _ = cli("--db", store_url, "prune", "--format", "json")
    assert code == 0
    done = json.loads(out)
    assert done["deleted"]["snapshots"] == 6 and done["aggregated"] == 1
    assert scalar(store_url, "SELECT count(*) FROM snapshots") == 1
    assert query(store_url, "SELECT count, median FROM daily_aggregates") == [(5, 402)]
    code, out, _ = cli("--db", store_url, "prune")
    assert code == 0 and "policy" in out


def test_alerts_outlive_their_snapshots(cli, store_url):
    long_ago = (utcnow() - timedelta(days=60)).replace(hour=12, minute=0)  # one UTC day
    for i in range(3):
        assert cli("--db", store_url, "record", "APP-001=900",
                   "--at", to_iso(long_ago + timedelta(hours=i)))[0] == 0
    assert cli("--db", store_url, "prune")[0] == 0
    assert scalar(store_url, "SELECT count(*) FROM snapshots") == 0
    assert query(store_url, "SELECT count(*), max(snapshot_id) FROM alerts") == [(1, None)]


def test_automatic_retention_runs_once_a_day_and_can_be_switched_off(cli, store_url):
    old_and_new_runs(cli, store_url)    # the first record ran the daily retention (nothing old yet)
    snapshots = "SELECT count(*) FROM snapshots"
    a_day_later = ("UPDATE store_meta SET value = '2000-01-01T00:00:00.000000Z'"
                   " WHERE key = 'retention_last_run'")
    assert scalar(store_url, snapshots) == 7
    execute(store_url, a_day_later)
    code, _, err = cli("--db", store_url, "record", "APP-001=405")   # a day later: it runs
    assert code == 0 and err.startswith("retention: folded 5 runs")
    assert scalar(store_url, snapshots) == 2
    assert scalar(store_url, "SELECT count(*) FROM daily_aggregates") == 1
    old_and_new_runs(cli, store_url)
    before = scalar(store_url, snapshots)
    code, out, _ = cli("--db", store_url, "prune", "--auto", "off")
    assert code == 0 and "retention is now off" in out and "nothing was pruned" in out
    # switching it off never deletes anything itself (it is how imported history stays raw)
    assert scalar(store_url, snapshots) == before
    execute(store_url, a_day_later)
    assert cli("--db", store_url, "record", "APP-001=405")[0] == 0
    assert scalar(store_url, snapshots) == before + 1


def test_prune_bad_arguments(cli, store_url):
    assert cli("--db", store_url, "record", "APP-001=400")[0] == 0
    code, _, err = cli("--db", store_url, "prune", "--auto", "maybe")
    assert_one_line_error(code, err, "--auto")


def test_run_records_wall_cpu_and_memory(cli, store_url):
    code, out, err = cli("--db", store_url, "--app", "tool", "run", "--metric", "pyrun",
                         "--repeat", "2", "--warmup", "1", "--format", "json", "--quiet", "--",
                         sys.executable, "-c", "x = list(range(300000))")
    assert code == 0, err
    data = json.loads(out)
    assert data["metrics"] == {"wall": "pyrun.wall_ms", "cpu": "pyrun.cpu_ms",
                               "memory": "pyrun.peak_rss_mb"}
    assert [r["warmup"] for r in data["runs"]] == [True, False, False]
    assert all(r["wall_ms"] > 0 and r["returncode"] == 0 for r in data["runs"])
    rows = query(store_url, "SELECT is_cold_start, app FROM snapshots ORDER BY id")
    assert rows == [(1, "tool"), (0, "tool"), (0, "tool")]
    units = dict(query(store_url, "SELECT code, unit FROM metrics WHERE code LIKE 'pyrun.%'"))
    assert units == {"pyrun.wall_ms": "ms", "pyrun.cpu_ms": "ms", "pyrun.peak_rss_mb": "MB"}


def test_run_text_output_and_default_prefix(cli, store_url):
    code, out, _ = cli("--db", store_url, "run", "--quiet", "--", sys.executable, "-c", "pass")
    assert code == 0 and "run 1: wall" in out
    name = sys.executable.rsplit("/", 1)[-1]
    assert f"{name}.wall_ms" in {r[0] for r in query(store_url, "SELECT code FROM metrics")}


def test_run_failing_command_is_recorded_as_failed_and_exits_1(cli, store_url):
    code, _, err = cli("--db", store_url, "run", "--metric", "fail", "--repeat", "3", "--",
                       sys.executable, "-c", "raise SystemExit(3)")
    assert code == 1 and "status 3" in err
    rows = query(store_url, "SELECT status FROM snapshots")
    assert rows == [("failed",)]


def test_run_bad_usage(cli, store_url):
    code, _, err = cli("--db", store_url, "run", "--", "definitely-not-a-command-xyz")
    assert_one_line_error(code, err, "command not found")
    code, _, err = cli("--db", store_url, "run")
    assert_one_line_error(code, err, "--")
    code, _, err = cli("--db", store_url, "run", "--repeat", "0", "--", "true")
    assert_one_line_error(code, err, "--repeat")
    code, _, err = cli("--db", store_url, "run", "--metric", "bad name", "--", "true")
    assert_one_line_error(code, err, "--metric")
