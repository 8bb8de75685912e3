"""Budget: bulk import reaches at least half the rows per second of a raw sqlite3 executemany.

    python benchmarks/import_speed.py [--snapshots 20000] [--metrics 20] [--repeat 3]

Rows are measurements (snapshot x metric). Floor: the same snapshot and measurement rows
inserted with two `executemany` calls in one transaction into a fresh store with the same
schema, pragmas and indexes; the least any import can cost. Measured: `perftui import` of a
perftui JSON file holding those snapshots, end to end (read and parse the file, validate every
value and timestamp, look for duplicates, register metrics, insert in one transaction), into a
fresh store. Also printed: the insert step alone (`import_batch` of an already parsed batch).
Best of --repeat runs of each.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import report  # noqa: E402

BUDGET_RATIO = 0.5
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make_file(path: Path, snapshots: int, metrics: int) -> list[str]:
    from perftui.timefmt import to_iso

    rng = random.Random(1)
    codes = [f"bench.metric_{i:02d}_ms" for i in range(metrics)]
    runs = [{"recorded_at": to_iso(START + timedelta(minutes=i)), "app": "bench",
             "environment": "ci", "git_commit": f"{i // 50:040x}", "git_branch": "main",
             "metrics": {c: round(rng.lognormvariate(5, 0.05), 3) for c in codes}}
            for i in range(snapshots)]
    path.write_text(json.dumps({"snapshots": runs}))
    return codes


def floor_rows_per_s(workdir: Path, source: Path) -> float:
    """Raw executemany of the same rows (ids assigned up front, metrics already known)."""
    from perftui.store.metrics import ensure_metric, load_catalog
    from perftui.store.sqlite import connect

    runs = json.loads(source.read_text())["snapshots"]
    db = workdir / f"floor-{time.perf_counter_ns()}.db"
    conn = connect(str(db))
    catalog = load_catalog(conn)
    with conn.transaction():
        ids = {c: ensure_metric(conn, catalog, {"id": c, "name": c, "unit": "ms"}, "bench").id
               for c in runs[0]["metrics"]}
    conn = conn.conn  # the floor is the bare sqlite3 connection underneath
    columns = ("recorded_at", "app", "environment", "git_commit", "git_branch")
    snaps = [(i + 1, *(r[c] for c in columns), 0, "ok") for i, r in enumerate(runs)]
    rows = [(ids[c], i + 1, v) for i, r in enumerate(runs) for c, v in r["metrics"].items()]
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO snapshots (id, recorded_at, app, environment, git_commit,"
                     " git_branch, is_cold_start, status) VALUES (?,?,?,?,?,?,?,?)", snaps)
    conn.executemany("INSERT INTO measurements (metric_id, snapshot_id, value) VALUES (?,?,?)",
                     rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return len(rows) / elapsed


def import_rows_per_s(workdir: Path, source: Path, parse: bool) -> float:
    from perftui.core.importing import import_batch, load
    from perftui.store.sqlite import connect

    db = workdir / f"import-{time.perf_counter_ns()}.db"
    conn = connect(str(db))
    started = time.perf_counter()
    batch = load(source, "perftui")
    if not parse:
        started = time.perf_counter()
    summary = import_batch(conn, batch, source)
    elapsed = time.perf_counter() - started
    conn.close()
    assert summary["imported"] == len(batch.snapshots)
    return summary["measurements"] / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshots", type=int, default=20_000)
    parser.add_argument("--metrics", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perftui-import-") as tmp:
        workdir = Path(tmp)
        source = workdir / "history.json"
        make_file(source, args.snapshots, args.metrics)
        floor = max(floor_rows_per_s(workdir, source) for _ in range(args.repeat))
        full = max(import_rows_per_s(workdir, source, parse=True) for _ in range(args.repeat))
        insert = max(import_rows_per_s(workdir, source, parse=False) for _ in range(args.repeat))
    rows = args.snapshots * args.metrics
    print(f"{args.snapshots:,} snapshots x {args.metrics} metrics = {rows:,} rows; "
          f"file {source.name}")
    print(f"raw executemany: {floor:,.0f} rows/s; perftui import end to end: {full:,.0f} rows/s "
          f"(ratio {full / floor:.2f}); insert step alone: {insert:,.0f} rows/s "
          f"(ratio {insert / floor:.2f})")
    ratio = full / floor
    report("bulk import (end to end)", ratio, "x", "raw executemany", 1.0,
           f">= {BUDGET_RATIO}x", ratio >= BUDGET_RATIO)
    return 0 if ratio >= BUDGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
