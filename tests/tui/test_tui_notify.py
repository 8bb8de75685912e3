"""The TUI sends what notification channels have not been told yet (issue 13): once its first
frame is out and whenever the store changes; never in a read-only session."""

from __future__ import annotations

import pytest

from perftui import PerformanceTracker
from tests.cli.test_notify import Hook


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def _regression(path, hook_url: str) -> None:
    """20 steady runs, a channel, then slow runs until one error-level alert is open."""
    from perftui.core.notify import add_channel
    from perftui.store.db import open_store

    tracker = PerformanceTracker(db=str(path), summary=False, cold_start=False, app="web")
    def run(value):
        tracker.record_metric("startup_time_ms", value)
        tracker.record_metric("MEM-001", 50.0)
        tracker.record_metric("MEM-002", 1.0)
        return tracker.record_baseline_snapshot()
    for i in range(20):
        run(100.0 + i % 5)
    with open_store(str(path)) as store:
        add_channel(store, "webhook", hook_url)
    opened = []
    for _ in range(4):   # a single slow run is a warning; the shift confirmed, an error
        opened += [a for a in run(300.0).alerts
                   if a.is_new and a.severity in ("error", "critical")]
    assert len(opened) == 1
    tracker.close()


class TestNotifications:
    """A TUI is a perftui process: it delivers pending messages, once."""

    async def test_an_open_tui_sends_the_new_alert_once(self, store, h, hook):
        _regression(store, hook.url)
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: len(hook.received) == 1, timeout=10)
            app.send_notifications()                 # another change: nothing new to say
            await pilot.pause(0.5)
        assert [e["event"] for e in hook.received[0]["events"]] == ["opened"]
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            await pilot.pause(0.5)
        assert len(hook.received) == 1

    async def test_a_read_only_tui_sends_nothing(self, store, h, hook, monkeypatch):
        _regression(store, hook.url)
        app = h.make_app(store, read_only=True)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            await pilot.pause(0.5)
        assert hook.received == []
        monkeypatch.setenv("PERFTUI_NOTIFY", "0")
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            await pilot.pause(0.5)
        assert hook.received == []

    async def test_a_failed_send_is_a_warning_toast(self, store, h):
        failing = Hook(fail=10)
        try:
            _regression(store, failing.url)
            app = h.make_app(store)
            async with app.run_test(size=h.SIZE) as pilot:
                assert await h.settle(pilot, lambda: any(
                    "failed" in str(n.message) for n in app._notifications), timeout=10)
        finally:
            failing.close()
        assert failing.refused >= 1 and failing.received == []
