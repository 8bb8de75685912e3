"""What `pytest --perftui` does during a session: collect timings, record once, summarise.

Registered by `perftui.pytest_plugin.pytest_configure` only when the plugin is enabled.

Where things happen, with and without pytest-xdist:
- the test's own process (a worker under xdist) adds a benchmark's statistics to its `call`
  report (`report.perftui_benchmark`); a report's extra attributes travel to xdist's
  controller with it, so nothing depends on a worker finishing cleanly;
- the process that sees every report (the controller under xdist, else the only one) collects
  the `call` durations and benchmarks from `pytest_runtest_logreport`, and at the end of the
  session records one snapshot (`perftui.pytest_plugin.record`); workers never record.
Nothing here raises into pytest: a failure to record is one warning line in the summary.
"""

from __future__ import annotations

import time

import pytest


class SessionPlugin:
    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.worker = hasattr(config, "workerinput")    # an xdist worker: collects, never records
        self.started = time.perf_counter()
        self.durations: dict[str, float] = {}    # node id -> call seconds (passing tests)
        self.benchmarks: dict[str, dict] = {}    # node id -> benchmark as pytest-benchmark writes it
        self.ran = 0                             # tests that reached their call, any outcome
        self.outcome = None                      # record.Outcome, for the terminal summary

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.started = time.perf_counter()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        if call.when != "call":
            return
        try:
            info = benchmark_info(item)
            if info is not None:
                outcome.get_result().perftui_benchmark = info
        except Exception:   # another plugin's object: never break the run for it
            pass

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.worker or report.when != "call":
            return
        self.ran += 1
        if not report.passed:
            return
        bench = getattr(report, "perftui_benchmark", None)
        if bench is not None:
            # a benchmark test: its benchmark's median is its metric (the id pytest-benchmark's
            # importer gives it), never the duration of the call that ran all its rounds
            self.durations.pop(report.nodeid, None)
            if bench.get("stats"):
                self.benchmarks[report.nodeid] = bench
            return
        self.durations[report.nodeid] = report.duration

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if self.worker:
            return
        wall = time.perf_counter() - self.started
        from perftui.pytest_plugin.record import Outcome

        if not self.ran:           # --collect-only, everything skipped or deselected
            self.outcome = Outcome(["perftui: nothing recorded: no test ran"])
            return
        try:
            from perftui.pytest_plugin.record import record_session

            self.outcome = record_session(self.config, self.durations, self.benchmarks, wall,
                                          int(exitstatus))
        except Exception as exc:    # a bug of ours must not fail someone's test run
            self.outcome = Outcome([f"perftui: nothing recorded (internal error: "
                                    f"{type(exc).__name__}: {exc})"])
        if self.outcome.failing and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter, exitstatus: int,
                                config: pytest.Config) -> None:
        if self.worker or self.outcome is None or not self.outcome.lines:
            return
        terminalreporter.write_sep("-", "perftui")
        for line in self.outcome.lines:
            terminalreporter.write_line(line)


def benchmark_info(item: pytest.Item) -> dict | None:
    """A pytest-benchmark benchmark of this test as its JSON has it (fullname, group, the
    median in seconds under stats), `{}` for a benchmark test that measured nothing (disabled,
    skipped, failed: its duration is no measure either), None for any other test."""
    funcargs = getattr(item, "funcargs", None)
    fixture = funcargs.get("benchmark") if isinstance(funcargs, dict) else None
    if fixture is None or type(fixture).__name__ != "BenchmarkFixture":
        return None
    metadata = getattr(fixture, "stats", None)
    if not metadata or getattr(fixture, "has_error", False) or getattr(fixture, "disabled", False):
        return {}
    median = metadata.stats.median
    return {"fullname": getattr(fixture, "fullname", None) or item.nodeid,
            "group": getattr(fixture, "group", None), "stats": {"median": float(median)}}
