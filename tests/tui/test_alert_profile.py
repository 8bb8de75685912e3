"""The alert details' profile (p): what grew since the baseline profile, the slow function
first; "no profile yet" without one; a line saying a damaged one cannot be read; the details'
other keys unchanged."""

from __future__ import annotations

import sqlite3

import pytest


@pytest.fixture(scope="module")
def profiled_template(tmp_path_factory):
    """shop/staging: a regression alert without a profile; shop/prod (the newest scope): one
    whose operation regressed through slow_part, with its profile and a baseline profile."""
    from tests._profiled import build_store

    path = tmp_path_factory.mktemp("profiled") / "template.db"
    build_store(str(path), environment="staging", baseline=False, profile=False, days_back=5)
    build_store(str(path), environment="prod")
    return path


@pytest.fixture
def store(profiled_template, tmp_path):
    path = tmp_path / "store.db"
    src, dst = sqlite3.connect(profiled_template), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    return path


def alert_of(path, h, env: str) -> int:
    from tests._profiled import FIND_ALERT

    return h.query(path, FIND_ALERT, ("shop", env))[0][0]


async def open_detail(app, pilot, h, path, env: str = "prod"):
    """The alerts screen (3), the alert of `env` selected, enter."""
    alert_id = alert_of(path, h, env)
    await pilot.press("3")
    assert await h.settle(pilot, lambda: app.current_mode == "alerts"
                          and app.screen.alerts is not None
                          and any(a["id"] == alert_id for a in app.screen.alerts))
    alerts = app.screen
    index = next(i for i, a in enumerate(alerts.alerts) if a["id"] == alert_id)
    alerts.query_one("#alerts-table").move_cursor(row=index, animate=False)
    await pilot.press("enter")
    assert await h.settle(pilot, lambda: getattr(app.screen, "alert", None) is not None
                          and app.screen.query_one("#detail-profile").mode != "loading")
    return alerts, app.screen


async def push_detail(app, pilot, h, alert_id: int):
    """The details of any alert (other scopes too), as enter opens them."""
    from perftui.tui.screens.alert_detail import AlertDetailScreen

    assert await h.settle(pilot, lambda: app.screen is not None)
    await app.push_screen(AlertDetailScreen(alert_id))
    assert await h.settle(pilot, lambda: getattr(app.screen, "alert", None) is not None
                          and app.screen.query_one("#detail-profile").mode != "loading")
    return app.screen


class TestDiff:
    """p shows what grew since the baseline, the slow function on top, within 80x24."""

    async def test_the_slow_function_is_the_first_row_of_the_diff(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            _, detail = await open_detail(app, pilot, h, store)
            table = detail.query_one("#detail-profile")
            assert table.mode == "diff"
            assert table.diff_rows[0]["name"] == "slow_part"
            assert table.diff_rows[1]["name"] == "b" and table.diff_rows[1]["carried_by"]
            # the stats say there is a profile, and what grew most
            assert "grew most: slow_part" in h.screen_text(app)
            assert not detail.query_one("#detail-profile-box").display
            await pilot.press("p")
            await pilot.pause(0.1)
            assert detail.query_one("#detail-profile-box").display
            assert not detail.query_one("#detail-body").display
            lines = h.screen_text(app).splitlines()
            assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
            header = next(i for i, line in enumerate(lines) if "grew most since" in line)
            assert lines[header + 1].split() == ["function", "before", "now", "growth", "+ms"]
            first = lines[header + 2]
            assert first.strip().startswith("slow_part (tests/_profiled.py:")
            assert f"{table.diff_rows[0]['growth']:+.1f}pp" in first   # numbers whole
            assert any("top functions by cumulative time" in line for line in lines)
            await pilot.press("p")
            await pilot.pause(0.1)
            assert detail.query_one("#detail-body").display
            assert not detail.query_one("#detail-profile-box").display

    async def test_without_a_baseline_the_top_functions(self, store, h):
        h_alert = alert_of(store, h, "prod")
        from tests.cli._helpers import execute

        execute(str(store), "DELETE FROM profiles WHERE kind = 'baseline'")
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            detail = await push_detail(app, pilot, h, h_alert)
            table = detail.query_one("#detail-profile")
            assert table.mode == "top" and table.diff_rows == []
            assert table.top_rows[0]["name"] == "op"
            await pilot.press("p")
            await pilot.pause(0.1)
            text = h.screen_text(app)
            assert "no baseline profile" in text and "grew most since" not in text
            assert "slow_part (tests/_profiled.py:" in text


class TestNoProfile:
    """An alert without a profile says so; a damaged one is one line, not an error screen."""

    async def test_no_profile_yet(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            detail = await push_detail(app, pilot, h, alert_of(store, h, "staging"))
            assert detail.query_one("#detail-profile").mode == "missing"
            assert not detail.query_one("#detail-profile-hint").display
            await pilot.press("p")
            await pilot.pause(0.1)
            assert "No profile yet" in h.screen_text(app)
            assert "next time the host app runs" in h.screen_text(app)

    async def test_a_damaged_profile_is_one_line(self, store, h):
        from tests.cli._helpers import execute

        alert_id = alert_of(store, h, "prod")
        execute(str(store), "UPDATE profiles SET data = ? WHERE alert_id = ?", (b"junk", alert_id))
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            detail = await push_detail(app, pilot, h, alert_id)
            assert detail.query_one("#detail-profile").mode == "damaged"
            assert app.screen is detail                       # no error screen
            assert "cannot be read" in h.screen_text(app)     # the hint says so
            await pilot.press("p")
            await pilot.pause(0.1)
            assert f"profile of alert {alert_id} cannot be read" in h.screen_text(app)


    async def test_a_damaged_baseline_is_named_beside_the_alerts_profile(self, store, h):
        """The alert's own profile still shows; the line under it says the baseline is damaged
        (as the CLI does), not that there is none."""
        from tests.cli._helpers import execute

        alert_id = alert_of(store, h, "prod")
        execute(str(store), "UPDATE profiles SET data = ? WHERE kind = 'baseline'", (b"junk",))
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            detail = await push_detail(app, pilot, h, alert_id)
            await pilot.press("p")
            await pilot.pause(0.1)
            text = h.screen_text(app)
            assert "is damaged" in text and "no baseline profile" not in text
            assert "slow_part (tests/_profiled.py:" in text
            assert detail.query_one("#detail-profile").view["baseline_error"]


class TestKeys:
    """a, b and escape still work with the profile shown; the help lists p."""

    async def test_acknowledge_and_back_from_the_profile(self, store, h):
        app = h.make_app(store)
        async with app.run_test(size=h.SIZE) as pilot:
            alerts, detail = await open_detail(app, pilot, h, store)
            await pilot.press("p")
            await pilot.press("a")
            assert await h.settle(pilot, lambda: app.screen.id == "ack-dialog")
            await pilot.press(*"slow_part", "enter")
            assert await h.settle(pilot, lambda: detail.alert["status"] == "acknowledged")
            rows = h.query(store, "SELECT resolution_notes FROM alerts WHERE id = ?",
                           (detail.alert_id,))
            assert rows == [("slow_part",)]
            await pilot.press("escape")
            assert await h.settle(pilot, lambda: app.screen is alerts)

    def test_help_lists_the_profile_key(self):
        from perftui.tui.screens.alert_detail import AlertDetailScreen
        from perftui.tui.screens.help import _keys

        assert ("p", "The alert's profile: what grew since the baseline (p again: back)") \
            in _keys(AlertDetailScreen.BINDINGS)
        assert {b.id for b in AlertDetailScreen.BINDINGS} >= {
            "detail.back", "detail.acknowledge", "detail.accept", "detail.profile"}
