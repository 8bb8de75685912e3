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
