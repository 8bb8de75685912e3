"""Alert triage: list, acknowledge, accept as new baseline. The CLI and the TUI both call these."""

from __future__ import annotations

from perftui.core.scope import current_user
from perftui.errors import InputError
from perftui.severity import ALERT_SEVERITIES as SEVERITIES
from perftui.store import alerts as store_alerts
from perftui.store import snapshots
from perftui.store.engine import Database
from perftui.store.metrics import find_metric
from perftui.textrules import control_message, first_control
from perftui.timefmt import now_iso

STATUS_FILTERS = ("open", "acknowledged", "resolved", "all")
MAX_NOTES = 2000


def list_alerts(store: Database, *, severity: str | None = None, status: str = "open",
                unacknowledged: bool = False, metric: str | None = None, app: str | None = None,
                environment: str | None = None, limit: int | None = None) -> list[dict]:
    if severity is not None and severity not in SEVERITIES:
        raise InputError(f"--severity must be one of {', '.join(SEVERITIES)}, got {severity!r}")
    if status not in STATUS_FILTERS:
        raise InputError(f"--status must be one of {', '.join(STATUS_FILTERS)}, got {status!r}")
    if metric is not None and find_metric(store, metric) is None:
        raise InputError(f"unknown metric {metric!r}")
    return store_alerts.list_alerts(store, min_severity=severity, status=status,
                                    unacknowledged=unacknowledged, metric_code=metric, app=app,
                                    environment=environment, limit=limit)


def get_alert(store: Database, alert_id: int) -> dict:
    alert = store_alerts.get_alert(store, _check_id(alert_id))
    if alert is None:
        raise InputError(f"no alert with id {alert_id}")
    return alert


def _check_id(alert_id) -> int:
    if isinstance(alert_id, bool) or not isinstance(alert_id, int) or alert_id <= 0:
        raise InputError(f"alert id must be a positive whole number, got {alert_id!r}")
    return alert_id


def _check_notes(notes: str | None) -> str | None:
    if notes is None:
        return None
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise InputError(f"notes are too long ({len(notes)} characters, at most {MAX_NOTES})")
    _refuse_controls("notes", notes.replace("\n", "").replace("\t", ""))  # lines and tabs ok
    return notes or None


def _check_by(by: str | None) -> str | None:
    """acknowledged-by: a name, one line, no control characters."""
    if by is not None:
        _refuse_controls("acknowledged-by", by)
    return by


def _refuse_controls(field: str, text: str) -> None:
    """Stored text is shown in terminals: no C0, DEL or C1 control characters."""
    char = first_control(text)
    if char is not None:
        raise InputError(control_message(field, char))


def acknowledge(store: Database, alert_id: int, by: str | None = None, notes: str | None = None,
                at: str | None = None) -> dict:
    """Record who acknowledged the alert, when and why. A resolved alert cannot be acknowledged."""
    alert = get_alert(store, alert_id)
    if alert["status"] == "resolved":
        raise InputError(f"alert {alert_id} is already resolved")
    notes, by = _check_notes(notes), _check_by(by)
    with store.transaction():
        store_alerts.acknowledge(store, alert_id, by or current_user(), notes, at or now_iso())
    return get_alert(store, alert_id)


def acknowledge_many(store: Database, alert_ids: list[int], by: str | None = None,
                     notes: str | None = None) -> list[dict]:
    """Acknowledge several alerts in one transaction (skipping resolved ones)."""
    notes = _check_notes(notes)
    who, at = _check_by(by) or current_user(), now_iso()
    done = []
    with store.transaction():
        for alert_id in alert_ids:
            alert = get_alert(store, alert_id)
            if alert["status"] != "resolved":
                store_alerts.acknowledge(store, alert_id, who, notes, at)
                done.append(alert_id)
    return [get_alert(store, i) for i in done]


def accept_as_baseline(store: Database, alert_id: int, by: str | None = None,
                       notes: str | None = None) -> list[dict]:
    """The answer to an intended change: the alert's level becomes the metric's new baseline.

    Returns the alerts this resolved.
    """
    alert = get_alert(store, alert_id)
    if alert["status"] == "resolved":
        raise InputError(f"alert {alert_id} is already resolved")
    if alert["alert_type"] == "threshold":
        raise InputError(f"alert {alert_id} is a threshold alert: its target line is absolute; "
                         "change the target instead (perftui targets set)")
    notes, by = _check_notes(notes), _check_by(by)
    with store.transaction():
        ids = store_alerts.add_baseline_reset(store, alert_id, by or current_user(), notes, now_iso())
    return [get_alert(store, i) for i in ids]


def alert_history(store: Database, alert: dict, limit: int = 60) -> list[tuple[int, str, float]]:
    """The metric's warm values in the alert's scope, up to and including the run that last
    raised it."""
    metric = find_metric(store, alert["metric_id"])
    return snapshots.history_rows(store, metric["_pk"], alert["app"], alert["environment"],
                                  until=alert["last_seen_at"], limit=limit)
