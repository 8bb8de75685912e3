"""A large import writes in short transactions and can be resumed (issue 10, row 2).

One transaction for a whole file held the store's write lock for seconds: recorders of running
applications waited past their busy timeout and their runs were lost. Now the snapshots go in
transactions of at most `bulk.TXN_SECONDS`, with a pause between them; an import that stops part-way
keeps what it wrote, says how much, and the same import run again adds the rest.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from perftui.core import importing
from perftui.errors import StoreMoved
from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store import bulk
from perftui.store.db import open_store
from perftui.timefmt import to_iso, utcnow
from tests._users import run_in_process

RUNS = 60


def history(path: Path, runs: int = RUNS) -> Path:
    start = utcnow() - timedelta(days=10)
    document = {"snapshots": [
        {"recorded_at": to_iso(start + timedelta(minutes=10 * i)), "app": "shop",
         "environment": "prod", "git_commit": f"c{i:04d}",
         "metrics": {"APP-001": 400 + i % 7, "VAL-001": 800 + i % 5}}
        for i in range(runs)]}
    path.write_text(json.dumps(document))
    return path


def interrupt_insert_number(n: int, monkeypatch):
    """Ctrl-C in the n-th bulk insert of measurements; returns the real insert."""
    real = bulk.insert_measurement_rows
    calls = []

    def interrupted(conn, rows):
        calls.append(1)
        if len(calls) == n:
            raise KeyboardInterrupt
        return real(conn, rows)

    monkeypatch.setattr(bulk, "insert_measurement_rows", interrupted)
    return real


@pytest.fixture
def small_chunks(monkeypatch):
    """Ten snapshots per statement and a transaction per statement: many commits."""
    monkeypatch.setattr(importing, "CHUNK", 10)
    monkeypatch.setattr(bulk, "TXN_SECONDS", 0.0)
    monkeypatch.setattr(bulk, "YIELD_SECONDS", 0.0)


def test_a_recorder_writes_between_the_chunks_of_a_running_import(store_url, tmp_path,
                                                                   small_chunks):
    """While the import runs, another connection records a run without waiting at all: the
    import does not hold the write lock between its transactions."""
    file = history(tmp_path / "h.json")
    importer = open_store(store_url, create=True)
    recorder = (open_store(store_url) if "://" in store_url else
                __import__("perftui.store.sqlite", fromlist=["connect"]).connect(
                    store_url, busy_timeout_ms=0))
    recorded = []

    def progress(done: int, total: int) -> None:
        if done < total and len(recorded) < 3:
            result = record_snapshot(recorder, SnapshotInput(
                metrics={"APP-001": 401.0}, app="shop", environment="prod",
                recorded_at=to_iso(utcnow() - timedelta(minutes=len(recorded)))))
            recorded.append(result.snapshot_id)

    try:
        batch = importing.load(file)
        summary = importing.import_batch(importer, batch, file, progress=progress)
        assert summary["imported"] == RUNS
        assert len(recorded) == 3
        assert bulk.count_snapshots(importer) == RUNS + 3
    finally:
        importer.close()
        recorder.close()


def test_an_interrupted_import_says_what_it_stored_and_finishes_when_run_again(
        store_url, tmp_path, small_chunks):
    file = history(tmp_path / "h.json")
    calls = []

    def stop_after_two(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with open_store(store_url, create=True) as db:
        with pytest.raises(importing.ImportInterrupted) as info:
            importing.import_batch(db, importing.load(file), file, progress=stop_after_two)
        assert "20 of 60 new snapshots were stored" in str(info.value)
        assert "run the same import again" in str(info.value)
        assert bulk.count_snapshots(db) == 20
        summary = importing.import_batch(db, importing.load(file), file)
        assert (summary["imported"], summary["skipped_duplicates"]) == (40, 20)
        assert bulk.count_snapshots(db) == RUNS
        commits = [c for (c,) in db.execute(
            "SELECT git_commit FROM snapshots ORDER BY recorded_at").fetchall()]
        assert commits == [f"c{i:04d}" for i in range(RUNS)]


def test_ctrl_c_in_the_cli_is_one_line_and_exit_130(tmp_path, small_chunks, monkeypatch):
    file = history(tmp_path / "h.json")
    store = tmp_path / "s.db"
    real = interrupt_insert_number(3, monkeypatch)
    code, out, err = run_in_process(["--db", str(store), "import", str(file)])
    assert code == 130
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines[-1].startswith("perftui: ") and "20 of 60 new snapshots were stored" in lines[-1]
    assert "Traceback" not in err
    monkeypatch.setattr(bulk, "insert_measurement_rows", real)
    code, out, err = run_in_process(["--db", str(store), "import", str(file)])
    assert code == 0, err
    assert "imported 40 of 60" in out and "skipped 20" in out


def test_a_store_deleted_during_an_import_stops_it_with_one_line(tmp_path, small_chunks,
                                                                monkeypatch):
    """No "imported 60" into a file that is gone: the next commit is refused."""
    file = history(tmp_path / "h.json")
    store = tmp_path / "s.db"
    calls = []

    def delete_after_first(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 1:
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(f"{store}{suffix}"):
                    os.unlink(f"{store}{suffix}")

    with open_store(str(store), create=True) as db:
        with pytest.raises(StoreMoved) as info:
            importing.import_batch(db, importing.load(file), file, progress=delete_after_first)
    assert "deleted" in str(info.value) and "10 of 60 new snapshots" in str(info.value)
    assert not store.exists()


def test_alerts_of_a_resumed_restore_keep_their_snapshots(tmp_path, small_chunks, monkeypatch):
    """A perftui export restored in two goes: the alerts still point at their runs."""
    source = tmp_path / "source.db"
    for i in range(30):
        code, _, err = run_in_process(["--db", str(source), "--app", "shop", "--env", "prod",
                                       "record", f"APP-001={400 + i % 3}", "--at",
                                       to_iso(utcnow() - timedelta(hours=40 - i))])
        assert code == 0, err
    code, _, err = run_in_process(["--db", str(source), "--app", "shop", "--env", "prod",
                                   "record", "APP-001=900"])
    assert code == 0, err
    export = tmp_path / "export.json"
    code, _, err = run_in_process(["--db", str(source), "export", "--format", "json",
                                   "--output", str(export)])
    assert code == 0, err
    target = tmp_path / "target.db"
    real = interrupt_insert_number(2, monkeypatch)
    code, _, err = run_in_process(["--db", str(target), "import", str(export)])
    assert code == 130, err
    monkeypatch.setattr(bulk, "insert_measurement_rows", real)
    code, _, err = run_in_process(["--db", str(target), "import", str(export)])
    assert code == 0, err
    with open_store(str(target)) as db:
        linked = db.execute("SELECT count(*), count(snapshot_id) FROM alerts").fetchone()
        assert linked[0] > 0 and linked[0] == linked[1]
        assert bulk.count_snapshots(db) == 31
