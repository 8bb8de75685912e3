"""What profiles beside alerts (issue 13, docs/profiles.md) cost the host application.

    python benchmarks/profile_overhead.py [--runs 20] [--repeat 2000]

1. A normal run (nothing asked): the whole host run with profiling available (the default)
   against the same run with PERFTUI_PROFILE=0, fresh processes, A/B alternating, medians of
   wall and CPU time; the store has history and a baseline profile, so its plan file holds only
   a `checked` line, as it does on almost every run. Then the pieces, in process: reading the
   plan (floor: one failed open of a missing file) and a `measure()` timer pair with profiling
   available against `profile=False` (floor: two perf_counter() calls).
2. A profiled run: a host whose one call of a pure-Python operation (~25 ms) is asked for (a baseline line in the plan, rewritten before each run) against the same host
   with PERFTUI_PROFILE=0; fresh processes, A/B alternating. B - A is everything a profiled run
   adds (the slower call, importing cProfile and zlib, converting, storing); the call's own
   slowdown under the profiler is printed too. Two operations over the same rows: "dense",
   small Python functions called for every field (~640,000 calls: the worst case for
   cProfile, which costs about a quarter of a microsecond per call), and "mixed", where the
   work is done inside C (re, json, sorted) with few Python calls.
3. The stored size of a profile (raw JSON, compressed, functions kept): the operation of 2, and
   a call touching several hundred functions (difflib, json, email, decimal), where the bound
   (perftui.store.profiles.MAX_FUNCTIONS) applies.

The installed package, run from outside the tree (benchmarks/_common.py). There is no budget
of its own: the normal run's cost counts against the recorder's 10 ms per start (issue 11).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    child_env, installed_python, median_of, outside_dir, report)

NORMAL_HOST = textwrap.dedent("""
    from perftui import PerformanceTracker, measure_performance

    @measure_performance("validate", "VAL-001")
    def validate():
        total = 0
        for i in range(20000):
            total += i * i
        return total

    t = PerformanceTracker.get_instance(app="bench", environment="local", summary=False,
                                        cold_start=False)
    for _ in range(3):
        validate()
    assert t.record_baseline_snapshot() is not None
""")

BATCH = textwrap.dedent("""
    def parse(row):
        return row.split(",")

    def check_field(field):
        return field.isdigit() or len(field) > 3

    def normalise(fields):
        return [f.strip().lower() for f in fields]

    def score(fields):
        return sum(len(f) for f in fields if check_field(f))

    def validate_batch(rows):
        total = 0
        for row in rows:
            total += score(normalise(parse(row)))
        return total

    ROWS = [f"{i}, name{i} ,  Value{i % 7}, x{i % 13}" for i in range(ROWS_N)]
""")

# the same rows handled mostly inside C (str methods, re, json, sorted): few Python calls
MIXED = textwrap.dedent("""
    import json, re

    FIELD = re.compile(r"\\s*([^,]+?)\\s*(?:,|$)")

    def validate_batch(rows):
        text = "\\n".join(rows)
        fields = FIELD.findall(text)
        doc = json.loads(json.dumps({"fields": sorted(f.lower() for f in fields)}))
        return sum(map(len, doc["fields"]))

    ROWS = [f"{i}, name{i} ,  Value{i % 7}, x{i % 13}" for i in range(ROWS_N)]
""")

PROFILED_HOST = textwrap.dedent("""
    import json, sys, time
    from perftui import PerformanceTracker, measure
    t = PerformanceTracker.get_instance(app="bench", environment="local", summary=False,
                                        cold_start=False)
    with measure("validate_batch", "batch_time_ms"):
        validate_batch(ROWS)
    held = [h[4] for h in t._profiles_held]
    ops = t.operations()
    start = time.process_time()
    assert t.record_baseline_snapshot() is not None
    print(json.dumps({"profiled_ms": held[0] if held else None,
                      "plain_ms": ops["validate_batch"]["total_ms"] if ops else None,
                      "record_ms": (time.process_time() - start) * 1000}))
""")

PIECES = textwrap.dedent("""
    import json, os, time
    from perftui import PerformanceTracker, measure
    REPEAT = {repeat}
    out = {{}}
    t = PerformanceTracker(db={db!r}, app="bench", environment="local", summary=False)
    missing = {db!r} + ".missing"
    def best(fn):
        samples = []
        for _ in range(7):
            start = time.perf_counter()
            for _ in range(REPEAT):
                fn()
            samples.append((time.perf_counter() - start) / REPEAT * 1e6)
        return sorted(samples)[len(samples) // 2]
    def fail_open():
        try:
            os.open(missing, os.O_RDONLY)
        except OSError:
            pass
    out["plan_read_us"] = best(t._load_profile_plan)
    out["plan_floor_us"] = best(fail_open)
    t._plan_file = None
    t.db = missing
    out["plan_missing_us"] = best(t._load_profile_plan)
    on = PerformanceTracker(db={db!r}, app="bench", environment="local", summary=False)
    off = PerformanceTracker(db={db!r}, app="bench", environment="local", summary=False,
                             profile=False)
    with measure("warm", tracker=on):
        pass
    def pair(tracker):
        def run():
            with measure("pair", tracker=tracker):
                pass
        return run
    pc = time.perf_counter
    sides = {{"pair_on_us": pair(on), "pair_off_us": pair(off),
              "pair_floor_us": lambda: (pc(), pc())}}
    samples = {{name: [] for name in sides}}
    for _ in range(9):  # the three in turn, so that load and clock changes hit them alike
        for name, fn in sides.items():
            start = time.perf_counter()
            for _ in range(REPEAT):
                fn()
            samples[name].append((time.perf_counter() - start) / REPEAT * 1e6)
        on._ops.clear()
        off._ops.clear()
    for name, values in samples.items():
        out[name] = sorted(values)[len(values) // 2]
    print(json.dumps(out))
""")

LARGE = textwrap.dedent("""
    import cProfile, decimal, difflib, email, json
    from perftui.store.profiles import MAX_FUNCTIONS, encode, from_stats

    def big():
        a = [f"line {i} of the text {i % 17}" for i in range(400)]
        b = [x if i % 9 else x + " changed" for i, x in enumerate(a)]
        list(difflib.unified_diff(a, b))
        json.loads(json.dumps({"k": [{"v": i, "d": str(i)} for i in range(300)]}))
        email.message_from_string("Subject: hi\\nFrom: a@b.c\\n\\nbody\\n" * 20)
        sum(decimal.Decimal(i) / 7 for i in range(300))

    prof = cProfile.Profile()
    prof.enable()
    big()
    prof.disable()
    prof.create_stats()
    doc = from_stats(prof.stats)
    data, raw = encode(doc)
    print(json.dumps({"seen": len(prof.stats), "kept": len(doc["functions"]),
                      "max": MAX_FUNCTIONS, "raw": raw, "stored": len(data)}))
""")


def timed(python: str, code: str, env: dict) -> tuple[float, float, str]:
    """(wall ms, CPU ms of the child, stdout) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-c", code], env=env, cwd=outside_dir(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    if status != 0:
        raise SystemExit(f"benchmark child failed:\n{err[-2000:]}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, out


def ab(python: str, runs: int, a: tuple[str, dict], b: tuple[str, dict], before_b=None):
    """Medians (wall, CPU) of A and B, alternating, after one warm-up round; and the last
    JSON line each side printed, per run."""
    samples = {"A": ([], []), "B": ([], [])}
    outputs: dict[str, list] = {"A": [], "B": []}
    for round_ in range(runs + 1):
        for name, (code, env) in (("A", a), ("B", b)):
            if name == "B" and before_b:
                before_b()
            wall, cpu, out = timed(python, code, env)
            if round_:
                samples[name][0].append(wall)
                samples[name][1].append(cpu)
                if out.strip():
                    outputs[name].append(json.loads(out.strip().splitlines()[-1]))
    return ({k: (median_of(w), median_of(c)) for k, (w, c) in samples.items()}, outputs)


def profiles_in(db: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT kind, operation, functions, raw_bytes, length(data),"
                            " duration_ms FROM profiles ORDER BY id").fetchall()
    finally:
        conn.close()


def profile_calls(db: str) -> int:
    """Calls recorded in the latest profile (the sum over its functions)."""
    import zlib

    conn = sqlite3.connect(db)
    try:
        data = conn.execute("SELECT data FROM profiles ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    return sum(f[3] for f in json.loads(zlib.decompress(data))["functions"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--rows", type=int, default=20000,
                        help="rows of the profiled operation (20000: ~25 ms unprofiled, about "
                             "400,000 Python calls: a call-dense worst case for cProfile)")
    args = parser.parse_args()
    python = installed_python()
    print(f"installed perftui: {python}; {args.runs} fresh processes per side, alternating")
    with tempfile.TemporaryDirectory(prefix="perftui-prof-") as tmp:
        # -- 1. a normal run ---------------------------------------------------------------
        db = os.path.join(tmp, "normal.db")
        base = dict(PERFTUI_DB=db, PERFTUI_LOG_DIR=os.path.join(tmp, "logs"), PERFTUI_APP=None,
                    PERFTUI_ENV=None, PERFTUI_DISABLE=None, PERFTUI_PROFILE=None, CI=None,
                    GITHUB_ACTIONS=None, PERFTUI_COLD_START="0")
        on, off = child_env(**base), child_env(**dict(base, PERFTUI_PROFILE="0"))
        for _ in range(12):  # history, then a baseline profile: the plan's steady state
            timed(python, NORMAL_HOST, on)
        for _ in range(6):  # a noisy run may have opened an alert: let its profile be taken
            if len(open(db + ".profiles").read().splitlines()) <= 2:
                break
            timed(python, NORMAL_HOST, on)
        plan = open(db + ".profiles").read()
        taken = len(profiles_in(db))
        print(f"-- 1. normal run; plan after 12 runs: {plan.splitlines()[1:]}, "
              f"{taken} baseline profile(s)")
        m, _ = ab(python, args.runs, (NORMAL_HOST, off), (NORMAL_HOST, on))
        (aw, ac), (bw, bc) = m["A"], m["B"]
        extra = len(profiles_in(db)) - taken
        print(f"   PERFTUI_PROFILE=0 {aw:.1f} ms wall {ac:.1f} ms CPU; profiling available "
              f"{bw:.1f} ms wall {bc:.1f} ms CPU; profiles taken meanwhile: {extra} (a run "
              "the busy machine slowed may open an alert, whose profile the next B run takes)")
        report("normal run, profiling available (wall)", bw - aw, "ms",
               "the same run with PERFTUI_PROFILE=0", aw, "~0 (noise)", None)
        report("normal run, profiling available (CPU)", bc - ac, "ms",
               "the same run with PERFTUI_PROFILE=0", ac, "~0 (noise)", None)
        _, _, out = timed(python, PIECES.format(db=db, repeat=args.repeat), on)
        p = json.loads(out.strip().splitlines()[-1])
        report("reading the plan (checked line only)", p["plan_read_us"], "us",
               "one failed open()", p["plan_floor_us"], "-", None)
        report("reading the plan (no plan file)", p["plan_missing_us"], "us",
               "one failed open()", p["plan_floor_us"], "-", None)
        report("measure() pair, profiling available", p["pair_on_us"], "us",
               "two perf_counter()", p["pair_floor_us"], "-", None)
        report("measure() pair, profile=False", p["pair_off_us"], "us",
               "two perf_counter()", p["pair_floor_us"], "-", None)

        # -- 2. a profiled run --------------------------------------------------------------
        for label, code in (("dense", BATCH), ("mixed", MIXED)):
            db2 = os.path.join(tmp, f"profiled-{label}.db")
            base2 = dict(base, PERFTUI_DB=db2)
            on2, off2 = child_env(**base2), child_env(**dict(base2, PERFTUI_PROFILE="0"))
            host = code.replace("ROWS_N", str(args.rows)) + PROFILED_HOST
            timed(python, host, off2)  # the metric exists before it is asked for

            def ask(path=db2 + ".profiles"):
                with open(path, "w") as f:
                    f.write(f"perftui-profiles 1\nchecked {int(time.time())} bench local\n"
                            f"baseline {int(time.time())} bench local batch_time_ms "
                            "validate_batch\n")

            m, outs = ab(python, args.runs, (host, off2), (host, on2), before_b=ask)
            (aw, ac), (bw, bc) = m["A"], m["B"]
            prof_ms = [o["profiled_ms"] for o in outs["B"]]
            if None in prof_ms:
                raise SystemExit("a B run was not profiled")
            plain_ms = [o["plain_ms"] for o in outs["A"]]
            print(f"-- 2. profiled run, {label} operation ({args.rows} rows): PERFTUI_PROFILE=0 "
                  f"{aw:.1f} ms wall {ac:.1f} ms CPU; profiled {bw:.1f} ms wall {bc:.1f} ms CPU")
            report(f"profiled run, {label}, whole process (wall)", bw - aw, "ms",
                   "the same run unprofiled (PERFTUI_PROFILE=0)", aw, "-", None)
            report(f"profiled run, {label}, whole process (CPU)", bc - ac, "ms",
                   "the same run unprofiled (PERFTUI_PROFILE=0)", ac, "-", None)
            report(f"the {label} operation's call under the profiler", median_of(prof_ms), "ms",
                   "the same call unprofiled", median_of(plain_ms), "-", None)
            report(f"recording a run with a {label} profile to store (CPU)",
                   median_of([o["record_ms"] for o in outs["B"]]), "ms",
                   "recording the same run unprofiled",
                   median_of([o["record_ms"] for o in outs["A"]]), "-", None)
            rows = [r for r in profiles_in(db2) if r[1] == "validate_batch"]
            _kind, _op, functions, raw, stored, _dur = rows[-1]
            print(f"-- 3. stored profile of the {label} operation: {functions} functions, "
                  f"{profile_calls(db2)} calls, {raw} bytes raw JSON, {stored} bytes stored "
                  "(zlib)")

        # -- 3. stored size -----------------------------------------------------------------
        normal = profiles_in(db)
        if normal:
            print(f"   stored profile of the small operation of 1: {normal[-1][2]} functions, "
                  f"{normal[-1][3]} bytes raw, {normal[-1][4]} bytes stored")
        _, _, out = timed(python, LARGE, on)
        big = json.loads(out.strip().splitlines()[-1])
        print(f"   a call touching {big['seen']} functions: {big['kept']} kept (bound "
              f"{big['max']}), {big['raw']} bytes raw JSON, {big['stored']} bytes stored")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
