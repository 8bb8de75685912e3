"""Snapshots and their measurements: writing one run (with the verdict of each metric), and the
reads judging it takes (a metric's history, baseline resets, the last warm run).

What only the faces read (scopes, the latest run, a run's measurements, counts, uids) lives in
`perftui.store.snapshot_reads` and is found here too, loaded on first use: a recording, inside
a host application's start-up, needs none of it.

A measurement carries the verdict its snapshot was judged with when it was written (severity,
tier, expected value, deviation, baseline runs; see migration 0004), so readers never judge a
snapshot again.
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections: ~1.5 ms of a host app's start-up
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

from perftui._json import dumps
from perftui.store.engine import Database

SNAPSHOT_FIELDS = ("recorded_at", "app", "environment", "host", "session_id", "git_commit",
                   "git_branch", "app_version", "python_version", "platform", "cpu_count",
                   "total_memory_mb", "is_cold_start", "status", "performance_index",
                   "regression_score", "flags", "operations", "cache_stats", "errors", "notes",
                   "uid")
JSON_FIELDS = ("flags", "operations", "cache_stats", "errors")
# what readers show of a snapshot (session_id stays in the store)
READ_COLUMNS = ("id", "recorded_at", "app", "environment", "host", "git_commit", "git_branch",
                "app_version", "python_version", "platform", "cpu_count", "total_memory_mb",
                "is_cold_start", "status", "performance_index", "regression_score", "flags",
                "operations", "cache_stats", "errors", "notes", "uid")
MEASUREMENT_COLUMNS = ("metric_id", "snapshot_id", "value", "severity", "tier", "expected",
                       "deviation", "baseline_runs")
INSERT_MEASUREMENTS = (f"INSERT INTO measurements ({', '.join(MEASUREMENT_COLUMNS)})"
                       f" VALUES ({', '.join('?' * len(MEASUREMENT_COLUMNS))})")
_WARM = "is_cold_start = 0 AND status = 'ok'"


def snapshot_values(fields: dict) -> list:
    """The SNAPSHOT_FIELDS values of a snapshot given as a dict (JSON fields may be objects)."""
    values = []
    for name in SNAPSHOT_FIELDS:
        value = fields.get(name)
        if name in JSON_FIELDS and value is not None and not isinstance(value, str):
            value = dumps(value, sort_keys=True)
        elif name == "is_cold_start":
            value = 1 if value else 0
        elif name == "status" and value is None:
            value = "ok"
        elif name == "uid" and value is None:
            value = new_uid()
        values.append(value)
    return values


def new_uid() -> str:
    """A snapshot's stable identity: 32 random hex digits (no uuid module: it costs a host app
    milliseconds to import)."""
    import os

    return os.urandom(16).hex()


def insert_snapshot(db: Database, fields: dict) -> int | None:
    """Insert one snapshot row; returns its id, or None when the store already holds a snapshot
    with the same `uid` (the same run delivered twice)."""
    return db.execute(
        f"INSERT INTO snapshots ({', '.join(SNAPSHOT_FIELDS)}) VALUES "
        f"({', '.join('?' * len(SNAPSHOT_FIELDS))}) ON CONFLICT (uid) DO NOTHING RETURNING id",
        snapshot_values(fields)).scalar()


def snapshot_by_uid(db: Database, uid: str) -> int | None:
    return db.scalar("SELECT id FROM snapshots WHERE uid = ?", (uid,))


def insert_measurements(db: Database, rows: Iterable[Sequence]) -> None:
    """Rows of MEASUREMENT_COLUMNS: (metric_id, snapshot_id, value, severity, tier, expected,
    deviation, baseline_runs); the verdict fields are None for a run that was not judged."""
    db.executemany(INSERT_MEASUREMENTS, rows)


def update_snapshot_scores(db: Database, snapshot_id: int, performance_index: float | None,
                           regression_score: float | None, flags: Sequence[str]) -> None:
    db.execute("UPDATE snapshots SET performance_index = ?, regression_score = ?, flags = ?"
               " WHERE id = ?",
               (performance_index, regression_score, dumps(list(flags), compact=False), snapshot_id))


# ---------------------------------------------------------------- history and baselines

def history_rows(db: Database, metric_id: int, app: str, environment: str, *,
                 before: str | None = None, until: str | None = None, since: str | None = None,
                 limit: int = 60, warm_only: bool = True) -> list[tuple[int, str, float]]:
    """(snapshot id, recorded_at, value) of one metric in one scope, the newest `limit`, oldest
    first. `before` is exclusive, `until` and `since` inclusive."""
    sql, args = history_query(db, metric_id, app, environment, before=before, until=until,
                              since=since, limit=limit, warm_only=warm_only)
    rows = db.execute(sql, args).fetchall()
    rows.reverse()
    return rows


def history_query(db: Database, metric_id: int, app: str, environment: str, *,
                  before: str | None = None, until: str | None = None, since: str | None = None,
                  limit: int = 60, warm_only: bool = True) -> tuple[str, list]:
    """The statement behind `history_rows` (newest first) and its arguments.

    Its cost is bounded by the values it returns, not by the scope's size: a metric with few
    values in the store (a new one) is read through the measurements' key (metric_id,
    snapshot_id) and sorted; any other walks the scope's time index backwards and stops after
    `limit` rows. (Walking the scope for a metric with fewer than `limit` values in it visited
    every run of the scope: 0.1-0.2 s at a million, at every start of an app for a new metric's
    first 60 runs.) Both read the same rows, newest first, ties on time by id."""
    if few_values(db, metric_id):
        sql = ["SELECT s.id, s.recorded_at, m.value FROM measurements m ", db.dialect.cross_join,
               " snapshots s ON s.id = m.snapshot_id WHERE m.metric_id = ? AND s.app = ?"
               " AND s.environment = ? AND s.recorded_at >= ?"]
        order = " ORDER BY s.recorded_at DESC, s.id DESC LIMIT ?"
    else:
        index = "snapshots_warm_scope_time" if warm_only else "snapshots_scope_time"
        sql = ["SELECT s.id, s.recorded_at, m.value FROM snapshots s", db.dialect.indexed(index),
               " JOIN measurements m ON m.snapshot_id = s.id AND m.metric_id = ?"
               " WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ?"]
        # by time alone, so both engines walk the (app, environment, recorded_at) index
        # backwards and stop after `limit` rows (a tie on id as well would make PostgreSQL
        # sort the scope; the index holds ties in id order anyway)
        order = " ORDER BY s.recorded_at DESC LIMIT ?"
    args: list = [metric_id, app, environment, since or ""]
    if warm_only:
        sql.append(" AND s.is_cold_start = 0 AND s.status = 'ok'")
    if before is not None:
        sql.append(" AND s.recorded_at < ?")
        args.append(before)
    if until is not None:
        sql.append(" AND s.recorded_at <= ?")
        args.append(until)
    sql.append(order)
    args.append(limit)
    return "".join(sql), args


# Up to this many values in the whole store, a metric's history is read through its own key.
FEW_VALUES = 250


def few_values(db: Database, metric_id: int) -> bool:
    """Whether the metric has fewer than FEW_VALUES values in the store (reads at most that
    many entries of the measurements' key)."""
    return db.scalar("SELECT count(*) FROM (SELECT 1 FROM measurements WHERE metric_id = ?"
                     " LIMIT ?) f", (metric_id, FEW_VALUES)) < FEW_VALUES


def history(db: Database, metric_id: int, app: str, environment: str, before: str, limit: int,
            since: str | None = None) -> list[float]:
    """Prior warm, successful values of one metric in one scope, oldest first (what a
    baseline is made of)."""
    return [r[2] for r in history_rows(db, metric_id, app, environment, before=before,
                                       since=since, limit=limit)]


# `histories` reads at most this many metrics in one statement (one column each)
HISTORIES_CHUNK = 100


def histories(db: Database, metric_ids: Iterable[int], app: str, environment: str, before: str,
              limit: int, since: dict[int, str] | None = None) -> dict[int, list[float]]:
    """`history` of several metrics of one scope at once (what judging one run reads), the same
    values: metric row id -> its prior warm, successful values, oldest first; `since` gives a
    metric's own lower bound (a baseline reset).

    One statement instead of two per metric: the scope's newest `limit` warm snapshots before
    `before` (the walk `history`'s scope plan makes, in its order), one row per run with each
    metric's value in it as a column (a seek per run and metric). One row per run, not one per
    value: fetching a row costs far more than a column, so this reads a run's history in about
    two thirds of the time the values one per row took. A metric complete within the walk
    (`limit` values, or nothing older can count) is answered from it; any other (recorded in
    fewer of the recent runs) is read on its own."""
    since = since or {}
    wanted = list(dict.fromkeys(metric_ids))
    out: dict[int, list[float]] = {}
    for start in range(0, len(wanted), HISTORIES_CHUNK):
        _histories(db, wanted[start:start + HISTORIES_CHUNK], app, environment, before, limit,
                   since, out)
    return out


def _histories(db: Database, wanted: list[int], app: str, environment: str, before: str,
               limit: int, since: dict[int, str], out: dict[int, list[float]]) -> None:
    walk: list = []
    if limit > 0:
        value = " (SELECT m.value FROM measurements m WHERE m.metric_id = ? AND m.snapshot_id = s.id)"
        walk = db.execute(
            "SELECT recorded_at," + ",".join([value] * len(wanted)) + " FROM snapshots s"
            + db.dialect.indexed("snapshots_warm_scope_time")
            + f" WHERE app = ? AND environment = ? AND recorded_at >= ? AND {_WARM}"
            " AND recorded_at < ? ORDER BY recorded_at DESC LIMIT ?",
            (*wanted, app, environment, "", before, limit)).fetchall()
    whole_scope = len(walk) < limit   # the walk reached the scope's oldest warm run
    oldest = walk[-1][0] if walk else None
    for column, metric_id in enumerate(wanted, 1):
        bound = since.get(metric_id)
        if bound:
            values = [r[column] for r in walk if r[column] is not None and r[0] >= bound]
        else:   # newest first; None: the run has no value of this metric
            values = [r[column] for r in walk if r[column] is not None]
        if len(values) >= limit or whole_scope or (bound and oldest < bound):
            values = values[:limit]
            values.reverse()
            out[metric_id] = values
        else:
            out[metric_id] = history(db, metric_id, app, environment, before, limit, bound)


def baseline_resets(db: Database, app: str, environment: str, before: str) -> dict[int, str]:
    """metric row id -> the latest 'accepted as new baseline' moment at or before `before`."""
    return dict(db.execute(
        "SELECT metric_id, max(since) FROM baseline_resets WHERE app = ? AND environment = ?"
        " AND since <= ? GROUP BY metric_id", (app, environment, before)).fetchall())


def last_warm_snapshot(db: Database, app: str, environment: str, before: str) -> int | None:
    return db.scalar(
        "SELECT id FROM snapshots" + db.dialect.indexed("snapshots_warm_scope_time") +
        f" WHERE app = ? AND environment = ? AND {_WARM} AND recorded_at < ?"
        " ORDER BY recorded_at DESC LIMIT 1", (app, environment, before))


def has_snapshot_since(db: Database, app: str, environment: str, host: str | None,
                       since: str) -> bool:
    """Whether this scope (and host) recorded anything at or after `since`."""
    host_clause = "host IS NULL" if host is None else "host = ?"
    args = (app, environment, since) if host is None else (app, environment, since, host)
    return db.execute(
        "SELECT 1 FROM snapshots" + db.dialect.indexed("snapshots_scope_time") +
        f" WHERE app = ? AND environment = ? AND recorded_at >= ? AND {host_clause} LIMIT 1",
        args).fetchone() is not None


# ---------------------------------------------------------------- the faces' reads

_READS = frozenset(("ids_by_uid", "uids_by_id", "newest_scope", "scopes", "SCOPE_LIST",
                    "scope_list", "snapshot_count", "latest_snapshot", "measurements",
                    "unjudged_values", "set_verdicts"))


def __getattr__(name: str):
    """`snapshots.scopes` and the rest of perftui.store.snapshot_reads, imported on first use."""
    if name not in _READS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from perftui.store import snapshot_reads

    value = globals()[name] = getattr(snapshot_reads, name)
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_READS])
