"""Budget: about 1 KB of store per snapshot of 20 metrics, and bounded by retention.

    python benchmarks/store_size.py [--snapshots 100000]

Builds a demo store (`perftui.core.demo.generate_demo`: 21 metrics per snapshot, realistic
context: commit, branch, version, host...) in a temporary directory, checkpoints the WAL and
divides the file size by the number of snapshots; the figure is also scaled to 20 metrics. The
floor printed beside it is the bare payload: 20 x (8-byte value + two integer ids) plus the
timestamp, i.e. what the data weighs before any index or page overhead. Then the retention
policy is applied as if 60 days had passed (everything folds into daily aggregates) and the
size after VACUUM shows that retention bounds the store. Runs under the installed package
(benchmarks/_common.py), outside the source tree.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import reexec_installed, report  # noqa: E402

BUDGET_BYTES = 1024 * 1.25      # "about 1 KB": within 25 %
NOW = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
PAYLOAD_PER_METRIC = 8 + 4 + 4  # value + snapshot id + metric id
PAYLOAD_PER_SNAPSHOT = 27       # recorded_at text


def file_size(path: Path) -> int:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.stat().st_size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshots", type=int, default=100_000)
    args = parser.parse_args()
    reexec_installed()
    from perftui.core.demo import generate_demo
    from perftui.core.retention import prune
    from perftui.store.sqlite import connect

    with tempfile.TemporaryDirectory(prefix="perftui-size-") as tmp:
        path = Path(tmp) / "demo.db"
        started = time.perf_counter()
        summary = generate_demo(str(path), snapshots=args.snapshots, seed=0, now=NOW)
        built = time.perf_counter() - started
        size = file_size(path)
        metrics = summary["measurements"] / summary["snapshots"]
        per_snapshot = size / summary["snapshots"]
        per_20 = per_snapshot * 20 / metrics
        conn = connect(str(path))
        prune(conn, now=NOW + timedelta(days=60))
        conn.execute("VACUUM")
        conn.close()
        after = file_size(path)
    floor = 20 * PAYLOAD_PER_METRIC + PAYLOAD_PER_SNAPSHOT
    print(f"demo store: {summary['snapshots']:,} snapshots x {metrics:.0f} metrics, "
          f"{summary['daily_aggregates']:,} daily aggregates, built in {built:.1f} s")
    print(f"file {size / 1e6:.1f} MB = {per_snapshot:,.0f} bytes per snapshot of {metrics:.0f} "
          f"metrics = {per_20:,.0f} bytes per snapshot of 20 metrics")
    print(f"after 60 days of retention (all raw runs folded into daily aggregates) and VACUUM: "
          f"{after / 1e6:.2f} MB")
    report("store size", per_20, "bytes/snapshot", "bare payload", floor, "about 1 KB",
           per_20 <= BUDGET_BYTES)
    return 0 if per_20 <= BUDGET_BYTES else 1


if __name__ == "__main__":
    raise SystemExit(main())
