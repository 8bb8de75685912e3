"""Trends: one metric's history in one scope, ready for a terminal chart.

`trend()` returns everything a chart draws: the values over a time range (24 h, 7 d, 30 d or
all), cold starts apart (or left out), downsampled to what the screen can show (keeping each
bucket's minimum and maximum so a spike survives), the metric's current baseline (median and
p5-p95 band of the last warm runs), its target lines, and where its alerts fired. The SQL lives
in `perftui.store.series`; the statistics in `perftui.analysis`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from itertools import compress

from perftui.analysis import compute_baseline, downsample
from perftui.analysis.types import DEFAULT_CONFIG as CONFIG
from perftui.errors import InputError
from perftui.store import rollups, series, snapshots
from perftui.store.engine import Database
from perftui.store.metrics import MetricRow, load_catalog
from perftui.timefmt import parse_iso, to_iso, utcnow

RANGES: dict[str, timedelta | None] = {
    "24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30), "all": None}
RANGE_LABELS = {"24h": "last 24 hours", "7d": "last 7 days", "30d": "last 30 days",
                "all": "all time"}
EXACT_LIMIT = 5000  # runs in range up to which points are read one by one
# Snapshots a chart folds into the hourly rollups before it draws from them; with more waiting
# (a store whose rollups were never built, a large import since) it reads raw values instead.
ROLLUP_REFRESH_LIMIT = 50_000


def rollups_behind(store: Database) -> int:
    """Runs the hourly rollups have not folded yet: a chart folds up to ROLLUP_REFRESH_LIMIT of
    them before it draws, and reads runs one by one beyond that."""
    return rollups.pending(store)


def build_rollups(store: Database) -> bool:
    """Fold every run the hourly rollups lack, however many (short transactions that leave
    recorders their turn); True when they are current."""
    return rollups.refresh(store)


def next_range(current: str) -> str:
    """24h -> 7d -> 30d -> all -> 24h."""
    order = list(RANGES)
    return order[(order.index(current) + 1) % len(order)] if current in RANGES else order[0]


@dataclass(frozen=True)
class AlertMark:
    id: int
    severity: str
    alert_type: str
    status: str
    x: float
    y: float


@dataclass(frozen=True)
class Trend:
    metric: dict
    app: str
    environment: str
    range: str
    cold_starts: bool
    now: float
    since: float | None
    total: int
    cold_total: int
    warm_x: list[float] = field(default_factory=list)
    warm_y: list[float] = field(default_factory=list)
    cold_x: list[float] = field(default_factory=list)
    cold_y: list[float] = field(default_factory=list)
    baseline: dict | None = None
    alerts: list[AlertMark] = field(default_factory=list)
    first_x: float | None = None
    last_x: float | None = None
    latest_any: str | None = None  # newest run of the scope, to explain an empty range
    # Older history that retention folded into daily aggregates (days before the first run):
    daily_x: list[float] = field(default_factory=list)
    daily_y: list[float] = field(default_factory=list)   # medians
    daily_runs: int = 0

    @property
    def empty(self) -> bool:
        return self.total == 0 and not self.daily_x


def _metric(store: Database, name: str) -> MetricRow:
    row = load_catalog(store).find(name)
    if row is None:
        raise InputError(f"unknown metric {name!r}")
    return row


def _since(range_: str, now: datetime) -> str:
    if range_ not in RANGES:
        raise InputError(f"range must be one of {', '.join(RANGES)}, got {range_!r}")
    span = RANGES[range_]
    return "" if span is None else to_iso(now - span)


def _metric_dict(m: MetricRow) -> dict:
    return {"metric_id": m.code, "key": m.key, "name": m.name, "unit": m.unit,
            "direction": m.direction, "target": m.target, "warning": m.warning,
            "error": m.error, "active": m.active}


def current_baseline(store: Database, metric_pk: int, app: str, environment: str) -> dict | None:
    """The baseline the next run will be judged against (last warm runs since any reset)."""
    since = snapshots.baseline_resets(store, app, environment, "9999").get(metric_pk)
    values = snapshots.history(store, metric_pk, app, environment, "9999", CONFIG.window, since)
    base = compute_baseline(values, CONFIG.window, CONFIG.outlier_k)
    return base.to_dict() if base is not None else None


def trend(store: Database, metric: str, app: str, environment: str, range: str = "7d",
          cold_starts: bool = True, max_points: int = 400,
          now: datetime | None = None) -> Trend:
    """A metric's history in a scope, reduced to at most about `max_points` warm points.

    Short histories are read point by point and downsampled here (each bucket keeps its minimum
    and maximum at their own times). Long ones (more than EXACT_LIMIT runs) come from the hourly
    rollups (`perftui.store.rollups`): consecutive hours grouped into buckets, each drawn at its
    middle time with its minimum and maximum, so a year costs its 8,760 hours whatever the
    number of runs. Where the rollups cannot be used (a read-only store, too much to fold
    first) they are reduced inside the database: one aggregate per bucket of snapshot ids. That
    relies on ids growing with time, which is checked: if the buckets' time spans overlap (an
    import of older runs, say) the exact path is taken instead.
    """
    now = now or utcnow()
    since = _since(range, now)
    m = _metric(store, metric)
    conn = store
    max_points = max(4, max_points)
    reduced = None
    span = series.id_span(conn, app, environment, since)
    if span is not None and span[1] - span[0] + 1 > max(EXACT_LIMIT, 4 * max_points):
        if rollups.refresh(conn, limit=ROLLUP_REFRESH_LIMIT):
            reduced = _from_rollups(conn, m.id, app, environment, since, cold_starts, max_points)
        else:
            reduced = _bucketed(conn, m.id, app, environment, since, span, cold_starts,
                                max_points)
    if reduced is None:
        reduced = _exact(conn, m.id, app, environment, since, cold_starts, max_points)
    total, cold_total, wx, wy, cx, cy, first_x, last_x = reduced
    before_day = "9999" if first_x is None else _day(first_x)
    daily = series.daily_points(conn, m.id, app, environment, since[:10], before_day)
    dx, dy = [d[0] for d in daily], [d[1] for d in daily]
    if len(dx) > max_points:
        dx, dy = downsample(dx, dy, max_points)
    marks = [AlertMark(*row) for row in series.alert_marks(conn, m.id, app, environment, since)]
    return Trend(
        metric=_metric_dict(m), app=app, environment=environment, range=range,
        cold_starts=cold_starts, now=now.timestamp(),
        since=None if not since else (now - RANGES[range]).timestamp(),
        total=total, cold_total=cold_total, warm_x=wx, warm_y=wy, cold_x=cx, cold_y=cy,
        baseline=current_baseline(store, m.id, app, environment), alerts=marks,
        first_x=first_x, last_x=last_x,
        latest_any=None if total else series.latest_time(conn, app, environment),
        daily_x=dx, daily_y=dy, daily_runs=sum(d[4] for d in daily))


def _day(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d")


def _exact(conn, metric_pk: int, app: str, environment: str, since: str, cold_starts: bool,
           max_points: int) -> tuple:
    xs, ys, cold = series.metric_points(conn, metric_pk, app, environment, since, cold_starts)
    cold_total = sum(cold)
    if cold_total:
        warm_mask = list(map(operator.not_, cold))
        wx, wy = list(compress(xs, warm_mask)), list(compress(ys, warm_mask))
        cx, cy = list(compress(xs, cold)), list(compress(ys, cold))
    else:
        wx, wy, cx, cy = list(xs), list(ys), [], []
    if wx:
        wx, wy = downsample(wx, wy, max_points)
    if cx:
        cx, cy = downsample(cx, cy, max(4, max_points // 4))
    return (len(xs), cold_total, wx, wy, cx, cy, xs[0] if xs else None,
            xs[-1] if xs else None)


def _bucketed(conn, metric_pk: int, app: str, environment: str, since: str,
              span: tuple[int, int], cold_starts: bool, max_points: int) -> tuple | None:
    lo, hi = span
    if hi < lo:
        return None
    buckets = max_points // 2
    width = (hi + 1 - lo) / buckets
    bounds = [lo + int(i * width) for i in range(buckets)] + [hi + 1]
    stats = [row for row in series.bucket_stats(conn, metric_pk, app, environment, since, bounds,
                                                cold_starts) if row[0]]
    if not stats:
        return 0, 0, [], [], [], [], None, None
    for before, after in zip(stats, stats[1:]):
        if after[6] < before[7]:
            return None  # ids do not follow time here: read point by point
    wx: list[float] = []
    wy: list[float] = []
    cx: list[float] = []
    cy: list[float] = []
    total = cold_total = 0
    for runs, colds, wmin, wmax, cmin, cmax, first, last in stats:
        total += runs
        cold_total += colds or 0
        mid = (first + last) / 2
        if wmin is not None:
            wx += (mid, mid) if wmax != wmin else (mid,)
            wy += (wmin, wmax) if wmax != wmin else (wmin,)
        if cmin is not None:
            cx += (mid, mid) if cmax != cmin else (mid,)
            cy += (cmin, cmax) if cmax != cmin else (cmin,)
    return total, cold_total, wx, wy, cx, cy, stats[0][6], stats[-1][7]


def _from_rollups(conn, metric_pk: int, app: str, environment: str, since: str,
                  cold_starts: bool, max_points: int) -> tuple:
    """`_bucketed`'s answer from the rollups of whole hours and the raw runs of the range's
    first, partial hour."""
    edge_end = rollups.first_whole_hour(since)
    parts = []   # (runs, cold runs, warm min, warm max, cold min, cold max, first, last)
    if since and edge_end > since:
        edge = rollups.edge_points(conn, metric_pk, app, environment, since, edge_end)
        warm = [v for _, v, cold in edge if not cold]
        colds = [v for _, v, cold in edge if cold] if cold_starts else []
        if warm or colds:
            parts.append((len(warm) + len(colds), len(colds), min(warm, default=None),
                          max(warm, default=None), min(colds, default=None),
                          max(colds, default=None), edge[0][0], edge[-1][0]))
    # hours (days, months for long ranges) with runs, aggregated in the database
    parts += rollups.chart_parts(conn, metric_pk, app, environment, edge_end, cold_starts)
    if not parts:
        return 0, 0, [], [], [], [], None, None
    size = -(-len(parts) // max(1, max_points // 2))
    wx: list[float] = []
    wy: list[float] = []
    cx: list[float] = []
    cy: list[float] = []
    total = cold_total = 0
    first_x = last_x = None
    for i in range(0, len(parts), size):
        group = parts[i:i + size]
        runs = sum(p[0] for p in group)
        total += runs
        cold_total += sum(p[1] for p in group)
        first = parse_iso(group[0][6]).timestamp()
        last = parse_iso(group[-1][7]).timestamp()
        first_x = first if first_x is None else first_x
        last_x = last
        mid = (first + last) / 2
        for (lo, hi), xs, ys in (((2, 3), wx, wy), ((4, 5), cx, cy)):
            low = min((p[lo] for p in group if p[lo] is not None), default=None)
            high = max((p[hi] for p in group if p[hi] is not None), default=None)
            if low is not None:
                xs.extend((mid, mid) if high != low else (mid,))
                ys.extend((low, high) if high != low else (low,))
    return total, cold_total, wx, wy, cx, cy, first_x, last_x


def trend_points(store: Database, metric: str, app: str, environment: str, range: str = "7d",
                 cold_starts: bool = True, limit: int = 500,
                 now: datetime | None = None) -> dict:
    """The newest runs behind a trend, for a table: {total, rows: [{snapshot_id, recorded_at,
    value, cold_start, commit, host, change_percent}]} with change against the current baseline."""
    now = now or utcnow()
    since = _since(range, now)
    m = _metric(store, metric)
    conn = store
    base = current_baseline(store, m.id, app, environment)
    median = base["median"] if base else None
    rows = []
    for sid, at, value, is_cold, commit, host in series.metric_rows(
            conn, m.id, app, environment, since, cold_starts, limit):
        change = None
        if median:
            change = (value - median) / abs(median) * 100.0
        rows.append({"snapshot_id": sid, "recorded_at": at, "value": value,
                     "cold_start": bool(is_cold), "commit": commit, "host": host,
                     "change_percent": change})
    total = series.count_points(conn, m.id, app, environment, since, cold_starts)
    return {"metric": _metric_dict(m), "total": total, "rows": rows}
