"""Screen 4, targets: edit lines (e, enter) with validation, toggle active (space), add a
metric (n), the audit trail (t); every change checked in the store."""

from __future__ import annotations


async def open_targets(app, pilot, h):
    await pilot.press("4")
    assert await h.settle(pilot, lambda: app.current_mode == "targets"
                          and app.screen.query_one("#targets-table").row_count >= 21)
    return app.screen


def goto(screen, metric_id: str) -> None:
    table = screen.query_one("#targets-table")
    ids = [m["metric_id"] for m in screen.metrics]
    table.move_cursor(row=ids.index(metric_id), animate=False)


def lines(path, h, code: str):
    return h.query(path, "SELECT target, warning, error, active FROM metrics WHERE code = ?",
                   (code,))[0]


async def fill(pilot, app, field_id: str, text: str) -> None:
    app.screen.query_one(f"#{field_id}").value = text
    await pilot.pause(0.05)


class TestEdit:
    """e or enter opens the editor; a valid edit reaches the store with an audit row."""

    async def test_edit_saves(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "APP-001")
            await pilot.press("e")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "EditTarget")
            assert app.screen.query_one("#edit-target").value == "500"
            await fill(pilot, app, "edit-target", "450")
            await fill(pilot, app, "edit-reason", "faster disks")
            app.screen.query_one("#edit-target").focus()
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.screen is screen
                                  and screen.selected_metric()["target"] == 450)
            assert lines(store, h, "APP-001") == (450.0, 550.0, 600.0, 1)
            audit = h.query(store, "SELECT field, old_value, new_value, reason FROM"
                                   " target_changes t JOIN metrics m ON m.id = t.metric_id"
                                   " WHERE m.code = 'APP-001'")
            assert ("target", "500", "450", "faster disks") in audit
            assert "450" in str(screen.query_one("#targets-table").get_row_at(
                screen.query_one("#targets-table").cursor_row)[4])

    async def test_enter_opens_editor_and_escape_cancels(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "APP-001")
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "EditTarget")
            await fill(pilot, app, "edit-target", "1")
            await pilot.press("escape")
            assert await h.settle(pilot, lambda: app.screen is screen)
            assert lines(store, h, "APP-001") == (500.0, 550.0, 600.0, 1)

    async def test_line_order_refused_inline(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "APP-001")
            await pilot.press("e")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "EditTarget")
            dialog = app.screen
            await fill(pilot, app, "edit-warning", "400")  # below the 500 target: wrong way
            problem = dialog.query_one("#edit-problem")
            assert "warning" in str(problem.render()) and problem.display
            app.screen.query_one("#edit-warning").focus()
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert app.screen is dialog
            assert lines(store, h, "APP-001") == (500.0, 550.0, 600.0, 1)
            assert h.query(store, "SELECT count(*) FROM target_changes")[0][0] == 0

    async def test_text_refused_inline(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "VAL-003")
            await pilot.press("e")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "EditTarget")
            dialog = app.screen
            await fill(pilot, app, "edit-error", "lots")
            assert "error must be a number" in str(dialog.query_one("#edit-problem").render())
            dialog.query_one("#edit-error").focus()
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert app.screen is dialog
            assert lines(store, h, "VAL-003") == (0.9, 0.85, 0.8, 1)

    async def test_core_refusal_shown_inline(self, store, h):
        """A refusal by the core itself (edit sent straight to it, skipping the dialog's own
        checks) shows inline too, and the store is unchanged."""
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "APP-001")
            await pilot.press("e")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "EditTarget")
            dialog = app.screen
            dialog.save("APP-001", {"target": "700", "warning": "550", "error": "600"}, None)
            assert await h.settle(pilot, lambda: "warning" in str(
                dialog.query_one("#edit-problem").render()))
            assert app.screen is dialog
            assert lines(store, h, "APP-001") == (500.0, 550.0, 600.0, 1)


class TestActive:
    """space switches a metric off and on, in the store."""

    async def test_space_toggles_active(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "MEM-001")
            await pilot.press("space")
            assert await h.settle(pilot, lambda: lines(store, h, "MEM-001")[3] == 0
                                  and not screen.selected_metric()["active"])
            assert str(screen.query_one("#targets-table").get_row_at(
                screen.query_one("#targets-table").cursor_row)[7]) == "off"
            await pilot.press("space")
            assert await h.settle(pilot, lambda: lines(store, h, "MEM-001")[3] == 1)


class TestAdd:
    """n adds a metric (validated); t shows the audit trail."""

    async def test_add_metric(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            await pilot.press("n")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "AddMetric")
            await fill(pilot, app, "add-id", "API-004")
            await fill(pilot, app, "add-name", "Embedding call time")
            await fill(pilot, app, "add-unit", "ms")
            await fill(pilot, app, "add-target", "80")
            await fill(pilot, app, "add-warning", "100")
            app.screen.query_one("#add-warning").focus()
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.screen is screen
                                  and any(m["metric_id"] == "API-004" for m in screen.metrics))
            row = h.query(store, "SELECT name, unit, direction, target, warning, error, active"
                                 " FROM metrics WHERE code = 'API-004'")
            assert row == [("Embedding call time", "ms", "lower", 80.0, 100.0, None, 1)]

    async def test_add_duplicate_refused(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await open_targets(app, pilot, h)
            await pilot.press("n")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "AddMetric")
            dialog = app.screen
            await fill(pilot, app, "add-id", "APP-001")
            dialog.query_one("#add-id").focus()
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: "already exists" in str(
                dialog.query_one("#add-problem").render()))
            assert h.query(store, "SELECT count(*) FROM metrics")[0][0] == 21

    async def test_audit_trail(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            goto(screen, "MEM-001")
            await pilot.press("space")
            assert await h.settle(pilot, lambda: lines(store, h, "MEM-001")[3] == 0)
            await pilot.press("t")
            assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "AuditTrail"
                                  and app.screen.query_one("#audit-table").row_count == 1)
            row = app.screen.query_one("#audit-table").get_row_at(0)
            assert row[1] == "MEM-001" and row[2] == "active" and "true → false" in row[3]
            await pilot.press("escape")
            assert await h.settle(pilot, lambda: app.screen is screen)


class TestReadOnly:
    """--read-only: editing and toggling say so; the catalog is untouched."""

    async def test_edit_refused(self, store, h):
        app = h.make_app(store, read_only=True)
        async with app.run_test(size=h.SIZE) as pilot:
            screen = await open_targets(app, pilot, h)
            for key in ("e", "space", "n", "enter"):
                await pilot.press(key)
                await pilot.pause(0.1)
                assert app.screen is screen
            assert any("read-only" in str(n.message) for n in app._notifications)
        assert h.query(store, "SELECT count(*) FROM target_changes")[0][0] == 0
