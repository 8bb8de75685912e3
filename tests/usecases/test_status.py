"""core.status: the latest run against baselines and targets."""

from __future__ import annotations

from perftui.core.status import status
from perftui.store.db import open_store


def test_empty_store_has_no_snapshot(store_url):
    with open_store(store_url, create=True) as store:
        data = status(store)
    assert data["snapshot"] is None and data["metrics"] == [] and data["scope"] is None


def test_status_reports_each_metric(regressed_store):
    data = status(regressed_store)
    assert data["scope"] == {"app": "shop", "environment": "local"}
    assert data["snapshot"]["id"] == 34 and data["snapshot"]["host"] == "box"
    metrics = {m["metric_id"]: m for m in data["metrics"]}
    val = metrics["VAL-001"]
    assert val["value"] == 562
    assert 400 <= val["baseline"]["median"] <= 410
    assert val["change_percent"] > 30
    assert val["alert_severity"] in ("warning", "error", "critical")
    assert len(val["sparkline"]) == 20 and val["sparkline"][-1] == 562
    assert metrics["API-002"]["severity"] in ("error", "critical")
    assert metrics["VAL-003"]["severity"] == "ok" and metrics["VAL-003"]["direction"] == "higher"
    assert sum(data["open_alerts"].values()) >= 2
    assert data["age_seconds"] > 0


def test_scope_can_be_chosen(store_url, record_series):
    record_series(store_url, {"APP-001": [300, 310]}, app="api", environment="prod")
    record_series(store_url, {"APP-001": [900]}, app="web", environment="dev", start_day=5)
    with open_store(store_url) as store:
        assert status(store)["scope"] == {"app": "web", "environment": "dev"}
        chosen = status(store, app="api", environment="prod")
        assert chosen["metrics"][0]["value"] == 310
        assert {s["app"] for s in chosen["scopes"]} == {"api", "web"}


class TestJudgedOnce:
    """A snapshot is judged when it is written; status reads that verdict, never its own."""

    def test_a_cold_start_reads_as_recorded_not_evaluated(self, store_url, record_series):
        """`record APP-001=1600 --cold` said "not evaluated … ok"; status used to re-judge the
        same snapshot and show it as "+296% info"."""
        from perftui.core.record_cli import build_snapshot, record

        record_series(store_url, {"APP-001": [400 + i % 5 for i in range(25)]})
        with open_store(store_url) as store:
            recorded = record(store, build_snapshot({"APP-001": 1600.0}, app="shop",
                                                    environment="local", cold=True))
            shown = {m["metric_id"]: m for m in status(store)["metrics"]}["APP-001"]
        said = {m["metric_id"]: m for m in recorded["metrics"]}["APP-001"]
        assert recorded["evaluated"] is False and said["severity"] == "ok"
        assert said["change_percent"] is None
        assert (shown["evaluated"], shown["severity"], shown["change_percent"]) == (
            False, "ok", None)
        assert shown["value"] == 1600.0

    def test_status_shows_the_verdict_the_recorder_stored(self, regressed_store):
        data = status(regressed_store)
        stored = dict(regressed_store.execute(
            "SELECT mt.code, m.severity FROM measurements m JOIN metrics mt ON mt.id = m.metric_id"
            " WHERE m.snapshot_id = ?", (data["snapshot"]["id"],)).fetchall())
        assert {m["metric_id"]: m["severity"] for m in data["metrics"]} == stored
        assert all(m["evaluated"] for m in data["metrics"])

    def test_status_does_not_run_the_detectors(self, regressed_store, monkeypatch):
        import perftui.analysis.detect as detect

        def refuse(*args, **kwargs):
            raise AssertionError("status ran a detector")

        monkeypatch.setattr(detect, "evaluate_metric", refuse)
        assert status(regressed_store)["metrics"]


class TestUpgrade:
    """A store made by the previous release (schema 3, no stored verdicts) reads the same after
    the upgrade as a store where every run was judged when it was recorded."""

    def test_status_is_unchanged_by_the_upgrade(self, tmp_path, record_series):
        import sqlite3

        series = {"VAL-001": [400 + (i % 7) for i in range(30)] + [560, 565, 558],
                  "API-002": [4200] * 33, "VAL-003": [0.93] * 33}
        fresh, old = tmp_path / "fresh.db", tmp_path / "old.db"
        record_series(fresh, series)
        record_series(old, series)
        # take `old` back to what the previous release wrote: schema 3, no verdict columns
        conn = sqlite3.connect(str(old), isolation_level=None)
        for column in ("severity", "tier", "expected", "deviation", "baseline_runs"):
            conn.execute(f"ALTER TABLE measurements DROP COLUMN {column}")
        conn.execute("DROP INDEX snapshots_uid")
        conn.execute("ALTER TABLE snapshots DROP COLUMN uid")
        conn.execute("DELETE FROM schema_migrations WHERE version >= 4")
        schema3 = {"metrics", "snapshots", "measurements", "alerts", "daily_aggregates",
                   "target_changes", "schema_migrations", "store_meta", "baseline_resets"}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                     " AND name NOT LIKE 'sqlite%'").fetchall():
            if table not in schema3:   # what later versions added (rollups, notifications...)
                conn.execute(f"DROP TABLE {table}")
        conn.close()

        from perftui.core.session import open_session

        with open_session(str(old)) as store:   # upgrades, judging each scope's newest run
            upgraded = status(store)
            assert store.scalar("SELECT count(*) FROM store_meta"
                                " WHERE key = 'judge_newest_runs'") == 0
        with open_store(str(fresh)) as store:
            recorded = status(store)
        for data in (upgraded, recorded):
            data.pop("age_seconds")
            assert len(data["snapshot"].pop("uid")) == 32   # each store made its own
        assert upgraded == recorded
        assert {m["metric_id"]: m["severity"] for m in upgraded["metrics"]}["VAL-001"] != "ok"
