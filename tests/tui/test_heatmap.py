"""When it is slow (w on the status screen): the counts and means in the map are the store's
warm runs placed in the viewer's time zone (named on screen); empty hours are blank, not 0."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@pytest.fixture
def kolkata(monkeypatch):
    """The viewer sits in India (UTC+05:30, no daylight saving): hours move by a half."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def expected_cells(h, path, sql: str) -> dict[tuple[int, int], list[float]]:
    """(weekday, local hour) -> values of the rows (recorded_at, value) `sql` selects."""
    cells: dict[tuple[int, int], list[float]] = {}
    for recorded_at, value in h.query(path, sql):
        moment = datetime.fromisoformat(recorded_at.replace("Z", "+00:00")).astimezone()
        cells.setdefault((moment.weekday(), moment.hour), []).append(value)
    return cells


INDEX_SQL = ("SELECT recorded_at, performance_index FROM snapshots WHERE app = 'shop' AND"
             " environment = 'prod' AND status = 'ok' AND is_cold_start = 0 AND"
             " performance_index IS NOT NULL AND recorded_at >= '2026-01-01T12:00'")
STARTUP_SQL = ("SELECT s.recorded_at, v.value FROM measurements v JOIN snapshots s ON"
               " s.id = v.snapshot_id JOIN metrics m ON m.id = v.metric_id WHERE"
               " m.code = 'APP-001' AND s.app = 'shop' AND s.environment = 'prod' AND"
               " s.status = 'ok' AND s.is_cold_start = 0")


def shown_counts(text: str) -> dict[tuple[int, int], str]:
    """(weekday, hour) -> what the count line shows under that cell ('' when blank)."""
    lines = text.splitlines()
    found = {}
    for i, line in enumerate(lines):
        name = line[:3]
        if name in WEEKDAYS and i + 1 < len(lines):
            counts = lines[i + 1]
            for hour in range(24):
                found[(WEEKDAYS.index(name), hour)] = counts[5 + 3 * hour: 8 + 3 * hour].strip()
    return found


async def open_map(h, app, pilot):
    assert await h.settle(pilot, lambda: app.screen.query_one("#cards").display)
    await pilot.press("w")
    assert await h.settle(pilot, lambda: getattr(app.screen, "data", None) is not None)


def check_counts(text: str, expected: dict) -> None:
    shown = shown_counts(text)
    assert len(shown) == 7 * 24
    for cell, value in shown.items():
        if cell in expected:
            assert value == str(len(expected[cell])), cell
        else:
            assert value == "", cell        # empty, never "0"


async def test_the_index_map_counts_the_stored_runs_in_the_viewers_zone(h, store, kolkata):
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        text = h.screen_text(app)
        assert "performance index" in text and "last 30 days" in text
        assert "times in Asia/Kolkata (IST)" in text
        expected = expected_cells(h, store, INDEX_SQL)
        check_counts(text, expected)
        assert f"{sum(map(len, expected.values()))} warm runs" in text
        assert any(minute_cell[1] for minute_cell in expected)   # not all at hour 0
        assert all(len(line) <= 80 for line in text.splitlines())


async def test_a_metric_map_and_the_cell_under_the_cursor(h, store, kolkata):
    from perftui.fmt import format_value

    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        metrics = [m["metric_id"] for m in app.known_metrics() if m["active"]]
        for _ in range(metrics.index("APP-001") + 1):
            await pilot.press("right_square_bracket")
        assert await h.settle(pilot, lambda: app.screen.data["metric"]["metric_id"]
                              == "APP-001")
        await pilot.pause(0.1)
        text = h.screen_text(app)
        assert "APP-001" in text and "lower is better" in text
        expected = expected_cells(h, store, STARTUP_SQL)
        check_counts(text, expected)
        # the cursor starts on the worst cell: the slow last startups
        cursor = app.screen.query_one("#heatmap").cursor
        values = expected[cursor]
        mean = format_value(sum(values) / len(values), "ms")
        assert f"mean {mean} over {len(values)} run" in text
        assert sum(values) / len(values) == max(sum(v) / len(v) for v in expected.values())
        await pilot.press("right")
        await pilot.pause(0.05)
        day, hour = cursor[0], (cursor[1] + 1) % 24
        line = f"{WEEKDAYS[day]} {hour:02d}:00-{(hour + 1) % 24:02d}:00: "
        assert line + ("no run" if (day, hour) not in expected else "mean") \
            in h.screen_text(app)


async def test_the_range_key_and_back(h, store):
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        await pilot.press("r")
        assert await h.settle(pilot, lambda: app.screen.data["range"] == "all")
        assert "all time" in h.screen_text(app)
        await pilot.press("r")
        assert await h.settle(pilot, lambda: app.screen.data["range"] == "24h")
        runs_24h = app.screen.data["runs"]
        assert runs_24h == len(h.query(store, INDEX_SQL.replace(
            "2026-01-01T12:00", "2026-01-30T12:00")))
        await pilot.press("escape")
        assert await h.settle(pilot, lambda: type(app.screen).__name__ == "StatusScreen")


async def test_pruned_days_are_named_not_placed(h, store):
    from perftui.store import bulk
    from perftui.store.db import open_store
    from perftui.store.metrics import load_catalog

    conn = open_store(str(store))
    try:
        pk = load_catalog(conn).find("APP-001").id
        with conn.transaction():
            bulk.upsert_daily_aggregates(conn, [
                (f"2026-01-{d:02d}", "shop", "prod", pk, 24, 400.0, 400.0, 390.0, 410.0, 409.0)
                for d in (10, 11)])
    finally:
        conn.close()
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        text = " ".join(h.screen_text(app).split())
        assert "2 earlier day(s) (48 runs) are kept only as daily aggregates" in text
        assert "no hour of day: not in this map" in text


def test_the_counts_fit_their_column():
    from perftui.tui.widgets.heatmap import count_text

    assert [count_text(n) for n in (1, 99, 999, 1000, 12_345, 250_000, 3_400_000)] == \
        ["1", "99", "999", "1k", "12k", ".2M", "3M"]


def test_a_run_exactly_at_midnight_utc_is_placed_in_local_time(kolkata):
    from perftui.core.heatmap import grid

    midnight = datetime(2026, 1, 5, tzinfo=timezone.utc).timestamp()   # Monday 00:00 UTC
    assert grid([(midnight, 1.0)])[0][5]["runs"] == 1                 # 05:30 in Kolkata


async def test_the_map_reads_without_colour(h, store, monkeypatch):
    """Under NO_COLOR the shades carry the map: the worst cell is █, the best ░."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        data = app.screen.data
        text = h.screen_text(app)
        lines = {line[:3]: line for line in text.splitlines() if line[:3] in WEEKDAYS}
        shades = {(day, hour): lines[name][5 + 3 * hour: 8 + 3 * hour]
                  for day, name in enumerate(WEEKDAYS) for hour in range(24)}
        for (day, hour), cell in shades.items():
            level = data["levels"][day][hour]
            assert cell == ("   " if level is None else "░▒▓█"[level] * 3), (day, hour)
        assert {"░░░", "███"} <= set(shades.values())


async def test_a_run_recorded_meanwhile_reaches_the_map(h, store, monkeypatch):
    """Live refresh redraws the map, at most every LIVE_INTERVAL seconds (here 0.5)."""
    from perftui.store.db import open_store
    from perftui.tui.screens import heatmap as screen

    monkeypatch.setattr(screen, "LIVE_INTERVAL", 0.5)
    app = h.make_app(store, live=True, poll=0.1)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        before = app.screen.data["runs"]
        conn = open_store(str(store))
        try:
            h.record(conn, h.NOW - timedelta(minutes=1), {"startup_time_ms": 410.0})
        finally:
            conn.close()
        assert await h.settle(pilot, lambda: app.screen.data["runs"] == before + 1,
                              timeout=8.0)


async def test_a_store_far_behind_gets_its_rollups_from_the_map_too(h, store, monkeypatch):
    """The map reads the hourly rollups as charts do: one far behind is built in the background
    from here as well (perftui.tui.rollups)."""
    import sqlite3

    from perftui.core import heatmap, trends

    for module in (trends, heatmap):   # the store has more runs than a map would fold
        monkeypatch.setattr(module, "ROLLUP_REFRESH_LIMIT", 10)
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_map(h, app, pilot)
        assert await h.settle(pilot, lambda: "rollups built" in " ".join(
            str(n.message) for n in app._notifications))
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("SELECT count(*) FROM store_meta WHERE key = 'rollup_watermark'"
                            ).fetchone()[0] == 1
    finally:
        conn.close()
