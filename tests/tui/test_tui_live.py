"""Live refresh: a run recorded by another thread or process shows within two seconds."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import timedelta


def startup_value(app):
    cards = {c.metric_id: c for c in app.screen.query("MetricCard")}
    card = cards.get("APP-001")
    return card.metric["value"] if card is not None else None


class TestLiveRefresh:
    """The watcher notices commits from elsewhere and the visible screen reloads."""

    async def test_snapshot_from_another_thread(self, store, h):
        app = h.make_app(store, live=True, poll=0.1)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: startup_value(app) is not None
                                  and app.watcher.ready)
            assert startup_value(app) > 600

            def write():
                from perftui.store.sqlite import connect

                conn = connect(str(store))
                h.record(conn, h.NOW - timedelta(minutes=1), {"startup_time_ms": 123.0})
                conn.close()

            thread = threading.Thread(target=write)
            started = time.monotonic()
            thread.start()
            thread.join()
            assert await h.settle(pilot, lambda: startup_value(app) == 123.0, timeout=2.0)
            assert time.monotonic() - started < 2.0
            assert "#69" in str(app.screen.query_one("#latest-run").render())

    async def test_snapshot_from_another_process(self, store, h, subprocess_env):
        app = h.make_app(store, live=True, poll=0.1)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: startup_value(app) is not None
                                  and app.watcher.ready)
            code = (
                "import sys\n"
                "from perftui.store.sqlite import connect\n"
                "from perftui.recorder.evaluate import SnapshotInput, record_snapshot\n"
                "conn = connect(sys.argv[1])\n"
                "record_snapshot(conn, SnapshotInput(metrics={'startup_time_ms': 321.0},"
                " recorded_at='2026-01-31T11:59:00Z', app='shop', environment='prod'))\n")
            done = subprocess.run([sys.executable, "-c", code, str(store)], env=subprocess_env,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stderr
            written = time.monotonic()
            assert await h.settle(pilot, lambda: startup_value(app) == 321.0, timeout=2.0)
            assert time.monotonic() - written < 2.0

    async def test_visible_and_hidden_screens_reload(self, store, h):
        import sqlite3

        app = h.make_app(store, live=True, poll=0.1)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.press("3")
            assert await h.settle(pilot, lambda: app.screen.query_one("#alerts-table")
                                  .row_count == 3 and app.watcher.ready)
            alerts = app.screen
            table = alerts.query_one("#alerts-table")
            conn = sqlite3.connect(store)
            conn.execute("UPDATE alerts SET status = 'resolved' WHERE severity = 'info'")
            conn.commit()
            assert await h.settle(pilot, lambda: table.row_count == 2, timeout=2.0)
            await pilot.press("1")  # alerts now hidden: it reloads when shown again
            generation = app.generation
            conn.execute("UPDATE alerts SET status = 'resolved' WHERE severity = 'error'")
            conn.commit()
            conn.close()
            assert await h.settle(pilot, lambda: app.generation > generation, timeout=2.0)
            assert table.row_count == 2
            await pilot.press("3")
            assert await h.settle(pilot, lambda: table.row_count == 1, timeout=2.0)

    async def test_live_can_be_paused(self, store, h):
        app = h.make_app(store, live=True, poll=0.1)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: startup_value(app) is not None)
            app.action_toggle_live()
            assert app.watcher is None and "paused" in app.screen.query_one("NavBar").render().plain
            from perftui.store.sqlite import connect

            conn = connect(str(store))
            h.record(conn, h.NOW - timedelta(minutes=1), {"startup_time_ms": 99.0})
            conn.close()
            await pilot.pause(0.5)
            assert startup_value(app) != 99.0


class TestWatcherFirstReading:
    """The watcher's first reading comes after the screens' first load (it starts after the first
    frame): a store gone by then must still reach the screens."""

    def test_a_store_deleted_before_the_first_reading_is_reported(self, tmp_path):
        from perftui.tui.watch import StoreWatcher

        changes = threading.Event()
        watcher = StoreWatcher(str(tmp_path / "gone.db"), changes.set, interval=0.05)
        watcher.start()
        try:
            assert changes.wait(2.0)   # the screens look again, and say the store is gone
        finally:
            watcher.stop()
        assert not list(tmp_path.iterdir())   # and nothing was created at its path

    def test_a_store_there_at_the_first_reading_is_no_change(self, store):
        from perftui.tui.watch import StoreWatcher

        changes = threading.Event()
        watcher = StoreWatcher(str(store), changes.set, interval=0.05)
        watcher.start()
        try:
            deadline = time.monotonic() + 2.0
            while not watcher.ready and time.monotonic() < deadline:
                time.sleep(0.01)
            assert watcher.ready and not changes.wait(0.3)
        finally:
            watcher.stop()
