"""The pytest plugin's cost, and its false alerts on a stable suite (issue 12's closing note).

    python benchmarks/pytest_plugin.py [--runs 10] [--history-runs 30] [--tests 60]
                                       [--only overhead|alerts]

1. Overhead, A/B: the same generated suite run by the installed package's interpreter in fresh
   pytest processes, cwd outside the source tree, the three cases alternating round after
   round (median of --runs each, after a warm-up round):
     floor    pytest without the plugin (`-p no:perftui`);
     inert    the plugin loaded by its entry point but not enabled (every project that
              installs perftui pays this);
     enabled  `pytest --perftui --perftui-min-ms 0`: every test a metric, one snapshot judged
              and committed per session, into a store that already holds 25 runs of the suite
              (so each metric is judged against a full baseline, as in daily use).
   At 50 and 500 trivial tests: per test = the slope between the two sizes, per session = the
   rest. Wall clock (what a developer waits) and CPU (user + system, steadier when shared).
2. False alerts: a stable suite of --tests tests (half sleep, half compute, 5 to 30 ms each)
   run --history-runs times with `--perftui` into a fresh store; every warning-or-worse alert
   raised is false (nothing changed in the suite). Reported per 1,000 test-runs (a test-run:
   one test's time judged in one session, from its 7th run on), with the machine's load
   average over the runs: on a shared machine a load that rises for several runs in a row
   slows every test for real, and a confirmed slowdown is what the detector reports.

Floors are named in each line (benchmarks/_common.py: `report`). pytest's other plugins are
not loaded (PYTEST_DISABLE_PLUGIN_AUTOLOAD, the plugin given with -p as its entry point would),
so the floor is pytest itself.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import child_env, installed_python, median_of, outside_dir, report  # noqa: E402

TRIVIAL = """
import pytest

@pytest.mark.parametrize("n", range({n}))
def test_trivial(n):
    assert n >= 0
"""

STABLE = """
import time
import pytest

def _spin(ms):
    end = time.perf_counter() + ms / 1000.0
    x = 0
    while time.perf_counter() < end:
        x += 1
    return x

@pytest.mark.parametrize("ms", [5 + (i * 25) // {half} for i in range({half})])
def test_sleeps(ms):
    time.sleep(ms / 1000.0)

@pytest.mark.parametrize("ms", [5 + (i * 25) // {half} for i in range({half})])
def test_computes(ms):
    assert _spin(ms) > 0
"""

CASES = {
    "floor": ["-p", "no:perftui"],
    "inert": ["-p", "perftui.pytest_plugin"],
    "enabled": ["-p", "perftui.pytest_plugin", "--perftui", "--perftui-min-ms", "0"],
}


def project(root: str, name: str, text: str) -> str:
    path = os.path.join(root, name)
    os.makedirs(os.path.join(path, "tests"), exist_ok=True)
    with open(os.path.join(path, "pytest.ini"), "w") as f:
        f.write("[pytest]\naddopts =\n")
    with open(os.path.join(path, "tests", "test_suite.py"), "w") as f:
        f.write(textwrap.dedent(text))
    return path


def run(python: str, cwd: str, args: list[str], env: dict) -> tuple[float, float, str]:
    """One fresh pytest: (wall ms, CPU ms, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                            cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    out = proc.stdout.read().decode(errors="replace")
    err = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"pytest failed in {cwd} ({' '.join(args)}):\n{out[-2000:]}{err[-2000:]}")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, out


def overhead(python: str, root: str, env: dict, tests: int, runs: int) -> dict:
    cwd = project(root, f"suite{tests}", TRIVIAL.format(n=tests))
    run_env = dict(env, PERFTUI_DB=os.path.join(cwd, "perf.db"),
                   PERFTUI_LOG_DIR=os.path.join(cwd, "logs"))
    for _ in range(25):                      # the store's history: full baselines
        run(python, cwd, CASES["enabled"], run_env)
    wall: dict[str, list[float]] = {name: [] for name in CASES}
    cpu: dict[str, list[float]] = {name: [] for name in CASES}
    for round_ in range(runs + 1):           # round 0 warms caches
        for name, args in CASES.items():
            w, c, _ = run(python, cwd, args, run_env)
            if round_:
                wall[name].append(w)
                cpu[name].append(c)
    return {name: (median_of(wall[name]), median_of(cpu[name])) for name in CASES}


def false_alerts(python: str, root: str, env: dict, tests: int, runs: int) -> dict:
    """Warning-or-worse alerts raised on a stable suite (distinct alerts, and the runs they
    were seen in), the test-runs judged, the machine's load over the runs."""
    cwd = project(root, "stable", STABLE.format(half=tests // 2))
    db = os.path.join(cwd, "perf.db")
    run_env = dict(env, PERFTUI_DB=db, PERFTUI_LOG_DIR=os.path.join(cwd, "logs"))
    loads = []
    for _ in range(runs):
        run(python, cwd, CASES["enabled"][:3], run_env)     # the default minimum (5 ms)
        loads.append(os.getloadavg()[0])
    perftui = os.path.join(os.path.dirname(python), "perftui")
    shown = subprocess.run([perftui, "--db", db, "--app", "stable-tests", "alerts", "--status",
                            "all", "--severity", "warning", "--format", "json"], env=run_env,
                           capture_output=True, text=True, check=True)
    alerts = [a for a in json.loads(shown.stdout)["alerts"] if a["metric_id"] != "pytest-session"]
    status = subprocess.run([perftui, "--db", db, "--app", "stable-tests", "status", "--format",
                             "json"], env=run_env, capture_output=True, text=True, check=True)
    metrics = [m for m in json.loads(status.stdout)["metrics"]
               if m["metric_id"] != "pytest-session"]
    # a run is judged once a metric has 6 earlier warm runs
    return {"alerts": len(alerts), "seen": sum(a.get("occurrences") or 1 for a in alerts),
            "judged": sum(max(0, runs - 6) for _ in metrics), "metrics": len(metrics),
            "load": (min(loads), max(loads)),
            "kinds": sorted({f"{a['alert_type']}/{a['severity']}" for a in alerts}),
            "sleeping": sum(1 for a in alerts if "test_sleeps" in a["metric_id"]),
            "which": sorted(f"{a['metric_id'].split('::')[-1]} {a['alert_type']} "
                            f"{a['severity']} {a['deviation_percent'] or 0:+.0f}%"
                            for a in alerts)}


def measure_overhead(python: str, root: str, env: dict, runs: int) -> None:
    sizes = (50, 500)
    found = {n: overhead(python, root, env, n, runs) for n in sizes}
    for n in sizes:
        print(f"-- {n} tests: " + ", ".join(
            f"{name} {w:.0f} ms wall {c:.0f} ms CPU" for name, (w, c) in found[n].items()))
    for kind, i in (("wall", 0), ("CPU", 1)):
        inert = [found[n]["inert"][i] - found[n]["floor"][i] for n in sizes]
        added = [found[n]["enabled"][i] - found[n]["floor"][i] for n in sizes]
        per_test = (added[1] - added[0]) / (sizes[1] - sizes[0])
        per_session = added[0] - per_test * sizes[0]
        floor = found[sizes[0]]["floor"][i]
        report(f"plugin inert, per session ({kind})", sum(inert) / 2, "ms",
               "the same pytest session without the plugin", floor, "-", None)
        report(f"plugin enabled, per session ({kind})", per_session, "ms",
               "the same pytest session without the plugin", floor, "-", None)
        per_test_floor = (found[sizes[1]]["floor"][i] - found[sizes[0]]["floor"][i]) / (
            sizes[1] - sizes[0])
        report(f"plugin enabled, per recorded test ({kind})", per_test, "ms",
               "pytest's own cost per trivial test", per_test_floor, "-", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--history-runs", type=int, default=30)
    parser.add_argument("--tests", type=int, default=60)
    parser.add_argument("--only", choices=("overhead", "alerts"), default=None)
    args = parser.parse_args()
    python = installed_python()
    env = child_env(PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PERFTUI_APP=None, PERFTUI_ENV=None,
                    PERFTUI_DISABLE=None, PERFTUI_PYTEST=None, PYTEST_ADDOPTS=None)
    print(f"installed perftui: {python}; {args.runs} fresh pytest processes per case, "
          "alternating; shared machine: figures are noisy")
    with tempfile.TemporaryDirectory(prefix="perftui-pytest-", dir=outside_dir()) as root:
        if args.only != "alerts":
            measure_overhead(python, root, env, args.runs)
        if args.only == "overhead":
            return 0
        f = false_alerts(python, root, env, args.tests, args.history_runs)
        rate = 1000.0 * f["alerts"] / f["judged"] if f["judged"] else float("nan")
        print(f"-- stable suite: {args.tests} tests ({f['metrics']} recorded at >= 5 ms), "
              f"{args.history_runs} runs, {f['judged']} judged test-runs; {f['alerts']} "
              f"alert(s) ({f['sleeping']} on sleeping tests, the rest computing; "
              f"{', '.join(f['kinds'])}), seen in {f['seen']} test-run(s); load "
              f"average over the runs {f['load'][0]:.1f} to {f['load'][1]:.1f} "
              f"({os.cpu_count()} CPUs)")
        for line in f["which"]:
            print(f"   {line}")
        report("false alerts per 1,000 test-runs (stable suite)", rate, "alerts",
               "README's figure for the detector at 5 % noise", 0.39, "-", None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
