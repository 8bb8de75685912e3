"""The recorder inside someone else's app: a broken store never stops the host, privacy holds,
and many processes record into one store at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

HOST = textwrap.dedent("""
    import sys
    from perftui import PerformanceTracker, measure_performance

    tracker = PerformanceTracker.get_instance()
    tracker.start_operation("app_startup")

    @measure_performance("validation", "VAL-001")
    def validate():
        return sum(range(1000))

    for _ in range(3):
        validate()
    tracker.record_cache_stats("rules", {"hits": 90, "misses": 10, "api_key": 12345,
                                          "user_id": 7, "definition_text": "secret words"})
    tracker.stop_operation("app_startup")
    result = tracker.record_baseline_snapshot()
    print("HOST-DONE", None if result is None else result.snapshot_id)
""")


def run_host(env, db, extra_env=None, code=HOST):
    env = dict(env, PERFTUI_DB=str(db), PERFTUI_APP="host", PERFTUI_COLD_START="0",
               PERFTUI_BUSY_TIMEOUT_MS="100", **(extra_env or {}))
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)


def test_host_app_records_a_snapshot(subprocess_env, store_path):
    proc = run_host(subprocess_env, store_path)
    assert proc.returncode == 0, proc.stderr
    assert "HOST-DONE 1" in proc.stdout
    conn = sqlite3.connect(store_path)
    assert conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1


def make_corrupt(path):
    path.write_bytes(b"garbage" * 1000)


def make_directory(path):
    path.mkdir()


def make_unwritable_parent(path):
    path.parent.joinpath("blocker").write_text("x")
    return path.parent / "blocker" / "store.db"


def make_newer_schema(path):
    from perftui.store import sqlite as sq

    conn = sq.connect(str(path))
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'now')")
    conn.close()


@pytest.mark.parametrize("breaker", [make_corrupt, make_directory, make_unwritable_parent,
                                     make_newer_schema])
def test_broken_store_warns_once_and_host_exits_zero(subprocess_env, tmp_path, breaker):
    db = tmp_path / "store.db"
    db = breaker(db) or db
    proc = run_host(subprocess_env, db)
    assert proc.returncode == 0
    assert "HOST-DONE None" in proc.stdout
    warnings = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1, proc.stderr
    assert "perftui" in warnings[0] and "Traceback" not in proc.stderr


def test_locked_store_warns_once_and_host_exits_zero(subprocess_env, store_path):
    from perftui.store import sqlite as sq

    sq.connect(str(store_path)).close()
    holder = sqlite3.connect(str(store_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        proc = run_host(subprocess_env, store_path)
    finally:
        holder.execute("ROLLBACK")
    assert proc.returncode == 0 and "HOST-DONE None" in proc.stdout
    assert "locked" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


READ_ONLY_OPEN = textwrap.dedent("""
    import _sqlite3  # what perftui.store opens stores with (the C module under sqlite3)
    _connect = _sqlite3.connect
    def read_only(path, *args, **kwargs):  # the file as a read-only mount or 0400 file opens
        kwargs.pop("uri", None)
        return _connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)
    _sqlite3.connect = read_only
""")


def test_read_only_store_file_warns_and_host_goes_on(subprocess_env, store_path):
    """Root ignores file modes, so the read-only file is simulated by opening it mode=ro."""
    from perftui.store import sqlite as sq

    sq.connect(str(store_path)).close()
    store_path.chmod(0o400)
    proc = run_host(subprocess_env, store_path, code=READ_ONLY_OPEN + HOST)
    assert proc.returncode == 0 and "HOST-DONE None" in proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "read" in lines[0].lower(), proc.stderr


def test_privacy_no_sensitive_context_reaches_the_store(subprocess_env, store_path):
    proc = run_host(subprocess_env, store_path)
    assert proc.returncode == 0, proc.stderr
    dump = "\n".join(sqlite3.connect(store_path).iterdump())
    for forbidden in ("api_key", "user_id", "definition_text", "secret words", "12345"):
        assert forbidden not in dump
    assert '"hits":90.0' in dump or '"hits": 90.0' in dump


def test_session_ids_are_hashed(store_path):
    from perftui import PerformanceTracker

    tracker = PerformanceTracker(db=store_path, session_id="alice@example.com", summary=False,
                                 cold_start=False)
    tracker.record_metric("APP-001", 1)
    tracker.record_baseline_snapshot()
    (stored,) = sqlite3.connect(store_path).execute("SELECT session_id FROM snapshots").fetchone()
    assert stored != "alice@example.com" and len(stored) == 16 and "alice" not in stored


CONCURRENT = textwrap.dedent("""
    from perftui import PerformanceTracker
    t = PerformanceTracker(summary=False, cold_start=False)
    for i in range(20):
        t.record_metric("VAL-001", 400 + i)
        assert t.record_baseline_snapshot() is not None
    print("OK")
""")


def test_many_processes_record_at_once_and_nothing_is_lost(subprocess_env, store_path):
    from perftui.store import sqlite as sq

    sq.connect(str(store_path)).close()
    env = dict(subprocess_env, PERFTUI_DB=str(store_path), PERFTUI_APP="multi",
               PERFTUI_BUSY_TIMEOUT_MS="5000")
    procs = [subprocess.Popen([sys.executable, "-c", CONCURRENT], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    conn = sqlite3.connect(store_path)
    assert conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 80
    assert conn.execute("SELECT count(*) FROM measurements m JOIN metrics x ON x.id = m.metric_id"
                        " WHERE x.code='VAL-001'").fetchone()[0] == 80
