"""The rules of perftui.core.notify on both engines: escalation, reminders, one message per run,
the rate limit, the pause after failures, one sender at a time; e-mail through a local SMTP
server."""

from __future__ import annotations

import socketserver
import threading
import time

import pytest

from perftui.core import notify
from perftui.store import alerts as store_alerts
from perftui.store import notify as store_notify
from perftui.store.db import open_store
from perftui.timefmt import iso_from_epoch

T0 = 1_800_000_000.0   # a fixed "now" (2027-01-15)


@pytest.fixture
def store(store_url):
    db = open_store(store_url, create=True)
    yield db
    db.close()


@pytest.fixture
def sent(monkeypatch):
    """Every message a channel took: (kind, events as (event, alert id, severity))."""
    taken: list = []

    def deliver(kind, target, body):
        taken.append([(e["event"], e["alert_id"], e["severity"]) for e in body["events"]])
        return None

    monkeypatch.setattr(notify, "deliver", deliver)
    return taken


def _alert(store, metric="APP-001", severity="error", at=T0, app="shop") -> int:
    metric_id = store.scalar("SELECT id FROM metrics WHERE code = ?", (metric,))
    snapshot = store.execute("INSERT INTO snapshots (recorded_at, app, environment) VALUES"
                             " (?, ?, 'local') RETURNING id", (iso_from_epoch(at), app)).scalar()
    with store.transaction():
        return store_alerts.insert_alert(
            store, snapshot_id=snapshot, baseline_snapshot_id=None, metric_id=metric_id,
            app=app, environment="local", alert_type="regression", severity=severity,
            current_value=150.0, expected_value=100.0, deviation_percent=50.0,
            message="slower", at=iso_from_epoch(at), context=None)


def _channel(store, **options) -> int:
    return notify.add_channel(store, "webhook", "https://example.com/hook/secret",
                              **options)["id"]


def test_escalation_is_announced_a_repeat_at_the_same_severity_is_not(store, sent):
    _channel(store, min_severity="warning")
    alert = _alert(store, severity="warning")
    notify.send_pending(store, now=T0)
    with store.transaction():
        store_alerts.repeat_alert(store, alert, alert_type="regression", severity="warning",
                                  current_value=151.0, expected_value=100.0,
                                  deviation_percent=51.0, message="slower", at=iso_from_epoch(T0 + 60))
    notify.send_pending(store, now=T0 + 60)
    with store.transaction():
        store_alerts.repeat_alert(store, alert, alert_type="regression", severity="critical",
                                  current_value=300.0, expected_value=100.0,
                                  deviation_percent=200.0, message="much slower",
                                  at=iso_from_epoch(T0 + 120))
    notify.send_pending(store, now=T0 + 120)
    notify.send_pending(store, now=T0 + 180)
    assert sent == [[("opened", alert, "warning")], [("escalated", alert, "critical")]]


def test_alerts_below_the_channels_severity_wait_until_they_reach_it(store, sent):
    _channel(store)                               # default: error and worse
    alert = _alert(store, severity="warning")
    notify.send_pending(store, now=T0)
    assert sent == []
    with store.transaction():
        store_alerts.repeat_alert(store, alert, alert_type="regression", severity="error",
                                  current_value=200.0, expected_value=100.0,
                                  deviation_percent=100.0, message="slower",
                                  at=iso_from_epoch(T0 + 60))
    notify.send_pending(store, now=T0 + 60)
    assert sent == [[("opened", alert, "error")]]


def test_one_message_per_run_whatever_the_number_of_alerts(store, sent):
    _channel(store)
    first = [_alert(store, metric=m, at=T0) for m in ("APP-001", "API-001", "VAL-001")]
    later = _alert(store, metric="MEM-001", at=T0 + 30)
    other_scope = _alert(store, metric="MEM-002", at=T0 + 30, app="admin")
    results = notify.send_pending(store, now=T0 + 60)
    assert [[a for _, a, _ in m] for m in sent] == [first, [other_scope], [later]]
    assert (results[0]["messages"], results[0]["alerts"]) == (3, 5)


def test_reminders_for_alerts_still_open_after_the_repeat_interval(store, sent):
    _channel(store, repeat_hours=24)
    kept_open, acknowledged = _alert(store), _alert(store, metric="API-001")
    notify.send_pending(store, now=T0)
    with store.transaction():
        store_alerts.acknowledge(store, acknowledged, "ann", "on it", iso_from_epoch(T0))
    notify.send_pending(store, now=T0 + 23 * 3600)
    assert len(sent) == 1
    notify.send_pending(store, now=T0 + 24 * 3600 + 1)
    assert sent[1] == [("reminder", kept_open, "error")]
    notify.send_pending(store, now=T0 + 25 * 3600)
    assert len(sent) == 2


def test_no_reminders_with_repeat_hours_0(store, sent):
    _channel(store, repeat_hours=0)
    _alert(store)
    notify.send_pending(store, now=T0)
    notify.send_pending(store, now=T0 + 1000 * 3600)
    assert len(sent) == 1


def test_the_rate_limit_merges_what_is_due_and_holds_the_rest_for_the_next_hour(store, sent):
    _channel(store, max_per_hour=2)
    runs = [_alert(store, at=T0 + i, metric=m)
            for i, m in enumerate(("APP-001", "API-001", "VAL-001", "MEM-001"))]
    notify.send_pending(store, now=T0 + 10)
    assert [[a for _, a, _ in m] for m in sent] == [runs[:1], runs[1:]]
    late = _alert(store, metric="MEM-002", at=T0 + 20)
    result = notify.send_pending(store, now=T0 + 30)[0]
    assert (result["messages"], result["held"]) == (0, 1)
    assert len(sent) == 2
    notify.send_pending(store, now=T0 + 10 + 3600)
    assert sent[2] == [("opened", late, "error")]


def test_after_two_failures_in_a_row_automatic_sends_pause_and_notify_send_does_not(
        store, monkeypatch):
    channel = _channel(store)
    _alert(store)
    calls = []
    monkeypatch.setattr(notify, "deliver",
                        lambda kind, target, body: calls.append(1) or "HTTP Error 503")
    notify.send_pending(store, now=T0)
    notify.send_pending(store, now=T0 + 1)          # the next command retries at once
    assert len(calls) == 2
    notify.send_pending(store, now=T0 + 2)           # then a pause (1 minute after two)
    assert len(calls) == 2
    result = notify.send_pending(store, now=T0 + 3, force=True)
    assert len(calls) == 3 and result[0]["error"] == "HTTP Error 503"
    row = store_notify.channel(store, channel)
    assert row["failures"] == 3 and row["last_error"] == "HTTP Error 503"


def test_one_sender_at_a_time(store, sent):
    channel = _channel(store)
    _alert(store)
    with store.transaction():
        assert store_notify.claim(store, channel, iso_from_epoch(time.time()),
                                  iso_from_epoch(time.time() + 60))
    assert notify.send_pending(store) == [] and sent == []
    with store.transaction():
        store_notify.release(store, channel)
    assert notify.send_pending(store)[0]["messages"] == 1


def test_what_another_sender_delivered_just_before_the_lease_is_not_sent_again(store, sent,
                                                                             monkeypatch):
    channel = _channel(store)
    alert = _alert(store)
    claim = store_notify.claim

    def claim_after_another_sender(db, channel_id, now, until):
        # another process sent this alert and let the lease go between our look and our claim
        store_notify.delivered(db, channel_id, [(alert, "error", "open")], now)
        return claim(db, channel_id, now, until)

    monkeypatch.setattr(store_notify, "claim", claim_after_another_sender)
    assert notify.send_pending(store, now=T0) == [] and sent == []
    assert store_notify.channel(store, channel)["claimed_until"] is None


def test_history_is_not_news_an_alert_last_seen_days_ago_is_not_announced(store, sent):
    _channel(store)
    imported = _alert(store, at=T0 - 3 * 24 * 3600)     # an import or a replay of old runs
    fresh = _alert(store, metric="API-001", at=T0 - 3600)
    notify.send_pending(store, now=T0)
    assert sent == [[("opened", fresh, "error")]]
    assert imported not in [a for m in sent for _, a, _ in m]


def test_a_resolved_alert_is_announced_only_to_channels_told_it_opened(store, sent):
    _alert(store)                                  # before any channel
    _channel(store)
    told = _alert(store, metric="API-001")
    notify.send_pending(store, now=T0)
    with store.transaction():
        for alert_id in (1, told):
            store_alerts.auto_resolve(store, alert_id, iso_from_epoch(T0 + 60), "normal")
    notify.send_pending(store, now=T0 + 60)
    assert sent == [[("opened", told, "error")], [("resolved", told, "error")]]


def test_masking_keeps_scheme_and_host_only():
    assert notify.mask_target("slack", "https://hooks.slack.com/services/T/B/X") == \
        "https://hooks.slack.com/***"
    assert notify.mask_target("webhook", "https://user:pw@h.example:8443/p?token=1") == \
        "https://h.example:8443/***"
    assert notify.mask_target("email", "ops@example.com") == "ops@example.com"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greet, EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self):
        self.wfile.write(b"220 test ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line.split()[0].upper() if line.split() else b""
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                self.server.mails.append(b"".join(data).decode())
                self.wfile.write(b"250 kept\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_email_goes_through_the_smtp_server_from_the_environment(store_path, monkeypatch):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.mails = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with open_store(str(store_path), create=True) as db:
            notify.add_channel(db, "email", "oncall@example.com")
            alert = _alert(db)
            monkeypatch.delenv("PERFTUI_SMTP_HOST", raising=False)
            failed = notify.send_pending(db, now=T0)[0]
            assert "PERFTUI_SMTP_HOST is not set" in failed["error"]
            monkeypatch.setenv("PERFTUI_SMTP_HOST", "127.0.0.1")
            monkeypatch.setenv("PERFTUI_SMTP_PORT", str(server.server_address[1]))
            monkeypatch.setenv("PERFTUI_SMTP_FROM", "perftui@ci.example.com")
            result = notify.send_pending(db, now=T0 + 1)[0]
    finally:
        server.shutdown()
        server.server_close()
    assert result["error"] is None and result["messages"] == 1
    [mail] = server.mails
    assert "To: oncall@example.com" in mail and "From: perftui@ci.example.com" in mail
    assert "Subject: perftui: 1 new alert in shop/local" in mail
    assert f"[alert {alert}]" in mail


def test_a_message_lists_at_most_30_alerts_in_its_text_and_carries_every_event():
    from perftui.core.notify_send import payload

    events = [{"event": "opened", "alert_id": i, "app": "shop", "environment": "local",
               "metric_id": f"X-{i}", "metric_name": "x", "unit": "ms", "alert_type": "regression",
               "severity": "error", "status": "open", "current_value": 2.0,
               "expected_value": 1.0, "deviation_percent": 100.0, "message": "", "at": "t"}
              for i in range(35)]
    body = payload("webhook", events)
    lines = body["text"].splitlines()
    assert lines[0] == "perftui: 35 new alerts in shop/local"
    assert len(lines) == 32 and lines[-1] == "- and 5 more (perftui alerts)"
    assert len(body["events"]) == 35
    assert payload("slack", events[:1]) == {"text": "perftui: 1 new alert in shop/local\n- new "
                                            "error regression X-0 x: 2ms (expected 1ms, "
                                            "+100.0%) [alert 0]"}
