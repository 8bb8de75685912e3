"""core.status: the latest run against baselines and targets."""

from __future__ import annotations

from perftui.core.status import status
from perftui.store.db import open_store


def test_empty_store_has_no_snapshot(store_path):
    with open_store(str(store_path), create=True) as store:
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


def test_scope_can_be_chosen(store_path, record_series):
    record_series(store_path, {"APP-001": [300, 310]}, app="api", environment="prod")
    record_series(store_path, {"APP-001": [900]}, app="web", environment="dev", start_day=5)
    with open_store(str(store_path)) as store:
        assert status(store)["scope"] == {"app": "web", "environment": "dev"}
        chosen = status(store, app="api", environment="prod")
        assert chosen["metrics"][0]["value"] == 310
        assert {s["app"] for s in chosen["scopes"]} == {"api", "web"}
