"""The spool: a store that is busy or unavailable costs the host at most its busy timeout, never
an exception, and never the run; the next successful write delivers what waited."""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from perftui.recorder import spool
from perftui.recorder.evaluate import SnapshotInput
from perftui.store import sqlite as sq
from tests.recorder._helpers import make_tracker, rows

LOCKER = textwrap.dedent("""
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("LOCKED", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
""")


class HeldLock:
    """Another process holding the store's write lock until `release()`."""

    def __init__(self, path):
        self.proc = subprocess.Popen([sys.executable, "-c", LOCKER, str(path)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "LOCKED"

    def release(self):
        if self.proc.poll() is None:
            self.proc.communicate("\n", timeout=30)


@pytest.fixture
def locked_store(store_path):
    sq.connect(str(store_path)).close()
    holder = HeldLock(store_path)
    yield store_path, holder
    holder.release()


def perftui_warnings(caplog):
    return [r.getMessage() for r in caplog.records
            if r.name == "perftui" and r.levelno >= logging.WARNING]


def snapshot(value=400.0, **kwargs):
    kwargs.setdefault("app", "shop")
    return SnapshotInput(metrics={"VAL-001": value}, **kwargs)


def test_a_locked_store_costs_one_timeout_and_the_run_waits_in_the_spool(locked_store, caplog):
    store_path, holder = locked_store
    tracker = make_tracker(store_path, busy_timeout_ms=200)
    tracker.start_operation("app_startup")
    tracker.stop_operation("app_startup")
    tracker.record_metric("VAL-001", 400)
    with caplog.at_level(logging.WARNING, logger="perftui"):
        started = time.perf_counter()
        assert tracker.record_baseline_snapshot() is None
        elapsed = time.perf_counter() - started
    assert elapsed < 3 * 0.200, elapsed  # one attempt (the old retries took ~3.3x)

    (warning,) = perftui_warnings(caplog)
    where = spool.spool_dir(str(store_path))
    assert where == str(store_path) + ".spool"
    assert "locked" in warning and where in warning and "next successful write" in warning
    (path,) = spool.pending(str(store_path))
    assert os.path.dirname(path) == where
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    kept = json.loads(open(path, encoding="utf-8").read())
    assert kept["metrics"]["VAL-001"] == 400 and kept["metrics"]["APP-001"] >= 0  # mapped op
    assert kept["uid"] and kept["recorded_at"]
    assert os.path.basename(path) == (
        "".join(c for c in kept["recorded_at"] if c.isdigit()) + "-" + kept["uid"] + ".json")
    assert tracker.operations() == {}  # kept in the spool: not counted again next time

    holder.release()
    tracker.record_metric("VAL-001", 410)
    result = tracker.record_baseline_snapshot()
    assert result is not None
    stored = rows(store_path, "SELECT uid, recorded_at FROM snapshots ORDER BY id")
    assert len(stored) == 2
    assert stored[0] == (kept["uid"], kept["recorded_at"])  # delivered first, as it was taken
    assert stored[1][0] != kept["uid"] and stored[1][1] > kept["recorded_at"]
    assert spool.pending(str(store_path)) == [] and not os.path.exists(where)
    values = rows(store_path, "SELECT s.uid, v.value FROM measurements v JOIN metrics m"
                  " ON m.id = v.metric_id JOIN snapshots s ON s.id = v.snapshot_id"
                  " WHERE m.code = 'VAL-001' ORDER BY s.id")
    assert values == [(kept["uid"], 400.0), (stored[1][0], 410.0)]


def test_a_snapshot_delivered_twice_is_stored_once(store_path):
    location = str(store_path)
    path = spool.save(location, snapshot())
    copy = path + ".copy"
    shutil.copyfile(path, copy)
    db = sq.connect(location)
    try:
        assert spool.deliver(db, location) == 1
        os.replace(copy, path)  # as if the process died between the commit and the delete
        assert spool.deliver(db, location) == 1  # recognised by its uid: taken, not stored
    finally:
        db.close()
    assert rows(store_path, "SELECT count(*) FROM snapshots") == [(1,)]
    assert spool.pending(location) == []


def test_a_corrupt_file_is_set_aside_and_does_not_block_the_others(store_path):
    location = str(store_path)
    first = spool.save(location, snapshot(400, recorded_at="2026-01-01T00:00:00Z"))
    spool.save(location, snapshot(401, recorded_at="2026-01-01T00:00:02Z"))
    where = spool.spool_dir(location)
    broken = os.path.join(where, "20260101000001000000-broken.json")
    with open(broken, "w", encoding="utf-8") as f:
        f.write("{not json")
    refused = os.path.join(where, "20260101000001500000-refused.json")
    with open(refused, "w", encoding="utf-8") as f:
        json.dump({"metrics": {"VAL-001": "fast"}, "app": "shop"}, f)
    assert spool.pending(location)[0] == first
    db = sq.connect(location)
    try:
        assert spool.deliver(db, location) == 2
    finally:
        db.close()
    assert spool.pending(location) == []
    assert sorted(os.listdir(where)) == ["20260101000001000000-broken.json.bad",
                                         "20260101000001500000-refused.json.bad"]
    assert rows(store_path, "SELECT recorded_at FROM snapshots ORDER BY recorded_at") == [
        ("2026-01-01T00:00:00.000000Z",), ("2026-01-01T00:00:02.000000Z",)]


def test_delivery_stops_at_its_limit_oldest_first(store_path):
    location = str(store_path)
    for second in range(3):
        spool.save(location, snapshot(400 + second, recorded_at=f"2026-01-01T00:00:0{second}Z"))
    db = sq.connect(location)
    try:
        assert spool.deliver(db, location, limit=2) == 2
        assert len(spool.pending(location)) == 1
        assert spool.deliver(db, location) == 1
    finally:
        db.close()
    assert [r[0] for r in rows(store_path, "SELECT recorded_at FROM snapshots ORDER BY id")] == [
        f"2026-01-01T00:00:0{s}.000000Z" for s in range(3)]


def test_a_symlink_planted_at_the_spool_is_refused(store_path, tmp_path, caplog):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    location = str(store_path)
    os.symlink(elsewhere, spool.spool_dir(location))
    with pytest.raises(spool.SpoolUnsafe):
        spool.save(location, snapshot())
    with pytest.raises(spool.SpoolUnsafe):
        spool.pending(location)

    sq.connect(location).close()
    holder = HeldLock(store_path)
    try:
        tracker = make_tracker(store_path, busy_timeout_ms=100)
        tracker.record_metric("VAL-001", 1)
        with caplog.at_level(logging.WARNING, logger="perftui"):
            assert tracker.record_baseline_snapshot() is None
    finally:
        holder.release()
    (warning,) = perftui_warnings(caplog)
    assert "symbolic link" in warning and "not recorded" in warning
    assert os.listdir(elsewhere) == []  # nothing written through the link
    # a snapshot planted behind the link is never delivered either
    (elsewhere / "20260101000000000000-planted.json").write_text(
        json.dumps({"metrics": {"VAL-001": 1}, "app": "planted"}))
    assert make_tracker(store_path).record_baseline_snapshot() is not None
    assert rows(store_path, "SELECT count(*) FROM snapshots WHERE app = 'planted'") == [(0,)]


def test_a_spool_of_another_user_is_refused(store_path):
    if not hasattr(os, "getuid") or os.getuid() != 0:
        pytest.skip("needs root to give the directory away")
    where = spool.spool_dir(str(store_path))
    os.mkdir(where, 0o700)
    os.chown(where, 12345, 12345)
    with pytest.raises(spool.SpoolUnsafe, match="another user"):
        spool.save(str(store_path), snapshot())
    assert os.listdir(where) == []


def test_a_loose_spool_directory_is_made_private(store_path):
    where = spool.spool_dir(str(store_path))
    os.mkdir(where)
    os.chmod(where, 0o755)
    spool.save(str(store_path), snapshot())
    assert stat.S_IMODE(os.stat(where).st_mode) == 0o700


def test_the_spool_of_a_server_url_names_no_password(tmp_path):
    url = "postgresql://user:secret@db.example.com:5432/perf?sslmode=require&password=secret2"
    where = spool.spool_dir(url)
    from perftui.store.location import user_data_dir

    assert where.startswith(os.path.join(user_data_dir(), "spool") + os.sep)
    assert "secret" not in where and len(os.path.basename(where)) == 16
    # the same store whatever the password, and postgres:// is postgresql://
    assert spool.spool_dir("postgres://user:other@db.example.com:5432/perf?sslmode=require") \
        == where
    assert spool.spool_dir("postgresql://user@db.example.com:5432/other") != where
    path = spool.save(url, snapshot())
    assert "secret" not in open(path, encoding="utf-8").read()


def test_the_spool_is_bounded_and_drops_the_oldest(store_path, monkeypatch):
    monkeypatch.setattr(spool, "MAX_FILES", 3)
    heard = []
    for second in range(5):
        spool.save(str(store_path), snapshot(recorded_at=f"2026-01-01T00:00:0{second}Z"),
                   warn=heard.append)
    names = [os.path.basename(p)[:20] for p in spool.pending(str(store_path))]
    assert names == [f"2026010100000{s}000000" for s in (2, 3, 4)]
    assert len(heard) == 2 and "dropped the 1 oldest" in heard[0]


def test_a_damaged_store_is_not_spooled(store_path, caplog):
    store_path.write_bytes(b"garbage" * 1000)
    tracker = make_tracker(store_path)
    tracker.record_metric("VAL-001", 1)
    with caplog.at_level(logging.WARNING, logger="perftui"):
        assert tracker.record_baseline_snapshot() is None
    (warning,) = perftui_warnings(caplog)
    assert "not recorded" in warning
    assert not os.path.exists(spool.spool_dir(str(store_path)))


def test_nothing_spooled_costs_no_import(subprocess_env, store_path):
    code = textwrap.dedent(f"""
        import sys
        from perftui import PerformanceTracker
        t = PerformanceTracker(db={str(store_path)!r}, summary=False, cold_start=False)
        t.record_metric("VAL-001", 1)
        assert t.record_baseline_snapshot() is not None
        print("perftui.recorder.spool" in sys.modules)
    """)
    proc = subprocess.run([sys.executable, "-c", code], env=subprocess_env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


HOST = textwrap.dedent("""
    from perftui import PerformanceTracker
    tracker = PerformanceTracker.get_instance()
    tracker.start_operation("app_startup")
    tracker.stop_operation("app_startup")
    tracker.record_metric("VAL-001", 400)
    result = tracker.record_baseline_snapshot()
    print("HOST-DONE", None if result is None else result.snapshot_id)
""")


def run_host(env, db):
    env = dict(env, PERFTUI_DB=str(db), PERFTUI_APP="host", PERFTUI_COLD_START="0",
               PERFTUI_BUSY_TIMEOUT_MS="200")
    return subprocess.run([sys.executable, "-c", HOST], env=env, capture_output=True, text=True,
                          timeout=60)


def test_host_app_with_a_locked_store_exits_zero_and_keeps_the_run(subprocess_env, locked_store):
    store_path, holder = locked_store
    proc = run_host(subprocess_env, store_path)
    assert proc.returncode == 0 and "HOST-DONE None" in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "locked" in lines[0] and ".spool" in lines[0], proc.stderr
    assert len(spool.pending(str(store_path))) == 1

    holder.release()
    proc = run_host(subprocess_env, store_path)
    assert proc.returncode == 0 and "HOST-DONE 2" in proc.stdout, proc.stderr
    assert proc.stderr.strip() == ""
    assert rows(store_path, "SELECT count(*), count(DISTINCT uid) FROM snapshots") == [(2, 2)]
    assert spool.pending(str(store_path)) == []


def test_a_server_that_does_not_answer_keeps_the_run_under_the_user_data_dir(caplog):
    pytest.importorskip("psycopg")
    from perftui.store.location import user_data_dir

    url = "postgresql://perf:hunter2@127.0.0.1:9/team"  # port 9: nothing listens
    tracker = make_tracker(url, busy_timeout_ms=200)
    tracker.record_metric("VAL-001", 400)
    with caplog.at_level(logging.WARNING, logger="perftui"):
        assert tracker.record_baseline_snapshot() is None
    (warning,) = perftui_warnings(caplog)
    assert "does not answer" in warning and "hunter2" not in warning
    (path,) = spool.pending(url)
    assert path.startswith(os.path.join(user_data_dir(), "spool") + os.sep)
    kept = json.loads(open(path, encoding="utf-8").read())
    assert kept["metrics"]["VAL-001"] == 400 and not kept["is_cold_start"]


def test_a_postgresql_store_takes_the_spooled_runs_on_the_next_write(pg_server):
    url = pg_server.new_database()
    first = spool.save(url, snapshot(400, recorded_at="2026-01-01T00:00:00Z"))
    uid = json.loads(open(first, encoding="utf-8").read())["uid"]
    tracker = make_tracker(url)
    tracker.record_metric("VAL-001", 401)
    assert tracker.record_baseline_snapshot() is not None
    assert spool.pending(url) == []
    from perftui.store.postgres import connect

    db = connect(url)
    try:
        assert [tuple(r) for r in db.execute(
            "SELECT uid, recorded_at FROM snapshots ORDER BY id").fetchall()][0] == (
                uid, "2026-01-01T00:00:00.000000Z")
        assert db.scalar("SELECT count(*) FROM snapshots") == 2
    finally:
        db.close()


def test_a_store_that_cannot_be_created_is_reported_with_the_runs_fallback(tmp_path, caplog):
    """The write fails before the snapshot is made (the store's directory is a file): the
    tracker's failure path (perftui.recorder.keep, loaded only then) makes the snapshot from
    the catalog shipped with perftui, tries the spool beside the store, and says in one
    warning that neither could take the run; the host goes on."""
    import sys as _sys

    (tmp_path / "file").write_text("not a directory")
    tracker = make_tracker(tmp_path / "file" / "store.db")
    tracker.start_operation("app_startup")
    tracker.stop_operation("app_startup")
    with caplog.at_level(logging.WARNING, logger="perftui"):
        assert tracker.record_baseline_snapshot() is None
    (warning,) = perftui_warnings(caplog)
    assert "not recorded" in warning and "could not be kept for later either" in warning
    assert "perftui.recorder.keep" in _sys.modules

    from perftui.recorder import keep

    codes = keep.shipped_operation_codes()
    assert codes["app_startup"] == "APP-001"
    snap = keep.fallback_snapshot(tracker, None, False)   # no store: warm, shipped mapping
    assert snap.is_cold_start is False and "APP-001" in snap.metrics
