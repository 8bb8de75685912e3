"""Screen 3, alerts: the table, filters (u, s, f), details (enter), acknowledge (a, A) with
notes, accept as new baseline (b), and what each does to the store."""

from __future__ import annotations


async def open_alerts(app, pilot, h, rows: int = 3):
    await pilot.press("3")
    assert await h.settle(pilot, lambda: app.current_mode == "alerts"
                          and app.screen.query_one("#alerts-table").row_count == rows)
    return app.screen


def alert_rows(path, h):
    return h.query(path, "SELECT a.id, m.code, a.alert_type, a.severity, a.status,"
                         " a.acknowledged_by, a.resolution_notes FROM alerts a"
                         " JOIN metrics m ON m.id = a.metric_id ORDER BY a.id")


def select_type(screen, alert_type: str) -> int:
    table = screen.query_one("#alerts-table")
    index = next(i for i, a in enumerate(screen.alerts) if a["alert_type"] == alert_type)
    table.move_cursor(row=index, animate=False)
    return screen.alerts[index]["id"]


class TestTable:
    """Columns, preview, movement, filters."""

    async def test_rows_and_preview(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            table = screen.query_one("#alerts-table")
            labels = [str(c.label) for c in table.columns.values()]
            assert labels == ["sev", "metric", "value", "expected", "dev", "when", "occ",
                              "status"]
            cells = [table.get_row_at(i) for i in range(3)]
            assert {str(c[0]) for c in cells} == {"CRIT", "error", "info"}
            assert all(c[1] == "APP-001" for c in cells)
            assert "#" in str(screen.query_one("#alert-preview").render())
            await pilot.press("j")
            assert table.cursor_row == 1
            await pilot.press("k", "down")
            assert table.cursor_row == 1
            assert f"#{screen.alerts[1]['id']}" in str(screen.query_one("#alert-preview").render())

    async def test_severity_filter_cycles(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            table = screen.query_one("#alerts-table")
            counts = []
            for _ in range(4):
                await pilot.press("s")
                await h.settle(pilot, lambda: len(screen.alerts) == table.row_count
                               and screen.alerts is not None)
                await pilot.pause(0.2)
                counts.append((screen.severity, table.row_count))
            assert counts == [("warning", 2), ("error", 2), ("critical", 1), (None, 3)]
            assert "severity any" in str(screen.query_one("#alert-filters").render())

    async def test_status_filter_cycles(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            table = screen.query_one("#alerts-table")
            seen = []
            for _ in range(4):
                await pilot.press("f")
                await pilot.pause(0.2)
                await h.settle(pilot, lambda: len(screen.alerts) == table.row_count)
                seen.append((screen.status, table.row_count))
            assert seen == [("acknowledged", 0), ("resolved", 0), ("all", 3), ("open", 3)]
            assert "No alerts match" not in str(screen.query_one("#alert-preview").render())


class TestAcknowledge:
    """a opens a notes dialog: enter writes who/when/why to the store, escape writes nothing."""

    async def test_acknowledge_with_notes(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            alert_id = screen.alerts[0]["id"]
            await pilot.press("a")
            assert await h.settle(pilot, lambda: app.screen.id == "ack-dialog")
            await pilot.press(*"known slow disk")
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.screen is screen
                                  and screen.alerts[0]["status"] == "acknowledged")
            row = next(r for r in alert_rows(store, h) if r[0] == alert_id)
            assert row[4] == "acknowledged" and row[5] and row[6] == "known slow disk"
            assert str(screen.query_one("#alerts-table").get_row_at(0)[7]) == "acked"

    async def test_escape_cancels(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            await pilot.press("a")
            assert await h.settle(pilot, lambda: app.screen.id == "ack-dialog")
            await pilot.press(*"oops", "escape")
            assert await h.settle(pilot, lambda: app.screen is screen)
            await pilot.pause(0.2)
            assert all(r[4] == "open" for r in alert_rows(store, h))

    async def test_unacknowledged_toggle(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            table = screen.query_one("#alerts-table")
            await pilot.press("a", "enter")  # acknowledge the first with no notes
            assert await h.settle(pilot, lambda: screen.alerts
                                  and screen.alerts[0]["status"] == "acknowledged")
            await pilot.press("u")
            assert await h.settle(pilot, lambda: table.row_count == 2)
            assert all(a["status"] == "open" for a in screen.alerts)
            assert "unacknowledged only on" in str(screen.query_one("#alert-filters").render())
            await pilot.press("u")
            assert await h.settle(pilot, lambda: table.row_count == 3)

    async def test_acknowledge_all_visible(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            await pilot.press("s")  # warning and worse: two alerts visible
            assert await h.settle(pilot, lambda: len(screen.alerts) == 2
                                  and screen.query_one("#alerts-table").row_count == 2)
            await pilot.press("A")
            assert await h.settle(pilot, lambda: app.screen.id == "ack-all-dialog")
            await pilot.press(*"release 1.2", "enter")
            assert await h.settle(pilot, lambda: all(a["status"] == "acknowledged"
                                                     for a in screen.alerts))
            statuses = {r[3]: (r[4], r[6]) for r in alert_rows(store, h)}
            assert statuses["critical"] == ("acknowledged", "release 1.2")
            assert statuses["error"] == ("acknowledged", "release 1.2")
            assert statuses["info"] == ("open", None)  # not visible, not touched


class TestBaseline:
    """b accepts the alert's level as the new baseline (statistical alerts only)."""

    async def test_accept_as_baseline(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            select_type(screen, "regression")
            await pilot.press("b")
            assert await h.settle(pilot, lambda: app.screen.id == "accept-dialog")
            await pilot.press(*"new parser is slower", "enter")
            assert await h.settle(pilot, lambda: len(screen.alerts) == 1)
            rows = {r[2]: r for r in alert_rows(store, h)}
            assert rows["regression"][4] == "resolved"
            assert "new parser is slower" in rows["regression"][6]
            assert rows["threshold"][4] == "open"
            assert h.query(store, "SELECT count(*) FROM baseline_resets")[0][0] == 1

    async def test_threshold_alert_is_refused(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            select_type(screen, "threshold")
            await pilot.press("b")
            await pilot.pause(0.2)
            assert app.screen is screen
            assert any("target" in str(n.message) for n in app._notifications)
            assert h.query(store, "SELECT count(*) FROM baseline_resets")[0][0] == 0


class TestDetails:
    """enter opens the details (baseline statistics and a plot); a and b work there too."""

    async def test_details_and_acknowledge(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            alert_id = select_type(screen, "regression")
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: getattr(app.screen, "alert", None) is not None)
            detail = app.screen
            await pilot.pause(0.1)
            text = h.screen_text(app)
            assert "median" in text and "p5 – p95" in text and "confidence" in text
            assert detail.alert["id"] == alert_id
            plot = detail.query_one("#detail-plot")
            assert not plot.spec.empty and plot.spec.band is not None
            assert "regression" in str(detail.query_one("#detail-title").render())
            await pilot.press("a")
            assert await h.settle(pilot, lambda: app.screen.id == "ack-dialog")
            await pilot.press(*"looking", "enter")
            assert await h.settle(pilot, lambda: detail.alert["status"] == "acknowledged")
            assert next(r for r in alert_rows(store, h) if r[0] == alert_id)[6] == "looking"
            await pilot.press("escape")
            assert await h.settle(pilot, lambda: app.screen is screen)


class TestReadOnly:
    """--read-only: triage says it is not available and the store is untouched."""

    async def test_acknowledge_refused(self, store, h):
        before = alert_rows(store, h)
        app = h.make_app(store, read_only=True)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_alerts(app, pilot, h)
            await pilot.press("a")
            await pilot.pause(0.2)
            assert app.screen is screen
            assert any("read-only" in str(n.message) for n in app._notifications)
            await pilot.press("b", "A")
            await pilot.pause(0.2)
            assert app.screen is screen
            assert "read-only" in app.screen.query_one("NavBar").render().plain
        assert alert_rows(store, h) == before
