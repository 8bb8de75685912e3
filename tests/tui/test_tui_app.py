"""The app as a whole: the key contract, help, quit, palette, NO_COLOR, 80x24, store errors,
and that an idle screen does not redraw."""

from __future__ import annotations

import pytest

from perftui.tui.app import PerftuiApp
from perftui.tui.commands import open_export, open_prune
from perftui.tui.screens.help import help_table


class TestKeyContract:
    """1 2 3 4 switch screens, ? opens help, q quits, ctrl+p opens the palette."""

    async def test_number_keys_switch_modes(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            for key, mode, screen in (("2", "trends", "TrendsScreen"),
                                      ("3", "alerts", "AlertsScreen"),
                                      ("4", "targets", "TargetsScreen"),
                                      ("1", "status", "StatusScreen")):
                await pilot.press(key)
                assert await h.settle(pilot, lambda: app.current_mode == mode)
                assert type(app.screen).__name__ == screen
                assert f"{key} {mode.capitalize()}" in app.screen.query_one("NavBar").render().plain

    async def test_bindings_have_ids_and_tooltips(self):
        from perftui.tui.screens.alerts import AlertsScreen
        from perftui.tui.screens.targets import TargetsScreen
        from perftui.tui.screens.trends import TrendsScreen

        keys = {}
        for owner in (PerftuiApp, TrendsScreen, AlertsScreen, TargetsScreen):
            for b in owner.BINDINGS:
                assert b.id, b
                keys[b.id] = b.key
        assert keys["mode.status"] == "1" and keys["mode.targets"] == "4"
        assert keys["app.help"] == "question_mark" and keys["app.quit"] == "q"
        assert keys["trends.range"] == "r" and keys["alerts.acknowledge"] == "a"
        assert keys["alerts.unacknowledged"] == "u" and keys["targets.edit"] == "e"
        assert keys["targets.toggle"] == "space"
        assert all(b.tooltip for b in AlertsScreen.BINDINGS)

    async def test_help_opens_and_closes(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.press("question_mark")
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
            text = h.screen_text(app)
            assert "perftui keys" in text and "Current vs target" in text
            whole = _rendered(help_table())   # what scrolling shows further down
            assert "Cycle the time range" in whole and "hour of day x weekday" in whole
            await pilot.press("end")
            await pilot.pause(0.1)
            assert "Acknowledge the selected alert" in h.screen_text(app) or \
                "Read-only" in h.screen_text(app)
            await pilot.press("escape")
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "StatusScreen")

    async def test_q_quits(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.press("q")
            await pilot.pause(0.1)
        assert app.return_code in (0, None)
        assert not app.is_running

    async def test_palette_lists_our_commands(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            await pilot.press("ctrl+p")
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
            await pilot.press(*"staging")
            assert await h.settle(pilot, lambda: "Switch scope to shop / staging"
                                  in h.screen_text(app))
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.scope == ("shop", "staging")
                                  and len(app.screen.query("MetricCard")) == 2)

    @pytest.mark.parametrize("typed, label, screen", [
        ("vs target", "Current vs target (b)", "BarsScreen"),
        ("when it is slow", "When it is slow (w)", "HeatmapScreen")])
    async def test_palette_opens_the_two_views(self, store, h, typed, label, screen):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            await pilot.press("3", "ctrl+p")    # from another screen than status
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
            await pilot.press(*typed)
            assert await h.settle(pilot, lambda: label in h.screen_text(app))
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == screen)

    async def test_palette_opens_a_trend(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.last_status is not None)
            await pilot.press("ctrl+p")
            await h.settle(pilot, lambda: type(app.screen).__name__ == "CommandPalette")
            await pilot.press(*"trend of mem")
            await h.settle(pilot, lambda: "Trend of MEM-001" in h.screen_text(app))
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: app.current_mode == "trends"
                                  and getattr(app.screen, "trend", None) is not None
                                  and app.screen.trend.metric["metric_id"] == "MEM-001")


def _rendered(renderable) -> str:
    import io

    from rich.console import Console

    console = Console(width=100, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


class TestLayout:
    """Every screen fits 80x24 and reads without colour (NO_COLOR)."""

    @pytest.mark.parametrize("key", ["1", "2", "3", "4"])
    async def test_screens_at_80x24(self, store, h, key):
        app = h.make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(key)
            await pilot.pause(0.3)
            await h.settle(pilot, lambda: "Loading" not in h.screen_text(app))
            text = h.screen_text(app).splitlines()
            assert len(text) == 24 and all(len(line) <= 80 for line in text)
            assert "1 Status" in text[0] and "Quit" in text[-1] or "Help" in text[-1]

    async def test_no_color(self, store, h, monkeypatch):
        monkeypatch.setenv("NO_COLOR", "1")
        app = h.make_app(store)
        assert app.no_color
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 4)
            assert "CRIT" in h.screen_text(app)  # severities are words, not only colours
            await pilot.press("2")
            await h.settle(pilot, lambda: getattr(app.screen, "trend", None) is not None)
            await pilot.pause(0.1)
            assert "\x1b[" not in app.screen.query_one("#trend-plot").render().plain
            assert "x" in app.screen.query_one("#trend-plot").render().plain


class TestThemes:
    """Our dark and light themes are registered; switching redraws charts in the new colours."""

    async def test_switch_to_light(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert app.theme == "perftui" and "perftui-light" in app.available_themes
            await pilot.press("2")
            await h.settle(pilot, lambda: getattr(app.screen, "trend", None) is not None)
            before = app.screen.query_one("#trend-plot").spec
            app.theme = "perftui-light"
            assert await h.settle(pilot, lambda: app.screen.query_one("#trend-plot").spec
                                  != before)
            assert not app.current_theme.dark
            await pilot.press("1")
            await pilot.pause(0.2)
            assert "CRIT" in h.screen_text(app)


class TestIdle:
    """An idle screen does not redraw: no timers repaint unchanged data."""

    async def test_idle_trend_does_not_rebuild(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.press("2")
            await h.settle(pilot, lambda: getattr(app.screen, "trend", None) is not None)
            await pilot.pause(0.3)
            plot = app.screen.query_one("#trend-plot")
            builds = plot.builds
            await pilot.pause(1.0)
            assert plot.builds == builds

    async def test_idle_status_makes_no_updates(self, store, h):
        app = h.make_app(store, live=True, poll=0.05)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 4)
            cards = list(app.screen.query("MetricCard"))
            renders = []
            for card in cards:
                original = card.render
                count = [0]

                def counted(original=original, count=count):
                    count[0] += 1
                    return original()

                card.render = counted
                renders.append(count)
            # the first paint of the cards may still be due on a busy machine: wait until half a
            # second passes without one (a screen that repaints on every poll never gets there)
            for _ in range(10):
                before = sum(c[0] for c in renders)
                await pilot.pause(0.5)
                if sum(c[0] for c in renders) == before:
                    break
            for count in renders:
                count[0] = 0
            await pilot.pause(1.0)  # twenty polls of the store, three load samples
            assert sum(c[0] for c in renders) == 0


def error_shown(app) -> bool:
    """The error screen is on top and composed (its message can be read)."""
    screen = app.error_screen
    return (screen is not None and app.screen is screen
            and bool(screen.query("#store-error-message")))


def error_text(app) -> str:
    screen = app.error_screen
    return " ".join(str(screen.query_one(f"#store-error-{part}").render())
                    for part in ("message", "hint"))


class TestStoreErrors:
    """A missing, corrupt or too-new store shows one clear message in the app."""

    async def test_missing_store(self, tmp_path, h):
        app = h.make_app(tmp_path / "nope.db")
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: error_shown(app))
            text = error_text(app)
            assert "no store at" in text and "perftui demo" in text
            assert await h.settle(pilot, lambda: "r Retry" in h.screen_text(app))
            await pilot.press("2")  # screens stay behind the message
            await pilot.pause(0.1)
            assert app.screen is app.error_screen

    async def test_corrupt_store(self, tmp_path, h):
        path = tmp_path / "junk.db"
        path.write_bytes(b"this is not sqlite at all" * 100)
        app = h.make_app(path)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: error_shown(app))
            assert "not a perftui store" in error_text(app)
            assert "Traceback" not in h.screen_text(app)

    async def test_too_new_store(self, store, h):
        h.query(store, "SELECT 1")
        import sqlite3

        conn = sqlite3.connect(store)
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')")
        conn.commit()
        conn.close()
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: error_shown(app))
            assert "upgrade perftui" in error_text(app)

    async def test_retry_after_store_appears(self, tmp_path, store, h):
        path = tmp_path / "later.db"
        app = h.make_app(path)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: error_shown(app))
            path.write_bytes(store.read_bytes())
            await pilot.press("r")
            assert await h.settle(pilot, lambda: app.error_screen is None
                                  and len(app.screen.query("MetricCard")) == 4)

    async def test_locked_store_for_writes(self, store, h, monkeypatch):
        """A write while another process holds the write lock fails with a clear line."""
        import sqlite3

        monkeypatch.setenv("PERFTUI_BUSY_TIMEOUT_MS", "200")
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await pilot.press("3")
            await h.settle(pilot, lambda: app.screen.query_one("#alerts-table").row_count == 3)
            blocker = sqlite3.connect(store, timeout=0.1)
            blocker.execute("BEGIN EXCLUSIVE")
            try:
                app.screen.write_acknowledge([app.screen.alerts[0]["id"]], "x")
                assert await h.settle(pilot, lambda: any(
                    "locked" in str(n.message) for n in app._notifications))
                assert app.error_screen is None
            finally:
                blocker.rollback()
                blocker.close()


    async def test_read_failure_of_any_kind_shows_the_message(self, store, h, monkeypatch):
        """A read refused because the store is read-only (someone else's store, opened
        without --read-only) is the error screen, never a status screen left on "Loading…"
        or an alerts screen that says "0 alerts"."""
        from perftui.errors import StoreReadOnly
        from perftui.tui.data import StoreSource

        def refuse(self):
            raise StoreReadOnly(f"{self.path} is read-only; open it with --read-only")

        monkeypatch.setattr(StoreSource, "_open", refuse)
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: error_shown(app))
            assert "--read-only" in error_text(app)
            assert "Loading" not in h.screen_text(app)

    async def test_store_deleted_while_open(self, store, h):
        """The file is deleted under the running TUI: the next load says the store is gone,
        and nothing is created at its path (no empty store appears)."""
        app = h.make_app(store, live=True, poll=0.05)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 4)
            for path in store.parent.glob(store.name + "*"):
                path.unlink()
            assert await h.settle(pilot, lambda: error_shown(app))
            assert "no store at" in error_text(app)
            await pilot.press("r")
            await pilot.pause(0.3)
        assert not list(store.parent.glob(store.name + "*"))

    async def test_store_replaced_while_open(self, store, h, tmp_path):
        """Another store is moved onto the path (a restore): the TUI shows the new one."""
        import os
        import shutil

        app = h.make_app(store, live=True, poll=0.05)
        async with app.run_test(size=h.SIZE) as pilot:
            assert await h.settle(pilot, lambda: len(app.screen.query("MetricCard")) == 4)
            other = tmp_path / "other.db"
            shutil.copyfile(store, other)
            conn = __import__("sqlite3").connect(other)
            conn.execute("UPDATE snapshots SET git_commit = 'restored1'")
            conn.commit()
            conn.close()
            os.replace(other, store)
            assert await h.settle(pilot, lambda: "restored" in h.screen_text(app))


class TestPaletteActions:
    """Export and prune, reached from the palette, go through the core functions."""

    async def test_export_scope_to_json(self, store, h, tmp_path):
        import json

        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            await h.settle(pilot, lambda: app.scope is not None)
            open_export(app, True)
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
            target = tmp_path / "out.json"
            app.screen.query_one("#export-path").value = str(target)
            app.screen.query_one("#export-path").focus()
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: target.exists()
                                  and type(app.screen).__name__ == "StatusScreen")
            document = json.loads(target.read_text())
            assert document["format"] == "perftui-export"
            assert len(document["snapshots"]) == 60
            assert any("Exported 60 runs" in str(n.message) for n in app._notifications)

    async def test_export_to_missing_directory_refused(self, store, h, tmp_path):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            open_export(app, False)
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "ExportDialog")
            dialog = app.screen
            dialog.query_one("#export-path").value = str(tmp_path / "nope" / "out.csv")
            dialog.query_one("#export-path").focus()
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: "no such directory" in str(
                dialog.query_one("#export-problem").render()))
            assert app.screen is dialog
            assert "Exporting" not in str(dialog.query_one("#export-description").render())

    async def test_prune_shows_plan_then_prunes(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            open_prune(app)
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "PruneDialog"
                                  and app.screen.plan is not None)
            assert "Retention policy" in h.screen_text(app)
            await pilot.press("enter")
            assert await h.settle(pilot, lambda: type(app.screen).__name__ == "StatusScreen")
            assert h.query(store, "SELECT count(*) FROM store_meta"
                                  " WHERE key = 'retention_last_run'")[0][0] == 1
            assert h.query(store, "SELECT count(*) FROM snapshots")[0][0] == 68

    async def test_prune_refused_read_only(self, store, h):
        app = h.make_app(store, read_only=True)
        async with app.run_test(size=h.SIZE) as pilot:
            open_prune(app)
            await pilot.pause(0.1)
            assert type(app.screen).__name__ == "StatusScreen"
            assert any("read-only" in str(n.message) for n in app._notifications)


class TestStartupImports:
    """What the first paint imports: no plotext, peewee or psutil (they load on first use)."""

    def test_first_screen_imports_are_light(self, subprocess_env):
        import subprocess
        import sys

        code = ("import sys, perftui.tui.app, perftui.tui.screens.status\n"
                "heavy = [m for m in ('plotext', 'peewee', 'psutil', 'numpy') if m in sys.modules]\n"
                "print(','.join(heavy))\n")
        done = subprocess.run([sys.executable, "-c", code], env=subprocess_env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == ""
