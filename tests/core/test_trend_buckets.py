"""Long trends reduced inside the database, against a brute-force reference, on both engines.

`core.trends.trend` reads a long history as one SQL aggregate per bucket of snapshot ids (count,
cold count, warm and cold minimum and maximum, first and last time) and older, pruned days from
`daily_aggregates`. Whatever the engine, the result must be what plain Python computes from
every row of the store: the same runs counted, each bucket's minimum and maximum (so a spike
among thousands of runs is drawn), drawn at the middle of the bucket's time span, and the daily
medians of the days before the first raw run. Times are compared to the millisecond: SQLite
computes epoch seconds through julianday (a double of days), PostgreSQL from its timestamp.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from perftui.core import trends
from perftui.store import bulk, snapshots
from perftui.store.db import open_store
from perftui.store.metrics import load_catalog
from perftui.timefmt import to_iso

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
RUNS = 900
SPIKE = 5000.0


def epoch(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


def build(where: str, *, shuffled: bool = False) -> None:
    """RUNS runs 40 minutes apart in two interleaved scopes (cold starts, failed runs, one warm
    spike and one cold spike), plus 20 days of daily aggregates before them (one of them with a
    high median). With `shuffled` the oldest third is inserted last (ids do not follow time)."""
    rnd = random.Random(11)
    conn = open_store(where, create=True)
    pk = load_catalog(conn).find("APP-001").id
    order = list(range(RUNS))
    if shuffled:
        order = order[RUNS // 3:] + order[:RUNS // 3]
    with conn.transaction():
        for i in order:
            env = "ci" if rnd.random() < 0.25 and i not in (RUNS // 2 + 1, 23 * 7) else "prod"
            cold = i % 23 == 0
            sid = snapshots.insert_snapshot(conn, {
                "recorded_at": to_iso(NOW - timedelta(minutes=40 * (RUNS - i))), "app": "a",
                "environment": env, "is_cold_start": cold,
                "status": "failed" if i % 31 == 0 else "ok"})
            value = rnd.gauss(400, 15)
            if i == RUNS // 2 + 1:
                value = SPIKE
            elif i == 23 * 7:
                value = SPIKE * 2
            snapshots.insert_measurements(conn, [(pk, sid, value, None, None, None, None, None)])
        first_day = (NOW - timedelta(minutes=40 * RUNS)).date()
        bulk.upsert_daily_aggregates(conn, [
            ((first_day - timedelta(days=d)).isoformat(), "a", "prod", pk, 50 + d, 401.0,
             900.0 if d == 7 else 400.0 + d, 350.0, 450.0 + d, 430.0) for d in range(1, 21)])
    conn.close()


def scope_span(where: str, environment: str, since: str) -> tuple[int, int]:
    """Ids of the scope's earliest and latest run since `since` (failed runs too): where the
    buckets of ids start and end."""
    conn = open_store(where, readonly=True)
    try:
        runs = sorted((at, sid) for sid, at in conn.execute(
            "SELECT id, recorded_at FROM snapshots WHERE app = 'a' AND environment = ?"
            " AND recorded_at >= ?", (environment, since)))
    finally:
        conn.close()
    return runs[0][1], runs[-1][1]


def raw_rows(where: str, environment: str, since: str) -> list[tuple]:
    """(snapshot id, recorded_at, value, cold) of the scope's successful runs since `since`."""
    conn = open_store(where, readonly=True)
    try:
        snaps = {sid: (at, env, cold, status) for sid, at, env, cold, status in conn.execute(
            "SELECT id, recorded_at, environment, is_cold_start, status FROM snapshots")}
        pk = load_catalog(conn).find("APP-001").id
        values = conn.execute("SELECT snapshot_id, value FROM measurements WHERE metric_id = ?",
                              (pk,)).fetchall()
    finally:
        conn.close()
    return sorted((sid, snaps[sid][0], v, bool(snaps[sid][2])) for sid, v in values
                  if snaps[sid][1] == environment and snaps[sid][3] == "ok"
                  and snaps[sid][0] >= since)


def reference(rows: list[tuple], scope_ids: tuple[int, int], max_points: int,
              cold_starts: bool) -> tuple[list, list, list, list]:
    """Each bucket of snapshot ids (as `trends` cuts them) reduced by hand."""
    lo, hi = scope_ids
    buckets = max_points // 2
    width = (hi + 1 - lo) / buckets
    bounds = [lo + int(i * width) for i in range(buckets)] + [hi + 1]
    wx, wy, cx, cy = [], [], [], []
    for b0, b1 in zip(bounds, bounds[1:]):
        inside = [r for r in rows if b0 <= r[0] < b1 and (cold_starts or not r[3])]
        if not inside:
            continue
        times = [epoch(r[1]) for r in inside]
        mid = (min(times) + max(times)) / 2
        for cold, xs, ys in ((False, wx, wy), (True, cx, cy)):
            vals = [r[2] for r in inside if r[3] == cold]
            if vals:
                lo_v, hi_v = min(vals), max(vals)
                xs.extend((mid, mid) if hi_v != lo_v else (mid,))
                ys.extend((lo_v, hi_v) if hi_v != lo_v else (lo_v,))
    return wx, wy, cx, cy


@pytest.fixture
def small_limits(monkeypatch):
    """Any history longer than 4 x max_points is reduced in SQL."""
    monkeypatch.setattr(trends, "EXACT_LIMIT", 0)


@pytest.mark.parametrize("range_", ["all", "7d"])
@pytest.mark.parametrize("cold_starts", [True, False])
def test_buckets_equal_brute_force(store_url, small_limits, range_, cold_starts):
    build(store_url)
    store = open_store(store_url, readonly=True)
    try:
        got = trends.trend(store, "APP-001", "a", "prod", range_, cold_starts=cold_starts,
                           max_points=60, now=NOW + timedelta(minutes=1))
    finally:
        store.close()
    since = "" if range_ == "all" else to_iso(NOW + timedelta(minutes=1) - timedelta(days=7))
    rows = raw_rows(store_url, "prod", since)
    by_time = sorted(rows, key=lambda r: (r[1], r[0]))
    wx, wy, cx, cy = reference(rows, scope_span(store_url, "prod", since), 60, cold_starts)
    assert got.total == len([r for r in rows if cold_starts or not r[3]])
    assert got.cold_total == (sum(r[3] for r in rows) if cold_starts else 0)
    assert got.warm_y == wy and got.cold_y == cy
    assert got.warm_x == pytest.approx(wx, abs=1e-3)
    assert got.cold_x == pytest.approx(cx, abs=1e-3)
    assert len(got.warm_x) <= 60
    warm = [r[2] for r in rows if not r[3]]
    assert max(got.warm_y) == max(warm) and min(got.warm_y) == min(warm)   # spikes drawn
    if range_ == "all":
        assert SPIKE in got.warm_y
        if cold_starts:
            assert SPIKE * 2 in got.cold_y
    assert got.first_x == pytest.approx(epoch(by_time[0][1]), abs=1e-3)
    assert got.last_x == pytest.approx(epoch(by_time[-1][1]), abs=1e-3)


def test_pruned_days_come_from_daily_aggregates(store_url, small_limits):
    build(store_url)
    store = open_store(store_url, readonly=True)
    try:
        got = trends.trend(store, "APP-001", "a", "prod", "all", max_points=60,
                           now=NOW + timedelta(minutes=1))
    finally:
        store.close()
    first_day = (NOW - timedelta(minutes=40 * RUNS)).date()
    days = [first_day - timedelta(days=d) for d in range(20, 0, -1)]
    assert got.daily_x == pytest.approx(
        [datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc).timestamp() for d in days],
        abs=1e-3)
    assert got.daily_y == [900.0 if d == 7 else 400.0 + d for d in range(20, 0, -1)]
    assert got.daily_runs == sum(50 + d for d in range(1, 21))


def test_ids_out_of_time_order_fall_back_to_exact_points(store_url, small_limits):
    """An import of older runs: the buckets' time spans overlap, so every point is read and
    downsampled in Python; the result is the exact path's."""
    build(store_url, shuffled=True)
    store = open_store(store_url, readonly=True)
    try:
        got = trends.trend(store, "APP-001", "a", "prod", "all", max_points=60,
                           now=NOW + timedelta(minutes=1))
    finally:
        store.close()
    rows = sorted(raw_rows(store_url, "prod", ""), key=lambda r: (r[1], r[0]))
    warm = [r for r in rows if not r[3]]
    from perftui.analysis import downsample

    xs, ys = downsample([epoch(r[1]) for r in warm], [r[2] for r in warm], 60)
    assert got.warm_y == ys
    assert got.warm_x == pytest.approx(xs, abs=1e-3)
    assert got.total == len(rows)


@pytest.mark.parametrize("range_", ["all", "7d"])
@pytest.mark.parametrize("cold_starts", [True, False])
@pytest.mark.parametrize("chart_rows", [None, 100, 1], ids=["hours", "days", "months"])
def test_buckets_from_hourly_rollups(store_url, small_limits, range_, cold_starts, chart_rows,
                                     monkeypatch):
    """A store this process may write draws long trends from the hourly rollups: the same runs
    counted, the range's extremes (the spikes) drawn, the same first and last run, at most
    max_points points, each bucket's points inside the time span of its runs. Hours, or, for
    ranges of more than CHART_ROWS hours, days (months beyond CHART_ROWS days) summed in the
    database: the same figures."""
    from perftui.store import rollups

    if chart_rows is not None:
        monkeypatch.setattr(rollups, "CHART_ROWS", chart_rows)
    build(store_url)
    store = open_store(store_url)
    try:
        got = trends.trend(store, "APP-001", "a", "prod", range_, cold_starts=cold_starts,
                           max_points=60, now=NOW + timedelta(minutes=1))
        kept = store.scalar("SELECT count(*) FROM hourly_rollups")
        since = "" if range_ == "all" else to_iso(NOW + timedelta(minutes=1) - timedelta(days=7))
        pk = store.scalar("SELECT id FROM metrics WHERE code = 'APP-001'")
        parts = rollups.chart_parts(store, pk, "a", "prod", rollups.first_whole_hour(since),
                                    cold_starts)
    finally:
        store.close()
    assert kept > 0   # the rollups were built and used
    rows = raw_rows(store_url, "prod", since)
    # what the chart was made of: one part per hour, per day or per month with runs
    whole = [r for r in rows if r[1] >= rollups.first_whole_hour(since)
             and (cold_starts or not r[3])]
    width = {None: 13, 100: 10, 1: 7}[chart_rows]
    assert len(parts) == len({r[1][:width] for r in whole})
    assert sum(p[0] for p in parts) == len(whole)
    by_time = sorted(rows, key=lambda r: (r[1], r[0]))
    assert got.total == len([r for r in rows if cold_starts or not r[3]])
    assert got.cold_total == (sum(r[3] for r in rows) if cold_starts else 0)
    warm = [r[2] for r in rows if not r[3]]
    assert max(got.warm_y) == max(warm) and min(got.warm_y) == min(warm)
    if cold_starts:
        cold = [r[2] for r in rows if r[3]]
        assert max(got.cold_y) == max(cold) and min(got.cold_y) == min(cold)
        assert got.first_x == pytest.approx(epoch(by_time[0][1]), abs=1e-3)
    else:
        assert got.cold_y == []
    if range_ == "all":
        assert SPIKE in got.warm_y
    assert got.last_x == pytest.approx(epoch(by_time[-1][1]), abs=1e-3)
    assert len(got.warm_x) <= 60
    assert all(got.first_x - 1e-3 <= x <= got.last_x + 1e-3 for x in got.warm_x)
    assert got.warm_x == sorted(got.warm_x)


def test_a_chart_does_not_wait_for_a_first_build(store_url, small_limits, monkeypatch):
    """More snapshots waiting to be folded than ROLLUP_REFRESH_LIMIT: the chart reads the raw
    runs (the same figures) and builds nothing."""
    build(store_url)
    monkeypatch.setattr(trends, "ROLLUP_REFRESH_LIMIT", 10)
    store = open_store(store_url)
    try:
        got = trends.trend(store, "APP-001", "a", "prod", "all", max_points=60,
                           now=NOW + timedelta(minutes=1))
        kept = store.scalar("SELECT count(*) FROM hourly_rollups")
    finally:
        store.close()
    assert kept == 0
    rows = raw_rows(store_url, "prod", "")
    assert got.total == len(rows)
