"""What the faces read of snapshots: scopes, the latest run, a run's measurements and
verdicts, counts, uids; and the verdicts written back when a store is upgraded.

`perftui.store.snapshots` holds what a recording writes and reads and gives these names too,
importing this module on first use (a recording, inside a host application's start-up, needs
none of it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # collections.abc imports collections
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

from perftui._json import loads
from perftui.store.engine import Database
from perftui.store.snapshots import _WARM, JSON_FIELDS, READ_COLUMNS


def ids_by_uid(db: Database, uids: list[str]) -> dict[str, int]:
    """uid -> stored id of those of these snapshots the store holds."""
    found: dict[str, int] = {}
    for start in range(0, len(uids), 500):
        chunk = uids[start:start + 500]
        found.update(db.execute(f"SELECT uid, id FROM snapshots WHERE uid IN"
                                f" ({', '.join('?' * len(chunk))})", chunk).fetchall())
    return found


def uids_by_id(db: Database) -> dict[int, str]:
    """id -> uid of every snapshot."""
    return dict(db.execute("SELECT id, uid FROM snapshots").fetchall())


def _row_dict(row: Sequence) -> dict:
    d = dict(zip(READ_COLUMNS, row))
    d["is_cold_start"] = bool(d["is_cold_start"])
    for name in JSON_FIELDS:
        if d[name] is not None:
            try:
                d[name] = loads(d[name])
            except ValueError:
                d[name] = None
    return d


# ---------------------------------------------------------------- scopes

def newest_scope(db: Database, app: str | None = None,
                 environment: str | None = None) -> tuple[str, str] | None:
    """(app, environment) of the newest snapshot, within the app or environment if given."""
    from perftui.store.where import scope_where  # not on the recorder's path

    where, args = scope_where(app, environment)
    row = db.execute(f"SELECT app, environment FROM snapshots{where}"
                     " ORDER BY recorded_at DESC LIMIT 1", args).fetchone()
    return (row[0], row[1]) if row else None


def scopes(db: Database) -> list[dict]:
    """Every (app, environment) with its snapshot count and latest time, newest first.

    Counting reads every snapshot (about 0.2 s at a million); callers that need no counts use
    `scope_list`, which costs a few index seeks per scope at any size."""
    rows = db.execute("SELECT app, environment, count(*), max(recorded_at) FROM snapshots"
                      " GROUP BY app, environment ORDER BY max(recorded_at) DESC, app, environment")
    return [{"app": a, "environment": e, "snapshots": n, "latest": t} for a, e, n, t in rows]


# A skip-scan over the (app, environment, recorded_at) index: the first scope, then from each
# scope the next one (the next environment of the same app, else the first of the next app),
# a few seeks a step; then one seek per scope for its newest run. Its cost grows with the number
# of scopes, not of snapshots (the GROUP BY in `scopes` reads every row). Row values
# `(app, environment) > (?, ?)` would be shorter, but SQLite seeks on `app` alone for them.
def _first(column: str, where: str) -> str:
    return (f"(SELECT n.{column} FROM snapshots n WHERE {where}"
            f" ORDER BY n.{column} LIMIT 1)")


_NEXT_ENV = _first("environment", "n.app = s.app AND n.environment > s.environment")
_NEXT_APP = _first("app", "n.app > s.app")
SCOPE_LIST = (
    "WITH RECURSIVE s(app, environment) AS ("
    " SELECT * FROM (SELECT app, environment FROM snapshots"
    " ORDER BY app, environment LIMIT 1) f"
    " UNION ALL"
    f" SELECT CASE WHEN {_NEXT_ENV} IS NULL THEN {_NEXT_APP} ELSE s.app END,"
    f" coalesce({_NEXT_ENV}, (SELECT n2.environment FROM snapshots n2 WHERE n2.app = {_NEXT_APP}"
    " ORDER BY n2.environment LIMIT 1))"
    " FROM s WHERE s.app IS NOT NULL)"
    " SELECT s.app, s.environment, (SELECT l.recorded_at FROM snapshots l"
    " WHERE l.app = s.app AND l.environment = s.environment"
    " ORDER BY l.recorded_at DESC LIMIT 1) AS latest"
    " FROM s WHERE s.app IS NOT NULL ORDER BY latest DESC, s.app, s.environment")


def scope_list(db: Database) -> list[dict]:
    """Every (app, environment) with its latest time, newest first, as `scopes` gives them
    but without counts: a few index seeks per scope, whatever the store's size."""
    return [{"app": a, "environment": e, "latest": t} for a, e, t in db.execute(SCOPE_LIST)]


def snapshot_count(db: Database, app: str | None = None, environment: str | None = None) -> int:
    from perftui.store.where import scope_where  # not on the recorder's path

    where, args = scope_where(app, environment)
    return db.scalar(f"SELECT count(*) FROM snapshots{where}", args)


# ---------------------------------------------------------------- one snapshot

def latest_snapshot(db: Database, app: str, environment: str,
                    warm_only: bool = False) -> dict | None:
    warm = f" AND {_WARM}" if warm_only else ""
    row = db.execute(f"SELECT {', '.join(READ_COLUMNS)} FROM snapshots WHERE app = ?"
                     f" AND environment = ?{warm} ORDER BY recorded_at DESC, id DESC LIMIT 1",
                     (app, environment)).fetchone()
    return _row_dict(row) if row else None


def measurements(db: Database, snapshot_id: int) -> list[dict]:
    """One snapshot's measurements with their stored verdicts, by metric code."""
    rows = db.execute(
        "SELECT mt.code, m.value, m.severity, m.tier, m.expected, m.deviation, m.baseline_runs"
        " FROM measurements m JOIN metrics mt ON mt.id = m.metric_id"
        " WHERE m.snapshot_id = ? ORDER BY mt.code", (snapshot_id,))
    return [{"metric_id": c, "value": v, "severity": s, "tier": t, "expected": e,
             "deviation": d, "baseline_runs": n} for c, v, s, t, e, d, n in rows]


def unjudged_values(db: Database, snapshot_id: int) -> list[tuple[int, float]]:
    """(metric row id, value) of a snapshot whose measurements carry no verdict at all; empty
    when any of them was judged."""
    rows = db.execute("SELECT metric_id, value, severity FROM measurements WHERE snapshot_id = ?",
                      (snapshot_id,)).fetchall()
    if any(r[2] is not None for r in rows):
        return []
    return [(r[0], r[1]) for r in rows]


def set_verdicts(db: Database, snapshot_id: int, rows: Iterable[Sequence]) -> None:
    """(metric_id, severity, tier, expected, deviation, baseline_runs) for one snapshot."""
    db.executemany("UPDATE measurements SET severity = ?, tier = ?, expected = ?, deviation = ?,"
                   " baseline_runs = ? WHERE snapshot_id = ? AND metric_id = ?",
                   [(s, t, e, d, n, snapshot_id, m) for m, s, t, e, d, n in rows])
