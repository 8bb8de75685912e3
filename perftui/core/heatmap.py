"""When it is slow: the performance index (or one metric) by hour of day and day of week.

The original dashboard's "heatmap: performance index by hour of day" (§7.3), as plain data:

    result = heatmap(db, "shop", "prod", range="30d", metric=None)   # None: the index
    result["cells"][weekday][hour]   # {"runs": n, "mean": m}, or None where no run fell

Times are the viewer's local time (or `tz`), and the zone is named in the result. Only warm,
successful runs count (what baselines use: a cold start is slow at any hour). A cell with no
run is None, never a zero. Raw runs older than the retention window were folded into daily
aggregates, which have no hour of day: those days cannot be placed in the map, so the result
counts them (`pruned_days`, `pruned_runs`) for the view to say so.

`grid()` and `levels()` are pure (numbers in, cells out) and carry the tests' weight; `heatmap()`
reads the store through `perftui.store`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone, tzinfo

from perftui.core.trends import RANGE_LABELS, RANGES, ROLLUP_REFRESH_LIMIT
from perftui.errors import InputError
from perftui.store import bulk, rollups, series
from perftui.store.engine import Database
from perftui.store.metrics import load_catalog
from perftui.timefmt import parse_iso, to_iso, utcnow

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = 24
INDEX = "index"
INDEX_METRIC = {"metric_id": INDEX, "name": "performance index", "unit": "",
                "direction": "higher"}


def grid(points: Iterable[tuple[float, float]], tz: tzinfo | None = None) -> list[list]:
    """7 x 24 cells (Monday first, hour 0 first) of (epoch seconds, value) points placed in
    `tz` (None: this machine's local zone): {"runs", "mean"} per cell, None for no run."""
    counts = [[0] * HOURS for _ in WEEKDAYS]
    sums = [[0.0] * HOURS for _ in WEEKDAYS]
    for epoch, value in points:
        if value is None or not math.isfinite(value):
            continue
        moment = datetime.fromtimestamp(epoch, tz)
        day, hour = moment.weekday(), moment.hour
        counts[day][hour] += 1
        sums[day][hour] += value
    return [[{"runs": n, "mean": s / n} if n else None for n, s in zip(count_row, sum_row)]
            for count_row, sum_row in zip(counts, sums)]


def levels(cells: list[list], direction: str, steps: int = 4) -> list[list[int | None]]:
    """Each cell's place on a scale of `steps` from best (0) to worst (steps - 1), by its mean
    between the best and the worst cell of the map; direction-aware (for a higher-is-better
    value the lowest mean is the worst). None stays None; a map of equal means is all 0."""
    means = [c["mean"] for row in cells for c in row if c is not None]
    if not means:
        return [[None] * len(row) for row in cells]
    low, high = min(means), max(means)
    span = high - low

    def level(mean: float) -> int:
        if span <= 0:
            return 0
        badness = (mean - low) / span if direction == "lower" else (high - mean) / span
        return min(steps - 1, int(badness * steps))

    return [[None if c is None else level(c["mean"]) for c in row] for row in cells]


def zone_name(tz: tzinfo | None = None, now: datetime | None = None) -> str:
    """The zone's name as a person knows it: 'Europe/Amsterdam (CET)', 'UTC'."""
    moment = (now or utcnow()).astimezone(tz) if tz is not None else \
        (now or utcnow()).astimezone()
    short = moment.tzname() or ""
    key = getattr(tz, "key", None) if tz is not None else os.environ.get("TZ")
    if key and key.lstrip(":") != short:
        return f"{key.lstrip(':')} ({short})" if short else key.lstrip(":")
    if short:
        return short
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    return f"UTC{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _index_points(db: Database, app: str, environment: str, since: str,
                  until: str = "9999") -> list[tuple[float, float]]:
    """(epoch, index) of the warm, successful runs from `since` up to `until`: one read of the
    snapshots alone (their index is stored on them), none of their measurements."""
    return [(parse_iso(at).timestamp(), index)
            for at, cold, status, index, _commit in rollups.edge_runs(db, app, environment,
                                                                     since, until)
            if status == "ok" and not cold and index is not None]


def _first_day(points: list[tuple[float, float]]) -> str:
    if not points:
        return "9999"
    return datetime.fromtimestamp(min(p[0] for p in points), timezone.utc).strftime("%Y-%m-%d")


ROLLUP_FROM = 5000   # runs in a map from which whole hours come from the hourly rollups


def _rollup_cells(db: Database, app: str, environment: str, since: str, metric_pk: int | None,
                  tz: tzinfo | None) -> tuple[list[list], str] | None:
    """(cells, first day with a run) from the hourly rollups of the range's whole hours and the
    raw runs of its first, partial hour: a map costs its hours, not its runs. None when the map
    holds fewer than ROLLUP_FROM runs (read run by run, exactly), when the rollups are not
    current, or when the zone is not a whole number of hours from UTC at some hour (a UTC hour
    then spans two local hours)."""
    if not rollups.refresh(db, limit=ROLLUP_REFRESH_LIMIT):
        return None
    whole = rollups.first_whole_hour(since)
    if metric_pk is None:
        rows = rollups.index_hours(db, app, environment, whole)
    else:
        rows = rollups.metric_hour_sums(db, app, environment, whole, metric_pk)
    if sum(n for _, _, n in rows) < ROLLUP_FROM:
        return None
    counts = [[0] * HOURS for _ in WEEKDAYS]
    sums = [[0.0] * HOURS for _ in WEEKDAYS]
    for hour, total, n in rows:
        moment = datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=timezone.utc)
        local = moment.astimezone(tz) if tz is not None else moment.astimezone()
        if local.minute:
            return None
        counts[local.weekday()][local.hour] += n
        sums[local.weekday()][local.hour] += total
    edge: list[tuple[float, float]] = []
    if since and whole > since:
        if metric_pk is None:
            edge = _index_points(db, app, environment, since, whole)
        else:
            edge = [(parse_iso(at).timestamp(), value) for at, value, cold in
                    rollups.edge_points(db, metric_pk, app, environment, since, whole)
                    if not cold]
    for day, edge_row in enumerate(grid(edge, tz)):
        for hour, cell in enumerate(edge_row):
            if cell is not None:
                counts[day][hour] += cell["runs"]
                sums[day][hour] += cell["mean"] * cell["runs"]
    cells = [[{"runs": n, "mean": t / n} if n else None for n, t in zip(count_row, sum_row)]
             for count_row, sum_row in zip(counts, sums)]
    first = _first_day(edge) if edge else rows[0][0][:10]
    return cells, first


def heatmap(db: Database, app: str, environment: str, range: str = "30d",
            metric: str | None = None, now: datetime | None = None,
            tz: tzinfo | None = None) -> dict:
    """The map of a scope over a time range (see the module docstring). `metric` None or
    "index" maps the performance index; else a metric by id or key (InputError if unknown).

    Shape: {scope, metric{metric_id,name,unit,direction}, range, range_label, zone, cells
    (7 x 24), levels (7 x 24, 0 best .. 3 worst, None empty), runs (in the map), worst, best
    (the worst and the best cell's mean), pruned_days, pruned_runs}."""
    if range not in RANGES:
        raise InputError(f"range must be one of {', '.join(RANGES)}, got {range!r}")
    now = now or utcnow()
    span = RANGES[range]
    since = "" if span is None else to_iso(now - span)
    if metric in (None, INDEX):
        about = dict(INDEX_METRIC)
        placed = _rollup_cells(db, app, environment, since, None, tz)
        if placed is None:
            points = _index_points(db, app, environment, since)
            cells, first_raw = grid(points, tz), _first_day(points)
        else:
            cells, first_raw = placed
        per_day: dict[str, int] = {}
        for row in bulk.daily_aggregate_rows(db, since_day=since[:10] or None, app=app,
                                             environment=environment):
            if row["day"] < first_raw:   # runs of a day: the most any metric counted
                per_day[row["day"]] = max(per_day.get(row["day"], 0), row["count"])
        pruned_days, pruned_runs = len(per_day), sum(per_day.values())
    else:
        row = load_catalog(db).find(metric)
        if row is None:
            raise InputError(f"unknown metric {metric!r}")
        about = {"metric_id": row.code, "name": row.name, "unit": row.unit,
                 "direction": row.direction}
        placed = _rollup_cells(db, app, environment, since, row.id, tz)
        if placed is None:
            xs, ys, _cold = series.metric_points(db, row.id, app, environment, since,
                                                 cold_starts=False)
            points = list(zip(xs, ys))
            cells, first_raw = grid(points, tz), _first_day(points)
        else:
            cells, first_raw = placed
        daily = series.daily_points(db, row.id, app, environment, since[:10], first_raw)
        pruned_days, pruned_runs = len(daily), sum(d[4] for d in daily)
    means = [c["mean"] for r in cells for c in r if c is not None]
    worst_first = sorted(means, reverse=about["direction"] == "lower")
    return {"scope": {"app": app, "environment": environment}, "metric": about,
            "range": range, "range_label": RANGE_LABELS[range], "zone": zone_name(tz, now),
            "cells": cells, "levels": levels(cells, about["direction"]),
            "runs": sum(c["runs"] for r in cells for c in r if c is not None),
            "worst": worst_first[0] if means else None,
            "best": worst_first[-1] if means else None,
            "pruned_days": pruned_days, "pruned_runs": pruned_runs}
