"""A small project with a pytest suite, run in child processes as a user would run it.

    project = Project(tmp_path / "proj", subprocess_env)
    project.write_suite()
    proc = project.pytest("--perftui", "--perftui-db", project.db)

Timings are made robust for a loaded, shared machine (2 cores, load averages of 4 to 7 seen):
a sleeping test wakes up late by one scheduling delay, a few milliseconds and sometimes 10 to
20 for several runs in a row. So the steady tests sleep 200 ms (10 %, the smallest change the
detector reports, is 20 ms there); the target sleeps 100 ms, 140 ms when slowed, so that the
session's wall time moves by under 4 % and is not a regression itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

APP = "proj-tests"          # the plugin's default app: the rootdir's name + "-tests"
STEADY = 0.2                # seconds each steady test sleeps
TARGET = 0.1                # seconds test_target sleeps ...
SLOWER = 1.4                # ... and 40 % longer when slowed: the regression to find

# variables a surrounding pytest (or xdist worker) sets that must not reach the inner run
_OUTER = ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT",
          "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST", "PYTEST_PLUGINS",
          "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PERFTUI_PYTEST")


class Project:
    def __init__(self, root: Path, env: dict) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in env.items() if k not in _OUTER}
        self.env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.db = str(root / "perf.db")
        (root / "pytest.ini").write_text("[pytest]\naddopts =\n")

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))

    def write_suite(self, steady: int = 5) -> None:
        """`steady` sleeping tests (parametrised), `test_target`, which sleeps SLOWER times
        longer when SLOW=1 is in the environment, and one fast test under the minimum."""
        self.write("tests/test_suite.py", f"""
            import os, time
            import pytest

            FACTOR = {SLOWER} if os.environ.get("SLOW") == "1" else 1.0

            @pytest.mark.parametrize("n", range({steady}))
            def test_steady(n):
                time.sleep({STEADY})

            def test_target():
                time.sleep({TARGET} * FACTOR)

            def test_fast():
                assert 1 + 1 == 2
        """)

    def pytest(self, *args: str, slow: bool = False, env: dict | None = None,
               plugins: tuple[str, ...] | None = ("perftui.pytest_plugin",),
               timeout: float = 300) -> subprocess.CompletedProcess:
        """Run pytest on the project. With `plugins` (module names), only those load (what
        the entry points would load, without every other plugin installed here: a run takes
        a second instead of several); `plugins=None` loads the installed plugins by their
        entry points, as a user's run does."""
        run_env = dict(self.env, **(env or {}))
        if slow:
            run_env["SLOW"] = "1"
        loading: list[str] = []
        if plugins is not None:
            run_env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
            for name in plugins:
                loading += ["-p", name]
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               *loading, *args], cwd=self.root, env=run_env,
                              capture_output=True, text=True, timeout=timeout)

    def perftui(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "perftui", *args], cwd=self.root,
                              env=self.env, capture_output=True, text=True, timeout=120)

    def json(self, *args: str):
        proc = self.perftui(*args, "--format", "json")
        assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout)

    def alerts(self, app: str = APP) -> list[dict]:
        """Every alert of the scope, any severity (info anomalies too), any status."""
        return self.json("--db", self.db, "--app", app, "alerts", "--severity", "info",
                         "--status", "all")["alerts"]

    def status(self, app: str = APP) -> dict:
        return self.json("--db", self.db, "--app", app, "status")

    def snapshots(self) -> int:
        import sqlite3

        with sqlite3.connect(self.db) as conn:
            return conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]


def summary(proc: subprocess.CompletedProcess) -> list[str]:
    """The lines of the plugin's section of pytest's terminal summary."""
    lines = proc.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if " perftui " in line
                  and line.startswith("-")), None)
    if start is None:
        return []
    section = []
    for line in lines[start + 1:]:      # the plugin's lines: "perftui: ..." and indented ones
        if not line.startswith(("perftui: ", "  ")):
            break
        section.append(line)
    return section


def regression_run(project: Project, args: tuple[str, ...], warm: int = 12,
                   slow_runs: int = 3, plugins: tuple[str, ...] = ("perftui.pytest_plugin",)
                   ) -> tuple[list[subprocess.CompletedProcess], list[dict]]:
    """`warm` runs of the suite as it is, then up to `slow_runs` with test_target 40 % slower,
    stopping at the first that reports a regression (a regression is confirmed over two
    runs). Returns the slow runs' processes and the alerts of warning severity or worse."""
    for i in range(warm):
        proc = project.pytest(*args, plugins=plugins)
        assert proc.returncode == 0, (i, proc.stdout[-3000:], proc.stderr[-3000:])
    slow = []
    for _ in range(slow_runs):
        proc = project.pytest(*args, slow=True, plugins=plugins)
        slow.append(proc)
        if any("regression(s) against the baselines" in line for line in summary(proc)):
            break
    found = [{k: a[k] for k in ("metric_id", "severity", "alert_type", "deviation_percent",
                                "current_value", "expected_value")}
             for a in project.alerts() if a["severity"] in ("warning", "error", "critical")]
    if not found:      # say why, for a failure on a loaded machine: each metric's history
        print({m["metric_id"]: [round(v, 1) for v in m["sparkline"]]
               for m in project.status()["metrics"]})
        print("\n".join(summary(slow[-1])))
    return slow, found


def fails_cleanly(proc: subprocess.CompletedProcess) -> str:
    """pytest's usage error (exit 4) as one message, no traceback; returns the message."""
    assert proc.returncode == 4, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr + proc.stdout
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1, proc.stderr
    return errors[0]


def metric_id(node: str) -> str:
    from perftui.core.importers.model import metric_slug

    return metric_slug(node)


BENCHMARK = ("perftui.pytest_plugin", "pytest_benchmark.plugin")
XDIST = ("perftui.pytest_plugin", "xdist.plugin")
