"""Screen 2, trends: the chart, range (r), cold starts (c), table (t), metric picker (m, [ ])."""

from __future__ import annotations

import pytest


async def open_trends(app, pilot, h):
    await pilot.press("2")
    assert await h.settle(pilot, lambda: app.current_mode == "trends"
                          and getattr(app.screen, "trend", None) is not None)
    return app.screen


def info(screen) -> str:
    return str(screen.query_one("#trend-info").render())


class TestChart:
    """The chart draws the runs, the baseline band, the target lines and alert marks."""

    async def test_chart_of_worst_metric(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            screen = await open_trends(app, pilot, h)
            assert screen.metric == "APP-001"  # the worst metric of the latest run
            trend = screen.trend
            assert trend.total == 60 and trend.cold_total == 4
            assert trend.baseline is not None and len(trend.alerts) == 3
            plot = screen.query_one("#trend-plot")
            spec = plot.spec
            assert not spec.empty and spec.band is not None
            assert any(s.marker == "x" for s in spec.series)      # alert marks
            assert any(s.marker == "•" for s in spec.series)      # cold starts
            assert {ln.marker for ln in spec.lines} >= {"─", "━"}  # median, error line
            await pilot.pause(0.1)
            assert plot.builds >= 1
            rendered = plot.render().plain
            assert "600ms" in rendered or "600" in rendered
            assert "last 7 days" in info(screen) and "60 runs" in info(screen)


class TestKeys:
    """r cycles the range, c hides cold starts, t shows the table, m and [ ] pick metrics."""

    async def test_range_cycles(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            seen = []
            for _ in range(4):
                await pilot.press("r")
                assert await h.settle(pilot, lambda: screen.trend is not None
                                      and screen.trend.range == screen.range)
                seen.append((screen.range, screen.trend.total))
            assert seen == [("30d", 60), ("all", 60), ("24h", 24), ("7d", 60)]
            assert "last 7 days" in info(screen)

    async def test_cold_starts_hidden(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            await pilot.press("c")
            assert await h.settle(pilot, lambda: not screen.trend.cold_starts)
            assert screen.trend.total == 56 and screen.trend.cold_x == []
            assert "cold starts hidden" in info(screen)
            assert not any(s.marker == "•" for s in screen.query_one("#trend-plot").spec.series)
            await pilot.press("c")
            assert await h.settle(pilot, lambda: screen.trend.cold_starts)
            assert screen.trend.total == 60

    async def test_points_table(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            table = screen.query_one("#points")
            assert not table.display
            await pilot.press("t")
            assert await h.settle(pilot, lambda: table.row_count == 60)
            assert table.display and app.focused is table
            first = table.get_row_at(0)
            assert first[0] == "01-31 11:00" and first[1].endswith("ms") and first[3] == "warm"
            await pilot.press("j", "j", "k")
            assert table.cursor_row == 1
            await pilot.press("t")
            assert not table.display

    async def test_pick_metric(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            await h.settle(pilot, lambda: screen.metrics)
            await pilot.press("m")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "PickMetric")
            await pilot.press(*"memory")
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.screen is screen
                                  and screen.trend is not None
                                  and screen.trend.metric["metric_id"] == "MEM-001")
            assert "MEM-001" in str(screen.query_one("#trend-title").render())

    async def test_pick_metric_escape(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            await h.settle(pilot, lambda: screen.metrics)
            await pilot.press("m")
            await h.settle(pilot, lambda: app.screen is not screen)
            await pilot.press("escape")
            assert await h.settle(pilot, lambda: app.screen is screen)
            assert screen.metric == "APP-001"

    async def test_next_and_previous_metric(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            await h.settle(pilot, lambda: screen.metrics)
            ids = [m["metric_id"] for m in screen.metrics]
            start = ids.index("APP-001")
            await pilot.press("right_square_bracket")
            assert await h.settle(pilot, lambda: screen.trend is not None
                                  and screen.trend.metric["metric_id"] == ids[start + 1])
            await pilot.press("left_square_bracket")
            assert await h.settle(pilot, lambda: screen.trend is not None
                                  and screen.trend.metric["metric_id"] == "APP-001")

    async def test_metric_without_runs_explains(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_trends(app, pilot, h)
            screen.show_metric("GEN-001")
            assert await h.settle(pilot, lambda: screen.trend is not None
                                  and screen.trend.metric["metric_id"] == "GEN-001")
            plot = screen.query_one("#trend-plot")
            assert "No runs of GEN-001" in plot.render().plain


def watermark(path):
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM store_meta WHERE key = 'rollup_watermark'").fetchone()
        return row and row[0]
    finally:
        conn.close()


def toasts(app) -> str:
    return " ".join(str(n.message) for n in app._notifications)


@pytest.fixture
def far_behind(monkeypatch):
    """The test store's 68 runs are more than a chart folds before it draws."""
    from perftui.core import trends

    monkeypatch.setattr(trends, "ROLLUP_REFRESH_LIMIT", 10)


async def chart(app, pilot, h):
    """The status screen's data in, then screen 2."""
    await h.settle(pilot, lambda: app.last_status is not None)
    return await open_trends(app, pilot, h)


class TestRollupsBehind:
    """A store whose hourly rollups are further behind than a chart folds before it draws gets
    them built once, in the background, and the charts read them from then on."""

    async def test_built_in_the_background_once(self, store, h, far_behind):
        from perftui.store import rollups
        from perftui.store.db import open_store

        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await chart(app, pilot, h)
            assert await h.settle(pilot, lambda: "rollups built" in toasts(app))
            assert "Summarising 68 runs" in toasts(app)
            assert await h.settle(pilot, lambda: app.rollups_building.acquire(blocking=False))
            app.rollups_building.release()
            await pilot.press("r")   # another chart: nothing left to build
            await pilot.pause(0.3)
            assert toasts(app).count("Summarising") == 1
        assert watermark(store) is not None
        with open_store(str(store), readonly=True) as db:
            assert rollups.pending(db) == 0 and rollups.kept(db)

    async def test_never_on_a_store_opened_read_only(self, store, h, far_behind):
        before = store.read_bytes()
        app = h.make_app(store, read_only=True)
        async with app.run_test(size=h.SIZE) as pilot:
            await chart(app, pilot, h)
            await pilot.pause(0.5)
            assert "Summarising" not in toasts(app)
        assert watermark(store) is None and store.read_bytes() == before

    async def test_not_within_what_a_chart_folds_itself(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await chart(app, pilot, h)
            await pilot.pause(0.5)
            assert "Summarising" not in toasts(app)
        assert watermark(store) is None

    async def test_a_failed_build_is_said_once_and_not_tried_again(self, store, h, far_behind,
                                                                    monkeypatch):
        from perftui.errors import StoreLocked
        from perftui.tui.data import StoreSource

        calls = []

        def busy(self):
            calls.append(1)
            raise StoreLocked("the store is locked by another process")

        monkeypatch.setattr(StoreSource, "build_rollups", busy)
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await chart(app, pilot, h)
            assert await h.settle(pilot, lambda: "not built" in toasts(app))
            assert "locked" in toasts(app)
            for key in "rcr":   # more charts: no second attempt, no second notice
                await pilot.press(key)
                await pilot.pause(0.2)
            assert len(calls) == 1 and toasts(app).count("Summarising") == 1
            assert app.error_screen is None   # a chance to speed charts up, not a store error
        assert watermark(store) is None

    async def test_quitting_does_not_wait_for_a_build(self, store, h, far_behind, monkeypatch):
        import threading

        from perftui.tui.data import StoreSource

        release = threading.Event()
        monkeypatch.setattr(StoreSource, "build_rollups", lambda self: release.wait(30))
        app = h.make_app(store)
        try:
            async with app.run_test(size=h.SIZE) as pilot:
                await chart(app, pilot, h)
                assert await h.settle(pilot, lambda: "Summarising" in toasts(app))
            builders = [t for t in threading.enumerate() if t.name == "perftui-rollups"]
            assert builders and all(t.daemon for t in builders)   # the process may end now
        finally:
            release.set()

    async def test_the_builds_own_commits_reload_nothing(self, store, h):
        from perftui.tui.messages import StoreChanged

        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            before = app.generation
            with app.rollups_building:          # as while a build commits
                app.post_message(StoreChanged())
                await pilot.pause(0.2)
                assert app.generation == before
            app.post_message(StoreChanged())    # its last word, or any change after it
            assert await h.settle(pilot, lambda: app.generation == before + 1)
