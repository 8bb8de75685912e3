"""The plugin's switches and its failures: inert unless enabled, bad options refused with one
line (pytest's usage error, exit 4: pytest's exit 2 means "interrupted"), a store it cannot
write is one warning line in the summary and the tests' own result stands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.plugin._suite import Project, fails_cleanly, summary

ONE_TEST = """
    import time

    def test_one():
        time.sleep(0.02)
"""


@pytest.fixture
def project(tmp_path, subprocess_env) -> Project:
    project = Project(tmp_path / "proj", subprocess_env)
    project.write("tests/test_one.py", ONE_TEST)
    return project


def test_installed_entry_point_is_inert_without_the_flag(project):
    """Loaded through its pytest11 entry point (as in any project that installs perftui):
    nothing in the output, no store, no perftui module beyond the options."""
    project.write("tests/conftest.py", """
        import sys

        def pytest_unconfigure(config):
            loaded = sorted(m for m in sys.modules if m.startswith("perftui"))
            print("LOADED", ",".join(loaded), file=sys.stderr)
    """)
    proc = project.pytest(plugins=None)
    assert proc.returncode == 0, proc.stdout
    assert summary(proc) == []
    assert "perftui" in proc.stdout + proc.stderr       # the LOADED line, nothing else
    loaded = next(line for line in proc.stderr.splitlines() if line.startswith("LOADED"))
    assert loaded.split()[1:] == ["perftui,perftui.pytest_plugin"], loaded
    assert not os.path.exists(project.db)
    assert not os.path.exists(os.path.join(project.env["HOME"], "data", "perftui"))


def test_environment_variable_enables_it(project):
    proc = project.pytest("--perftui-db", project.db, plugins=None,
                          env={"PERFTUI_PYTEST": "1"})
    assert proc.returncode == 0, proc.stdout
    lines = summary(proc)
    assert lines and lines[0].startswith("perftui: run 1 of proj-tests (local) recorded in"), lines
    assert project.snapshots() == 1


def test_perftui_disable_wins_and_touches_no_store(project):
    proc = project.pytest("--perftui", "--perftui-db", project.db,
                          env={"PERFTUI_DISABLE": "1"})
    assert proc.returncode == 0
    assert summary(proc) == ["perftui: nothing recorded (PERFTUI_DISABLE is set)"]
    assert not os.path.exists(project.db)


def test_bad_app_name_is_one_warning_line(project):
    proc = project.pytest("--perftui", "--perftui-db", project.db, "--perftui-app", "x" * 101)
    assert proc.returncode == 0
    lines = summary(proc)
    assert len(lines) == 1 and lines[0].startswith("perftui: snapshot not recorded") \
        and "at most 100 characters" in lines[0], lines
    assert "Traceback" not in proc.stdout + proc.stderr


def test_default_store_is_the_users(project):
    proc = project.pytest("--perftui")
    assert proc.returncode == 0, proc.stdout
    store = os.path.join(project.env["XDG_DATA_HOME"], "perftui", "perftui.db")
    assert os.path.exists(store), summary(proc)


@pytest.mark.parametrize("value", ["always", "", "CRITICAL"])
def test_bad_fail_on_is_one_usage_error(project, value):
    message = fails_cleanly(project.pytest("--perftui", f"--perftui-fail-on={value}"))
    assert "--perftui-fail-on" in message and "none, warning, error, critical" in message


@pytest.mark.parametrize("value", ["fast", "-1", "nan", "inf"])
def test_bad_min_ms_is_one_usage_error(project, value):
    message = fails_cleanly(project.pytest("--perftui", f"--perftui-min-ms={value}"))
    assert "--perftui-min-ms" in message and "milliseconds" in message


def test_min_ms_leaves_out_short_tests_and_keeps_the_session(project):
    proc = project.pytest("--perftui", "--perftui-db", project.db, "--perftui-min-ms", "500")
    assert proc.returncode == 0
    assert summary(proc)[0].endswith(": 0 test(s) and the session's wall time (1 test(s) "
                                     "under 500 ms left out)"), summary(proc)
    assert [m["metric_id"] for m in project.status()["metrics"]] == ["pytest-session"]


def test_nothing_to_record_is_said(project):
    project.write("tests/test_one.py", """
        def test_one():
            assert False
    """)
    proc = project.pytest("--perftui", "--perftui-db", project.db)
    assert proc.returncode == 1
    assert summary(proc) == ["perftui: nothing recorded: no passing test took 5 ms or more "
                             "(--perftui-min-ms)"]
    assert not os.path.exists(project.db)


def test_missing_store_directory_is_one_warning_line(project, tmp_path):
    where = str(tmp_path / "no" / "such" / "perf.db")
    proc = project.pytest("--perftui", "--perftui-db", where)
    assert proc.returncode == 0, proc.stdout
    assert summary(proc) == [f"perftui: nothing recorded: --perftui-db {where}: no such "
                             f"directory {os.path.dirname(where)} (create it first)"]
    assert "Traceback" not in proc.stdout + proc.stderr


def test_unwritable_store_is_one_warning_line(project, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    # root writes into a read-only directory: /proc takes no new file from anyone
    where = "/proc/perf.db" if os.geteuid() == 0 else str(folder / "perf.db")
    try:
        proc = project.pytest("--perftui", "--perftui-db", where)
    finally:
        folder.chmod(0o700)
    assert proc.returncode == 0, proc.stdout
    lines = summary(proc)
    assert len(lines) == 1 and lines[0].startswith("perftui: nothing recorded: "), lines
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_store_that_is_not_a_store_is_one_warning_line(project):
    with open(project.db, "w") as f:
        f.write("these are my notes, not a database\n" * 100)
    proc = project.pytest("--perftui", "--perftui-db", project.db)
    assert proc.returncode == 0, proc.stdout
    lines = summary(proc)
    assert len(lines) == 1 and lines[0].startswith("perftui: nothing recorded: "), lines
    assert "Traceback" not in proc.stdout + proc.stderr
    with open(project.db) as f:
        assert f.read().startswith("these are my notes")     # untouched


@pytest.mark.parametrize("args", [("--collect-only",), ("-k", "nothing_matches")])
def test_a_session_that_ran_no_test_records_nothing(project, args):
    proc = project.pytest("--perftui", "--perftui-db", project.db, *args)
    assert proc.returncode in (0, 5), proc.stdout        # 5: pytest's "no tests collected"
    assert summary(proc) in ([], ["perftui: nothing recorded: no test ran"]), summary(proc)
    assert not os.path.exists(project.db)


def test_failing_tests_keep_their_exit_status_and_are_left_out(project):
    project.write("tests/test_two.py", """
        import time

        def test_broken():
            time.sleep(0.02)
            assert False
    """)
    proc = project.pytest("--perftui", "--perftui-db", project.db, "--perftui-fail-on",
                          "warning")
    assert proc.returncode == 1
    status = project.status()
    # the passing test only; no session wall time for a session with a failure in it
    assert [m["metric_id"] for m in status["metrics"]] == ["tests/test_one.py::test_one"]


def test_plugin_import_is_light(subprocess_env):
    """What pytest pays in every run of every project that installs perftui: the plugin
    module imports no perftui layer and nothing heavy."""
    code = textwrap.dedent("""
        import sys, json
        before = set(sys.modules)
        import perftui.pytest_plugin
        print(json.dumps(sorted(set(sys.modules) - before)))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=subprocess_env, timeout=60, check=True)
    new = json.loads(proc.stdout)
    # pytest itself is loaded before any plugin; only its own import is counted here
    assert {m for m in new if m.startswith("perftui")} == {"perftui", "perftui.pytest_plugin"}
    assert not {m.split(".")[0] for m in new} & {"sqlite3", "_sqlite3", "peewee", "textual",
                                                  "numpy", "rich", "psutil", "plotext"}
