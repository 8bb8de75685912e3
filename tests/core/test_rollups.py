"""Hourly rollups (`perftui.store.rollups`): the sketch's accuracy, and the cache kept equal to
the raw runs as runs arrive, older runs are imported and retention deletes runs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from perftui.core import report as core_report
from perftui.core.report import report
from perftui.store import rollups, snapshots
from perftui.store.db import open_store
from perftui.store.metrics import load_catalog
from perftui.timefmt import to_iso

NOW = datetime.now(timezone.utc).replace(microsecond=0)


class TestSketch:
    """Quantiles of a merged sketch stay within ALPHA of the exact ones."""

    @pytest.mark.parametrize("seed", range(5))
    def test_quantiles_within_alpha(self, seed):
        rnd = random.Random(seed)
        values = [rnd.lognormvariate(3, 1.5) for _ in range(2000)]
        parts = [values[i::3] for i in range(3)]
        sketch: dict[str, int] = {}
        for part in parts:
            rollups.merge(sketch, rollups.sketch_of(part))
        ordered = sorted(values)
        for q in (0.0, 0.05, 0.5, 0.9, 0.95, 0.99, 1.0):
            pos = q * (len(ordered) - 1)
            lo = int(pos)
            hi = min(lo + 1, len(ordered) - 1)
            want = ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
            got = rollups.quantiles(sketch, (q,), ordered[0], ordered[-1])[0]
            assert abs(got - want) <= rollups.ALPHA * abs(want) * 1.0000001, q

    def test_negative_zero_and_positive_values_keep_their_order(self):
        values = [-50.0, -2.0, 0.0, 0.0, 3.0, 1e6]
        sketch = rollups.sketch_of(values)
        got = rollups.quantiles(sketch, (0.0, 0.2, 0.4, 0.6, 0.8, 1.0))
        for g, want in zip(got, values):
            assert abs(g - want) <= rollups.ALPHA * abs(want) + 1e-12

    def test_an_empty_sketch_has_no_quantiles(self):
        assert rollups.quantiles({}, (0.5,)) == [None]


def _store(where: str) -> None:
    conn = open_store(where, create=True)
    conn.close()


def _add(where: str, hours_ago: list[float], value: float, *, cold: bool = False,
         app: str = "shop") -> None:
    conn = open_store(where)
    pk = load_catalog(conn).find("APP-001").id
    with conn.transaction():
        for h in hours_ago:
            sid = snapshots.insert_snapshot(conn, {
                "recorded_at": to_iso(NOW - timedelta(hours=h)), "app": app,
                "environment": "local", "host": "box", "git_commit": f"{int(h):040x}",
                "is_cold_start": cold, "status": "ok", "performance_index": 50})
            snapshots.insert_measurements(conn, [(pk, sid, value, None, None, None, None, None)])
    conn.close()


def _rollup_rows(where: str) -> list[tuple]:
    conn = open_store(where, readonly=True)
    try:
        return conn.execute("SELECT hour, app, environment, metric_id, runs, warm_count, warm_sum,"
                            " warm_min, warm_max, warm_last, cold_count, cold_min, cold_max,"
                            " first_at, last_at, sketch FROM hourly_rollups"
                            " ORDER BY app, environment, hour, metric_id").fetchall()
    finally:
        conn.close()


def _rebuilt(where: str, tmp_path) -> list[tuple]:
    """The rollups a store gets when built from scratch: what an incremental refresh must give."""
    conn = open_store(where)
    try:
        with conn.transaction():
            conn.execute("DELETE FROM hourly_rollups")
            conn.execute("DELETE FROM hourly_runs")
            conn.execute("DELETE FROM store_meta WHERE key = ?", (rollups.WATERMARK,))
        assert rollups.refresh(conn)
    finally:
        conn.close()
    return _rollup_rows(where)


def _refresh(where: str) -> None:
    conn = open_store(where)
    try:
        assert rollups.refresh(conn)
    finally:
        conn.close()


def test_pending_counts_what_a_refresh_would_fold(store_url):
    """Every run when the rollups were never built, none once they are, the new ones after."""
    _store(store_url)
    _add(store_url, [30, 20, 10, 5], 100.0)

    def pending() -> int:
        conn = open_store(store_url, readonly=True)
        try:
            return rollups.pending(conn)
        finally:
            conn.close()

    assert pending() == 4
    _refresh(store_url)
    assert pending() == 0
    _add(store_url, [2, 1], 120.0)
    assert pending() == 2


class TestKeptEqualToRawRuns:
    """However runs arrive, the incremental rollups equal ones rebuilt from the raw runs."""

    def test_new_runs_then_older_runs(self, store_url, tmp_path):
        _store(store_url)
        _add(store_url, [30, 20.5, 20.2, 5], 100.0)
        _refresh(store_url)
        first = _rollup_rows(store_url)
        assert sum(r[5] for r in first) == 4
        _add(store_url, [2, 1], 120.0)              # newer runs
        _add(store_url, [20.4, 40], 90.0)           # an import of older runs, into old hours
        _add(store_url, [20.3], 500.0, cold=True)   # a cold start
        _refresh(store_url)
        incremental = _rollup_rows(store_url)
        assert sum(r[5] for r in incremental) == 8 and sum(r[10] for r in incremental) == 1
        assert incremental == _rebuilt(store_url, tmp_path)

    def test_prune_recomputes_the_hours_it_deletes_from(self, store_url, tmp_path):
        from perftui.core.retention import Policy, prune

        _store(store_url)
        _add(store_url, [24 * 40, 24 * 40 + 0.2, 24 * 2, 3], 100.0)
        _add(store_url, [24 * 12], 300.0, cold=True)
        _refresh(store_url)
        assert any(r[0] == to_iso(NOW - timedelta(hours=24 * 40))[:13]
                   for r in _rollup_rows(store_url))
        conn = open_store(store_url)
        try:
            prune(conn, policy=Policy(raw_days=30, cold_start_days=7))
        finally:
            conn.close()
        after = _rollup_rows(store_url)
        assert not any(r[0] <= to_iso(NOW - timedelta(days=30))[:13] for r in after)
        assert sum(r[10] for r in after) == 0   # the cold start is gone from its hour too
        assert after == _rebuilt(store_url, tmp_path)

    def test_a_read_only_store_is_not_written(self, tmp_path):
        where = str(tmp_path / "s.db")
        _store(where)
        _add(where, [3, 2, 1], 100.0)
        conn = open_store(where, readonly=True)
        try:
            assert rollups.refresh(conn) is False
            data = report(conn, "shop", "local", 7)
        finally:
            conn.close()
        assert data["exact"] is True and data["metrics"][0]["count"] == 3
        assert _rollup_rows(where) == []

    def test_current_rollups_serve_a_read_only_reader(self, tmp_path, monkeypatch):
        """Rollups a writer brought up to date are read by a read-only reader (another user's
        store); one new run since, and it reads raw values again."""
        where = str(tmp_path / "s.db")
        _store(where)
        _add(where, [3, 2, 1], 100.0)
        _refresh(where)
        monkeypatch.setattr(core_report, "RAW_RUNS", 0)
        conn = open_store(where, readonly=True)
        try:
            assert report(conn, "shop", "local", 7)["exact"] is False
        finally:
            conn.close()
        _add(where, [0.5], 100.0)
        conn = open_store(where, readonly=True)
        try:
            data = report(conn, "shop", "local", 7)
        finally:
            conn.close()
        assert data["exact"] is True and data["metrics"][0]["count"] == 4


class TestReportOnRollups:
    """`perftui report` on a period longer than RAW_RUNS reads rollups and says so."""

    def test_cli_report_says_its_quantiles_are_from_rollups(self, tmp_path, monkeypatch, capsys):
        from perftui.cli.main import main

        where = str(tmp_path / "s.db")
        _store(where)
        _add(where, [h / 4 for h in range(1, 200)], 100.0)
        monkeypatch.setattr(core_report, "RAW_RUNS", 50)
        assert main(["--db", where, "--app", "shop", "--env", "local", "report"]) == 0
        out = capsys.readouterr().out
        assert "from hourly rollups, within 0.5 %" in out
        assert "199" in out
        monkeypatch.setattr(core_report, "RAW_RUNS", 5000)
        assert main(["--db", where, "--app", "shop", "--env", "local", "report"]) == 0
        assert "rollups" not in capsys.readouterr().out

    def test_a_busy_store_is_reported_from_raw_values(self, tmp_path):
        """Another writer holds the write lock past the busy timeout: the report still answers,
        exactly, and the rollups catch up on the next report."""
        import sqlite3

        where = str(tmp_path / "s.db")
        _store(where)
        _add(where, [3, 2, 1], 100.0)
        holder = sqlite3.connect(where, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            conn = open_store(where, busy_timeout_ms=50)
            try:
                data = report(conn, "shop", "local", 7)
            finally:
                conn.close()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert data["exact"] is True and data["metrics"][0]["count"] == 3
        assert _rollup_rows(where) == []
        _refresh(where)
        assert sum(r[5] for r in _rollup_rows(where)) == 3



def test_an_import_leaves_the_rollups_current(tmp_path):
    """`perftui import` folds what it wrote, so the next report or chart has nothing to fold."""
    from perftui.cli.main import main

    source, target = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    _store(source)
    _add(source, [30, 20.5, 20.2, 5, 1], 100.0)
    out = tmp_path / "export.json"
    assert main(["--db", source, "export", "--output", str(out)]) == 0
    assert main(["--db", target, "import", str(out)]) == 0
    imported = _rollup_rows(target)
    assert sum(r[5] for r in imported) == 5
    conn = open_store(target, readonly=True)
    try:
        top = conn.scalar("SELECT max(id) FROM snapshots")
        assert conn.scalar("SELECT value FROM store_meta WHERE key = ?",
                           (rollups.WATERMARK,)) == str(top)
    finally:
        conn.close()
    assert imported == _rebuilt(target, tmp_path)


class TestStoredSketches:
    """The stored form of a sketch and the accumulator that merges it give the dict form back."""

    @pytest.mark.parametrize("seed", range(4))
    def test_encode_decode_and_accumulate(self, seed):
        rnd = random.Random(seed)
        parts = [[rnd.choice([rnd.lognormvariate(2, 2), -rnd.lognormvariate(1, 1), 0.0, 7.0])
                  for _ in range(rnd.randint(0, 300))] for _ in range(6)]
        acc = rollups.Accumulator()
        want: dict[str, int] = {}
        for part in parts:
            sketch = rollups.sketch_of(part)
            assert rollups.decode(rollups.encode(sketch)) == sketch
            acc.add_text(rollups.encode(sketch))
            rollups.merge(want, sketch)
        assert acc.sketch() == want
        acc.add_sketch({"p3": 2})
        assert acc.sketch() == rollups.merge(dict(want), {"p3": 2})

    def test_far_apart_buckets_are_separate_segments(self):
        text = rollups.encode({"p1": 1, "p2": 3, "p900": 1, "n4": 2, "z": 5})
        assert text == "n4:2|p1:1,3|p900:1|z5"
        assert rollups.decode("") == {} and rollups.Accumulator().sketch() == {}
