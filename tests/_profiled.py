"""An operation that regresses through one slow function, profiled for real, for the tests of an
alert's profile (core, CLI, TUI).

`op()` calls `steady()` (unchanged) and `b()`, which calls `slow_part()` (a pure-Python loop)
and `tidy()`. `SLOWER` makes slow_part three times slower (and tidy a little): op's share stays
100 %, b's grows a little more than slow_part's (it holds both), and the diff must still name
slow_part first.

`build_store` times real runs of op, records them as production records them
(`record_snapshot`), opens the regression alert the slow ones make, and saves a baseline profile
taken before it and the alert's profile taken after, each a real cProfile run converted by
`from_stats`.
"""

from __future__ import annotations

import cProfile
import time
from contextlib import nullcontext as _same
from datetime import datetime, timedelta, timezone

START = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
METRIC = "startup_time_ms"
OPERATION = "load_rules"
N = 25_000
CALLS = 4
# the alert the slow runs opened (the only one of a scope)
FIND_ALERT = "SELECT min(id) FROM alerts WHERE app = ? AND environment = ?"
_factor = {"slow_part": 1}


def slow_part(n: int) -> int:
    total = 0
    for i in range(n * _factor["slow_part"]):
        total += i * i % 7
    return total


def tidy(n: int) -> int:
    # a little slower too: b's growth is then a bit more than slow_part's, so only the
    # "carried" rule keeps b below slow_part
    return len(sorted(range(n * _factor["slow_part"] // 10, 0, -1)))


def b(n: int) -> int:
    return slow_part(n) + tidy(n)


def steady(n: int) -> int:
    total = 0
    for i in range(n):
        total += i % 3
    return total


def op(n: int = N) -> int:
    return steady(2 * n) + b(n)


class SLOWER:
    """`with SLOWER:` slow_part does three times the work."""

    def __enter__(self):
        _factor["slow_part"] = 3

    def __exit__(self, *exc):
        _factor["slow_part"] = 1


SLOWER = SLOWER()


def profile_doc(slow: bool = False) -> dict:
    """The stored document of op profiled over CALLS calls, the least disturbed of three
    attempts (the one that took least): a busy test machine preempts the process for
    milliseconds at a time, which a single call of a few milliseconds would show as one
    function growing."""
    from perftui.store.profiles import from_stats

    best = None
    for _ in range(3):
        prof = cProfile.Profile()
        with SLOWER if slow else _same():
            prof.enable()     # op's calls are the roots: this frame is not profiled
            for _ in range(CALLS):
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
                app: str = "shop", environment: str = "prod", days_back: int = 0) -> int:
    """A store at `where` with 20 timed runs of op and then 4 slow ones, and the regression
    alert they open; returns the alert's id. `baseline`/`profile`: save a baseline profile
    before it, and the alert's own profile after it. `days_back`: the runs start that many
    days earlier (the newest scope is the TUI's default).

    The runs are timed for real and recorded as production records them (`record_snapshot`),
    but not judged: a shared test machine changes speed by half and more from one second to
    the next, which the detectors rightly see as level shifts of their own. The alert is
    written as the regression detector writes one (`insert_alert`), against the fast runs'
    median, so every test sees the same alerts."""
    import statistics

    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store import profiles
    from perftui.store.alerts import insert_alert
    from perftui.store.db import open_store
    from perftui.timefmt import to_iso

    start = START - timedelta(days=days_back)
    db = open_store(str(where), create=True)
    try:
        runs: list[tuple[int, float]] = []

        def record(slow: bool) -> None:
            at = start + timedelta(hours=len(runs))
            value = timed(slow)
            result = record_snapshot(db, SnapshotInput(
                metrics={METRIC: value}, recorded_at=to_iso(at), app=app,
                environment=environment, host="ci-1",
                git_commit=f"{'slow' if slow else 'fast'}{len(runs):04d}", git_branch="main"),
                evaluate=False)
            runs.append((result.snapshot_id, value))

        for _ in range(20):
            record(False)
        for _ in range(4):
            record(True)
        fast = sorted(v for _, v in runs[:20])
        slow = [v for _, v in runs[20:]]
        median, current = statistics.median(fast), statistics.median(slow)
        deviation = 100.0 * (current - median) / median
        metric_id = db.scalar("SELECT id FROM metrics WHERE key = ?", (METRIC,))
        last = start + timedelta(hours=len(runs) - 1)
        with db.transaction():
            alert_id = insert_alert(
                db, snapshot_id=runs[-1][0], baseline_snapshot_id=runs[19][0],
                metric_id=metric_id, app=app, environment=environment,
                alert_type="regression", severity="error", current_value=current,
                expected_value=median, deviation_percent=deviation,
                message=f"{OPERATION} {current:.2f}ms is {deviation:.0f}% above its baseline "
                        f"of {median:.2f}ms for {len(slow)} runs in a row",
                at=to_iso(last), context={"baseline": {
                    "median": median, "p5": fast[1], "p95": fast[-2],
                    "spread": statistics.pstdev(fast), "sample_size": len(fast),
                    "confidence": 0.95}})
            common = dict(metric_id=metric_id, app=app, environment=environment,
                          operation=OPERATION)
            if baseline:
                doc = profile_doc(slow=False)
                profiles.save_profile(db, kind="baseline", doc=doc,
                                      captured_at=to_iso(start + timedelta(hours=10)),
                                      duration_ms=doc["total_ms"], **common)
            if profile:
                doc = profile_doc(slow=True)
                profiles.save_profile(db, kind="regression", alert_id=alert_id, doc=doc,
                                      snapshot_id=runs[-1][0],
                                      captured_at=to_iso(last + timedelta(minutes=30)),
                                      duration_ms=doc["total_ms"], **common)
        return alert_id
    finally:
        db.close()
