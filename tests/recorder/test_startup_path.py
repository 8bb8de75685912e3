"""The recorder's start-up path inside a host application (issue 11): what a recording loads, in
fresh interpreters, and that the shortcuts it takes change nothing a host or a reader can see."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

RECORD = textwrap.dedent("""
    from perftui import PerformanceTracker
    t = PerformanceTracker(db={db!r}, app="host", summary=False, cold_start=False)
    for i in range(3):
        t.start_operation("app_startup"); t.stop_operation("app_startup")
        t.record_metric("prompt_token_count", 2000 + i)
        assert t.record_baseline_snapshot() is not None
""")


def run(code: str, env: dict) -> dict:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_minimal_host_records_without_functools(subprocess_env, store_path):
    """_sqlite3 loads with a stand-in for functools (its statement cache is the same C cache),
    which leaves sys.modules at once; a host importing functools later gets the real one."""
    code = RECORD.format(db=str(store_path)) + textwrap.dedent("""
        import sys
        loaded = sorted(m for m in ("functools", "collections", "keyword", "reprlib")
                        if m in sys.modules)
        import functools, json
        real = hasattr(functools, "wraps") and hasattr(functools, "partial")
        conn = t._connection().conn
        for _ in range(3):   # the statement cache serves a repeated statement
            conn.execute("SELECT count(*) FROM snapshots WHERE app = ?", ("host",)).fetchone()
        print(json.dumps({"loaded": loaded, "real": real,
                          "count": conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]}))
    """)
    subprocess.run([sys.executable, "-c", RECORD.format(db=str(store_path))], check=True,
                   env=subprocess_env, timeout=60)   # creating the store may load more, once
    out = run(code, subprocess_env)
    assert out == {"loaded": [], "real": True, "count": 6}


def test_a_threaded_host_loads_sqlite_as_usual(subprocess_env, store_path):
    """With threading loaded another thread could import functools at that moment: no
    stand-in then, _sqlite3 imports the real functools."""
    code = "import threading, sys\ndel sys.modules['functools']\n" \
        + RECORD.format(db=str(store_path)) + textwrap.dedent("""
        import json
        print(json.dumps({"functools": "functools" in sys.modules
                          and hasattr(sys.modules["functools"], "wraps")}))
    """)
    assert run(code, subprocess_env) == {"functools": True}


def test_the_schema_version_constant_is_the_newest_migration():
    """store.sqlite opens a store at SCHEMA_VERSION without loading store.migrate."""
    from perftui.store import migrate
    from perftui.store.sqlite import SCHEMA_VERSION

    assert SCHEMA_VERSION == migrate.latest_version("sqlite") == migrate.latest_version(
        "postgresql")


def test_a_recording_into_a_current_store_loads_only_its_own_modules(subprocess_env, store_path):
    """Modules a normal run does not need stay unloaded: migrations (the store is current), the
    store's location rules (PERFTUI_DB names it), the summary and its formatting (no summary;
    the log line is written all the same), the failed-write path and the spool (the write
    succeeds, nothing waits), the control-character rule (all text printable), the face
    queries and their filters."""
    env = dict(subprocess_env, PERFTUI_DB=str(store_path))
    code = RECORD.format(db=None).replace("db=None, ", "") + textwrap.dedent("""
        import sys, json
        print(json.dumps(sorted(m for m in ("perftui.store.migrate", "perftui.store.location",
                                            "perftui.fmt", "perftui.textrules",
                                            "perftui.store.where", "perftui.recorder.output",
                                            "perftui.recorder.keep", "perftui.recorder.spool",
                                            "perftui.store.alert_triage",
                                            "perftui.store.snapshot_reads")
                                if m in sys.modules)))
    """)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60,
                   capture_output=True)   # creates the store (that loads migrate)
    assert run(code, env) == []


@pytest.mark.parametrize("facade, home, names", [
    ("perftui.store.alerts", "perftui.store.alert_triage",
     ["list_alerts", "get_alert", "open_alert_counts", "open_alert_severity_by_metric",
      "messages_seen_at", "alert_status_counts", "acknowledge", "resolve",
      "add_baseline_reset"]),
    ("perftui.store.snapshots", "perftui.store.snapshot_reads",
     ["ids_by_uid", "uids_by_id", "newest_scope", "scopes", "SCOPE_LIST", "scope_list",
      "snapshot_count", "latest_snapshot", "measurements", "unjudged_values", "set_verdicts"]),
])
def test_the_faces_names_load_on_first_use(subprocess_env, facade, home, names):
    """A store module on the recorder's path gives the faces' names of its companion module,
    importing that module on first use, as `from ... import` and as attributes; other names
    are still missing."""
    code = textwrap.dedent(f"""
        import importlib, json, sys
        facade = importlib.import_module({facade!r})
        before = {home!r} in sys.modules
        home = importlib.import_module({home!r})
        same = all(getattr(facade, n) is getattr(home, n) for n in {names!r})
        exec("from {facade} import {names[0]}")
        try:
            facade.no_such_name
            missing = False
        except AttributeError:
            missing = True
        print(json.dumps([before, same, missing, set({names!r}) <= set(dir(facade))]))
    """)
    assert run(code, subprocess_env) == [False, True, True, True]


# ---------------------------------------------------------------- one read for a run's history

from tests.store.test_flat_reads import SCOPES, _stamp, filled  # noqa: E402,F401 - the fixture


@pytest.mark.parametrize("chunk", [2, 100], ids=["chunked", "one-statement"])
@pytest.mark.parametrize("few", [0, 10**9], ids=["scope-walk", "metric-key"])
@pytest.mark.parametrize("limit", [1, 5, 60])
def test_histories_are_each_metrics_history(filled, monkeypatch, few, limit, chunk):  # noqa: F811
    """snapshots.histories (one statement for a run, a column per metric; several when the
    metrics are many) gives what snapshots.history gives per metric, whichever plan that
    takes, with and without baseline resets."""
    from perftui.store import snapshots
    from perftui.store.db import open_store

    url, ids, _rows = filled
    monkeypatch.setattr(snapshots, "FEW_VALUES", few)
    monkeypatch.setattr(snapshots, "HISTORIES_CHUNK", chunk)
    metric_ids = list(ids.values())
    resets = [{}, {ids["DENSE"]: _stamp(400), ids["SPARSE"]: _stamp(590)},
              {m: _stamp(100) for m in metric_ids}, {ids["ELSEWHERE"]: _stamp(999)}]
    with open_store(url) as db:
        for app, env in SCOPES:
            for before in (_stamp(600), _stamp(450), _stamp(3)):
                for since in resets:
                    got = snapshots.histories(db, metric_ids, app, env, before, limit, since)
                    want = {m: snapshots.history(db, m, app, env, before, limit, since.get(m))
                            for m in metric_ids}
                    assert got == want, (app, env, before, since)
