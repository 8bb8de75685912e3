"""perftui notify (issue 13): a local HTTP server is the webhook; the recorder raises and resolves
a regression; perftui commands deliver one message per change, never one per repeat, and retry
what failed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from perftui import PerformanceTracker
from tests.cli._helpers import assert_one_line_error, fingerprint, query, scalar

SECRET = "T000/B000/s3cr3t-token"


class Hook:
    """A webhook on 127.0.0.1 that keeps every JSON body it took; `fail` answers that many
    requests with HTTP 500 first."""

    def __init__(self, fail: int = 0):
        self.received: list[dict] = []
        self.refused = 0
        self.fail = fail
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if hook.fail > 0:
                    hook.fail -= 1
                    hook.refused += 1
                    self.send_response(500)
                    self.end_headers()
                    return
                hook.received.append(json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/{SECRET}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[list[tuple[str, int]]]:
        return [[(e["event"], e["alert_id"]) for e in m["events"]] for m in self.received]


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def _tracker(where) -> PerformanceTracker:
    return PerformanceTracker(db=str(where), summary=False, cold_start=False, app="shop")


def _run(tracker: PerformanceTracker, value: float):
    tracker.record_metric("startup_time_ms", value)
    tracker.record_metric("MEM-001", 50.0)   # steady: the test process's own memory would
    tracker.record_metric("MEM-002", 1.0)    # grow with it and raise alerts of its own
    return tracker.record_baseline_snapshot()


def _history(tracker, runs: int = 20) -> None:
    for i in range(runs):
        _run(tracker, 100.0 + (i % 5))


def test_one_message_when_an_alert_opens_none_for_repeats_one_when_it_resolves(
        store_url, cli, hook):
    tracker = _tracker(store_url)
    _history(tracker)
    code, out, err = cli("--db", store_url, "notify", "add", "webhook", hook.url)
    assert code == 0, err
    assert SECRET not in out

    opened = []
    for _ in range(4):                       # the regression, then its repeats
        before = len(hook.received)
        result = _run(tracker, 300.0)
        assert len(hook.received) == before  # the recorder itself never sends
        opened += [a.alert_id for a in result.alerts
                   if a.is_new and a.severity in ("error", "critical")]
        code, _, err = cli("--db", store_url, "status")   # the next perftui command sends
        assert code in (0, 1), err
    assert len(opened) == 1, "the test needs exactly one error-level alert"
    assert hook.events() == [[("opened", opened[0])]]
    assert hook.received[0]["events"][0]["severity"] in ("error", "critical")
    assert "1 new alert in shop/" in hook.received[0]["text"]

    for _ in range(12):                      # back to normal until it resolves
        _run(tracker, 101.0)
        cli("--db", store_url, "alerts")
    assert scalar(store_url, "SELECT status FROM alerts WHERE id = ?", (opened[0],)) == "resolved"
    assert hook.events() == [[("opened", opened[0])], [("resolved", opened[0])]]

    code, out, _ = cli("--db", store_url, "notify", "send")
    assert (code, out.strip()) == (0, "nothing to send")
    assert len(hook.received) == 2


def test_a_webhook_that_fails_gets_the_message_on_the_next_command(store_url, cli):
    hook = Hook(fail=1)
    try:
        tracker = _tracker(store_url)
        _history(tracker)
        cli("--db", store_url, "notify", "add", "webhook", hook.url)
        for _ in range(2):
            _run(tracker, 300.0)
        code, _, err = cli("--db", store_url, "status")
        assert code in (0, 1)
        assert hook.refused == 1 and hook.received == []
        assert "HTTP Error 500" in err and "retried later" in err and SECRET not in err

        code, out, _ = cli("--db", store_url, "notify", "list", "--format", "json")
        channel = json.loads(out)["channels"][0]
        assert channel["failures"] == 1 and "HTTP Error 500" in channel["last_error"]
        assert channel["pending"] == 1 and channel["failing"] == 1
        assert scalar(store_url, "SELECT attempts FROM notify_deliveries") == 1

        code, _, err = cli("--db", store_url, "alerts")      # the next command
        assert len(hook.received) == 1 and hook.received[0]["events"][0]["event"] == "opened"
        code, out, _ = cli("--db", store_url, "notify", "list", "--format", "json")
        channel = json.loads(out)["channels"][0]
        assert (channel["failures"], channel["pending"], channel["delivered"]) == (0, 0, 1)
        assert query(store_url, "SELECT attempts, last_error FROM notify_deliveries") == [
            (0, None)]
    finally:
        hook.close()


def test_secrets_are_masked_in_every_output(store_path, cli, hook):
    _history(_tracker(store_path), 3)
    slack = f"https://hooks.slack.com/services/{SECRET}"
    assert cli("--db", store_path, "notify", "add", "slack", slack)[0] == 0
    assert cli("--db", store_path, "notify", "add", "webhook", hook.url)[0] == 0
    outputs = [cli("--db", store_path, "notify", "list"),
               cli("--db", store_path, "notify", "list", "--format", "json"),
               cli("--db", store_path, "notify", "test", "2"),
               cli("--db", store_path, "notify", "remove", "2"),
               cli("--db", store_path, "export", "--format", "json")]
    for _code, out, err in outputs:
        assert SECRET not in out and SECRET not in err
    assert "https://hooks.slack.com/***" in outputs[0][1]
    assert hook.received == [{"source": "perftui", "events": [],
                              "text": "perftui: test message; this channel will be told about "
                                      "alerts at error and worse"}]


@pytest.mark.parametrize("argv, words", [
    (["add", "pager", "https://example.com/x"], ["unknown channel kind", "pager"]),
    (["add", "webhook", "ftp://example.com/x"], ["http", "url"]),
    (["add", "webhook", "not a url"], ["url"]),
    (["add", "slack", "https://"], ["url"]),
    (["add", "webhook", "http://host:99999/x"], ["port"]),
    (["add", "email", "nobody"], ["e-mail address"]),
    (["add", "email", "a@b\x1b[31m"], ["control"]),
    (["add", "webhook", "https://example.com/x", "--min-severity", "loud"], ["min-severity"]),
    (["add", "webhook", "https://example.com/x", "--repeat-hours", "-1"], ["repeat-hours"]),
    (["add", "webhook", "https://example.com/x", "--max-per-hour", "0"], ["max-per-hour"]),
    (["remove", "7"], ["no notification channel", "7"]),
    (["test", "7"], ["no notification channel"]),
])
def test_bad_input_is_one_line_exit_2_and_the_store_is_unchanged(store_url, cli, argv, words):
    _history(_tracker(store_url), 2)
    before = fingerprint(store_url)
    channels = scalar(store_url, "SELECT count(*) FROM notify")
    code, out, err = cli("--db", store_url, "notify", *argv)
    assert_one_line_error(code, err, *words)
    assert fingerprint(store_url) == before
    assert scalar(store_url, "SELECT count(*) FROM notify") == channels == 0


def test_the_same_channel_twice_is_refused(store_path, cli):
    _history(_tracker(store_path), 2)
    assert cli("--db", store_path, "notify", "add", "email", "ops@example.com")[0] == 0
    code, _, err = cli("--db", store_path, "notify", "add", "email", "ops@example.com")
    assert_one_line_error(code, err, "already a channel")
    assert scalar(store_path, "SELECT count(*) FROM notify") == 1


def test_a_failed_test_message_is_one_line_and_recorded(store_path, cli):
    _history(_tracker(store_path), 2)
    hook = Hook(fail=5)
    try:
        cli("--db", store_path, "notify", "add", "webhook", hook.url)
        code, _, err = cli("--db", store_path, "notify", "test", "1")
    finally:
        hook.close()
    assert_one_line_error(code, err, "HTTP Error 500")
    assert SECRET not in err
    assert scalar(store_path, "SELECT failures FROM notify") == 1


def test_read_only_commands_and_perftui_notify_0_send_nothing(store_path, cli, hook,
                                                              monkeypatch):
    tracker = _tracker(store_path)
    _history(tracker)
    cli("--db", store_path, "notify", "add", "webhook", hook.url)
    for _ in range(2):
        _run(tracker, 300.0)
    cli("--db", store_path, "--read-only", "status")
    monkeypatch.setenv("PERFTUI_NOTIFY", "0")
    cli("--db", store_path, "status")
    assert hook.received == []
    monkeypatch.delenv("PERFTUI_NOTIFY")
    code, out, _ = cli("--db", store_path, "notify", "send")
    assert code == 0 and "1 messages about 1 alerts" in out
    assert len(hook.received) == 1


def test_alerts_before_the_channel_and_below_its_severity_are_not_announced(store_path, cli,
                                                                            hook):
    tracker = _tracker(store_path)
    _history(tracker)
    for _ in range(2):
        _run(tracker, 300.0)              # an alert that predates the channel
    cli("--db", store_path, "notify", "add", "webhook", hook.url)
    cli("--db", store_path, "status")
    assert hook.received == []
    assert scalar(store_path, "SELECT count(*) FROM alerts WHERE status = 'open'") >= 1


def test_a_host_app_recording_a_regression_loads_no_network_code_and_sends_nothing(
        store_path, cli, hook, subprocess_env):
    _history(_tracker(store_path))
    cli("--db", store_path, "notify", "add", "webhook", hook.url)
    host = textwrap.dedent(f"""
        import sys
        from perftui import PerformanceTracker
        t = PerformanceTracker(db={str(store_path)!r}, summary=False, cold_start=False,
                               app="shop")
        for _ in range(2):
            t.record_metric("startup_time_ms", 300.0)
            t.record_metric("MEM-001", 50.0)
            t.record_metric("MEM-002", 1.0)
            result = t.record_baseline_snapshot()
        assert any(a.severity in ("error", "critical") for a in result.alerts)
        loaded = {{"urllib.request", "http.client", "smtplib", "perftui.core.notify",
                   "perftui.core.notify_send", "perftui.store.notify"}}
        print(sorted(loaded & set(sys.modules)))
    """)
    proc = subprocess.run([sys.executable, "-c", host], capture_output=True, text=True,
                          env=subprocess_env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
    assert hook.received == []
    cli("--db", store_path, "status")            # the next perftui command sends it
    assert [e for m in hook.events() for e, _ in m] == ["opened"]
