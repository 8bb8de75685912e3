"""Aggregate reads for reports, comparisons and the CI gate (plain SQL, no ORM objects).

Every function takes a connection and plain values and returns plain values: lists, dicts
keyed by metric code. "Warm" means a successful run that is not a cold start: the runs
baselines are made of.
"""

from __future__ import annotations

from perftui.store.engine import Database
from perftui.store.where import scope_terms
from collections import defaultdict
from operator import itemgetter

_WARM = "s.is_cold_start = 0 AND s.status = 'ok'"
DENSE = 0.6   # share of a period's id span that must be its warm runs for `warm_series`' plan


def series_since(conn: Database, app: str, environment: str,
                 since: str | None) -> dict[str, list[float]]:
    """metric code -> its warm values of the period, oldest first."""
    codes = dict(conn.execute("SELECT id, code FROM metrics"))
    out: dict[int, list[float]] = {}
    for metric_id, value in conn.execute(_series_since_sql(conn),
                                         (app, environment, since or "")):
        series = out.get(metric_id)
        if series is None:
            series = out[metric_id] = []
        series.append(value)
    return {codes[k]: v for k, v in out.items()}


def _series_since_sql(conn: Database) -> str:
    return ("SELECT m.metric_id, m.value FROM snapshots s"
            + conn.dialect.indexed("snapshots_scope_time") +
            " JOIN measurements m ON m.snapshot_id = s.id"
            f" WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND {_WARM}"
            " ORDER BY s.recorded_at, s.id")


def warm_series(conn: Database, app: str, environment: str,
                since: str | None) -> dict[str, list[float]]:
    """What `series_since` returns, read metric by metric along `measurements`' primary key.

    `series_since` walks the period's snapshots and looks up each of their measurements through
    the secondary index (two B-tree descents per value). Here each metric's values are one range
    of the primary key (metric, snapshot id) between the period's first and last warm run, with
    one rowid look-up of the snapshot each: one B-tree descent less per value, and no sort.
    That reads values in snapshot-id order, the period's time order only while ids follow
    recorded_at;
    the ids are checked first (one index-only scan) and, when they do not (an import of older
    runs, say), `series_since` answers instead. So it does when the period's warm runs are
    less than DENSE of the snapshot ids they span: the key range also holds every other scope's
    and every cold or failed run's values, each one look-up that leads nowhere. Same values,
    same order, either way."""
    ids = [i for (i,) in conn.execute(_warm_ids_sql(conn), (app, environment, since or ""))]
    if not ids:
        return {}
    if (len(ids) < DENSE * (ids[-1] - ids[0] + 1)
            or any(a >= b for a, b in zip(ids, ids[1:]))):
        return series_since(conn, app, environment, since)
    out: dict[str, list[float]] = {}
    sql = _metric_values_sql(conn)
    for metric_id, code in conn.execute("SELECT id, code FROM metrics ORDER BY id").fetchall():
        rows = conn.execute(sql, (metric_id, ids[0], ids[-1], app, environment,
                                  since or "")).fetchall()
        if rows:
            out[code] = list(map(itemgetter(0), rows))
    return out


def _warm_ids_sql(conn: Database) -> str:
    return ("SELECT s.id FROM snapshots s" + conn.dialect.indexed("snapshots_warm_scope_time") +
            f" WHERE s.app = ? AND s.environment = ? AND s.recorded_at >= ? AND {_WARM}"
            " ORDER BY s.recorded_at, s.id")


def _metric_values_sql(conn: Database) -> str:
    return ("SELECT m.value FROM measurements m " + conn.dialect.cross_join + " snapshots s"
            " ON s.id = m.snapshot_id WHERE m.metric_id = ? AND m.snapshot_id >= ?"
            " AND m.snapshot_id <= ? AND s.app = ? AND s.environment = ? AND s.recorded_at >= ?"
            f" AND {_WARM} ORDER BY m.snapshot_id")


def query_plans(conn: Database) -> dict[str, list[str]]:
    """SQLite's EXPLAIN QUERY PLAN details of the report's reads, for tests and benchmarks."""
    since = "2000-01-01T00:00:00Z"
    statements = {
        "warm_ids": (_warm_ids_sql(conn), ("a", "e", since)),
        "metric_values": (_metric_values_sql(conn), (1, 1, 9, "a", "e", since)),
        "series_since": (_series_since_sql(conn), ("a", "e", since)),
        "period_counts": (_period_counts_sql(conn), ("a", "e", since)),
    }
    return {name: [row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
            for name, (sql, params) in statements.items()}


def period_counts(conn: Database, app: str, environment: str,
                  since: str | None) -> dict[str, int]:
    """Snapshots in the period: total, cold starts, failed runs, first and last time, mean
    performance index, distinct commits."""
    row = conn.execute(_period_counts_sql(conn), (app, environment, since or "")).fetchone()
    return {"snapshots": row[0], "cold_starts": row[1], "failed": row[2], "first": row[3],
            "last": row[4], "performance_index_mean": row[5], "commits": row[6]}


def _period_counts_sql(conn: Database) -> str:
    return ("SELECT count(*), coalesce(sum(is_cold_start), 0),"
            " coalesce(sum(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0),"
            " min(recorded_at), max(recorded_at), avg(performance_index),"
            " count(DISTINCT git_commit)"
            " FROM snapshots" + conn.dialect.indexed("snapshots_scope_time") +
            " WHERE app = ? AND environment = ? AND recorded_at >= ?")


def alerts_in_period(conn: Database, app: str, environment: str,
                     since: str | None) -> dict[str, dict[str, int]]:
    """metric code -> {severity: number of alerts triggered or seen in the period}."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for code, severity, n in conn.execute(
            "SELECT m.code, a.severity, count(*) FROM alerts a JOIN metrics m ON m.id = a.metric_id"
            " WHERE a.app = ? AND a.environment = ? AND a.last_seen_at >= ?"
            " AND a.severity != 'info' GROUP BY m.code, a.severity",
            (app, environment, since or "")):
        out[code][severity] = n
    return dict(out)


def daily_aggregates(conn: Database, app: str, environment: str,
                     since_day: str) -> dict[str, list[tuple]]:
    """metric code -> [(day, count, mean, median, min, max, p95)] oldest first."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for row in conn.execute(
            "SELECT m.code, d.day, d.count, d.mean, d.median, d.min, d.max, d.p95"
            " FROM daily_aggregates d JOIN metrics m ON m.id = d.metric_id"
            " WHERE d.app = ? AND d.environment = ? AND d.day >= ? ORDER BY d.day",
            (app, environment, since_day)):
        out[row[0]].append(tuple(row[1:]))
    return dict(out)


def commits_matching(conn: Database, prefix: str, app: str | None = None,
                     environment: str | None = None) -> list[dict]:
    """Commits whose hash starts with `prefix`, newest first. The prefix is compared in lower
    case (hashes as git prints them), whatever case it is given in.

    The range is what lets the index find them; the exact prefix test is what decides, so that
    every engine answers alike: text order follows the database's collation, and under a
    linguistic one (PostgreSQL with ICU, say) the range also holds strings that differ only in
    case."""
    low = prefix.lower()
    return _commits(conn, "git_commit >= ? AND git_commit < ? AND substr(git_commit, 1, ?) = ?",
                    [low, low + "\uffff", len(low), low], app, environment)


def commit_labelled(conn: Database, label: str, app: str | None = None,
                    environment: str | None = None) -> list[dict]:
    """The commit recorded under exactly `label` (a hash, a tag, a release name, an id an
    importer kept), as `commits_matching` describes it; empty when there is none."""
    return _commits(conn, "git_commit = ?", [label], app, environment)


def _commits(conn: Database, condition: str, params: list, app: str | None,
             environment: str | None) -> list[dict]:
    terms, scope = scope_terms(app, environment)
    sql = " AND ".join([
        "SELECT git_commit, count(*), min(recorded_at), max(recorded_at), max(git_branch),"
        " max(app_version) FROM snapshots WHERE " + condition, *terms])
    rows = conn.execute(sql + " GROUP BY git_commit ORDER BY max(recorded_at) DESC",
                        [*params, *scope])
    return [{"commit": c, "snapshots": n, "first": f, "last": l, "branch": b, "app_version": v}
            for c, n, f, l, b, v in rows]


def commit_values(conn: Database, commit: str, app: str,
                  environment: str) -> dict[str, list[float]]:
    """metric code -> warm values recorded on one commit in one scope."""
    out: dict[str, list[float]] = defaultdict(list)
    for code, value in conn.execute(
            "SELECT mt.code, m.value FROM snapshots s" + conn.dialect.indexed("snapshots_commit") +
            " JOIN measurements m ON m.snapshot_id = s.id JOIN metrics mt ON mt.id = m.metric_id"
            f" WHERE s.git_commit = ? AND s.app = ? AND s.environment = ? AND {_WARM}",
            (commit, app, environment)):
        out[code].append(value)
    return dict(out)


def commit_scopes(conn: Database, commit: str) -> list[tuple[str, str]]:
    """(app, environment) pairs that recorded this commit, most snapshots first."""
    return [(a, e) for a, e, _ in conn.execute(
        "SELECT app, environment, count(*) FROM snapshots WHERE git_commit = ?"
        " GROUP BY app, environment ORDER BY count(*) DESC", (commit,))]


def branch_history(conn: Database, branch: str, app: str, environment: str,
                   metric_codes: list[str], limit: int) -> dict[str, list[float]]:
    """metric code -> the last `limit` warm values recorded on `branch`, oldest first."""
    out: dict[str, list[float]] = {}
    for code in metric_codes:
        rows = conn.execute(
            "SELECT m.value FROM snapshots s" + conn.dialect.indexed("snapshots_warm_scope_time") +
            " JOIN measurements m ON m.snapshot_id = s.id"
            " JOIN metrics mt ON mt.id = m.metric_id AND mt.code = ?"
            f" WHERE s.app = ? AND s.environment = ? AND {_WARM} AND s.git_branch = ?"
            " ORDER BY s.recorded_at DESC LIMIT ?",
            (code, app, environment, branch, limit)).fetchall()
        if rows:
            out[code] = [r[0] for r in reversed(rows)]
    return out


def branch_head(conn: Database, branch: str, app: str,
                environment: str) -> dict | None:
    """The newest snapshot recorded on `branch` in the scope: its commit and time."""
    row = conn.execute(
        "SELECT git_commit, recorded_at, app_version FROM snapshots"
        " WHERE app = ? AND environment = ? AND git_branch = ?"
        " ORDER BY recorded_at DESC LIMIT 1", (app, environment, branch)).fetchone()
    return {"commit": row[0], "recorded_at": row[1], "app_version": row[2]} if row else None


def branch_scopes(conn: Database, branch: str) -> list[tuple[str, str]]:
    """(app, environment) pairs with runs on `branch`, newest first."""
    return [(a, e) for a, e, _ in conn.execute(
        "SELECT app, environment, max(recorded_at) FROM snapshots WHERE git_branch = ?"
        " GROUP BY app, environment ORDER BY max(recorded_at) DESC", (branch,))]


def branches(conn: Database, app: str, environment: str) -> list[str]:
    """Git branches that have warm, successful runs in this scope, most runs first."""
    return [b for (b,) in conn.execute(
        "SELECT git_branch FROM snapshots WHERE app = ? AND environment = ? AND status = 'ok'"
        " AND is_cold_start = 0 AND git_branch IS NOT NULL GROUP BY git_branch"
        " ORDER BY count(*) DESC", (app, environment))]
