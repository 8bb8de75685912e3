"""Whole recorder cost per application start, A/B against the same app without it.

Budget (DESIGN.md): under 10 ms per start (import, timers, snapshot of ~12 metrics, evaluation
against a 200-run history, commit). Each side runs as a fresh process, alternating A and B so
machine noise hits both alike; the figure is the difference of medians.
    python benchmarks/recorder_startup.py [--runs 40]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(__file__))
from _common import compile_package, median_of, report  # noqa: E402

WORK = textwrap.dedent("""
    import json, logging{extra}
    def work():
        total = 0
        for i in range(20000):
            total += i * i
        return total
""")

WITHOUT = WORK + "work()\n"

WITH = WORK + textwrap.dedent("""
    from perftui import PerformanceTracker
    t = PerformanceTracker.get_instance(app="bench", summary=False, cold_start=False)
    t.start_operation("app_startup")
    t.start_operation("validation"); work(); t.stop_operation("validation")
    t.stop_operation("app_startup")
    for key, value in (("prompt_token_count", 2800), ("api_cost_cents", 0.7),
                       ("rule_cache_hit_rate", 0.93), ("container_init_count", 1),
                       ("generation_time_ms", 4100), ("api_call_time_ms", 2100),
                       ("export_time_ms", 1500), ("db_query_time_ms", 31)):
        t.record_metric(key, value)
    assert t.record_baseline_snapshot() is not None
""")


def prefill(db: str, runs: int = 200) -> None:
    env = dict(os.environ, PERFTUI_DB=db)
    code = textwrap.dedent(f"""
        import random
        from perftui import PerformanceTracker
        t = PerformanceTracker(app="bench", summary=False, cold_start=False)
        rnd = random.Random(1)
        for _ in range({runs}):
            for key, base in (("startup_time_ms", 40), ("validation_time_ms", 3),
                              ("prompt_token_count", 2800), ("api_cost_cents", 0.7),
                              ("rule_cache_hit_rate", 0.93), ("container_init_count", 1),
                              ("generation_time_ms", 4100), ("api_call_time_ms", 2100),
                              ("export_time_ms", 1500), ("db_query_time_ms", 31)):
                value = base * rnd.lognormvariate(0, 0.05)
                t.record_metric(key, min(value, 1.0) if key.endswith("_rate") else value)
            t.record_baseline_snapshot()
    """)
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    compile_package()
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        prefill(db)
        env = dict(os.environ, PERFTUI_DB=db, PERFTUI_LOG_DIR=os.path.join(tmp, "logs"))
        for label, extra in (("a host app that does not use SQLite", ""),
                             ("a host app that already uses sqlite3 (as the original design's "
                              "app does)", ", sqlite3")):
            print(f"-- {label}")
            measure(args.runs, env, WITHOUT.format(extra=extra), WITH.format(extra=extra))


def measure(runs: int, env: dict, without: str, with_recorder: str) -> None:
    wall: dict[str, list[float]] = {"A": [], "B": []}
    cpu: dict[str, list[float]] = {"A": [], "B": []}
    for _ in range(runs):
        for name, code in (("A", without), ("B", with_recorder)):
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", code], env=env)
            _pid, status, usage = os.wait4(proc.pid, 0)
            wall[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((usage.ru_utime + usage.ru_stime) * 1000)
            if status != 0:
                raise SystemExit(f"benchmark child failed ({name})")
    a, b = median_of(wall["A"]), median_of(wall["B"])
    ca, cb = median_of(cpu["A"]), median_of(cpu["B"])
    print(f"app start without recorder: median {a:.1f} ms wall, {ca:.1f} ms CPU; with "
          f"recorder: {b:.1f} ms wall, {cb:.1f} ms CPU ({runs} fresh processes each, alternating)")
    report("recorder cost per app start (wall)", b - a, "ms", "the same app without it", a,
           "< 10 ms", b - a < 10.0)
    report("recorder cost per app start (CPU)", cb - ca, "ms", "the same app without it", ca,
           "< 10 ms", cb - ca < 10.0)


if __name__ == "__main__":
    main()
