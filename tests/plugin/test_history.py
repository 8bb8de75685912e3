"""Issue 12's "done when": a project's suite run with --perftui several times, one test made
40 % slower, and the alert found on that test's metric and nothing else — for plain tests,
for pytest-benchmark benchmarks (continuing a history imported from their JSON), and under
pytest-xdist with two workers (one snapshot per session, nothing lost).

Real pytest runs in child processes; each test takes tens of seconds.
"""

from __future__ import annotations

import pytest

from tests.plugin._suite import (APP, BENCHMARK, XDIST, Project, metric_id, regression_run,
                                 summary)

TARGET = "tests/test_suite.py::test_target"


def _alerted(found: list[dict]) -> set[str]:
    return {a["metric_id"] for a in found}


def test_a_test_made_40_percent_slower_is_the_one_regression(tmp_path, subprocess_env):
    project = Project(tmp_path / "proj", subprocess_env)
    project.write_suite()
    slow, found = regression_run(project, ("--perftui", "--perftui-db", project.db))
    assert _alerted(found) == {metric_id(TARGET)}, found
    # the terminal summary names it, and only it
    lines = summary(slow[-1])
    assert any(metric_id(TARGET) in line for line in lines), lines
    named = [line.split()[1] for line in lines if line.startswith("  ") and len(line.split()) == 2]
    assert named == [metric_id(TARGET)], lines
    assert slow[-1].returncode == 0          # --perftui-fail-on none: the session still passes
    # one snapshot per session; every recorded test and the session's wall time in it
    status = project.status()
    ids = {m["metric_id"] for m in status["metrics"]}
    assert ids == {metric_id(f"tests/test_suite.py::test_steady[{n}]") for n in range(5)} | {
        metric_id(TARGET), "pytest-session"}
    assert project.snapshots() == 12 + len(slow)
    names = {m["metric_id"]: m["name"] for m in status["metrics"]}
    assert names[metric_id("tests/test_suite.py::test_steady[3]")] == \
        "tests/test_suite.py::test_steady[3]"       # the full node id is the metric's name
    assert {m["unit"] for m in status["metrics"] if m["metric_id"] != "pytest-session"} == {"ms"}


def test_fail_on_fails_a_session_whose_tests_all_passed(tmp_path, subprocess_env):
    project = Project(tmp_path / "proj", subprocess_env)
    project.write_suite()
    args = ("--perftui", "--perftui-db", project.db, "--perftui-fail-on", "warning")
    slow, found = regression_run(project, args)
    assert _alerted(found) == {metric_id(TARGET)}, found
    assert slow[-1].returncode == 1, slow[-1].stdout
    assert slow[-1].stdout.rstrip().splitlines()[-1].startswith("7 passed"), slow[-1].stdout
    assert any("session failed" in line and "--perftui-fail-on warning" in line
               for line in summary(slow[-1])), summary(slow[-1])


BENCH_SUITE = """
    import os, time

    FACTOR = 1.4 if os.environ.get("SLOW") == "1" else 1.0

    def _work(seconds):
        time.sleep(seconds)

    def test_parse(benchmark):
        benchmark.pedantic(_work, args=(0.008,), rounds=9, warmup_rounds=1)

    def test_render(benchmark):
        benchmark.pedantic(_work, args=(0.008 * FACTOR,), rounds=9, warmup_rounds=1)

    def test_plain():
        time.sleep(0.03)
"""


def test_benchmarks_continue_an_imported_history(tmp_path, subprocess_env):
    pytest.importorskip("pytest_benchmark")
    project = Project(tmp_path / "proj", subprocess_env)
    project.write("tests/test_bench.py", BENCH_SUITE)
    # history first brought in by `perftui import --format pytest-benchmark`
    files = []
    for i in range(3):
        out = str(tmp_path / f"bench{i}.json")
        proc = project.pytest(f"--benchmark-json={out}", plugins=BENCHMARK[1:])
        assert proc.returncode == 0, proc.stdout[-2000:]
        files.append(out)
    proc = project.perftui("--db", project.db, "--app", APP, "import", "--format",
                           "pytest-benchmark", *files)
    assert proc.returncode == 0, proc.stderr
    slow, found = regression_run(project, ("--perftui", "--perftui-db", project.db), warm=5,
                                 plugins=BENCHMARK)
    render = metric_id("tests/test_bench.py::test_render")
    assert _alerted(found) == {render}, found
    metrics = {m["metric_id"]: m for m in project.status()["metrics"]}
    # the same metric as the import's: its history counts the imported runs too
    assert set(metrics) == {render, metric_id("tests/test_bench.py::test_parse"),
                            metric_id("tests/test_bench.py::test_plain"), "pytest-session"}
    assert metrics[render]["unit"] == "ms"
    parse = metrics[metric_id("tests/test_bench.py::test_parse")]
    assert parse["baseline"]["sample_size"] >= 3 + 5 - 1
    assert 7.5 < parse["value"] < 30    # the median of a round (ms), not the call's duration


def test_under_xdist_one_snapshot_per_session_and_nothing_lost(tmp_path, subprocess_env):
    pytest.importorskip("xdist")
    project = Project(tmp_path / "proj", subprocess_env)
    project.write_suite()
    args = ("-n", "2", "--perftui", "--perftui-db", project.db)
    slow, found = regression_run(project, args, plugins=XDIST)
    # the session's wall time under xdist is mostly starting workers: it is not what this
    # test slowed, so it may or may not move with the machine's load; every test metric is
    # held to "the target and nothing else"
    tests = {a for a in _alerted(found) if a != "pytest-session-n2"}
    assert tests == {metric_id(TARGET)}, found
    lines = summary(slow[-1])                  # the controller's summary lists it
    assert any(line.startswith("  ") and line.split()[-1] == metric_id(TARGET)
               for line in lines), lines
    assert project.snapshots() == 12 + len(slow)          # one per session, not per worker
    status = project.status()
    ids = {m["metric_id"] for m in status["metrics"]}
    assert "pytest-session-n2" in ids and "pytest-session" not in ids   # its own measure
    assert len(ids) == 7
    assert all(m["baseline"]["sample_size"] >= 6 for m in status["metrics"]
               if m["metric_id"] == metric_id("tests/test_suite.py::test_steady[0]"))
