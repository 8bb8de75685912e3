"""Profiles beside alerts, the capture side (issue 13): in fresh host processes, a healthy run
leaves a baseline profile, a regression alert gets a profile of the next call, and the switches,
the plan file's tolerance and the recorder's never-raise rule hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from perftui.recorder.context import CI_VARIABLES
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store.db import open_store
from perftui.store.profiles import profiles_for_alert

HOST = textwrap.dedent("""
    import json, os, sys, time
    from perftui import PerformanceTracker, measure_performance

    SLOW = 3 if os.environ.get("HOST_SLOW") else 1

    # the work is waiting (a query, a file), so that a machine busy with other tests changes
    # neither the timings nor the profiles' shares much: this test is about the capture
    def fast_part():
        time.sleep(0.002)

    def slow_part():   # 2/3 of the operation, three times slower from HOST_SLOW on
        time.sleep(0.004 * SLOW)

    @measure_performance("validate", "VAL-001")
    def validate():
        fast_part()
        slow_part()

    if os.environ.get("HOST_BREAK_SAVE"):
        import perftui.store.profiles as stored

        def broken(*args, **kwargs):
            raise RuntimeError("the store refused the profile")
        stored.save_profile = broken
    def mine(frame, event, arg):
        pass
    if os.environ.get("HOST_SETPROFILE"):
        sys.setprofile(mine)
    tracker = PerformanceTracker.get_instance(summary=False, cold_start=False)
    for _ in range(3):
        validate()
    still_mine = sys.getprofile() is mine
    sys.setprofile(None)
    calls = tracker.operations().get("validate", {}).get("calls", 0)
    result = tracker.record_baseline_snapshot()
    print(json.dumps({"snapshot": result and result.snapshot_id, "calls": calls,
                      "value": result and result.values.get("VAL-001"),
                      "still_mine": still_mine,
                      "modules": sorted(m for m in ("cProfile", "_lsprof", "zlib",
                                                    "perftui.store.profiles",
                                                    "perftui.recorder.profiling")
                                        if m in sys.modules),
                      "alerts": [[a.alert_type, a.alert_id, a.is_new, a.metric_id]
                                 for a in (result.alerts if result else [])]}))
""")


@pytest.fixture(autouse=True)
def not_on_ci(monkeypatch):
    """Profiling is off on CI runners by default: these tests say where they run."""
    for name in (*CI_VARIABLES, "PERFTUI_PROFILE", "PERFTUI_PROFILE_BASELINE_DAYS"):
        monkeypatch.delenv(name, raising=False)


def run_host(env, store, **extra):
    env = dict(env, PERFTUI_DB=str(store), PERFTUI_APP="host", PERFTUI_COLD_START="0",
               PERFTUI_BUSY_TIMEOUT_MS="2000", **extra)
    for name in (*CI_VARIABLES, "PERFTUI_PROFILE", "PERFTUI_PROFILE_BASELINE_DAYS"):
        if name not in extra:
            env.pop(name, None)
    proc = subprocess.run([sys.executable, "-c", HOST], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["stderr"] = proc.stderr
    return out


def seed_history(store, value, runs=10):
    """`runs` earlier warm runs of VAL-001 at 1.6x `value` (±3 %): the host's normal runs are
    judged normal (faster than that) even when a busy machine slows them by half, and its
    2.3x slower runs are far above it."""
    db = open_store(str(store), create=True)
    try:
        start = time.time() - 3600
        for i in range(runs):
            at = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(start + 60 * i))
            record_snapshot(db, SnapshotInput(
                metrics={"VAL-001": 1.6 * value * (1.03 if i % 2 else 0.97)}, app="host",
                environment="local", host="box", recorded_at=at))
    finally:
        db.close()


def plan_file(store, env) -> str:
    if "://" not in str(store):
        return str(store) + ".profiles"
    code = (f"from perftui.recorder.profiling import plan_path; print(plan_path({str(store)!r}))")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.strip()


def profiles(store, *where):
    db = open_store(str(store))
    try:
        sql = "SELECT id, kind, alert_id, operation, snapshot_id FROM profiles"
        return [tuple(r) for r in db.execute(sql + (f" WHERE {where[0]}" if where else "")
                                             + " ORDER BY id")]
    finally:
        db.close()


def share(doc, name):
    """The share of the call's time spent in `name` (cumulative)."""
    cum = sum(f[6] for f in doc["functions"] if f[2] == name)
    return cum / doc["total_ms"]


def test_a_regression_gets_a_profile_beside_its_alert(subprocess_env, store_url):
    first = [run_host(subprocess_env, store_url) for _ in range(2)]
    assert not {"cProfile", "perftui.recorder.profiling"} & set(first[0]["modules"]), \
        "a first run with nothing asked must load no profiler"
    seed_history(store_url, min(run["value"] for run in first))
    judged = run_host(subprocess_env, store_url)    # judged normal: a baseline is due
    plan = open(plan_file(store_url, subprocess_env)).read()
    assert os.stat(plan_file(store_url, subprocess_env)).st_mode & 0o777 == 0o600
    assert "\nbaseline " in plan and " VAL-001 validate\n" in plan, plan
    taken = run_host(subprocess_env, store_url)     # profiles one call as the baseline
    assert judged["calls"] == 3 and taken["calls"] == 2   # the profiled call is not timed
    baselines = profiles(store_url)
    assert [(p[1], p[2], p[3]) for p in baselines] == [("baseline", None, "validate")]
    assert baselines[0][4] == taken["snapshot"]

    alert = None
    for _ in range(6):
        slow = run_host(subprocess_env, store_url, HOST_SLOW="1")
        opened = [a for a in slow["alerts"] if a[2] and a[3] == "VAL-001"
                  and a[0] in ("regression", "change_point", "trend")]
        if alert is not None:
            break
        if opened:
            alert = opened[0][1]
    assert alert is not None, "a 2.3x slowdown must open a regression alert"
    assert slow["calls"] == 2, "the run after the alert profiles one call"

    db = open_store(str(store_url))
    try:
        pair = profiles_for_alert(db, alert)
    finally:
        db.close()
    regression, baseline = pair["regression"], pair["baseline"]
    assert regression is not None and baseline is not None
    assert regression["kind"] == "regression" and regression["alert_id"] == alert
    assert regression["snapshot_id"] == slow["snapshot"]
    assert regression["stored_bytes"] < regression["raw_bytes"]
    grew = share(regression["data"], "slow_part")
    before = share(baseline["data"], "slow_part")
    assert grew > before + 0.03, (before, grew)   # 0.67 -> 0.86
    assert share(regression["data"], "validate") > 0.97  # the whole call is in the profile,
    for doc in (regression["data"], baseline["data"]):  # and nothing of the recorder's
        assert not [f for f in doc["functions"] if "recorder" in f[0] or "disable" in f[2]]
    assert f" VAL-001 {alert} validate" not in open(plan_file(store_url, subprocess_env)).read()

    run_host(subprocess_env, store_url, HOST_SLOW="1")   # fulfilled: not profiled again
    assert len(profiles(store_url, f"alert_id = {alert}")) == 1

    # the done-when of issue 13: the CLI names the slow function first in the alert's diff
    cli = subprocess.run([sys.executable, "-m", "perftui", "--db", str(store_url), "alerts",
                          "profile", "--id", str(alert), "--format", "json"],
                         env=subprocess_env, capture_output=True, text=True, timeout=60)
    assert cli.returncode == 0, cli.stderr
    shown = json.loads(cli.stdout)
    assert shown["diff"][0]["name"] == "slow_part", shown["diff"][:3]
    table = subprocess.run([sys.executable, "-m", "perftui", "--db", str(store_url), "alerts",
                            "profile", "--id", str(alert)], env=dict(subprocess_env, COLUMNS="80"),
                           capture_output=True, text=True, timeout=60)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("grew most since"))
    assert lines[header + 2].startswith("slow_part ("), lines[header:header + 4]


def test_baseline_days_0_takes_no_baseline(subprocess_env, store_path):
    first = run_host(subprocess_env, store_path)
    seed_history(store_path, first["value"])
    for _ in range(2):
        out = run_host(subprocess_env, store_path, PERFTUI_PROFILE_BASELINE_DAYS="0")
        assert out["calls"] == 3
    assert not os.path.exists(plan_file(store_path, subprocess_env))
    assert profiles(store_path) == []


class _Alert:
    def __init__(self, alert_type):
        self.alert_type = alert_type


@pytest.mark.parametrize("alert_type, metric, asks", [
    ("regression", None, True), ("change_point", None, True), ("trend", None, True),
    ("anomaly", None, False),
    ("threshold", None, False),                                       # no baseline to compare
    ("threshold", {"change_percent": 2.0, "direction": "lower"}, False),   # a moved line
    ("threshold", {"change_percent": 35.0, "direction": "lower"}, True),   # and slower
    ("threshold", {"change_percent": 35.0, "direction": "higher"}, False),  # and better
    ("threshold", {"change_percent": -35.0, "direction": "higher"}, True),
])
def test_which_new_alerts_ask_for_a_profile(alert_type, metric, asks):
    from perftui.recorder.profiling import asks_for_profile

    assert asks_for_profile(_Alert(alert_type), metric) is asks


def _asked(store, env, operation="validate"):
    """A plan that asks for a baseline profile of `operation` (as a judged run leaves it)."""
    with open(plan_file(store, env), "w") as f:
        f.write(f"perftui-profiles 1\nchecked {int(time.time())} host local\n"
                f"baseline {int(time.time())} host local VAL-001 {operation}\n")


def test_perftui_profile_0_writes_no_plan_and_takes_no_profile(subprocess_env, store_path):
    first = run_host(subprocess_env, store_path, PERFTUI_PROFILE="0")
    seed_history(store_path, first["value"])
    for _ in range(2):
        out = run_host(subprocess_env, store_path, PERFTUI_PROFILE="0")
        assert out["calls"] == 3 and out["modules"] == []
    assert not os.path.exists(plan_file(store_path, subprocess_env))
    _asked(store_path, subprocess_env)      # not even a plan someone else wrote is read
    out = run_host(subprocess_env, store_path, PERFTUI_PROFILE="0")
    assert out["calls"] == 3 and out["modules"] == []
    assert profiles(store_path) == []


def test_ci_profiles_only_when_asked(subprocess_env, store_path):
    run_host(subprocess_env, store_path)
    _asked(store_path, subprocess_env)
    out = run_host(subprocess_env, store_path, CI="true")
    assert out["calls"] == 3 and profiles(store_path) == []
    out = run_host(subprocess_env, store_path, CI="true", PERFTUI_PROFILE="1")
    assert out["calls"] == 2
    assert [p[1] for p in profiles(store_path)] == ["baseline"]
    # the profiled call's duration is not in the run's measurements either
    db = open_store(str(store_path))
    try:
        ops = db.execute("SELECT operations FROM snapshots WHERE id = ?",
                         (out["snapshot"],)).scalar()
    finally:
        db.close()
    assert json.loads(ops)["validate"]["calls"] == 2


def test_a_garbled_plan_is_ignored(subprocess_env, store_path):
    run_host(subprocess_env, store_path)
    path = plan_file(store_path, subprocess_env)
    with open(path, "wb") as f:
        f.write(b"\x00\xff garbage\nbaseline notanumber host local VAL-001 validate\n"
                b"regression 1 host local VAL-001 x validate\nbaseline\n\n" + os.urandom(300))
    out = run_host(subprocess_env, store_path)
    assert out["calls"] == 3 and out["modules"] == [] and out["snapshot"]
    assert profiles(store_path) == []
    # a good line among garbage still counts; an expired one does not
    old = int(time.time()) - 8 * 86400
    with open(path, "ab") as f:
        f.write(f"\nregression {old} host local VAL-001 1 validate\n"
                f"baseline {int(time.time())} host local VAL-001 validate\n".encode())
    out = run_host(subprocess_env, store_path)
    assert out["calls"] == 2 and [p[1] for p in profiles(store_path)] == ["baseline"]
    text = open(path).read()
    assert "garbage" not in text and f"regression {old}" not in text


def test_another_profiler_wins(subprocess_env, store_path):
    run_host(subprocess_env, store_path)
    _asked(store_path, subprocess_env)
    out = run_host(subprocess_env, store_path, HOST_SETPROFILE="1")
    assert out["still_mine"] is True and out["calls"] == 3
    assert "cProfile" not in out["modules"] and profiles(store_path) == []


def test_a_store_failure_on_saving_costs_only_the_profile(subprocess_env, store_path):
    run_host(subprocess_env, store_path)
    _asked(store_path, subprocess_env)
    out = run_host(subprocess_env, store_path, HOST_BREAK_SAVE="1")
    assert out["snapshot"] and out["calls"] == 2
    warnings = [line for line in out["stderr"].splitlines() if line.strip()]
    assert len(warnings) == 1 and "profile not stored" in warnings[0], out["stderr"]
    assert "Traceback" not in out["stderr"]
    assert profiles(store_path) == []
    db = open_store(str(store_path))
    try:
        assert db.execute("SELECT count(*) FROM snapshots").scalar() == 2
    finally:
        db.close()
    # the request stays: the next run takes it
    assert "baseline " in open(plan_file(store_path, subprocess_env)).read()
    run_host(subprocess_env, store_path)
    assert [p[1] for p in profiles(store_path)] == ["baseline"]


def test_a_normal_run_loads_no_profiler(subprocess_env, store_path):
    """Nothing asked (no plan, or a plan without requests for this app): the plan is looked at,
    and neither cProfile, zlib nor the profile modules load."""
    out = run_host(subprocess_env, store_path)
    assert out["modules"] == []
    with open(plan_file(store_path, subprocess_env), "w") as f:
        f.write(f"perftui-profiles 1\nchecked {int(time.time())} host local\n"
                f"baseline {int(time.time())} other local VAL-001 validate\n")
    out = run_host(subprocess_env, store_path)
    assert out["modules"] == [] and out["calls"] == 3


def test_a_disabled_tracker_and_the_tracker_switch(tmp_path):
    from perftui import PerformanceTracker, measure

    store = tmp_path / "s.db"
    with open(str(store) + ".profiles", "w") as f:
        f.write(f"baseline {int(time.time())} host local VAL-001 v\n")
    for kwargs in ({"disabled": True}, {"profile": False}):
        tracker = PerformanceTracker(db=store, app="host", summary=False, cold_start=False,
                                     **kwargs)
        with measure("v", "VAL-001", tracker=tracker):
            pass
        assert tracker._profiles_held == [] and tracker._profile_plan == {}
    tracker = PerformanceTracker(db=store, app="host", summary=False, cold_start=False,
                                 profile=True)
    with measure("v", "VAL-001", tracker=tracker):
        pass
    assert len(tracker._profiles_held) == 1
    assert "v" not in tracker.operations()
    tracker.close()


def test_nested_operations_under_a_profile_are_not_timed(tmp_path):
    from perftui import PerformanceTracker, measure

    store = tmp_path / "s.db"
    with open(str(store) + ".profiles", "w") as f:
        f.write(f"baseline {int(time.time())} host local VAL-001 outer\n")
    tracker = PerformanceTracker(db=store, app="host", summary=False, cold_start=False)
    with measure("outer", "VAL-001", tracker=tracker):
        with measure("inner", tracker=tracker):
            pass
    with measure("inner", tracker=tracker):
        pass
    assert tracker.operations()["inner"]["calls"] == 1 and "outer" not in tracker.operations()
    assert tracker._profiling == {} and sys.getprofile() is None
    tracker.close()


@pytest.mark.parametrize("line", ["regression", "baseline"])
def test_async_operations_are_profiled(tmp_path, line):
    import asyncio

    from perftui import PerformanceTracker, measure_performance

    store = tmp_path / "s.db"
    with open(str(store) + ".profiles", "w") as f:
        f.write(f"baseline {int(time.time())} host local VAL-001 fetch\n" if line == "baseline"
                else f"regression {int(time.time())} host local VAL-001 7 fetch\n")
    tracker = PerformanceTracker(db=store, app="host", summary=False, cold_start=False)

    @measure_performance("fetch", "VAL-001", tracker=tracker)
    async def fetch():
        await asyncio.sleep(0)
        return sum(range(1000))

    async def main():
        return [await fetch() for _ in range(2)]

    assert asyncio.run(main()) == [499500, 499500]
    assert len(tracker._profiles_held) == 1 and tracker.operations()["fetch"]["calls"] == 1
    held = tracker._profiles_held[0]
    assert held[0] == "fetch" and held[2][0][0] == line
    tracker.close()


def test_a_long_running_process_takes_what_its_own_runs_ask_for(tmp_path):
    from perftui import PerformanceTracker, measure

    store = tmp_path / "s.db"
    seed_history(store, 600.0)   # ~1 s: this process's empty calls are judged normal (faster)
    tracker = PerformanceTracker(db=store, app="host", summary=False, cold_start=False)
    with measure("validate", "VAL-001", tracker=tracker):
        pass
    assert tracker.record_baseline_snapshot() is not None
    assert "validate" in tracker._profile_plan          # asked for by this very run
    with measure("validate", "VAL-001", tracker=tracker):
        pass
    assert len(tracker._profiles_held) == 1
    result = tracker.record_baseline_snapshot()
    assert [(p[1], p[4]) for p in profiles(store)] == [("baseline", result.snapshot_id)]
    assert "VAL-001" not in result.values   # its only call was profiled
    with measure("validate", "VAL-001", tracker=tracker):   # once per process and request
        pass
    assert tracker._profiles_held == [] and tracker.operations()["validate"]["calls"] == 1
    tracker.close()
