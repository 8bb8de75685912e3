"""Hourly rollups: what reports and long trends read instead of every raw value.

A report over a week of a busy store (35,000 runs a day, 21 metrics) would read five million
values; the week's hourly rollups are 168 rows per metric. Each (hour, scope, metric) row keeps
the counts, sum, minimum, maximum and newest value of the hour's warm runs, the cold starts'
count and range, and a **sketch** of the warm values: a log-bucket histogram (the DDSketch
scheme) whose quantiles are within `ALPHA` (0.5 %) of the true value, relative, and which merges
exactly by adding counts. Each (hour, scope) row in `hourly_runs` keeps what a report's period
line counts (runs, cold starts, failed runs, index sum, distinct commits).

The rollups are a cache of the raw runs, and only readers keep it (`refresh`): recorders never
pay for it. Snapshot ids grow as runs are committed (SQLite serialises writers); store_meta
'rollup_watermark' is the highest id folded in. A refresh recomputes, whole and from the raw
runs, every hour that holds a snapshot above the watermark, so recomputing an hour twice changes
nothing, and an import of older runs lands in the right hours. PostgreSQL hands out identity
values before commit, so a run committed late can have an id below one already folded: there
the refresh looks `PG_MARGIN` ids further back. Retention, which deletes raw runs, recomputes
the hours it touches in its own transaction (`recompute_hours`).

A store this process may not write (read-only, another user's) is not refreshed: its rollups
serve when they are current, and otherwise callers read raw values as before (`refresh` answers
which).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from perftui._json import dumps, loads
from perftui.store.engine import Database
from perftui.store.meta import meta_get, meta_set

ALPHA = 0.005                            # relative accuracy of a sketch's quantiles
GAMMA = (1 + ALPHA) / (1 - ALPHA)
_LOG_GAMMA = math.log(GAMMA)
WATERMARK = "rollup_watermark"
PG_MARGIN = 10_000                       # ids looked at again below the watermark (PostgreSQL)

_INSERT_ROLLUP = (
    "INSERT INTO hourly_rollups (hour, app, environment, metric_id, runs, warm_count, warm_sum,"
    " warm_min, warm_max, warm_last, cold_count, cold_min, cold_max, first_at, last_at, sketch)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
_INSERT_RUNS = (
    "INSERT INTO hourly_runs (hour, app, environment, runs, cold_starts, failed, first_at,"
    " last_at, index_sum, index_count, warm_index_sum, warm_index_count, commits)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


# ---------------------------------------------------------------- sketches

def bucket(value: float) -> str:
    """The sketch bucket holding `value`: 'p<k>' for value in (GAMMA**(k-1), GAMMA**k],
    'n<k>' for its negative, 'z' for zero."""
    if value > 0:
        return f"p{math.ceil(math.log(value) / _LOG_GAMMA)}"
    if value < 0:
        return f"n{math.ceil(math.log(-value) / _LOG_GAMMA)}"
    return "z"


def _bucket_value(key: str) -> float:
    if key == "z":
        return 0.0
    middle = 2 * GAMMA ** int(key[1:]) / (GAMMA + 1)
    return middle if key[0] == "p" else -middle


def _bucket_order(key: str) -> tuple[int, int]:
    if key == "z":
        return (1, 0)
    k = int(key[1:])
    return (2, k) if key[0] == "p" else (0, -k)


def sketch_of(values: Iterable[float]) -> dict[str, int]:
    """The sketch of `values`. Timings and counts repeat values often (a coarse clock, integer
    milliseconds), so each distinct value's bucket is worked out once."""
    counts: dict[float, int] = {}
    get = counts.get
    for value in values:
        counts[value] = get(value, 0) + 1
    out: dict[str, int] = {}
    for value, n in counts.items():
        key = bucket(value)
        out[key] = out.get(key, 0) + n
    return out


GAP = 8   # zero buckets in a row after which a stored sketch starts a new segment


def encode(sketch: dict[str, int]) -> str:
    """The stored form of a sketch: runs of consecutive buckets as segments joined by '|',
    'p<first k>:<count>,<count>,...' (positive values), 'n<first k>:...' (negative), 'z<count>'
    (zeros). Decoding is a split and `map(int, ...)`, and merging adds whole runs at once
    (`Accumulator`), where a JSON object took a parse and a Python step per bucket."""
    parts = []
    for sign in ("n", "p"):
        ks = sorted(int(key[1:]) for key in sketch if key[0] == sign and sketch[key])
        i = 0
        while i < len(ks):
            j = i
            while j + 1 < len(ks) and ks[j + 1] - ks[j] <= GAP:
                j += 1
            first = ks[i]
            counts = [0] * (ks[j] - first + 1)
            for k in ks[i:j + 1]:
                counts[k - first] = sketch[f"{sign}{k}"]
            parts.append(f"{sign}{first}:{','.join(map(str, counts))}")
            i = j + 1
    if sketch.get("z"):
        parts.append(f"z{sketch['z']}")
    return "|".join(parts)


def decode(text: str | None) -> dict[str, int]:
    """`encode`'s sketch back as a dict."""
    acc = Accumulator()
    acc.add_text(text)
    return acc.sketch()


class Accumulator:
    """Stored sketches merged by adding whole runs of counts (C loops: `map(add, ...)` into
    slices), for a report that merges thousands of hours. Segments are kept as text until
    `sketch()` and parsed once there."""

    def __init__(self):
        self._segments: list[str] = []
        self._zeros = 0

    def add_text(self, text: str | None) -> None:
        if text:
            for segment in text.split("|"):
                if segment[0] == "z":
                    self._zeros += int(segment[1:])
                else:
                    self._segments.append(segment)

    def add_sketch(self, sketch: dict[str, int]) -> None:
        self.add_text(encode(sketch))

    def sketch(self) -> dict[str, int]:
        """The merged sketch as a dict (only its non-empty buckets)."""
        from _operator import add

        parsed: dict[str, list[tuple[int, list[int]]]] = {"n": [], "p": []}
        for segment in self._segments:
            first, _, body = segment.partition(":")
            parsed[segment[0]].append((int(first[1:]), list(map(int, body.split(",")))))
        out: dict[str, int] = {}
        for sign, runs in parsed.items():
            if not runs:
                continue
            low = min(first for first, _ in runs)
            high = max(first + len(counts) for first, counts in runs)
            total = [0] * (high - low)
            for first, counts in runs:
                a = first - low
                b = a + len(counts)
                total[a:b] = map(add, total[a:b], counts)
            out.update((f"{sign}{low + i}", n) for i, n in enumerate(total) if n)
        if self._zeros:
            out["z"] = self._zeros
        return out


def merge(into: dict[str, int], other: dict[str, int]) -> dict[str, int]:
    for key, n in other.items():
        into[key] = into.get(key, 0) + n
    return into


def quantiles(sketch: dict[str, int], qs: Iterable[float], low: float | None = None,
              high: float | None = None) -> list[float | None]:
    """The q-quantiles of the sketched values, interpolated between order statistics the way
    `perftui.core.report` does on raw values; each within ALPHA of the true one, and inside
    [low, high] (the exact minimum and maximum) when they are given."""
    keys = sorted((k for k, n in sketch.items() if n > 0), key=_bucket_order)
    total = sum(sketch[k] for k in keys)
    if not total:
        return [None for _ in qs]
    ends, running = [], 0
    for key in keys:
        running += sketch[key]
        ends.append(running)

    def at(rank: int) -> float:   # value of the 0-based rank-th smallest
        lo, hi = 0, len(ends) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if ends[mid] > rank:
                hi = mid
            else:
                lo = mid + 1
        value = _bucket_value(keys[lo])
        if low is not None and value < low:
            value = low
        if high is not None and value > high:
            value = high
        return value

    out: list[float | None] = []
    for q in qs:
        pos = q * (total - 1)
        first = int(pos)
        a = at(first)
        b = at(min(first + 1, total - 1))
        out.append(a + (b - a) * (pos - first))
    return out


# ---------------------------------------------------------------- keeping them

def kept(db: Database) -> bool:
    """Whether this store's rollups have been built (a refresh has run at least once)."""
    return meta_get(db, WATERMARK) is not None


def pending(db: Database) -> int:
    """About how many snapshots a refresh would fold now: those above the watermark, or every
    one when the rollups were never built (0: they are current)."""
    mark = meta_get(db, WATERMARK)
    top = db.scalar("SELECT max(id) FROM snapshots") or 0
    return max(0, top - (int(mark) if mark is not None else 0))


def refresh(db: Database, progress: Callable[[int, int], None] | None = None,
            limit: int | None = None) -> bool:
    """Fold every snapshot above the watermark into the rollups. True when the rollups are then
    current (a read-only store whose rollups are current: True, nothing written); False when
    they are not and this process may not write the store (callers read raw values).

    The first refresh of a store builds every hour (a one-off cost, reported through
    `progress(done, total)` in hours); later ones cost what the new runs cost. A store that is
    busy (another writer holds it past the busy timeout) or refuses the write is not an error:
    the answer is False, and the caller reads raw values. With `limit`, a refresh that would
    fold more than that many snapshots is not started (False): an interactive reader (a TUI
    chart) reads raw values rather than wait for a store's first build."""
    from perftui.errors import StoreFull, StoreLocked, StoreReadOnly, StoreUnwritable

    try:
        mark = meta_get(db, WATERMARK)
        top = db.scalar("SELECT max(id) FROM snapshots") or 0
        if mark is not None and top <= int(mark):
            return True     # current: usable read-only too (another user's store, say)
        if db.readonly:
            return False
        return _refresh(db, None if mark is None else int(mark), top, progress, limit)
    except (StoreLocked, StoreReadOnly, StoreFull, StoreUnwritable):
        # Busy with a long write, or not ours to write after all: read raw values this time.
        # What was committed stays, and the watermark did not move, so nothing is lost.
        return False


def _refresh(db: Database, folded: int | None, top: int,
             progress: Callable[[int, int], None] | None, limit: int | None) -> bool:
    """Fold the snapshots above `folded` (None: never built) up to `top`."""
    from perftui.store.bulk import short_transactions

    if limit is not None and top - (folded or 0) > limit:
        return False
    since_id = 0 if folded is None else max(
        0, folded - (PG_MARGIN if db.dialect.name != "sqlite" else 0))
    hours = db.execute(
        "SELECT DISTINCT app, environment, substr(recorded_at, 1, 13) FROM snapshots"
        " WHERE id > ? ORDER BY 3, 1, 2", (since_id,)).fetchall()

    def step(i: int) -> int:
        app, environment, hour = hours[i]
        _recompute(db, app, environment, hour)
        return i + 1

    def committed(i: int) -> None:
        if progress is not None:
            progress(i, len(hours))

    short_transactions(db, step, 0, lambda i: i < len(hours), committed)
    with db.transaction():
        now = meta_get(db, WATERMARK)
        if now is None or int(now) < top:
            meta_set(db, WATERMARK, str(top))
    return True


def hours_of(db: Database, where: str, params) -> list[tuple[str, str, str]]:
    """(app, environment, hour) of the snapshots matching `where`, for `recompute_hours`."""
    return db.execute("SELECT DISTINCT app, environment, substr(recorded_at, 1, 13)"
                      f" FROM snapshots WHERE {where}", params).fetchall()


def recompute_hours(db: Database, hours: Iterable[tuple[str, str, str]]) -> None:
    """Recompute these hours from the raw runs, inside the caller's transaction. Nothing to do
    on a store whose rollups were never built."""
    if not kept(db):
        return
    for app, environment, hour in hours:
        _recompute(db, app, environment, hour)


def _recompute(db: Database, app: str, environment: str, hour: str) -> None:
    lo, hi = hour, hour + ";"   # every recorded_at of the hour starts "YYYY-MM-DDTHH:"
    scope = (app, environment, lo, hi)
    db.execute("DELETE FROM hourly_rollups WHERE app = ? AND environment = ? AND hour = ?",
               (app, environment, hour))
    db.execute("DELETE FROM hourly_runs WHERE app = ? AND environment = ? AND hour = ?",
               (app, environment, hour))
    runs = cold = failed = index_n = warm_index_n = 0
    index_sum = warm_index_sum = 0.0
    first = last = None
    commits: set[str] = set()
    for at, is_cold, status, index, commit in db.execute(
            "SELECT recorded_at, is_cold_start, status, performance_index, git_commit"
            " FROM snapshots" + db.dialect.indexed("snapshots_scope_time") +
            " WHERE app = ? AND environment = ? AND recorded_at >= ? AND recorded_at < ?",
            scope):
        runs += 1
        cold += 1 if is_cold else 0
        failed += 1 if status == "failed" else 0
        if index is not None:
            index_sum += index
            index_n += 1
            if not is_cold and status == "ok":
                warm_index_sum += index
                warm_index_n += 1
        if commit is not None:
            commits.add(commit)
        if first is None or at < first:
            first = at
        if last is None or at > last:
            last = at
    if not runs:
        return
    db.execute(_INSERT_RUNS, (hour, app, environment, runs, cold, failed, first, last,
                              index_sum if index_n else None, index_n,
                              warm_index_sum if warm_index_n else None, warm_index_n,
                              dumps(sorted(commits)) if commits else None))
    per_metric: dict[int, list] = {}
    # In the index's order (recorded_at), not sorted further: the newest warm value is found by
    # (recorded_at, id), so no temporary B-tree is built for the tie-break.
    for metric_id, value, is_cold, at, sid in db.execute(
            "SELECT m.metric_id, m.value, s.is_cold_start, s.recorded_at, s.id FROM snapshots s"
            + db.dialect.indexed("snapshots_scope_time") +
            " JOIN measurements m ON m.snapshot_id = s.id"
            " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.recorded_at < ?"
            " AND s.status = 'ok'", scope):
        acc = per_metric.get(metric_id)
        if acc is None:
            # runs, warm values, cold count, cold min, cold max, first, last, newest warm
            acc = per_metric[metric_id] = [0, [], 0, None, None, at, at, None]
        acc[0] += 1
        if at < acc[5]:
            acc[5] = at
        if at > acc[6]:
            acc[6] = at
        if is_cold:
            acc[2] += 1
            acc[3] = value if acc[3] is None or value < acc[3] else acc[3]
            acc[4] = value if acc[4] is None or value > acc[4] else acc[4]
        else:
            acc[1].append(value)
            newest = acc[7]
            if newest is None or (at, sid) > newest[:2]:
                acc[7] = (at, sid, value)
    rows = []
    for metric_id, (n, warm, n_cold, cmin, cmax, at_first, at_last,
                    newest) in per_metric.items():
        rows.append((hour, app, environment, metric_id, n, len(warm),
                     math.fsum(warm) if warm else None, min(warm) if warm else None,
                     max(warm) if warm else None, newest[2] if warm else None,
                     n_cold, cmin, cmax, at_first, at_last,
                     encode(sketch_of(warm)) if warm else None))
    if rows:
        db.executemany(_INSERT_ROLLUP, rows)


# ---------------------------------------------------------------- reading them

def metric_hours(db: Database, app: str, environment: str, first_hour: str) -> list[tuple]:
    """(metric_id, hour, runs, warm_count, warm_sum, warm_min, warm_max, warm_last, cold_count,
    cold_min, cold_max, first_at, last_at, sketch) of every metric's hours from `first_hour` on,
    by metric, in hour order (a report; one metric's chart or map reads `chart_parts` or
    `metric_hour_sums`)."""
    return db.execute(
        "SELECT metric_id, hour, runs, warm_count, warm_sum, warm_min, warm_max, warm_last,"
        " cold_count, cold_min, cold_max, first_at, last_at, sketch FROM hourly_rollups"
        " WHERE app = ? AND environment = ? AND hour >= ? ORDER BY metric_id, hour",
        (app, environment, first_hour)).fetchall()


# A chart reads rollups hour by hour up to this many hours, else by day (else by month).
CHART_ROWS = 1000


def chart_parts(db: Database, metric_id: int, app: str, environment: str, first_hour: str,
                cold_starts: bool = True) -> list[tuple]:
    """(runs, cold runs, warm min, warm max, cold min, cold max, first_at, last_at) of one
    metric from `first_hour` on, oldest first, for a chart: one row per hour with runs, or,
    beyond CHART_ROWS hours, per day (beyond 24 x CHART_ROWS hours, about three years of hourly
    runs, per month), aggregated in the database. So a chart of a year costs its days, not its
    hours (a year of hourly rows took 40-70 ms to read). `cold_starts=False` counts warm runs
    only."""
    hint = db.dialect.indexed("hourly_rollups_metric")   # not the (app, ...) key: every metric
    where = " WHERE metric_id = ? AND app = ? AND environment = ? AND hour >= ?"
    args = (metric_id, app, environment, first_hour)
    hours = db.scalar("SELECT count(*) FROM hourly_rollups" + hint + where, args) or 0
    if cold_starts:
        runs, cold, cold_min, cold_max = "runs", "cold_count", "cold_min", "cold_max"
    else:
        runs, cold, cold_min, cold_max = ("warm_count", "0", "CAST(NULL AS REAL)",
                                          "CAST(NULL AS REAL)")
    where += f" AND {runs} > 0"
    if hours <= CHART_ROWS:
        return db.execute(
            f"SELECT {runs}, {cold}, warm_min, warm_max, {cold_min}, {cold_max}, first_at,"
            " last_at FROM hourly_rollups" + hint + where + " ORDER BY hour", args).fetchall()
    key = "substr(hour, 1, 10)" if hours <= CHART_ROWS * 24 else "substr(hour, 1, 7)"
    return db.execute(
        f"SELECT sum({runs}), sum({cold}), min(warm_min), max(warm_max), min({cold_min}),"
        f" max({cold_max}), min(first_at), max(last_at) FROM hourly_rollups" + hint + where
        + f" GROUP BY {key} ORDER BY {key}", args).fetchall()


def metric_hour_sums(db: Database, app: str, environment: str, first_hour: str,
                     metric_id: int) -> list[tuple]:
    """(hour, warm sum, warm runs) of one metric's hours with warm runs from `first_hour` on, in
    hour order: what a map of means needs, through the per-metric index and without the
    sketches (`metric_hours` reads every column of the scope's hours)."""
    return db.execute(
        "SELECT hour, warm_sum, warm_count FROM hourly_rollups"
        + db.dialect.indexed("hourly_rollups_metric") +
        " WHERE metric_id = ? AND app = ? AND environment = ? AND hour >= ? AND warm_count > 0"
        " ORDER BY hour", (metric_id, app, environment, first_hour)).fetchall()


def index_hours(db: Database, app: str, environment: str, first_hour: str) -> list[tuple]:
    """(hour, warm index sum, warm runs with an index) from `first_hour` on, in hour order."""
    return db.execute(
        "SELECT hour, warm_index_sum, warm_index_count FROM hourly_runs WHERE app = ?"
        " AND environment = ? AND hour >= ? AND warm_index_count > 0 ORDER BY hour",
        (app, environment, first_hour)).fetchall()


def run_hours(db: Database, app: str, environment: str, first_hour: str) -> list[tuple]:
    """(hour, runs, cold_starts, failed, first_at, last_at, index_sum, index_count, commits)
    from `first_hour` on, in hour order."""
    return db.execute(
        "SELECT hour, runs, cold_starts, failed, first_at, last_at, index_sum, index_count,"
        " commits FROM hourly_runs WHERE app = ? AND environment = ? AND hour >= ?"
        " ORDER BY hour", (app, environment, first_hour)).fetchall()


def load_commits(text: str | None) -> list[str]:
    return loads(text) if text else []


# ---------------------------------------------------------------- the raw edge of a period

def first_whole_hour(since: str) -> str:
    """The hour key of the first whole hour of a range starting at `since` (store form; "" for
    all time): `since`'s own hour when it starts on the hour, else the next one. What comes
    before it (`since` up to that key) is read run by run."""
    if since[13:] in ("", ":00:00.000000Z"):
        return since[:13]
    from datetime import datetime, timedelta

    start = datetime.strptime(since[:13], "%Y-%m-%dT%H")
    return (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H")


def edge_runs(db: Database, app: str, environment: str, since: str, until: str) -> list[tuple]:
    """(recorded_at, is_cold_start, status, performance_index, git_commit) of the runs from
    `since` up to `until`: the part of a range's first hour that it does not hold whole."""
    return db.execute(
        "SELECT recorded_at, is_cold_start, status, performance_index, git_commit FROM snapshots"
        + db.dialect.indexed("snapshots_scope_time") +
        " WHERE app = ? AND environment = ? AND recorded_at >= ? AND recorded_at < ?",
        (app, environment, since, until)).fetchall()


def edge_points(db: Database, metric_id: int, app: str, environment: str, since: str,
                until: str) -> list[tuple[str, float, int]]:
    """(recorded_at, value, is_cold_start) of one metric's successful runs from `since` up to
    `until`, oldest first: a trend's first, partial hour."""
    return db.execute(
        "SELECT s.recorded_at, m.value, s.is_cold_start FROM snapshots s"
        + db.dialect.indexed("snapshots_scope_time") +
        " JOIN measurements m ON m.metric_id = ? AND m.snapshot_id = s.id"
        " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND s.recorded_at < ?"
        " AND s.status = 'ok' ORDER BY s.recorded_at",
        (metric_id, app, environment, since, until)).fetchall()


__all__ = ["ALPHA", "bucket", "sketch_of", "merge", "quantiles", "encode", "decode",
           "Accumulator", "kept", "pending", "refresh", "hours_of", "recompute_hours",
           "metric_hours", "metric_hour_sums", "chart_parts", "CHART_ROWS",
           "index_hours", "run_hours", "load_commits", "first_whole_hour", "edge_runs",
           "edge_points"]
