"""Budgets: bulk import reaches at least half the rows per second of a raw sqlite3 executemany;
`perftui import` streams: peak memory at most 250 MB for a file of 1M snapshots.

    python benchmarks/import_speed.py [--snapshots 20000] [--metrics 20] [--repeat 3]
                                      [--sizes 10k,100k,1M]

Rows are measurements (snapshot x metric). Floor: the same snapshot and measurement rows
inserted with two `executemany` calls in one transaction into a fresh store with the same
schema, pragmas and indexes; the least any import can cost. Measured: `perftui import` of a
perftui JSON file holding those snapshots, end to end (read and parse the file, validate every
value and timestamp, look for duplicates a chunk at a time, register metrics, insert in short
transactions of at most 0.1 s with a pause after each, as perftui.core.importing does), into a
fresh store. Also printed: the insert step alone (`import_batch` of an already parsed batch).
Best of --repeat runs of each. The script re-executes itself under the installed package
(benchmarks/_common.py), outside the source tree.

Memory, per --sizes: a perftui JSON file of that many snapshots x --metrics is written (streamed)
and imported by a fresh `perftui import` process of the installed CLI into a fresh store; its
peak RSS (wait4 ru_maxrss) is printed against the floor "a fresh process of the same
interpreter that imports perftui's importer and does nothing" (what any import costs before
reading a byte). Peak RSS is the child's own VmHWM, read at its exit. The budget is 250 MB at 1M; smaller sizes show the growth.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    add_sizes_argument, child_env, outside_dir, reexec_installed, report,
    size_label)

BUDGET_RATIO = 0.5
BUDGET_PEAK_MB = 250.0
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


def write_file_streaming(path: Path, snapshots: int, metrics: int) -> None:
    """The same shape as make_file, written run by run (a 1M file does not fit in a list)."""
    from perftui.timefmt import to_iso

    rng = random.Random(1)
    codes = [f"bench.metric_{i:02d}_ms" for i in range(metrics)]
    # one run every 30 s, ending an hour ago (a run in the future is refused)
    start = datetime.now(timezone.utc) - timedelta(seconds=30 * snapshots, hours=1)
    with open(path, "w") as out:
        out.write('{"snapshots": [')
        for i in range(snapshots):
            run = {"recorded_at": to_iso(start + timedelta(seconds=30 * i)), "app": "bench",
                   "environment": "ci", "git_commit": f"{i // 50:040x}", "git_branch": "main",
                   "metrics": {c: round(rng.lognormvariate(5, 0.05), 3) for c in codes}}
            out.write(("," if i else "") + json.dumps(run))
        out.write("]}")


PEAK = """
import atexit, sys
def _peak():  # VmHWM: this process image's high-water mark (ru_maxrss would include the
    for line in open("/proc/self/status"):  # benchmark process it was forked from)
        if line.startswith("VmHWM:"):
            sys.stderr.write("PEAK_KB %s\\n" % line.split()[1])
atexit.register(_peak)
args = sys.argv[1:]
if args:
    sys.argv = ["perftui", *args]
    from perftui.cli.main import main
    raise SystemExit(main())
import perftui.core.importing
"""


def peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """(peak RSS in MB, wall s) of a fresh process of the installed interpreter running
    `perftui ARGS` (no ARGS: only importing perftui's importer), cwd outside the tree."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *args], env=child_env(PERFTUI_DB=None),
                          cwd=outside_dir(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    wall = time.perf_counter() - started
    peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("PEAK_KB")]
    if done.returncode != 0 or not peaks:
        raise SystemExit(f"perftui {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return int(peaks[-1]) / 1024, wall


def import_memory(workdir: Path, sizes: list[int], metrics: int) -> bool:
    floor, _ = peak_rss_mb([])
    ok = True
    for size in sizes:
        source = workdir / f"history-{size}.json"
        write_file_streaming(source, size, metrics)
        file_mb = source.stat().st_size / 1e6
        db = workdir / f"memory-{size}.db"
        peak, wall = peak_rss_mb(["--db", str(db), "import", str(source)])
        source.unlink()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print(f"import of {size:,} snapshots x {metrics} metrics ({file_mb:,.0f} MB file) "
              f"in {wall:.0f} s")
        within = peak <= BUDGET_PEAK_MB
        ok &= within or size < 1_000_000
        report(f"import peak memory [{size_label(size)}]", peak, "MB",
               "a process that imports perftui's importer", floor,
               f"<= {BUDGET_PEAK_MB:.0f} MB at 1M", within)
    return ok


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
    add_sizes_argument(parser)
    args = parser.parse_args()
    reexec_installed()
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
    with tempfile.TemporaryDirectory(prefix="perftui-import-mem-") as tmp:
        memory_ok = import_memory(Path(tmp), args.sizes, args.metrics)
    return 0 if ratio >= BUDGET_RATIO and memory_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
