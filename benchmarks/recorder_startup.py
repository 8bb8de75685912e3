"""Whole recorder cost per application start, A/B against the same app without it.

    python benchmarks/recorder_startup.py [--runs 40] [--sizes 10k,100k,1M]

Budgets (DESIGN.md, issue 11): under 10 ms per start on a minimal host (a script that imports
nothing), under 7 ms on a host that already imports json, re and logging; flat from 10k to 1M
snapshots in the store. Measured: import, timers, 12 metrics recorded, one snapshot evaluated
against the demo store's real baselines (scope definitie-app/local) and committed.

Floor: the same script without perftui (A). Both sides run as fresh processes of the installed
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


def scripts(imports: str) -> tuple[str, str]:
    return imports + WORK + "work()\n", imports + WORK + RECORDER


def measure(python: str, runs: int, env: dict, without: str, with_recorder: str) -> dict:
    wall: dict[str, list[float]] = {"A": [], "B": []}
    cpu: dict[str, list[float]] = {"A": [], "B": []}
    for round_ in range(runs + 1):  # round 0 warms the file cache and the store
        for name, code in (("A", without), ("B", with_recorder)):
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
    return {k: (median_of(wall[k]), median_of(cpu[k])) for k in ("A", "B")}


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
                without, with_recorder = scripts(imports)
                m = measure(python, args.runs, env, without, with_recorder)
                (a, ca), (b, cb) = m["A"], m["B"]
                print(f"-- store {size_label(size)}, {label}: without {a:.1f} ms wall "
                      f"{ca:.1f} ms CPU; with recorder {b:.1f} ms wall {cb:.1f} ms CPU "
                      f"(with/without: {b / a:.2f}x wall, {cb / ca:.2f}x CPU)")
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
