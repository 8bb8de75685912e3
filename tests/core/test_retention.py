"""The retention policy (core.retention) on a store built through the real write path."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from perftui.core import retention
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store.db import open_store
from perftui.timefmt import to_iso

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def conn(store_url):
    """A store on each engine (tests/conftest.py: store_url)."""
    c = open_store(store_url, create=True)
    def add(days_ago: float, value: float, **kw):
        at = to_iso(NOW - timedelta(days=days_ago))
        record_snapshot(c, SnapshotInput({"APP-001": value, "VAL-001": value * 2},
                                         recorded_at=at, **kw))
    for i, v in enumerate((400, 410, 420, 430)):          # one old day, four warm runs
        add(40 + i / 24, v)
    add(40.5, 9000, is_cold_start=True)
    add(40.6, 9000, status="failed")
    add(10, 800, is_cold_start=True)                      # cold, older than 7 days
    add(1, 405)
    add(0.1, 800, is_cold_start=True)                     # recent cold start: kept
    yield c
    c.close()


def count(conn, table):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_plan_changes_nothing(conn):
    plan = retention.prune(conn, now=NOW, dry_run=True)
    assert plan["raw_snapshots"] == 6 and plan["cold_start_snapshots"] == 1
    assert plan["daily_groups"] == 2          # APP-001 and VAL-001 on that day
    assert count(conn, "snapshots") == 9


def test_prune_folds_and_deletes(conn):
    result = retention.prune(conn, now=NOW)
    assert result["deleted"]["snapshots"] == 7 and result["aggregated"] == 2
    assert count(conn, "snapshots") == 2
    rows = dict(((code, tuple(rest)) for code, *rest in conn.execute(
        "SELECT m.code, d.count, d.mean, d.median, d.min, d.max FROM daily_aggregates d "
        "JOIN metrics m ON m.id = d.metric_id")))
    assert rows["APP-001"] == (4, 415.0, 415.0, 400.0, 430.0)
    assert count(conn, "measurements") == 4
    if conn.dialect.name == "sqlite":     # the deletes ran with foreign keys enforced
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_profiles_stay_when_the_run_they_were_taken_in_goes(conn):
    from perftui.store import profiles

    old_run = conn.scalar("SELECT min(id) FROM snapshots")
    metric = conn.scalar("SELECT id FROM metrics WHERE code = 'VAL-001'")
    with conn.transaction():
        kept = profiles.save_profile(
            conn, metric_id=metric, app="default", environment="local", operation="validation",
            kind="baseline", snapshot_id=old_run, duration_ms=1.0,
            captured_at=to_iso(NOW - timedelta(days=40)),
            doc=profiles.from_stats({("a.py", 1, "f"): (1, 1, 0.001, 0.001, {})}))
    retention.prune(conn, now=NOW)
    assert conn.scalar("SELECT count(*) FROM snapshots WHERE id = ?", (old_run,)) == 0
    assert conn.execute("SELECT snapshot_id FROM profiles WHERE id = ?",
                        (kept,)).fetchone() == (None,)


def test_aggregates_expire_after_a_year(conn):
    retention.prune(conn, now=NOW)
    result = retention.prune(conn, now=NOW + timedelta(days=400))
    assert result["deleted"]["aggregates"] >= 2 and count(conn, "daily_aggregates") == 0


def test_a_second_fold_of_the_same_day_merges(conn):
    retention.prune(conn, now=NOW)
    old = to_iso(NOW - timedelta(days=40) + timedelta(hours=5))
    record_snapshot(conn, SnapshotInput({"APP-001": 500}, recorded_at=old))
    retention.prune(conn, now=NOW)
    n, low, high = conn.execute(
        "SELECT d.count, d.min, d.max FROM daily_aggregates d JOIN metrics m "
        "ON m.id = d.metric_id WHERE m.code = 'APP-001'").fetchone()
    assert (n, low, high) == (5, 400.0, 500.0)


def test_maybe_prune_runs_once_a_day_and_obeys_auto_off(conn):
    assert retention.maybe_prune(conn, now=NOW) is not None
    assert retention.maybe_prune(conn, now=NOW + timedelta(hours=3)) is None
    retention.set_auto(conn, False)
    assert retention.maybe_prune(conn, now=NOW + timedelta(days=3)) is None
    retention.set_auto(conn, True)
    assert retention.maybe_prune(conn, now=NOW + timedelta(days=3)) is not None


def test_summarise():
    assert retention.summarise([1.0, 2.0, 3.0, 4.0]) == (4, 2.5, 2.5, 1.0, 4.0,
                                                         pytest.approx(3.85))
    assert retention.parse_auto("off") is False


def test_prune_commits_day_by_day_and_a_recorder_writes_between(store_url, monkeypatch):
    """A prune of many days holds the write lock one short transaction at a time: another
    connection records between them without waiting, and the folded result is the same."""
    from perftui.store import bulk

    monkeypatch.setattr(bulk, "TXN_SECONDS", 0.0)
    monkeypatch.setattr(bulk, "YIELD_SECONDS", 0.0)
    conn = open_store(store_url, create=True)
    other = open_store(store_url)
    try:
        for day in range(12):
            for hour in range(3):
                record_snapshot(conn, SnapshotInput(
                    {"APP-001": 400.0 + day + hour}, recorded_at=to_iso(
                        NOW - timedelta(days=60 - day, hours=hour))))
        commits, recorded = [], []

        def progress(done: int, total: int) -> None:
            commits.append(done)
            if done < total:
                recorded.append(record_snapshot(other, SnapshotInput(
                    {"APP-001": 401.0}, recorded_at=to_iso(NOW - timedelta(minutes=len(commits))))))

        result = retention.prune(conn, now=NOW, progress=progress)
        assert result["aggregated"] == 12 and result["deleted"]["snapshots"] == 36
        assert len(commits) >= 12
        assert count(conn, "daily_aggregates") == 12
        assert len(recorded) == 11                      # between the twelve days' commits
        assert count(conn, "snapshots") == len(recorded)
        means = [m for (m,) in conn.execute("SELECT mean FROM daily_aggregates ORDER BY day")]
        assert means == [401.0 + day for day in range(12)]
    finally:
        other.close()
        conn.close()
