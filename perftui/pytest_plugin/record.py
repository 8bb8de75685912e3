"""Record one pytest session as one snapshot, through the recorder, and say what was found.

The metrics are the ones `perftui import` would give the same results, so a history imported
from JUnit XML or pytest-benchmark JSON continues:
- a test: `metric_slug(node id)` (the importers' id: at most 80 characters, leading path parts
  dropped first, a short hash only if still too long), the node id as its name, seconds in a
  readable time unit chosen when the metric is first stored (the importers' rule);
- a pytest-benchmark benchmark: exactly what its importer makes of it (`benchmark_metric`);
- the session: `pytest-session`, its wall time, recorded only for a session in which every
  test passed and nothing was left out by -k, -m, --lf or --deselect (otherwise it is not the
  same session as the ones before it); under xdist `pytest-session-n<N>` (`-n N`): starting
  workers makes it another measure, and switching between the two must not look like a
  regression.
They are registered without target lines, so only the statistical tiers judge them.

The store is opened once through `perftui.core` to register the metrics and their units, then
the snapshot is written by a `PerformanceTracker` like any app's run: judged at once, alerts
raised, kept in the spool when the store is busy. The tracker's process metrics (peak memory,
memory growth) are left out: pytest's memory is not the suite's, and MEM-001's target is an
app's.
"""

from __future__ import annotations

import logging
import os

from perftui.recorder.tracker import PerformanceTracker

SESSION_METRIC = "pytest-session"
# options after which this session is not the whole suite
_SELECTING = ("keyword", "markexpr", "lf", "deselect")
_RANK = {"warning": 2, "error": 3, "critical": 4}


class Outcome:
    """What the summary shows (`lines`), and whether the session must fail (`failing`)."""

    def __init__(self, lines: list[str], failing: bool = False, result=None) -> None:
        self.lines = lines
        self.failing = failing
        self.result = result


def options(config) -> dict:
    rootdir = str(config.rootpath)
    default_app = (os.path.basename(rootdir.rstrip(os.sep)) or "pytest") + "-tests"
    return {
        "db": config.getoption("perftui_db") or os.environ.get("PERFTUI_DB") or None,
        "app": config.getoption("perftui_app") or os.environ.get("PERFTUI_APP") or default_app,
        "min_ms": config.getoption("perftui_min_ms"),
        "fail_on": config.getoption("perftui_fail_on"),
        "rootdir": rootdir,
        "whole": not any(config.getoption(name, None) for name in _SELECTING),
        "session": session_metric(config),
    }


def session_metric(config) -> str:
    """`pytest-session`, or `pytest-session-n2` for a session run by xdist with `-n 2`."""
    workers = config.getoption("numprocesses", None)
    if not workers or config.getoption("dist", "no") in (None, "no"):
        return SESSION_METRIC
    return f"{SESSION_METRIC}-n{workers}"


def record_session(config, durations: dict[str, float], benchmarks: dict[str, dict],
                   wall_seconds: float, exitstatus: int) -> Outcome:
    opts = options(config)
    if exitstatus not in (0, 1):      # interrupted, internal or usage error, nothing collected
        return Outcome([f"perftui: nothing recorded (pytest exit status {exitstatus})"])
    if os.environ.get("PERFTUI_DISABLE", "").strip().lower() in ("1", "true", "yes", "on"):
        return Outcome(["perftui: nothing recorded (PERFTUI_DISABLE is set)"])
    batch, notes = build_batch(durations, benchmarks, opts["min_ms"],
                               wall_seconds if exitstatus == 0 and opts["whole"] else None,
                               opts["session"])
    if not batch.snapshots[0].metrics:
        return Outcome(notes[1:] + [f"perftui: nothing recorded: no passing test took "
                                    f"{opts['min_ms']:g} ms or more (--perftui-min-ms)"])
    problem = _store_problem(opts["db"])
    if problem:
        return Outcome(notes[1:] + [f"perftui: nothing recorded: {problem}"])
    warnings: list[str] = []
    with _warnings_to(warnings):
        try:
            _register(opts["db"], batch)
        except Exception as exc:        # PerftuiError: the store could not be opened or written
            return Outcome(notes[1:] + [f"perftui: nothing recorded: {_describe(exc)}"])
        result = _write(opts, batch.snapshots[0].metrics)
    if result is None:                  # the recorder's one warning says why
        return Outcome(notes[1:] + (warnings[:1] or ["perftui: nothing recorded"]))
    return summarise(result, notes, warnings, opts)


def build_batch(durations: dict[str, float], benchmarks: dict[str, dict], min_ms: float,
                wall_seconds: float | None, session: str = SESSION_METRIC):
    """An ImportBatch of one snapshot (values in seconds) with a hint per metric, after the
    importers' privacy policy; and the notes to show."""
    from perftui.core.importers import model as m
    from perftui.core.importers.pytest_benchmark import benchmark_metric

    batch = m.ImportBatch("pytest")
    values: dict[str, float] = {}
    clashes: list[str] = []
    short = 0
    for node, seconds in durations.items():
        if seconds * 1000.0 < min_ms:
            short += 1
            continue
        metric_id = m.metric_slug(node)
        if metric_id in values:
            clashes.append(node)
            continue
        values[metric_id] = max(0.0, float(seconds))
        batch.hints[metric_id] = m.MetricHint(metric_id, node[:200], "s", "lower",
                                              "test call duration (pytest --perftui)",
                                              "pytest", rescale=True)
    for node, bench in benchmarks.items():
        try:
            metric_id, hint, seconds = benchmark_metric(bench, f"benchmark {node}")
        except m.ImportFileError:
            continue
        if metric_id in values:
            clashes.append(node)
            continue
        values[metric_id] = seconds
        batch.hints[metric_id] = hint
    if wall_seconds is not None:
        values[session] = wall_seconds
        batch.hints[session] = m.MetricHint(
            session, "pytest session wall time" + (" (xdist)" if session != SESSION_METRIC
                                                   else ""), "s", "lower",
            "the whole session: collection and every test (pytest --perftui)", "pytest",
            rescale=True)
    batch.snapshots.append(m.ImportedSnapshot({}, values))
    m.apply_privacy(batch)
    kept = batch.snapshots[0].metrics
    tests = sum(1 for i in kept if i != session and batch.hints[i].source == "pytest")
    batch.notes.insert(0, _counted(tests, len(kept) - tests - (session in kept),
                                   short, min_ms,
                                   session in kept))
    notes = [f"perftui: {note}" for note in batch.notes]
    if clashes:
        notes.append(f"perftui: left out {len(clashes)} test(s) whose metric id another test "
                     f"already has (ids keep letters, digits and _.:/-): {clashes[0]}"
                     + (" ..." if len(clashes) > 1 else ""))
    return batch, notes


def _counted(tests: int, benches: int, short: int, min_ms: float, session: bool) -> str:
    parts = [f"{tests} test(s)"]
    if benches:
        parts.append(f"{benches} benchmark(s)")
    if session:
        parts.append("the session's wall time")
    text = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    if short > 0:
        text += f" ({short} test(s) under {min_ms:g} ms left out)"
    return text


def _store_problem(db: str | None) -> str | None:
    """A store file whose directory does not exist: said here, in the option's terms."""
    if not db or "://" in db:
        return None
    folder = os.path.dirname(os.path.abspath(os.path.expanduser(db)))
    if not os.path.isdir(folder):
        return f"--perftui-db {db}: no such directory {folder} (create it first)"
    return None


def _register(db: str | None, batch) -> None:
    from perftui.core.importing import register_metrics
    from perftui.core.session import open_session

    store = open_session(db, write=True, create=True)
    try:
        register_metrics(store, batch, "pytest")
    finally:
        store.close()


def _write(opts: dict, values: dict[str, float]):
    flag = os.environ.get("PERFTUI_COLD_START", "").strip().lower()
    # a test session is a fresh process every time (and on CI, on a fresh machine): never a
    # cold start unless PERFTUI_COLD_START says so
    cold = flag in ("1", "true", "yes", "on")
    tracker = PerformanceTracker(db=opts["db"], app=opts["app"], summary=False, cold_start=cold,
                                 git_dir=opts["rootdir"], process_memory=False)
    try:
        for metric_id, value in values.items():
            tracker.record_metric(metric_id, value)
        return tracker.record_baseline_snapshot()
    finally:
        tracker.close()


class _warnings_to:
    """The recorder's warnings (logger "perftui") into a list, not onto pytest's output."""

    def __init__(self, sink: list[str]) -> None:
        self.sink = sink
        self.logger = logging.getLogger("perftui")

    def __enter__(self):
        sink = self.sink

        class Handler(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                sink.append(" ".join(record.getMessage().split()))

        self.handler = Handler(logging.WARNING)
        self.propagate = self.logger.propagate
        self.logger.addHandler(self.handler)
        self.logger.propagate = False
        return self

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate


def summarise(result, notes: list[str], warnings: list[str], opts: dict) -> Outcome:
    from perftui.core.session import shown_location

    lines = [f"perftui: run {result.snapshot_id} of {result.app} ({result.environment}) "
             f"recorded in {shown_location(opts['db'])}: {notes[0][len('perftui: '):]}"]
    lines += notes[1:] + warnings
    if not result.evaluated:
        lines.append("perftui: not judged (a cold start: PERFTUI_COLD_START is set)")
        return Outcome(lines, result=result)
    sizes = sorted(v.baseline.sample_size for v in result.verdicts if v.baseline is not None)
    have = sizes[-1] if sizes else 0
    if have < 6:
        lines.append(f"perftui: baselines are building ({have} earlier run(s)); regressions "
                     "are judged from 6 runs on, fully from 14")
    shown = [a for a in result.alerts if _RANK.get(a.severity, 0) >= _RANK["warning"]]
    shown.sort(key=lambda a: (-_RANK[a.severity], a.metric_id))
    if shown:
        lines.append(f"perftui: {len(shown)} regression(s) against the baselines:")
        for alert in shown:
            lines.append(f"  {alert.severity.upper():<8} {alert.metric_id}")
            lines.append(f"           {_values(alert)}")
    else:
        lines.append("perftui: no regression against the baselines")
    failing = False
    level = opts["fail_on"]
    if level != "none":
        worst = [a for a in shown if _RANK[a.severity] >= _RANK[level]]
        if worst:
            failing = True
            lines.append(f"perftui: session failed: {len(worst)} regression(s) at {level} or "
                         f"worse (--perftui-fail-on {level})")
    return Outcome(lines, failing, result)


def _values(alert) -> str:
    """"+40%: 84.3 ms against a baseline of 60.2 ms (regression)": the run's value, what it
    was judged against, the tier (the alert's own message, with the long name, is in the
    store)."""
    unit = f" {alert.unit}" if alert.unit else ""
    kind = alert.alert_type.replace("_", " ")
    if alert.expected_value is None or alert.deviation_percent is None:
        return f"{alert.current_value:.4g}{unit} ({kind})"
    return (f"{alert.deviation_percent:+.0f}%: {alert.current_value:.4g}{unit} against a "
            f"baseline of {alert.expected_value:.4g}{unit} ({kind})")


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
