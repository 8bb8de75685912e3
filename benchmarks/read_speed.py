"""Budgets: `status` and `alerts` flat from 10k to 1M snapshots (within 1.15x); `report` and the
all-time trend bounded by days, not by runs (the demo stores all span the same 28 days, so these
must be flat too).

    python benchmarks/read_speed.py [--runs 10] [--repeat 15] [--sizes 10k,100k,1M]

Part 1, what a person types (fresh processes of the installed CLI, cwd outside the tree,
`--read-only`): `perftui status`, `perftui alerts`, `perftui report --days 7`. Floor: a fresh
process of the same interpreter doing the status reads in plain sqlite3 (FLOOR_STATUS below).
Part 2, in-process (this script re-executes itself under the installed package):
`perftui.core.status.status()` against the floor "the same reads in plain sqlite3", and the
TUI's all-time trend read (`perftui.core.trends.trend(..., "all")`, APP-001) against the floor
"every point of that metric fetched in plain sqlite3" (what a trend costs when it is bounded by
runs). Runs are interleaved; medians. Then each figure at the biggest size over the smallest.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    add_sizes_argument, child_env, demo_store, installed_bin, interleaved, median_of,
    outside_dir, reexec_installed, report, size_label)

FLAT = 1.15
METRIC = "APP-001"

FLOOR_STATUS = """
import sqlite3

def floor(path, app, env):
    conn = sqlite3.connect("file:" + path + "?mode=ro", uri=True)
    (snap, at) = conn.execute("SELECT id, recorded_at FROM snapshots WHERE app = ? AND"
                              " environment = ? ORDER BY recorded_at DESC LIMIT 1",
                              (app, env)).fetchone()
    conn.execute("SELECT metric_id, value FROM measurements WHERE snapshot_id = ?",
                 (snap,)).fetchall()
    # the baseline: the 20 warm runs before it (each metric's values from them)
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM snapshots WHERE app = ? AND environment = ? AND is_cold_start = 0"
        " AND status = 'ok' AND recorded_at < ? ORDER BY recorded_at DESC LIMIT 20",
        (app, env, at))]
    conn.execute("SELECT metric_id, value FROM measurements WHERE snapshot_id IN (%s)"
                 % ",".join("?" * len(ids)), ids).fetchall()
    conn.execute("SELECT severity, count(*) FROM alerts WHERE status != 'resolved'"
                 " AND app = ? AND environment = ? GROUP BY severity", (app, env)).fetchall()
    conn.execute("SELECT * FROM metrics").fetchall()
    conn.close()
"""
FLOOR_STATUS_MAIN = FLOOR_STATUS + "\nimport sys\nfloor(*sys.argv[1:4])\n"


def biggest_scope(path: str) -> tuple[str, str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT app, environment FROM snapshots ORDER BY recorded_at DESC"
                            " LIMIT 1").fetchone()
    finally:
        conn.close()


def fresh(args: list[str]):
    env = child_env(PERFTUI_DB=None, PERFTUI_APP=None, PERFTUI_ENV=None, NO_COLOR="1")

    def run() -> None:
        done = subprocess.run(args, env=env, cwd=outside_dir(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
        if done.returncode not in (0, 1):  # alerts/status may exit 1 when something is wrong
            raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return run


_FLOOR: dict = {}
exec(compile(FLOOR_STATUS, "floor_status", "exec"), _FLOOR)
floor_status_inprocess = _FLOOR["floor"]


def floor_trend(path: str, app: str, env: str) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    (pk,) = conn.execute("SELECT id FROM metrics WHERE code = ?", (METRIC,)).fetchone()
    conn.execute("SELECT s.recorded_at, m.value FROM snapshots s JOIN measurements m"
                 " ON m.metric_id = ? AND m.snapshot_id = s.id WHERE s.app = ? AND"
                 " s.environment = ? ORDER BY s.recorded_at", (pk, app, env)).fetchall()
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh processes per command")
    parser.add_argument("--repeat", type=int, default=15, help="in-process repetitions")
    add_sizes_argument(parser)
    args = parser.parse_args()
    reexec_installed()
    from perftui.core.status import status
    from perftui.core.trends import trend
    from perftui.store.db import open_store

    perftui = installed_bin("perftui")
    results: dict[str, dict[int, tuple[float, float, str]]] = {}  # name -> size -> value, floor
    for size in args.sizes:
        path = str(demo_store(size))
        app, env = biggest_scope(path)
        base = [perftui, "--db", path, "--read-only"]
        floor_cmd = [sys.executable, "-c", FLOOR_STATUS_MAIN, path, app, env]
        procs = interleaved({"floor": fresh(floor_cmd),
                             "status": fresh(base + ["status"]),
                             "alerts": fresh(base + ["alerts"]),
                             "report": fresh(base + ["report", "--days", "7"])}, args.runs)
        pf = median_of(procs["floor"])
        print(f"\n== store {size_label(size)} ({size:,} snapshots), scope {app}/{env}; fresh "
              f"processes, {args.runs} interleaved runs, medians")
        for name, label in (("status", "perftui status"), ("alerts", "perftui alerts"),
                            ("report", "perftui report --days 7")):
            v = median_of(procs[name])
            results.setdefault(label, {})[size] = (v, pf, "python + sqlite3 status reads")
            report(f"{label} [{size_label(size)}]", v, "ms", "python + sqlite3 status reads",
                   pf, "flat: see below", None)
        with open_store(path, readonly=True) as store:
            inproc = interleaved({
                "floor status": lambda: floor_status_inprocess(path, app, env),
                "status": lambda: status(store, app, env),
                "floor trend": lambda: floor_trend(path, app, env),
                "trend": lambda: trend(store, METRIC, app, env, "all", cold_starts=True,
                                       max_points=400)}, args.repeat)
        for name, floor_name, label in (
                ("status", "floor status", "status() in-process"),
                ("trend", "floor trend", f"trend {METRIC} all-time in-process")):
            v, f = median_of(inproc[name]), median_of(inproc[floor_name])
            fname = ("the same reads in plain sqlite3" if name == "status"
                     else "every point fetched in plain sqlite3")
            results.setdefault(label, {})[size] = (v, f, fname)
            report(f"{label} [{size_label(size)}]", v, "ms", fname, f, "flat: see below", None)
    failed = False
    if len(args.sizes) > 1:
        small, big = min(args.sizes), max(args.sizes)
        print(f"\n== flatness, {size_label(big)} over {size_label(small)} (budget <= {FLAT}x)")
        for label, by_size in results.items():
            ratio = by_size[big][0] / by_size[small][0]
            ok = ratio <= FLAT
            failed |= not ok
            print(f"{label:38s} {by_size[small][0]:8.1f} ms -> {by_size[big][0]:8.1f} ms  "
                  f"{ratio:5.2f}x  [{'PASS' if ok else 'OVER BUDGET'}]")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
