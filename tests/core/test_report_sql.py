"""`perftui report` against a brute-force reference over the same store, on both engines.

The report reads each metric's warm values of the period along the measurements' primary key
when the period's run ids follow time (`store.reports.warm_series`), and through the snapshots'
time index otherwise (`series_since`). Whichever plan answers, every figure must equal what plain
Python computes from every row of the store: counts, mean, median, min, max, p95, latest, the
half-period trend. SQLite's plans are checked too: no full scan of snapshots or measurements.
"""

from __future__ import annotations

import math
import random
import statistics
from datetime import datetime, timedelta, timezone

import pytest

from perftui.core.report import report
from perftui.store import reports as store_reports
from perftui.store import snapshots
from perftui.store.db import open_store
from perftui.store.metrics import load_catalog
from perftui.timefmt import to_iso

NOW = datetime.now(timezone.utc).replace(microsecond=0)
METRICS = ("APP-001", "VAL-001", "API-002")


def build(where: str, *, shuffled: bool = False, n: int = 240, seed: int = 5) -> None:
    """Two scopes interleaved over 20 days, cold starts, failed runs, a metric some runs lack,
    ties in time, a spike. With `shuffled`, the oldest runs are inserted last (ids do not follow
    time: an import of older history)."""
    rnd = random.Random(seed)
    conn = open_store(where, create=True)
    catalog = load_catalog(conn)
    pks = {code: catalog.find(code).id for code in METRICS}
    order = list(range(n))
    if shuffled:
        order = order[n // 3:] + order[:n // 3]
    with conn.transaction():
        for i in order:
            at = to_iso(NOW - timedelta(hours=2 * (n - i)) + timedelta(seconds=i % 3))
            if i % 17 == 0 and i:
                at = to_iso(NOW - timedelta(hours=2 * (n - i + 1)) + timedelta(seconds=(i - 1) % 3))
            env = "ci" if rnd.random() < 0.3 else "local"
            sid = snapshots.insert_snapshot(conn, {
                "recorded_at": at, "app": "shop", "environment": env, "host": "box",
                "git_commit": f"{i // 4:040x}", "is_cold_start": i % 9 == 0,
                "status": "failed" if i % 13 == 0 else "ok", "performance_index": i % 100})
            rows = []
            for code, pk in pks.items():
                if code == "API-002" and i % 5 == 0:
                    continue
                value = 5000.0 if (code == "APP-001" and i == n // 2) else rnd.gauss(400, 40)
                rows.append((pk, sid, round(value, 3), None, None, None, None, None))
            snapshots.insert_measurements(conn, rows)
    conn.close()


def reference(where: str, app: str, environment: str, since: str) -> dict[str, list[float]]:
    """metric code -> warm values of the period oldest first, by filtering every row in Python."""
    conn = open_store(where, readonly=True)
    try:
        snaps = {sid: (at, a, e, cold, status) for sid, at, a, e, cold, status in conn.execute(
            "SELECT id, recorded_at, app, environment, is_cold_start, status FROM snapshots")}
        codes = dict(conn.execute("SELECT id, code FROM metrics").fetchall())
        rows = conn.execute("SELECT metric_id, snapshot_id, value FROM measurements").fetchall()
    finally:
        conn.close()
    keep = []
    for metric_id, sid, value in rows:
        at, a, e, cold, status = snaps[sid]
        if a == app and e == environment and at >= since and not cold and status == "ok":
            keep.append((at, sid, codes[metric_id], value))
    out: dict[str, list[float]] = {}
    for _, _, code, value in sorted(keep):
        out.setdefault(code, []).append(value)
    return out


def expected_figures(values: list[float]) -> dict:
    n = len(values)
    ordered = sorted(values)
    half = n // 2
    return {"count": n, "mean": math.fsum(values) / n, "median": statistics.median(values),
            "min": ordered[0], "max": ordered[-1], "latest": values[-1],
            "p95": (statistics.quantiles(values, n=20, method="inclusive")[18] if n > 1
                    else values[0]),
            "halves": (statistics.median(values[:half]), statistics.median(values[half:]))
            if half else None}


@pytest.fixture(params=["ordered", "shuffled"])
def filled(request, store_url):
    build(store_url, shuffled=request.param == "shuffled")
    return store_url


@pytest.fixture(params=["key plan", "time plan"])
def plan(request, monkeypatch):
    """Either plan of `warm_series`, forced: the primary-key one wherever ids follow time, or
    always the time-index one."""
    monkeypatch.setattr(store_reports, "DENSE", 0.0 if request.param == "key plan" else 2.0)
    return request.param


@pytest.mark.parametrize("days", [3, 7, 30])
@pytest.mark.parametrize("environment", ["local", "ci"])
def test_report_equals_brute_force(filled, plan, environment, days):
    store = open_store(filled, readonly=True)
    try:
        data = report(store, "shop", environment, days)
    finally:
        store.close()
    since = data["since"]
    ref = reference(filled, "shop", environment, since)
    assert sorted(m["metric_id"] for m in data["metrics"]) == sorted(ref)
    for m in data["metrics"]:
        exp = expected_figures(ref[m["metric_id"]])
        for key in ("count", "mean", "median", "min", "max", "latest"):
            assert m[key] == exp[key], (m["metric_id"], key)
        assert m["p95"] == pytest.approx(exp["p95"], rel=1e-12, abs=1e-12)
        if exp["halves"] is None:
            assert m["trend_percent"] is None
        else:
            first, second = exp["halves"]
            assert m["trend_percent"] == pytest.approx((second - first) / abs(first) * 100.0,
                                                       rel=1e-12)


@pytest.mark.parametrize("environment", ["local", "ci"])
def test_both_plans_read_the_same_series(filled, plan, environment):
    store = open_store(filled, readonly=True)
    try:
        since = to_iso(NOW - timedelta(days=12))
        fast = store_reports.warm_series(store, "shop", environment, since)
        slow = store_reports.series_since(store, "shop", environment, since)
        assert fast == slow == reference(filled, "shop", environment, since)
        assert store_reports.warm_series(store, "shop", "nowhere", since) == {}
    finally:
        store.close()


def test_the_primary_key_plan_answers_when_ids_follow_time(tmp_path, monkeypatch):
    """A dense, ordered scope is read metric by metric (the fallback is not called)."""
    where = str(tmp_path / "s.db")
    build(where)
    store = open_store(where, readonly=True)
    monkeypatch.setattr(store_reports, "DENSE", 0.0)
    calls = []
    original = store_reports.series_since
    monkeypatch.setattr(store_reports, "series_since",
                        lambda *a: calls.append(a) or original(*a))
    try:
        since = to_iso(NOW - timedelta(days=12))
        got = store_reports.warm_series(store, "shop", "local", since)
    finally:
        store.close()
    assert not calls
    assert got == reference(where, "shop", "local", since)


def test_report_plans_use_indexes(tmp_path):
    where = str(tmp_path / "s.db")
    build(where, n=30)
    store = open_store(where, readonly=True)
    try:
        plans = store_reports.query_plans(store)
    finally:
        store.close()
    for name, details in plans.items():
        text = " | ".join(details)
        assert "SCAN snapshots" not in text and "SCAN s " not in text + " ", (name, text)
        assert "SCAN measurements" not in text and "SCAN m " not in text + " ", (name, text)
    assert any("USING PRIMARY KEY (metric_id=? AND snapshot_id>? AND snapshot_id<?)" in d
               for d in plans["metric_values"]), plans["metric_values"]
    assert any("snapshots_warm_scope_time" in d for d in plans["warm_ids"])


@pytest.mark.parametrize("days", [3, 7, 30])
@pytest.mark.parametrize("environment", ["local", "ci"])
def test_report_from_rollups_matches_brute_force(filled, environment, days, monkeypatch):
    """The rollup path (forced with RAW_RUNS = 0): counts, min, max, latest and the period line
    exact; mean to rounding; median and p95 within the sketch's 0.5 %; the trend's halves split
    at an hour, so its percentage within a point."""
    from perftui.core import report as core_report
    from perftui.store import rollups

    exact_store = open_store(filled, readonly=True)
    try:
        exact = report(exact_store, "shop", environment, days)
    finally:
        exact_store.close()
    monkeypatch.setattr(core_report, "RAW_RUNS", 0)
    store = open_store(filled)
    try:
        data = report(store, "shop", environment, days)
    finally:
        store.close()
    assert data["exact"] is False and exact["exact"] is True
    period, want = dict(data["period"]), dict(exact["period"])
    assert period.pop("performance_index_mean") == pytest.approx(
        want.pop("performance_index_mean"), rel=1e-12)
    assert period == want
    ref = reference(filled, "shop", environment, data["since"])
    assert [m["metric_id"] for m in data["metrics"]] == sorted(ref)
    for m in data["metrics"]:
        exp = expected_figures(ref[m["metric_id"]])
        for key in ("count", "min", "max", "latest"):
            assert m[key] == exp[key], (m["metric_id"], key)
        assert m["mean"] == pytest.approx(exp["mean"], rel=1e-12)
        for key in ("median", "p95"):
            assert abs(m[key] - exp[key]) <= rollups.ALPHA * abs(exp[key]), (m["metric_id"], key)
        if exp["halves"] is not None and m["trend_percent"] is not None:
            first, second = exp["halves"]
            assert m["trend_percent"] == pytest.approx((second - first) / abs(first) * 100.0,
                                                       abs=1.0)
