"""An operation that regresses through one slow function, profiled for real, for the tests of an
alert's profile (core, CLI, TUI).

`op()` calls `steady()` (unchanged) and `b()`, which calls `slow_part()` (a pure-Python loop)
and `tidy()`. `SLOWER` makes slow_part three times slower: op's own share stays 100 %, b's and
slow_part's grow, and the diff must name slow_part first.

`build_store` times real runs of op, records them as production records them
(`record_snapshot`) until a regression alert opens, and saves a baseline profile taken before it
and the alert's profile taken after, each a real cProfile run converted by `from_stats`.
"""

from __future__ import annotations

import cProfile
import time
from datetime import datetime, timedelta, timezone

START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
METRIC = "startup_time_ms"
OPERATION = "load_rules"
N = 25_000
_factor = {"slow_part": 1}


def slow_part(n: int) -> int:
    total = 0
    for i in range(n * _factor["slow_part"]):
        total += i * i % 7
    return total


def tidy(n: int) -> int:
    return len(sorted(range(n // 20, 0, -1)))


def b(n: int) -> int:
    return slow_part(n) + tidy(n)


def steady(n: int) -> int:
    total = 0
    for i in range(n):
        total += i % 3
    return total


def op(n: int = N) -> int:
    return steady(n) + b(n)


class SLOWER:
    """`with SLOWER:` slow_part does three times the work."""

    def __enter__(self):
        _factor["slow_part"] = 3

    def __exit__(self, *exc):
        _factor["slow_part"] = 1


SLOWER = SLOWER()


def profile_doc(slow: bool = False) -> dict:
    """The stored document of one profiled call of op (the best of three: the least noise)."""
    from perftui.store.profiles import from_stats

    best = None
    for _ in range(3):
        prof = cProfile.Profile()
        if slow:
            with SLOWER:
                prof.enable()
                op()
                prof.disable()
        else:
            prof.enable()
            op()
            prof.disable()
        prof.create_stats()
        doc = from_stats(prof.stats)
        if best is None or doc["total_ms"] < best["total_ms"]:
            best = doc
    return best


def timed(slow: bool = False) -> float:
    """One run's time of op in ms: the best of three calls (a busy machine adds only noise)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        if slow:
            with SLOWER:
                op()
        else:
            op()
        best = min(best, (time.perf_counter() - started) * 1000.0)
    return best


def build_store(where: str, *, baseline: bool = True, profile: bool = True,
                app: str = "shop", environment: str = "prod") -> int:
    """A store at `where` with 20 timed runs of op and then slow ones until a regression alert
    opens; returns the alert's id. `baseline`/`profile`: save a baseline profile before it, and
    the alert's own profile after it."""
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store import profiles
    from perftui.store.db import open_store
    from perftui.timefmt import to_iso

    db = open_store(str(where), create=True)
    try:
        runs = 0
        alert_id = None

        def record(slow: bool) -> None:
            nonlocal runs
            at = START + timedelta(hours=runs)
            runs += 1
            record_snapshot(db, SnapshotInput(
                metrics={METRIC: timed(slow)}, recorded_at=to_iso(at), app=app,
                environment=environment, host="ci-1", git_commit=f"{runs:07x}abc",
                git_branch="main"))

        for _ in range(20):
            record(False)
        while alert_id is None and runs < 40:
            record(True)
            row = db.execute("SELECT a.id FROM alerts a JOIN metrics m ON m.id = a.metric_id"
                             " WHERE m.key = ? AND a.alert_type = 'regression' AND a.app = ?"
                             " AND a.environment = ? ORDER BY a.id LIMIT 1",
                             (METRIC, app, environment)).fetchone()
            alert_id = row[0] if row else None
        assert alert_id is not None, "the slow runs should open a regression alert"
        metric_id = db.scalar("SELECT id FROM metrics WHERE key = ?", (METRIC,))
        common = dict(metric_id=metric_id, app=app, environment=environment,
                      operation=OPERATION)
        with db.transaction():
            if baseline:
                doc = profile_doc(slow=False)
                profiles.save_profile(db, kind="baseline", doc=doc,
                                      captured_at=to_iso(START + timedelta(hours=10)),
                                      duration_ms=doc["total_ms"], **common)
            if profile:
                doc = profile_doc(slow=True)
                profiles.save_profile(db, kind="regression", alert_id=alert_id, doc=doc,
                                      captured_at=to_iso(START + timedelta(hours=runs)),
                                      duration_ms=doc["total_ms"], **common)
        return alert_id
    finally:
        db.close()
