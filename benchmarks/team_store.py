"""The team store on PostgreSQL against the SQLite store, on the same work.

    python benchmarks/team_store.py [--snapshots 100000] [--writers 8] [--runs 9]

Starts a throwaway PostgreSQL from Debian's packages (as the tests do: tests/_pg.py), or uses
PERFTUI_TEST_PG_URL. Every child process runs the installed perftui from a temporary directory,
so the source tree is never what is measured. Prints, each with its floor (the SQLite store):

1. snapshots per second recorded by N concurrent writers (recorder, fresh processes);
2. `perftui status` (fresh process, wall) and the TUI's time until the status screen holds data,
   on a demo store of --snapshots snapshots in each engine;
3. the recorder's cost per app start with a postgresql:// store, A/B against no recorder;
4. the server stopped in the middle of a run of app starts: how many runs were spooled, and
   how many the next successful write delivered.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import compile_package, reexec_installed  # noqa: E402


def _server():
    spec = importlib.util.spec_from_file_location("_pg", HERE.parent / "tests" / "_pg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Server().start()


def _python(code: str, env: dict, cwd: str, *args: str, timeout: int = 600) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    return done.stdout


WRITER = textwrap.dedent("""
    import sys
    from perftui import PerformanceTracker
    t = PerformanceTracker(db=sys.argv[1], app="team", summary=False, cold_start=False)
    n = int(sys.argv[2])
    for i in range(n):
        for j in range(10):
            t.record_metric(f"m{j}_ms", 100 + (i + j) % 7)
        assert t.record_baseline_snapshot() is not None
""")


def writers(where: str, count: int, runs: int, env: dict, cwd: str) -> float:
    """Snapshots per second stored by `count` processes recording `runs` each at once."""
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, where, str(runs)], env=env,
                              cwd=cwd, stderr=subprocess.PIPE, text=True)
             for _ in range(count)]
    for p in procs:
        _, err = p.communicate(timeout=600)
        if p.returncode != 0:
            raise SystemExit(f"writer failed: {err[-2000:]}")
    return count * runs / (time.perf_counter() - started)


def wall(args: list[str], env: dict, cwd: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed: {done.stderr[-2000:]}")
    return (time.perf_counter() - started) * 1000


def tui_data(where: str, env: dict, cwd: str) -> float:
    sys.path.insert(0, str(HERE))
    from tui_startup import PERFTUI

    started = time.time()
    out = _python(PERFTUI, env, cwd, where, "data", timeout=300)
    return (float(out.strip().splitlines()[-1].split()[-1]) - started) * 1000


APP = textwrap.dedent("""
    import json, logging, sys
    def work():
        return sum(i * i for i in range(20000))
    work()
    if sys.argv[1] != "none":
        from perftui import PerformanceTracker
        t = PerformanceTracker.get_instance(db=sys.argv[1], app="bench", summary=False,
                                            cold_start=False)
        for key, value in (("prompt_token_count", 2800), ("api_cost_cents", 0.7),
                           ("generation_time_ms", 4100), ("db_query_time_ms", 31)):
            t.record_metric(key, value)
        print("stored" if t.record_baseline_snapshot() is not None else "spooled")
""")


def app_start(where: str, env: dict, cwd: str) -> tuple[float, str]:
    started = time.perf_counter()
    out = _python(APP, env, cwd, where)
    return (time.perf_counter() - started) * 1000, out.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--per-writer", type=int, default=100)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    reexec_installed()  # from here sys.executable is the installed package's interpreter
    compile_package()
    server = _server()
    work = tempfile.mkdtemp(prefix="perftui-team-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERFTUI_")}
    env.update(HOME=work, XDG_DATA_HOME=os.path.join(work, "data"))
    perftui = [sys.executable, "-m", "perftui"]
    try:
        # 1. concurrent writers
        lite = os.path.join(work, "writers.db")
        pg = server.new_database()
        _python("import sys\nfrom perftui.store.db import open_store\n"
                "open_store(sys.argv[1], create=True).close()", env, work, pg)
        rate_lite = writers(lite, args.writers, args.per_writer, env, work)
        rate_pg = writers(pg, args.writers, args.per_writer, env, work)
        print(f"{args.writers} concurrent writers, {args.per_writer} snapshots each:")
        print(f"  floor (SQLite store): {rate_lite:7.0f} snapshots/s")
        print(f"  PostgreSQL store:     {rate_pg:7.0f} snapshots/s = {rate_pg / rate_lite:4.2f}x")

        # 2. status and TUI on a big demo store, both engines
        lite_big = os.path.join(work, "big.db")
        pg_big = server.new_database()
        for where in (lite_big, pg_big):
            ms = wall([*perftui, "--db", where, "demo", "--no-tui", "--snapshots",
                       str(args.snapshots)], env, work)
            print(f"demo --snapshots {args.snapshots:,} into {where.split('://')[0]}: "
                  f"{ms / 1000:.1f} s")
        status = {k: [] for k in ("lite", "pg")}
        tui = {k: [] for k in ("lite", "pg")}
        for _ in range(args.runs):
            for key, where in (("lite", lite_big), ("pg", pg_big)):
                status[key].append(wall([*perftui, "--db", where, "status"], env, work))
                tui[key].append(tui_data(where, env, work))
        s_l, s_p = statistics.median(status["lite"]), statistics.median(status["pg"])
        t_l, t_p = statistics.median(tui["lite"]), statistics.median(tui["pg"])
        print(f"`perftui status` on {args.snapshots:,} snapshots: floor (SQLite) {s_l:5.0f} ms,"
              f" PostgreSQL {s_p:5.0f} ms = {s_p / s_l:4.2f}x")
        print(f"TUI until the status screen holds data: floor (SQLite) {t_l:5.0f} ms,"
              f" PostgreSQL {t_p:5.0f} ms = {t_p / t_l:4.2f}x")

        # 3. recorder cost per app start
        lite_app, pg_app = os.path.join(work, "app.db"), server.new_database()
        for where in (lite_app, pg_app):
            app_start(where, env, work)               # create and migrate
        cost = {k: [] for k in ("none", "lite", "pg")}
        for _ in range(args.runs * 2):
            for key, where in (("none", "none"), ("lite", lite_app), ("pg", pg_app)):
                cost[key].append(app_start(where, env, work)[0])
        none, c_l, c_p = (statistics.median(cost[k]) for k in ("none", "lite", "pg"))
        print(f"recorder cost per app start: SQLite +{c_l - none:.1f} ms (floor), "
              f"PostgreSQL +{c_p - none:.1f} ms = {(c_p - none) / (c_l - none):4.2f}x "
              f"(app without perftui: {none:.0f} ms)")

        # 4. the server stops in the middle of a series of app starts
        outcomes = []
        for i in range(30):
            if i == 10:
                server.stop_keeping_data()
            if i == 20:
                server.start_again()
            outcomes.append(app_start(pg_app, env, work))
        spooled = sum(1 for _, what in outcomes[10:20] if what == "spooled")
        down_ms = statistics.median(ms for ms, _ in outcomes[10:20])
        out = _python("import sys\nfrom perftui.store.db import open_store\n"
                      "db = open_store(sys.argv[1])\n"
                      "print(db.scalar(\"SELECT count(*) FROM snapshots WHERE app = 'bench'\"))",
                      env, work, pg_app)
        print(f"server stopped for 10 app starts: {spooled} spooled (median app start while "
              f"down {down_ms:.0f} ms); after it came back: {int(out)} runs in the store "
              f"of {args.runs * 2 + 1 + 30} recorded")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
