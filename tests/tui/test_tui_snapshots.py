"""Snapshot tests (pytest-textual-snapshot): each screen at 80x24 on the fixed fixture store,
with a fixed clock and a fixed machine-load reading. Update with --snapshot-update."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture
def frozen_store(store):
    """The fixture store with the catalog's edit times fixed (they are set at creation)."""
    conn = sqlite3.connect(store)
    conn.execute("UPDATE metrics SET updated_at = '2026-01-01T00:00:00.000000Z'")
    conn.commit()
    conn.close()
    return store


def waiter(h, condition, *keys):
    async def run_before(pilot):
        app = pilot.app
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.05)
        assert await h.settle(pilot, lambda: condition(app))
        await pilot.pause(0.2)
    return run_before


def cards_loaded(app):
    return len(app.screen.query("MetricCard")) == 4


class TestStatusSnapshot:
    """The status screen: panels and metric cards."""

    def test_status(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)
        assert snap_compare(app, terminal_size=(80, 24), run_before=waiter(h, cards_loaded))


class TestTrendsSnapshot:
    """The trends screen: chart with band, lines, cold starts and alert marks; the table."""

    def test_trend_chart(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)
        done = waiter(h, lambda a: getattr(a.screen, "trend", None) is not None, "2")
        assert snap_compare(app, terminal_size=(80, 24), run_before=done)

    def test_trend_table(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)
        done = waiter(h, lambda a: a.screen.query_one("#points").row_count == 60, "2", "t")
        assert snap_compare(app, terminal_size=(80, 24), run_before=done)


class TestAlertsSnapshot:
    """The alerts table with its preview, and an alert's details."""

    def test_alerts(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)
        done = waiter(h, lambda a: a.screen.query_one("#alerts-table").row_count == 3, "3")
        assert snap_compare(app, terminal_size=(80, 24), run_before=done)

    def test_alert_details(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)

        async def run_before(pilot):
            await pilot.press("3")
            assert await h.settle(pilot, lambda: pilot.app.screen.query_one(
                "#alerts-table").row_count == 3)
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: getattr(pilot.app.screen, "alert", None))
            await pilot.pause(0.2)

        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


class TestTargetsSnapshot:
    """The targets table, and the edit dialog refusing lines in the wrong order."""

    def test_targets(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)
        done = waiter(h, lambda a: a.screen.query_one("#targets-table").row_count == 21, "4")
        assert snap_compare(app, terminal_size=(80, 24), run_before=done)

    def test_edit_refused(self, snap_compare, frozen_store, h):
        app = h.make_app(frozen_store)

        async def run_before(pilot):
            await pilot.press("4")
            assert await h.settle(pilot, lambda: pilot.app.screen.query_one(
                "#targets-table").row_count == 21)
            await pilot.press("j", "j", "j", "e")  # APP-001
            assert await h.settle(pilot, lambda: type(pilot.app.screen).__name__ == "EditTarget")
            await pilot.press("tab", "ctrl+u", *"450")  # warning below target 500
            await pilot.pause(0.2)

        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
