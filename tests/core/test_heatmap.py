"""The hour-of-day x day-of-week map (perftui.core.heatmap): placement in the viewer's zone,
empty cells as None (not zero), direction-aware levels, and the store read (index and metric,
with pruned days counted, not placed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from perftui.core.heatmap import grid, heatmap, levels, zone_name
from perftui.errors import InputError

UTC = timezone.utc


def epoch(*args, tz=UTC) -> float:
    return datetime(*args, tzinfo=tz).timestamp()


def test_points_land_in_their_weekday_and_hour_with_mean_and_count():
    # 2026-01-05 is a Monday
    cells = grid([(epoch(2026, 1, 5, 9, 10), 10.0), (epoch(2026, 1, 5, 9, 50), 20.0),
                  (epoch(2026, 1, 11, 23, 59), 7.0)], UTC)
    assert cells[0][9] == {"runs": 2, "mean": 15.0}
    assert cells[6][23] == {"runs": 1, "mean": 7.0}
    assert sum(c is not None for row in cells for c in row) == 2
    assert len(cells) == 7 and all(len(row) == 24 for row in cells)


def test_empty_cells_are_none_not_zero():
    cells = grid([(epoch(2026, 1, 5, 9), 0.0)], UTC)
    assert cells[0][9] == {"runs": 1, "mean": 0.0}   # a real zero is a value
    assert cells[0][10] is None and cells[3][9] is None


def test_the_zone_moves_runs_across_hours_and_days():
    late_sunday_utc = epoch(2026, 1, 11, 23, 30)            # Monday 00:30 in Amsterdam
    assert grid([(late_sunday_utc, 1.0)], ZoneInfo("Europe/Amsterdam"))[0][0]["runs"] == 1
    assert grid([(late_sunday_utc, 1.0)], timezone(timedelta(hours=-5)))[6][18]["runs"] == 1
    summer = epoch(2026, 7, 6, 12)                          # CEST: +2 in July
    assert grid([(summer, 1.0)], ZoneInfo("Europe/Amsterdam"))[0][14] is not None


def test_non_finite_values_are_left_out():
    cells = grid([(epoch(2026, 1, 5, 9), float("nan")), (epoch(2026, 1, 5, 9), None)], UTC)
    assert cells[0][9] is None


def test_levels_put_the_bad_side_last_for_either_direction():
    cells = grid([(epoch(2026, 1, 5, 1), 100.0), (epoch(2026, 1, 5, 2), 150.0),
                  (epoch(2026, 1, 5, 3), 200.0)], UTC)
    lower = levels(cells, "lower")
    higher = levels(cells, "higher")
    assert (lower[0][1], lower[0][2], lower[0][3]) == (0, 2, 3)
    assert (higher[0][1], higher[0][2], higher[0][3]) == (3, 2, 0)
    assert lower[0][4] is None and higher[1][1] is None


def test_levels_of_equal_means_and_of_an_empty_map():
    cells = grid([(epoch(2026, 1, 5, 1), 5.0), (epoch(2026, 1, 6, 1), 5.0)], UTC)
    assert levels(cells, "lower")[0][1] == 0 and levels(cells, "lower")[1][1] == 0
    assert all(v is None for row in levels(grid([], UTC), "lower") for v in row)


def test_zone_names():
    assert zone_name(UTC, datetime(2026, 1, 5, tzinfo=UTC)) == "UTC"
    assert zone_name(ZoneInfo("Europe/Amsterdam"),
                     datetime(2026, 1, 5, tzinfo=UTC)) == "Europe/Amsterdam (CET)"
    assert zone_name(timezone(timedelta(hours=5, minutes=30)),
                     datetime(2026, 1, 5, tzinfo=UTC)) == "UTC+05:30"


# -- from a store --------------------------------------------------------------------------------

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)   # a Saturday


@pytest.fixture
def store(tmp_path):
    """shop/prod: two weeks of runs at 09:00 and 21:00 UTC, 21:00 twice as slow; one cold
    start at 03:00; and three earlier days kept only as daily aggregates."""
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store import bulk
    from perftui.store.db import open_store
    from perftui.store.metrics import load_catalog
    from perftui.timefmt import to_iso

    conn = open_store(str(tmp_path / "s.db"), create=True)
    for day in range(14):
        base = NOW - timedelta(days=day + 1)
        for hour, ms in ((9, 400.0), (21, 800.0)):
            at = base.replace(hour=hour)
            record_snapshot(conn, SnapshotInput(metrics={"startup_time_ms": ms},
                                                recorded_at=to_iso(at), app="shop",
                                                environment="prod"))
    record_snapshot(conn, SnapshotInput(metrics={"startup_time_ms": 5000.0}, app="shop",
                                        recorded_at=to_iso(NOW.replace(hour=3)),
                                        environment="prod", is_cold_start=True))
    pk = load_catalog(conn).find("APP-001").id
    rows = [(f"2026-01-0{d}", "shop", "prod", pk, 10, 400.0, 400.0, 390.0, 410.0, 409.0)
            for d in (2, 3, 4)]
    with conn.transaction():
        bulk.upsert_daily_aggregates(conn, rows)
    yield conn
    conn.close()


def test_a_metric_map_counts_the_warm_runs_of_each_hour(store):
    result = heatmap(store, "shop", "prod", "30d", "APP-001", now=NOW, tz=UTC)
    cells = result["cells"]
    assert result["metric"]["metric_id"] == "APP-001" and result["zone"] == "UTC"
    assert result["runs"] == 28
    assert sum(cells[d][9]["runs"] for d in range(7)) == 14
    assert all(cells[d][21]["mean"] == 800.0 for d in range(7))
    assert all(cells[d][3] is None for d in range(7))         # the cold start is not in it
    assert result["worst"] == 800.0 and result["best"] == 400.0
    assert result["levels"][0][21] == 3 and result["levels"][0][9] == 0
    assert (result["pruned_days"], result["pruned_runs"]) == (3, 30)


def test_the_index_map_reads_the_index_of_each_run(store):
    from perftui.store import bulk

    result = heatmap(store, "shop", "prod", "7d", None, now=NOW, tz=UTC)
    assert result["metric"]["metric_id"] == "index"
    stored = [s for s in bulk.iter_snapshots(store, app="shop", environment="prod",
                                             since="2026-01-24T12:00:00.000000Z")
              if not s["is_cold_start"]]
    assert result["runs"] == len(stored) == 13   # 7 days back from noon: one 09:00 is out
    slow = [s["performance_index"] for s in stored if s["recorded_at"][11:13] == "21"]
    assert sum(result["cells"][d][21]["mean"] * result["cells"][d][21]["runs"]
               for d in range(7)) == pytest.approx(sum(slow))
    assert result["pruned_days"] == 0    # the aggregated days lie before the range


def test_bad_range_and_unknown_metric_are_refused(store):
    with pytest.raises(InputError, match="range"):
        heatmap(store, "shop", "prod", "2y", None, now=NOW)
    with pytest.raises(InputError, match="unknown metric"):
        heatmap(store, "shop", "prod", "7d", "NOPE-1", now=NOW)


@pytest.mark.parametrize("zone", [UTC, timezone(timedelta(hours=-5)),
                                  timezone(timedelta(hours=5, minutes=30))],
                         ids=["utc", "utc-5", "utc+5:30"])
@pytest.mark.parametrize("range_", ["7d", "30d", "all"])
@pytest.mark.parametrize("metric", [None, "APP-001"])
def test_whole_hours_from_the_rollups_give_the_same_map(store, monkeypatch, zone, range_,
                                                        metric):
    """A map of many runs reads whole hours from the hourly rollups (forced here with
    ROLLUP_FROM = 0) and the first, partial hour run by run: the same cells, counts, pruned days
    and levels as placing every run, in any zone; a zone half an hour off UTC (a UTC hour spans
    two local hours) is placed run by run."""
    from perftui.core import heatmap as module

    want = heatmap(store, "shop", "prod", range_, metric, now=NOW, tz=zone)
    calls = []
    original = module._rollup_cells
    monkeypatch.setattr(module, "ROLLUP_FROM", 0)
    monkeypatch.setattr(module, "_rollup_cells",
                        lambda *a: calls.append(original(*a)) or calls[-1])
    got = heatmap(store, "shop", "prod", range_, metric, now=NOW, tz=zone)
    whole_hours = zone.utcoffset(None).seconds % 3600 == 0
    assert len(calls) == 1 and (calls[0] is not None) == whole_hours
    kept = store.scalar("SELECT count(*) FROM hourly_runs")
    assert kept > 0
    for key in ("runs", "pruned_days", "pruned_runs", "levels", "zone"):
        assert got[key] == want[key], key
    for got_row, want_row in zip(got["cells"], want["cells"]):
        for g, w in zip(got_row, want_row):
            assert (g is None) == (w is None)
            if g is not None:
                assert g["runs"] == w["runs"] and g["mean"] == pytest.approx(w["mean"])
