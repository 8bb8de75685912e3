"""Trend data (`perftui.core.trends` over `perftui.store.series`): ranges, cold starts,
downsampling that keeps spikes, the SQL-side reduction of long histories and its fallback,
and query plans that use the indexes."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from perftui.errors import InputError
from perftui.core.trends import EXACT_LIMIT, next_range, trend, trend_points
from perftui.store import series, snapshots
from perftui.store.metrics import load_catalog
from perftui.store.db import open_store
from perftui.store.sqlite import connect
from perftui.timefmt import to_iso

from datetime import datetime, timezone

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
LONG = EXACT_LIMIT + 1000


def bulk(path, n: int, *, shuffle_tail: int = 0, spike_at: int | None = None):
    """n runs of APP-001 one minute apart, inserted through the writer (no evaluation).
    With shuffle_tail, the last rows inserted are the oldest (an import of older history)."""
    conn = connect(str(path))
    pk = load_catalog(conn).find("APP-001").id
    rnd = random.Random(3)
    order = list(range(n))
    if shuffle_tail:
        order = order[shuffle_tail:] + order[:shuffle_tail]
    with conn.transaction():
        for i in order:
            at = to_iso(NOW - timedelta(minutes=n - i))
            sid = snapshots.insert_snapshot(conn, {"recorded_at": at, "app": "a",
                                                   "environment": "e",
                                                   "is_cold_start": i % 50 == 0})
            value = 5000.0 if i == spike_at else rnd.gauss(400, 10)
            snapshots.insert_measurements(conn, [(pk, sid, value, None, None, None, None, None)])
    conn.close()
    return path


@pytest.fixture(scope="module")
def long_store(tmp_path_factory):
    return bulk(tmp_path_factory.mktemp("series") / "long.db", LONG, spike_at=LONG // 3 + 1)


@pytest.fixture(scope="module")
def imported_store(tmp_path_factory):
    return bulk(tmp_path_factory.mktemp("series") / "imported.db", LONG, shuffle_tail=1500)


class TestRanges:
    """Ranges, cold starts and alert marks on the recorded fixture store."""

    def test_counts_by_range(self, store):
        with open_store(str(store), readonly=True) as s:
            totals = {r: trend(s, "APP-001", "shop", "prod", r, now=NOW).total
                      for r in ("24h", "7d", "30d", "all")}
        assert totals == {"24h": 24, "7d": 60, "30d": 60, "all": 60}
        assert [next_range(r) for r in ("24h", "7d", "30d", "all")] == ["7d", "30d", "all", "24h"]

    def test_cold_starts_apart_or_hidden(self, store):
        with open_store(str(store), readonly=True) as s:
            shown = trend(s, "startup_time_ms", "shop", "prod", "all", True, now=NOW)
            hidden = trend(s, "APP-001", "shop", "prod", "all", False, now=NOW)
        assert shown.cold_total == 4 and len(shown.cold_x) == 4
        assert len(shown.warm_x) == 56
        assert hidden.total == 56 and hidden.cold_x == [] and hidden.cold_total == 0

    def test_baseline_and_alert_marks(self, store):
        with open_store(str(store), readonly=True) as s:
            t = trend(s, "APP-001", "shop", "prod", "7d", now=NOW)
        assert t.baseline["sample_size"] > 0 and t.baseline["p5"] <= t.baseline["median"]
        assert {m.alert_type for m in t.alerts} == {"threshold", "regression", "anomaly"}
        assert all(m.y > 600 for m in t.alerts)  # marked at the triggering run's value
        assert t.metric["target"] == 500 and t.metric["unit"] == "ms"

    def test_points_table(self, store):
        with open_store(str(store), readonly=True) as s:
            points = trend_points(s, "APP-001", "shop", "prod", "7d", limit=10, now=NOW)
        assert points["total"] == 60 and len(points["rows"]) == 10
        times = [r["recorded_at"] for r in points["rows"]]
        assert times == sorted(times, reverse=True)
        assert points["rows"][0]["change_percent"] > 30

    def test_bad_input(self, store):
        with open_store(str(store), readonly=True) as s:
            with pytest.raises(InputError, match="unknown metric"):
                trend(s, "NOPE-1", "shop", "prod", now=NOW)
            with pytest.raises(InputError, match="range must be one of"):
                trend(s, "APP-001", "shop", "prod", "1y", now=NOW)

    def test_empty_range_names_newest_run(self, store):
        with open_store(str(store), readonly=True) as s:
            t = trend(s, "APP-001", "shop", "prod", "24h", now=NOW + timedelta(days=10))
        assert t.empty and t.latest_any.startswith("2026-01-31T11:00")


class TestDownsampling:
    """Long histories arrive reduced to the chart's width, spikes and counts intact."""

    def test_reduced_in_sql_keeps_spike_and_counts(self, long_store):
        with open_store(str(long_store), readonly=True) as s:
            t = trend(s, "APP-001", "a", "e", "all", max_points=200, now=NOW)
        assert t.total == LONG and t.cold_total == LONG // 50
        assert len(t.warm_x) <= 200 and len(t.cold_x) <= 200
        assert max(t.warm_y) == 5000.0
        assert t.warm_x == sorted(t.warm_x)

    def test_sql_reduction_agrees_with_exact(self, long_store):
        from perftui.core import trends as core

        with open_store(str(long_store), readonly=True) as s:
            conn = s
            pk = load_catalog(conn).find("APP-001").id
            exact = core._exact(conn, pk, "a", "e", "", True, 200)
            span = series.id_span(conn, "a", "e", "")
            reduced = core._bucketed(conn, pk, "a", "e", "", span, True, 200)
        assert reduced is not None
        assert exact[:2] == reduced[:2]                          # totals, cold totals
        assert (min(exact[3]), max(exact[3])) == (min(reduced[3]), max(reduced[3]))
        assert abs(exact[6] - reduced[6]) < 1 and abs(exact[7] - reduced[7]) < 1

    def test_out_of_order_ids_fall_back_to_exact(self, imported_store):
        with open_store(str(imported_store), readonly=True) as s:
            t = trend(s, "APP-001", "a", "e", "all", max_points=200, now=NOW)
        assert t.total == LONG
        assert t.first_x == pytest.approx((NOW - timedelta(minutes=LONG)).timestamp())
        assert t.warm_x == sorted(t.warm_x)

    def test_short_range_is_exact(self, long_store):
        with open_store(str(long_store), readonly=True) as s:
            t = trend(s, "APP-001", "a", "e", "24h", max_points=2000, now=NOW)
        assert t.total == 24 * 60 and len(t.warm_x) + len(t.cold_x) == t.total


class TestQueryPlans:
    """Every trend query is answered from an index (SEARCH, never a full SCAN)."""

    def test_plans_use_indexes(self, long_store):
        conn = connect(str(long_store), readonly=True)
        try:
            plans = series.query_plans(conn)
        finally:
            conn.close()
        assert set(plans) >= {"points", "bucket", "span", "alerts", "rows"}
        for name, steps in plans.items():
            for step in steps:
                assert not step.startswith("SCAN"), (name, step)
        assert any("snapshots_scope_time" in step for step in plans["points"])
        assert any("PRIMARY KEY" in step for step in plans["bucket"])
