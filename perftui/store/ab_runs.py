"""The runs of one side of an A/B comparison: every warm, successful run of a branch or of an
app version (all their commits), per metric (`perftui.core.compare` with `by="branch"` or
`by="version"`)."""

from __future__ import annotations

from collections import defaultdict

from perftui.store.engine import Database

# the snapshot column each kind of side is named by
COLUMNS = {"branch": "git_branch", "version": "app_version"}
_WARM = "s.is_cold_start = 0 AND s.status = 'ok'"


def side_scopes(db: Database, by: str, label: str) -> list[tuple[str, str, int]]:
    """(app, environment, warm runs) where `label` was recorded, most runs first."""
    column = COLUMNS[by]
    return [(a, e, n) for a, e, n in db.execute(
        f"SELECT s.app, s.environment, count(*) FROM snapshots s WHERE s.{column} = ?"
        f" AND {_WARM} GROUP BY s.app, s.environment ORDER BY count(*) DESC, s.app,"
        " s.environment", (label,))]


def side_values(db: Database, by: str, label: str, app: str,
                environment: str) -> tuple[int, dict[str, list[float]]]:
    """(warm runs, metric code -> their values) of `label` in one scope."""
    column = COLUMNS[by]
    runs: set[int] = set()
    out: dict[str, list[float]] = defaultdict(list)
    for snapshot_id, code, value in db.execute(
            "SELECT s.id, mt.code, m.value FROM snapshots s"
            " JOIN measurements m ON m.snapshot_id = s.id JOIN metrics mt ON mt.id = m.metric_id"
            f" WHERE s.app = ? AND s.environment = ? AND s.{column} = ? AND {_WARM}",
            (app, environment, label)):
        runs.add(snapshot_id)
        out[code].append(value)
    return len(runs), dict(out)


def side_commits(db: Database, by: str, label: str, app: str, environment: str) -> int:
    """How many distinct commits the side's warm runs were recorded on."""
    return db.scalar(
        f"SELECT count(DISTINCT s.git_commit) FROM snapshots s WHERE s.app = ?"
        f" AND s.environment = ? AND s.{COLUMNS[by]} = ? AND {_WARM}",
        (app, environment, label)) or 0
