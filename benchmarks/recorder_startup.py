"""Whole recorder cost per application start, A/B against the same app without it.

    python benchmarks/recorder_startup.py [--runs 40] [--sizes 10k,100k,1M]

Budgets (DESIGN.md, issue 11): under 10 ms per start on a minimal host (a script that imports
nothing), under 7 ms on a host that already imports json, re and logging; flat from 10k to 1M
snapshots in the store. Measured: import, timers, 12 metrics recorded, one snapshot evaluated
against the demo store's real baselines (scope definitie-app/local) and committed.

Floors: the same script without perftui (A), and the same script with the run's database work
alone in plain `_sqlite3` (D: open the store, read the catalog and the history, insert the
snapshot and its measurements, commit): B - A is the recorder's cost, D - A the part of it that no
Python code can remove, and their ratio what perftui's own code adds on top. Both sides run as fresh processes of the installed
package's interpreter (benchmarks/_common.py), cwd outside the source tree, alternating A and B
so machine noise hits both alike; median of --runs each. The figure is median(B) - median(A),
wall clock (what the user waits; the verdict) and CPU (user + system, steadier on a shared
machine). Each size writes into its own copy of the cached demo store.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    add_sizes_argument, child_env, demo_store, installed_python, median_of, outside_dir,
    report, size_label)

HOSTS = (  # label, imports the host already has, budget in ms
    ("minimal host (imports nothing)", "", 10.0),
    ("host already importing json, re, logging", "import json, re, logging\n", 7.0),
)

WORK = textwrap.dedent("""
    def work():
        total = 0
        for i in range(20000):
            total += i * i
        return total
""")

RECORDER = textwrap.dedent("""
    from perftui import PerformanceTracker
    t = PerformanceTracker.get_instance(app="definitie-app", environment="local", summary=False,
                                        cold_start=False)
    t.start_operation("app_startup")
    t.start_operation("validation"); work(); t.stop_operation("validation")
    t.stop_operation("app_startup")
    for key, value in (("prompt_token_count", 2800), ("api_cost_cents", 0.7),
                       ("rule_cache_hit_rate", 0.93), ("container_init_count", 1),
                       ("generation_time_ms", 4100), ("api_call_time_ms", 2100),
                       ("export_time_ms", 1500), ("db_query_time_ms", 31),
                       ("service_init_time_ms", 120), ("rule_loading_time_ms", 40)):
        t.record_metric(key, value)
    assert t.record_baseline_snapshot() is not None
""")


# The database work this run needs, and nothing else, in plain `_sqlite3` (loaded the cheap way
# perftui loads it): open the store, read the catalog, read 14 metrics' last 60 warm values in one
# statement, insert the snapshot and its 14 measurements, commit, close. Not a recorder (no
# verdicts, no alerts): the part of the recorder's cost no Python code can remove. Its runs go to
# a scope of their own, so the recorder's runs (B) are judged against the demo's history only.
DATABASE_ONLY = textwrap.dedent("""
    import os, sys
    from _functools import _lru_cache_wrapper
    def lru_cache(maxsize=128, typed=False):
        return lambda f: _lru_cache_wrapper(f, maxsize, typed, tuple)
    stand_in = type(sys)("functools"); stand_in.lru_cache = lru_cache
    sys.modules["functools"] = stand_in
    import _sqlite3
    del sys.modules["functools"]
    conn = _sqlite3.connect(os.environ["PERFTUI_DB"], isolation_level=None, timeout=2.0)
    for pragma in ("journal_mode=wal", "busy_timeout=2000", "synchronous=normal"):
        conn.execute("PRAGMA " + pragma)
    ids = [row[0] for row in conn.execute("SELECT id, code, key, name, unit, direction, target,"
                                          " warning, error, active, operation FROM metrics"
                                          " WHERE active")][:14]
    value = " (SELECT value FROM measurements m WHERE m.metric_id = ? AND m.snapshot_id = s.id)"
    conn.execute("SELECT recorded_at," + ",".join([value] * len(ids)) + " FROM snapshots s"
                 " INDEXED BY snapshots_warm_scope_time WHERE app = ? AND environment = ?"
                 " AND is_cold_start = 0 AND status = 'ok' AND recorded_at < ?"
                 " ORDER BY recorded_at DESC LIMIT 60",
                 (*ids, "definitie-app", "local", "9999")).fetchall()
    conn.execute("BEGIN IMMEDIATE")
    snapshot = conn.execute(
        "INSERT INTO snapshots (recorded_at, app, environment, session_id, python_version,"
        " platform, cpu_count, is_cold_start, status, operations, uid)"
        " VALUES (strftime('%Y-%m-%dT%H:%M:%fZ'), 'perftui-floor', 'local', ?, '3.11', 'linux',"
        " 2, 0, 'ok', '{}', ?)", (os.urandom(8).hex(), os.urandom(16).hex())).lastrowid
    conn.executemany("INSERT INTO measurements (metric_id, snapshot_id, value) VALUES (?, ?, ?)",
                     [(metric, snapshot, 1.0) for metric in ids])
    conn.execute("COMMIT")
    conn.close()
""")


def scripts(imports: str) -> tuple[str, str, str]:
    """(without perftui, with the recorder, with the database work alone)."""
    return (imports + WORK + "work()\n", imports + WORK + RECORDER,
            imports + WORK + "work()\n" + DATABASE_ONLY)


def measure(python: str, runs: int, env: dict, without: str, with_recorder: str,
            database_only: str) -> dict:
    wall: dict[str, list[float]] = {"A": [], "B": [], "D": []}
    cpu: dict[str, list[float]] = {"A": [], "B": [], "D": []}
    for round_ in range(runs + 1):  # round 0 warms the file cache and the store
        for name, code in (("A", without), ("B", with_recorder), ("D", database_only)):
            start = time.perf_counter()
            proc = subprocess.Popen([python, "-c", code], env=env, cwd=outside_dir(),
                                    stderr=subprocess.PIPE)
            _pid, status, usage = os.wait4(proc.pid, 0)
            elapsed = (time.perf_counter() - start) * 1000
            err = proc.stderr.read().decode(errors="replace")
            proc.stderr.close()
            if status != 0:
                raise SystemExit(f"benchmark child failed ({name}):\n{err[-2000:]}")
            if round_:
                wall[name].append(elapsed)
                cpu[name].append((usage.ru_utime + usage.ru_stime) * 1000)
    return {k: (median_of(wall[k]), median_of(cpu[k])) for k in ("A", "B", "D")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40)
    add_sizes_argument(parser)
    args = parser.parse_args()
    python = installed_python()
    failed = False
    print(f"installed perftui: {python}; {args.runs} fresh processes per side, alternating")
    for size in args.sizes:
        source = demo_store(size)
        with tempfile.TemporaryDirectory(prefix="perftui-rec-") as tmp:
            db = os.path.join(tmp, "store.db")
            shutil.copyfile(source, db)
            env = child_env(PERFTUI_DB=db, PERFTUI_LOG_DIR=os.path.join(tmp, "logs"),
                            PERFTUI_APP=None, PERFTUI_ENV=None, PERFTUI_DISABLE=None)
            for label, imports, budget in HOSTS:
                m = measure(python, args.runs, env, *scripts(imports))
                (a, ca), (b, cb), (d, cd) = m["A"], m["B"], m["D"]
                print(f"-- store {size_label(size)}, {label}: without {a:.1f} ms wall "
                      f"{ca:.1f} ms CPU; with recorder {b:.1f} ms wall {cb:.1f} ms CPU "
                      f"(with/without: {b / a:.2f}x wall, {cb / ca:.2f}x CPU); database work "
                      f"alone {d:.1f} ms wall {cd:.1f} ms CPU")
                # what no Python code can take away: the same run's database work alone
                report(f"database work alone, {size_label(size)}, {label} (CPU)", cd - ca, "ms",
                       "the same script without perftui", ca, "-", None)
                report(f"recorder over the database work alone, {size_label(size)}, {label} "
                       "(CPU)", cb - ca, "ms", "that database work, plain _sqlite3", cd - ca,
                       f"< {budget:g} ms in all", None)
                report(f"recorder cost per start, {size_label(size)}, {label} (wall)", b - a,
                       "ms", "the same script without perftui", a, f"< {budget:g} ms",
                       b - a < budget)
                report(f"recorder cost per start, {size_label(size)}, {label} (CPU)", cb - ca,
                       "ms", "the same script without perftui", ca, f"< {budget:g} ms",
                       cb - ca < budget)
                failed |= b - a >= budget
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
