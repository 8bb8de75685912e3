"""Screen 1, status: cards, panels, moving between cards, opening a trend, empty store."""

from __future__ import annotations

from datetime import timedelta


def loaded(app):
    screen = app.screen
    return getattr(screen, "data", None) is not None and len(screen.query("MetricCard")) > 0


class TestCards:
    """A card per metric of the latest run, coloured and labelled by severity."""

    async def test_cards_show_latest_values(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: loaded(app))
            cards = {c.metric_id: c for c in app.screen.query("MetricCard")}
            assert set(cards) == {"APP-001", "API-002", "VAL-003", "MEM-001"}
            startup = cards["APP-001"]
            assert startup.metric["value"] > 600
            assert startup.has_class("-error") or startup.has_class("-critical")
            assert "alert CRIT" in startup.border_subtitle
            text = startup.render().plain
            assert "ms" in text and "base" in text and "target" in text and "▲" in text
            assert cards["MEM-001"].has_class("-ok")

    async def test_panels_show_run_health_and_machine(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: loaded(app))
            latest = str(app.screen.query_one("#latest-run").render())
            assert "#68" in latest and "build-1" in latest and "(main)" in latest
            assert "1h ago" in latest.replace(" ", "") or "60 min ago" in latest
            health = str(app.screen.query_one("#health").render())
            assert "1 CRIT" in health and "1 error" in health and "1 info" in health
            machine = str(app.screen.query_one("#machine").render())
            assert "12%" in machine and "41%" in machine

    async def test_scope_shown_in_navbar(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: loaded(app))
            assert app.scope == ("shop", "prod")
            assert "shop/prod" in app.screen.query_one("NavBar").render().plain

    async def test_explicit_scope(self, store, h):
        app = h.make_app(store, app_name="shop", environment="staging")
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: loaded(app))
            assert app.scope == ("shop", "staging")
            assert len(app.screen.query("MetricCard")) == 2


class TestKeys:
    """Arrows and j/k move between cards; enter opens the focused metric's trend."""

    async def test_move_and_open_trend(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: loaded(app) and app.focused is not None)
            cards = list(app.screen.query("MetricCard"))
            assert app.focused is cards[0]
            await pilot.press("j")
            assert app.focused is cards[2]  # two columns at 80 wide
            await pilot.press("k")
            assert app.focused is cards[0]
            await pilot.press("right")
            assert app.focused is cards[1]
            await pilot.press("down")
            assert app.focused is cards[3]
            await pilot.press("up", "left")
            assert app.focused is cards[0]
            chosen = app.focused.metric_id
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.current_mode == "trends"
                                  and app.screen.trend is not None)
            assert app.screen.metric == chosen
            assert app.screen.trend.metric["metric_id"] == chosen


class TestEmptyStore:
    """A store without runs explains how to record one."""

    async def test_empty_store_message(self, tmp_path, h):
        from perftui.store.sqlite import connect

        path = tmp_path / "empty.db"
        connect(str(path)).close()
        app = h.make_app(path)
        async with app.run_test(size=h.SIZE) as pilot:
            note = app.screen.query_one("#status-message")
            assert await h.settle(pilot, lambda: "No runs" in str(note.render()))
            assert not app.screen.query_one("#cards").display

    async def test_first_run_appears_on_reload(self, tmp_path, h):
        from perftui.store.sqlite import connect

        path = tmp_path / "later.db"
        connect(str(path)).close()
        app = h.make_app(path)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: "No runs" in str(
                app.screen.query_one("#status-message").render()))
            conn = connect(str(path))
            h.record(conn, h.NOW - timedelta(minutes=5), {"startup_time_ms": 420})
            conn.close()
            await pilot.press("ctrl+r")
            assert await h.settle(pilot, lambda: loaded(app))
            assert [c.metric_id for c in app.screen.query("MetricCard")] == ["APP-001"]


async def test_long_registered_names_keep_their_distinct_ends(tmp_path, h):
    """Benchmarks named `suite.Class.time_asgi_handler` / `…time_wsgi_handler` stay apart."""
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store import sqlite as sq

    path = tmp_path / "asv.db"
    conn = sq.connect(str(path))
    for i in range(3):
        record_snapshot(conn, SnapshotInput(
            {"default_middleware.benchmark.DefaultMiddleware.time_asgi_handler": 2.1 + i / 100,
             "default_middleware.benchmark.DefaultMiddleware.time_wsgi_handler": 150 + i},
            app="django", recorded_at=f"2026-01-2{i}T00:00:00Z"))
    conn.close()
    app = h.make_app(path)
    async with app.run_test(size=h.SIZE) as pilot:
        assert await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 2)
        await pilot.pause()
        titles = sorted(str(card.border_title) for card in app.screen.query("MetricCard"))
        assert titles[0].endswith("time_asgi_handler") and titles[1].endswith("time_wsgi_handler")
        assert all("…" in t and len(t) < 40 for t in titles)


class TestEarlyRead:
    """The status data read while Textual is imported is on the first frame, read once."""

    async def test_early_data_is_shown_without_a_second_read(self, store, h, monkeypatch):
        from perftui.tui.data import StoreSource

        reads = []
        real = StoreSource._status

        def counted(self, app, environment):
            reads.append((app, environment))
            return real(self, app, environment)

        monkeypatch.setattr(StoreSource, "_status", counted)
        app = h.make_app(store)
        app.source.start_early_status(None, None)
        app.source._early.result()          # arrived before the UI starts, as at launch
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.pause(0)
            assert len(app.screen.query("MetricCard")) == 4   # in the first frame
            assert "Loading" not in h.screen_text(app)
            await pilot.pause(0.2)
            assert reads == [(None, None)]

    async def test_early_read_not_arrived_yet_is_waited_for(self, store, h, monkeypatch):
        import threading

        from perftui.tui.data import StoreSource

        gate = threading.Event()
        real = StoreSource._status

        def slow(self, app, environment):
            gate.wait(5)
            return real(self, app, environment)

        monkeypatch.setattr(StoreSource, "_status", slow)
        app = h.make_app(store)
        app.source.start_early_status(None, None)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.pause(0.1)
            assert "Loading" in h.screen_text(app)
            gate.set()
            assert await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 4)

    async def test_early_read_failure_is_the_error_screen(self, tmp_path, h):
        app = h.make_app(tmp_path / "missing.db")
        app.source.start_early_status(None, None)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: app.error_screen is not None
                                  and app.screen is app.error_screen)

    def test_the_cli_starts_the_read_before_importing_the_ui(self, store, monkeypatch):
        import argparse

        import perftui.tui.app as tui_app
        from perftui.cli.cmd_tui import run_tui

        seen = {}

        def fake_run(source, app, environment):
            seen["early"] = source._early
            return 0

        monkeypatch.setattr(tui_app, "run", fake_run)
        args = argparse.Namespace(db=str(store), app=None, env=None, read_only=True)
        assert run_tui(args) == 0
        assert seen["early"] is not None and seen["early"].key == (None, None)
        assert seen["early"].result()["metrics"]

    async def test_cards_beyond_the_screen_follow_right_after_the_first_frame(self, store, h):
        from perftui.tui.widgets.cards import MetricGrid

        app = h.make_app(store)
        app.source.start_early_status(None, None)
        app.source._early.result()
        assert MetricGrid.fitting(40, 8) == 3
        async with app.run_test(size=(40, 8)) as pilot:
            grid = app.screen.query_one(MetricGrid)
            assert len(grid.cards) + len(grid._pending) == 4
            assert await h.settle(pilot, lambda: len(grid.cards) == 4 and not grid._pending)
            assert [c.metric_id for c in grid.cards] == [
                m["metric_id"] for m in app.last_status["metrics"]]
