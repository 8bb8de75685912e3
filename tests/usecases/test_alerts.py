"""core.alerts: listing, acknowledging and accepting as new baseline, with bad inputs refused."""

from __future__ import annotations

import pytest

from perftui.core import alerts
from perftui.errors import InputError



def alert_row(store, alert_id: int) -> dict:
    """The alert's row as stored (read with SQL, not through the code under test)."""
    rows = store.execute("SELECT status, acknowledged_by, acknowledged_at, resolution_notes"
                         " FROM alerts WHERE id = ?", (alert_id,)).fetchall()
    return dict(zip(("status", "acknowledged_by", "acknowledged_at", "resolution_notes"),
                    rows[0]))


def all_alerts(store) -> list[tuple]:
    return store.execute("SELECT id, status, acknowledged_by FROM alerts ORDER BY id").fetchall()

def regression_alert(store):
    found = [a for a in alerts.list_alerts(store, metric="VAL-001")
             if a["alert_type"] != "anomaly" and a["severity"] != "info"]
    assert found, alerts.list_alerts(store, status="all")
    return found[0]


def test_list_has_the_contract_fields(regressed_store):
    listed = alerts.list_alerts(regressed_store, status="all")
    required = {"id", "snapshot_id", "metric_id", "alert_type", "severity", "status",
                "current_value", "expected_value", "deviation_percent", "triggered_at",
                "occurrences", "acknowledged_by", "resolution_notes"}
    assert listed and all(required <= set(a) for a in listed)
    threshold = [a for a in listed if a["metric_id"] == "API-002"]
    assert threshold[0]["occurrences"] == 34


def test_filters(regressed_store):
    everything = alerts.list_alerts(regressed_store, status="all")
    errors_up = alerts.list_alerts(regressed_store, severity="error")
    assert all(a["severity"] in ("error", "critical") for a in errors_up)
    assert len(errors_up) <= len(everything)
    assert alerts.list_alerts(regressed_store, status="resolved") == [] or all(
        a["status"] == "resolved" for a in alerts.list_alerts(regressed_store, status="resolved"))
    assert all(a["metric_id"] == "API-002"
               for a in alerts.list_alerts(regressed_store, metric="prompt_token_count"))


def test_acknowledge_records_who_when_why(regressed_store):
    alert = regression_alert(regressed_store)
    done = alerts.acknowledge(regressed_store, alert["id"], by="ana", notes="  known: PR #12  ")
    row = alert_row(regressed_store, alert["id"])
    assert (row["status"], row["acknowledged_by"], row["resolution_notes"]) == (
        "acknowledged", "ana", "known: PR #12")
    assert row["acknowledged_at"] and done["status"] == "acknowledged"
    assert alert["id"] not in [a["id"] for a in
                               alerts.list_alerts(regressed_store, unacknowledged=True)]


def test_acknowledge_many(regressed_store):
    ids = [a["id"] for a in alerts.list_alerts(regressed_store)]
    done = alerts.acknowledge_many(regressed_store, ids, by="ci", notes="batch")
    assert {a["id"] for a in done} == set(ids)
    assert alerts.list_alerts(regressed_store, unacknowledged=True) == []


def test_accept_as_new_baseline_stops_alerting(regressed_store, store_url, record_series):
    alert = regression_alert(regressed_store)
    resolved = alerts.accept_as_baseline(regressed_store, alert["id"], by="ana", notes="intended")
    assert alert["id"] in [a["id"] for a in resolved]
    assert all(a["status"] == "resolved" for a in resolved)
    assert regressed_store.scalar("SELECT count(*) FROM baseline_resets") == 1
    record_series(store_url, {"VAL-001": [561, 559, 563]}, start_day=10)
    fresh = [a for a in alerts.list_alerts(regressed_store, metric="VAL-001")
             if a["severity"] != "info"]
    assert fresh == []


@pytest.mark.parametrize("call,needle", [
    (lambda s: alerts.acknowledge(s, 99999), "no alert with id 99999"),
    (lambda s: alerts.acknowledge(s, 0), "positive whole number"),
    (lambda s: alerts.acknowledge(s, "3"), "positive whole number"),
    (lambda s: alerts.list_alerts(s, severity="loud"), "--severity must be one of"),
    (lambda s: alerts.list_alerts(s, status="sleeping"), "--status must be one of"),
    (lambda s: alerts.list_alerts(s, metric="NOPE-1"), "unknown metric 'NOPE-1'"),
])
def test_bad_inputs_are_refused(regressed_store, call, needle):
    before = all_alerts(regressed_store)
    with pytest.raises(InputError, match=needle):
        call(regressed_store)
    assert all_alerts(regressed_store) == before


def test_threshold_alerts_cannot_be_accepted_and_notes_are_bounded(regressed_store):
    threshold = alerts.list_alerts(regressed_store, metric="API-002")[0]
    with pytest.raises(InputError, match="change the target instead"):
        alerts.accept_as_baseline(regressed_store, threshold["id"])
    with pytest.raises(InputError, match="too long"):
        alerts.acknowledge(regressed_store, threshold["id"], notes="x" * 5000)
    assert alert_row(regressed_store, threshold["id"])["status"] == "open"


def test_resolved_alerts_cannot_be_acknowledged(regressed_store):
    alert = regression_alert(regressed_store)
    alerts.accept_as_baseline(regressed_store, alert["id"])
    with pytest.raises(InputError, match="already resolved"):
        alerts.acknowledge(regressed_store, alert["id"])


def test_acknowledging_again_keeps_the_first_note_and_acknowledger(regressed_store):
    alert = regression_alert(regressed_store)
    alerts.acknowledge(regressed_store, alert["id"], by="ana", notes="investigating, PR #12")
    alerts.acknowledge(regressed_store, alert["id"], by="bo")             # no note: nothing lost
    row = alert_row(regressed_store, alert["id"])
    assert (row["acknowledged_by"], row["resolution_notes"]) == ("ana", "investigating, PR #12")
    alerts.acknowledge_many(regressed_store, [alert["id"]], by="bo", notes="fixed in PR #13")
    row = alert_row(regressed_store, alert["id"])
    assert row["acknowledged_by"] == "ana"
    assert row["resolution_notes"] == "investigating, PR #12 | bo: fixed in PR #13"
