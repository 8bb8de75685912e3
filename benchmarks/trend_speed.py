"""Budget: the trend of one metric over all 100,000 points is ready to draw in under 50 ms.

    python benchmarks/trend_speed.py [--sizes 100k,1M] [--repeat 15] [--kinds demo,bulk,bulk-rolled]

Floor: a raw sqlite3 fetch of the same rows (`SELECT recorded_at, value ... ORDER BY
recorded_at`, `fetchall()`), the least any trend can cost. Measured: `perftui.core.trends.trend`
(metric lookup, all points with timestamps as epoch seconds, cold-start split, downsampling to
the chart's width, the current baseline band and the alert marks), on a store of 100,000
snapshots x 20 metrics built once and cached (benchmarks/_common.py's CACHE_DIR): "demo" by the
installed `perftui demo` (its biggest scope holds about 85 % of the runs), "bulk" by a bulk insert
through `perftui.store.snapshots` (one scope holding every run; hourly rollups never built, and the
store opened read-only, so they cannot be: the trend is read run by run), "bulk-rolled" the same
store once its rollups are built (what the TUI's trends screen does for a store it may write).
Runs under the installed package (benchmarks/_common.py), outside the source tree.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    CACHE_DIR, REPO, add_sizes_argument, demo_store, reexec_installed, size_label, source_hash)

BUDGET_MS = 50.0
NOW = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
METRIC = "APP-001"


def big_store(snapshots: int = 100_000, kind: str = "demo") -> Path:
    """A store of `snapshots` runs x 20 metrics, built once and cached: "demo" (the demo
    generator: two environments, so its biggest scope holds about 84 % of the runs), "bulk"
    (one scope holding every run; a bulk insert through `perftui.store.snapshots`, so its hourly
    rollups were never built: a store only recorders wrote to), or "bulk-rolled" (that store once
    its rollups are built, as the TUI's trends screen builds them in the background)."""
    if kind == "demo":
        return demo_store(snapshots)
    if kind == "bulk-rolled":
        return _rolled(big_store(snapshots, "bulk"))
    path = CACHE_DIR / f"bulk-{size_label(snapshots)}-{source_hash(REPO, ('migrations',))}.db"
    if path.exists():
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"building-{path.name}")
    for leftover in CACHE_DIR.glob(tmp.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    _bulk_store(tmp, snapshots)
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.rename(path)
    print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def _rolled(bulk: Path) -> Path:
    """A copy of `bulk` with its hourly rollups built (cached beside it)."""
    import shutil

    from perftui.store import rollups
    from perftui.store.sqlite import connect

    # named by the rollup code as well: a change to how they are built builds them again
    code = source_hash(REPO, ("perftui/store/rollups.py",))
    path = bulk.with_name(bulk.name.replace("bulk-", f"bulk-rolled-{code}-", 1))
    if path.exists():
        return path
    tmp = path.with_name(f"building-{path.name}")
    shutil.copyfile(bulk, tmp)
    started = time.perf_counter()
    conn = connect(str(tmp))
    built = rollups.refresh(conn)
    conn.close()
    if not built:
        raise SystemExit(f"could not build the rollups of {tmp}")
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.rename(path)
    print(f"built the rollups of {bulk.name} in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    return path


def _bulk_store(path: Path, snapshots: int) -> None:
    """Bulk insert (no evaluation) of all but the last runs; the last 80 are recorded and
    evaluated exactly as production does, so the store holds real alerts."""
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store import snapshots as store_snapshots
    from perftui.store.metrics import load_catalog
    from perftui.store.sqlite import connect
    from perftui.timefmt import to_iso

    conn = connect(str(path))
    catalog = load_catalog(conn)
    metrics = [m for m in catalog.by_code.values() if m.active][:20]
    rnd = random.Random(0)
    level = {m.code: (m.target or 100.0) * (0.8 if m.direction == "lower" else 1.0) for m in metrics}
    step = timedelta(minutes=5)
    evaluated = 80

    def values(i: int) -> dict[str, float]:
        out = {}
        for m in metrics:
            base = level[m.code]
            if m.code == METRIC and i > snapshots - 12:
                base *= 1.35
            v = base * rnd.lognormvariate(0, 0.04)
            out[m.code] = min(v, 1.0) if m.unit == "ratio" else v
        return out

    with conn.transaction():
        for i in range(snapshots - evaluated):
            at = to_iso(NOW - step * (snapshots - i))
            sid = store_snapshots.insert_snapshot(conn, {
                "recorded_at": at, "app": "demo", "environment": "prod", "host": "bench-1",
                "git_commit": f"{i // 50:040x}", "git_branch": "main",
                "is_cold_start": i % 25 == 0})
            store_snapshots.insert_measurements(
                conn, [(catalog.by_code[c].id, sid, v, None, None, None, None, None)
                       for c, v in values(i).items()])
    for i in range(snapshots - evaluated, snapshots):
        record_snapshot(conn, SnapshotInput(
            metrics=values(i), recorded_at=to_iso(NOW - step * (snapshots - i)), app="demo",
            environment="prod", host="bench-1", git_commit=f"{i // 50:040x}", git_branch="main",
            is_cold_start=i % 25 == 0))
    conn.execute("ANALYZE")
    conn.close()


def _floor(path: Path, metric_pk: int, app: str, env: str) -> None:
    import sqlite3

    conn = sqlite3.connect(str(path))
    conn.execute(
        "SELECT s.recorded_at, m.value FROM snapshots s JOIN measurements m"
        " ON m.metric_id = ? AND m.snapshot_id = s.id WHERE s.app = ? AND s.environment = ?"
        " ORDER BY s.recorded_at", (metric_pk, app, env)).fetchall()
    conn.close()


def _timed(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(path: Path, repeat: int) -> None:
    from perftui.core.trends import trend
    from perftui.store.db import open_store
    from perftui.store.series import query_plans

    with open_store(str(path), readonly=True) as store:
        app, env = store.execute(
            "SELECT app, environment FROM snapshots GROUP BY app, environment"
            " ORDER BY count(*) DESC LIMIT 1").fetchone()  # the biggest scope
        pk = store.execute("SELECT id FROM metrics WHERE code = ?", (METRIC,)).fetchone()[0]
        newest = store.execute("SELECT max(recorded_at) FROM snapshots").fetchone()[0]
        now = datetime.fromisoformat(newest.replace("Z", "+00:00")) + timedelta(minutes=1)

        def run(range_: str, cold: bool):
            return trend(store, METRIC, app, env, range_, cold_starts=cold, max_points=400,
                         now=now)

        result = run("all", True)
        print(f"\nstore {path.name}: scope {app}/{env}, metric {METRIC}: {result.total:,} runs "
              f"-> {len(result.warm_x) + len(result.cold_x)} points drawn")
        floor = _timed(lambda: _floor(path, pk, app, env), repeat)
        rows = [(label, _timed(lambda r=r, c=c: run(r, c), repeat))
                for label, r, c in (("trend, all, cold starts shown", "all", True),
                                    ("trend, all, cold starts hidden", "all", False),
                                    ("trend, 7 days", "7d", True))]
        plans = query_plans(store)
    print(f"floor (raw sqlite3 fetch of the same rows): {floor:6.1f} ms")
    for label, ms in rows:
        print(f"{label:32s} {ms:6.1f} ms  = {ms / floor:4.2f}x floor, "
              f"{ms / BUDGET_MS:4.2f}x budget ({BUDGET_MS:.0f} ms) "
              f"{'OK' if ms < BUDGET_MS else 'OVER'}")
    return plans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_sizes_argument(parser, default="100k")
    parser.add_argument("--kinds", default="demo,bulk,bulk-rolled")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    args = parser.parse_args()
    reexec_installed()
    for size in args.sizes:
        for kind in args.kinds.split(","):
            plans = measure(big_store(size, kind), args.repeat)
    if args.plans:
        for name, plan in plans.items():
            print(f"plan {name:12s} " + " | ".join(plan))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
