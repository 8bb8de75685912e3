"""Current vs target (b on the status screen): the shares shown are the store's latest values
over the catalog's targets, problems first, direction-aware, readable in 80x24 without colour."""

from __future__ import annotations

import re
from datetime import timedelta

from perftui.core.bars import bar_for, bars_from_metrics


def metric(metric_id, value, target, warning=None, error=None, direction="lower", **extra):
    return {"metric_id": metric_id, "name": metric_id, "unit": "ms", "direction": direction,
            "active": True, "value": value, "target": target, "warning": warning,
            "error": error, **extra}


# -- the numbers (perftui.core.bars) --------------------------------------------------------------

def test_share_and_lines_of_a_lower_is_better_metric():
    bar = bar_for(metric("APP-001", 580, 500, 550, 600))
    assert bar["share"] == 580 / 500
    assert (bar["warning_share"], bar["error_share"]) == (550 / 500, 600 / 500)
    assert bar["state"] == "warning"
    assert bar["badness"] == (580 - 500) / 500


def test_a_higher_is_better_metric_is_bad_below_its_target():
    low = bar_for(metric("CACHE", 0.82, 0.9, 0.85, 0.8, direction="higher"))
    high = bar_for(metric("CACHE", 0.95, 0.9, 0.85, 0.8, direction="higher"))
    assert low["state"] == "warning" and low["badness"] > 0
    assert low["warning_share"] < 1 and low["error_share"] < low["warning_share"]
    assert high["state"] == "ok" and high["badness"] < 0


def test_states_between_target_and_warning_and_beyond_error():
    assert bar_for(metric("A", 520, 500, 550, 600))["state"] == "off target"
    assert bar_for(metric("A", 610, 500, 550, 600))["state"] == "error"
    assert bar_for(metric("A", 700, 500, 550, 600))["state"] == "critical"
    assert bar_for(metric("A", 500, 500, 550, 600))["state"] == "ok"


def test_default_lines_when_only_a_target_is_set():
    bar = bar_for(metric("A", 100, 100))
    assert bar["warning_share"] == 1.1 and bar["error_share"] == 1.2


def test_no_bar_without_a_usable_target():
    assert bar_for(metric("A", 3, None)) is None
    assert bar_for(metric("A", 3, 0)) is None


def test_problems_first_worst_first_inactive_last():
    result = bars_from_metrics([
        metric("OK", 400, 500, 550, 600),
        metric("WARN-SMALL", 555, 500, 550, 600),
        metric("ERR", 610, 500, 550, 600),
        metric("WARN-BIG", 0.5, 0.6, 0.55, 0.4, direction="higher"),
        metric("OFF", 510, 500, 550, 600, active=False),
        metric("NONE", 1, None),
    ])
    assert [b["metric_id"] for b in result["bars"]] == ["ERR", "WARN-BIG", "WARN-SMALL", "OK",
                                                         "OFF"]
    assert result["untargeted"] == ["NONE"]


def test_long_ids_are_cut_in_the_middle_and_numbers_never():
    """A benchmark's long id keeps both ends; a huge value keeps every digit (the target
    gives way first: its mark is on the track)."""
    from perftui.tui.widgets.bars import bar_rows

    data = bars_from_metrics([
        metric("benchmarks.TimeSuite.time_keys", 1_234_567_890.5, 1_000_000_000,
               1_100_000_000, 1_200_000_000),
        metric("APP-001", 480, 500, 550, 600),
    ])
    lines = bar_rows(data, 60).plain.splitlines()
    long_row = next(line for line in lines if "time_keys" in line or "…" in line)
    assert "bench" in long_row and "…" in long_row and long_row.split()[1].endswith("keys")
    assert "1,234,567,890ms" in long_row and not re.search(r"[\d,]…", long_row)
    app_row = next(line for line in lines if "APP-001" in line)
    assert "480ms / 500ms" in app_row
    assert all(len(line) <= 60 for line in lines if "APP-001" in line)


# -- the view ----------------------------------------------------------------------------------

def latest_values(h, path) -> dict[str, tuple[float, float | None, str]]:
    """metric code -> (value, target, direction) of the newest shop/prod run, from SQL."""
    rows = h.query(path, "SELECT m.code, v.value, m.target, m.direction FROM measurements v"
                   " JOIN metrics m ON m.id = v.metric_id WHERE v.snapshot_id = (SELECT id"
                   " FROM snapshots WHERE app = 'shop' AND environment = 'prod'"
                   " ORDER BY recorded_at DESC LIMIT 1)")
    return {code: (value, target, direction) for code, value, target, direction in rows}


def bar_lines(text: str) -> dict[str, str]:
    """metric id -> its row on screen (rows begin with a state word)."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"\W*(CRIT|ERROR|warn|off|ok)\s+(\S+)\s+[↓↑]\s", line)
        if match:
            found[match.group(2)] = line
    return found


async def open_bars(h, app, pilot):
    assert await h.settle(pilot, lambda: app.screen.query_one("#cards").display)
    await pilot.press("b")
    assert await h.settle(pilot, lambda: app.screen.data is not None
                          and "APP-001" in h.screen_text(app))


async def test_the_bars_show_the_latest_values_as_shares_of_their_targets(h, store):
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_bars(h, app, pilot)
        text = h.screen_text(app)
        rows = bar_lines(text)
        stored = latest_values(h, store)
        assert set(rows) == {code for code, (_v, target, _d) in stored.items() if target}
        for code, (value, target, _direction) in stored.items():
            assert f"{value / target * 100:.0f}%" in rows[code]
        # the slow startup (error line 600 ms) comes first and says so in words
        first = next(iter(rows))
        assert first == "APP-001" and "ERROR" in rows["APP-001"]
        assert "1/4 off target" in text
        assert "| target" in text and "! warning" in text and "X error" in text
        assert all(len(line) <= 80 for line in text.splitlines())
        await pilot.press("escape")
        assert await h.settle(pilot, lambda: app.screen.__class__.__name__ == "StatusScreen")


async def test_a_cache_hit_rate_below_its_target_is_a_problem(h, store):
    from perftui.store.db import open_store

    conn = open_store(str(store))
    try:   # a run where startup is fine again but the rule cache misses
        h.record(conn, h.NOW - timedelta(minutes=5), {
            "startup_time_ms": 420.0, "prompt_token_count": 2800.0,
            "rule_cache_hit_rate": 0.82, "peak_memory_mb": 300.0})
    finally:
        conn.close()
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_bars(h, app, pilot)
        rows = bar_lines(h.screen_text(app))
        assert list(rows)[0] == "VAL-003"
        assert rows["VAL-003"].split()[0] == "warn" and " ↑ " in rows["VAL-003"]
        assert f"{0.82 / 0.9 * 100:.0f}%" in rows["VAL-003"]
        assert rows["APP-001"].split()[0] == "ok" and " ↓ " in rows["APP-001"]


async def test_the_bars_read_without_colour(h, store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = h.make_app(store)
    async with app.run_test(size=h.SIZE) as pilot:
        await open_bars(h, app, pilot)
        text = h.screen_text(app)
        row = bar_lines(text)["APP-001"]
        assert "ERROR" in row and "█" in row and "|" in row
        assert "off target" in text
