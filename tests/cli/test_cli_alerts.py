"""`perftui alerts`, `alerts ack`, `alerts accept`, `alerts show` on a demo store."""

from __future__ import annotations

import json
import re

import pytest

from ._helpers import assert_one_line_error, fingerprint, store_exists

ALERT_KEYS = {"id", "snapshot_id", "metric_id", "alert_type", "severity", "status",
              "current_value", "expected_value", "deviation_percent", "triggered_at",
              "occurrences", "acknowledged_by", "resolution_notes"}


def alerts_json(cli, db, *args) -> dict:
    code, out, err = cli("--db", db, "alerts", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_list_json_shape(cli, demo_db):
    data = alerts_json(cli, demo_db, "--status", "all", "--severity", "info")
    assert data["count"] == len(data["alerts"]) > 0
    for alert in data["alerts"]:
        assert set(alert) >= ALERT_KEYS
    statuses = {a["status"] for a in data["alerts"]}
    assert {"acknowledged", "resolved"} <= statuses


def test_filters(cli, demo_db):
    everything = alerts_json(cli, demo_db, "--status", "all", "--severity", "info")["alerts"]
    errors = alerts_json(cli, demo_db, "--status", "all", "--severity", "error")["alerts"]
    assert all(a["severity"] in ("error", "critical") for a in errors)
    assert len(errors) <= len(everything)
    unacked = alerts_json(cli, demo_db, "--unacknowledged")["alerts"]
    assert all(a["acknowledged_by"] is None for a in unacked)
    api = alerts_json(cli, demo_db, "--metric", "API-002", "--status", "all")["alerts"]
    assert api and all(a["metric_id"] == "API-002" for a in api)
    assert len(alerts_json(cli, demo_db, "--status", "all", "--limit", "2")["alerts"]) <= 2


def test_text_table(cli, demo_db):
    code, out, _ = cli("--db", demo_db, "alerts", "--status", "all")
    assert code == 0
    assert "severity" in out and "API-002" in out


def open_alert(cli, db, kind=None) -> dict:
    rows = alerts_json(cli, db, "--unacknowledged")["alerts"]
    rows = [a for a in rows if kind is None or (a["alert_type"] == "threshold") == (kind == "threshold")]
    assert rows, "the demo store should have an unacknowledged alert"
    return rows[0]


def test_ack_records_who_and_why(cli, demo_db):
    alert = open_alert(cli, demo_db)
    code, out, _ = cli("--db", demo_db, "alerts", "ack", "--id", alert["id"], "--by", "carol",
                       "--notes", "Fixed by PR #123", "--format", "json")
    assert code == 0
    done = json.loads(out)["acknowledged"][0]
    assert done["acknowledged_by"] == "carol" and done["resolution_notes"] == "Fixed by PR #123"
    assert done["status"] == "acknowledged"


def test_show(cli, demo_db):
    alert = open_alert(cli, demo_db)
    code, out, _ = cli("--db", demo_db, "alerts", "show", "--id", alert["id"], "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["alert"]["id"] == alert["id"] and data["history"]
    code, out, _ = cli("--db", demo_db, "alerts", "show", "--id", alert["id"])
    assert code == 0 and f"alert #{alert['id']}" in out


def test_accept_as_new_baseline(cli, demo_db):
    rows = [a for a in alerts_json(cli, demo_db, "--severity", "info")["alerts"]
            if a["alert_type"] != "threshold"]
    if not rows:
        pytest.skip("no statistical alert open in this demo")
    code, out, _ = cli("--db", demo_db, "alerts", "accept", "--id", rows[0]["id"], "--notes",
                       "intended", "--format", "json")
    assert code == 0
    resolved = json.loads(out)["resolved"]
    assert rows[0]["id"] in [a["id"] for a in resolved]
    assert all(a["status"] == "resolved" for a in resolved)


@pytest.mark.parametrize("args, words", [
    (["--metric", "NOPE-1"], ["unknown metric", "NOPE-1"]),
    (["ack", "--id", "99999"], ["no alert", "99999"]),
    (["ack", "--id", "x"], ["--id", "whole number"]),
    (["ack"], ["--id"]),
    (["accept", "--id", "99999"], ["no alert"]),
    (["show", "--id", "0"], ["--id"]),
    (["--severity", "loud"], ["--severity"]),
])
def test_bad_input(cli, demo_db, args, words):
    before = fingerprint(demo_db)
    code, _, err = cli("--db", demo_db, "alerts", *args)
    assert_one_line_error(code, err, *words)
    assert fingerprint(demo_db) == before


def test_resolved_and_threshold_alerts_are_refused(cli, demo_db):
    resolved = alerts_json(cli, demo_db, "--status", "resolved", "--severity", "info")["alerts"]
    before = fingerprint(demo_db)
    code, _, err = cli("--db", demo_db, "alerts", "ack", "--id", resolved[0]["id"])
    assert_one_line_error(code, err, "already resolved")
    threshold = open_alert(cli, demo_db, kind="threshold")
    code, _, err = cli("--db", demo_db, "alerts", "accept", "--id", threshold["id"])
    assert_one_line_error(code, err, "threshold")
    assert fingerprint(demo_db) == before


def test_missing_store(cli, store_url):
    code, _, err = cli("--db", store_url, "alerts")
    assert_one_line_error(code, err)
    # SQLite: "no store at PATH", PostgreSQL: "no perftui store in URL yet"
    assert re.search(r"no (perftui )?store", err), err
    assert not store_exists(store_url)
