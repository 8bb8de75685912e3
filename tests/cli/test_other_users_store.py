"""Reading someone else's store (the headline use over SSH) is safe for both sides.

- The reader gets the data: `--read-only` works on a store in a directory the reader cannot
  write (SQLite reports a read-only directory, not "unable to open"), from the CLI and the TUI.
- The owner loses nothing: a read by another user creates no file beside the store (no `-wal`
  or `-shm` owned by the reader, which in a sticky shared directory the owner could neither
  write nor delete), so the owner's next runs are recorded.
- A read without locks (how another user's idle store is read) notices later writes.

As root the other user is `nobody` (tests/_users.py); these cases need two users, so they skip
elsewhere.
"""

from __future__ import annotations

import json
import os
import pwd
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests._users import run_in_process

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root to act as two users (runuser -u nobody)")
SCOPE = ("--app", "shop", "--env", "prod")


def files(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file in the folder with its owner and mode."""
    return {p.name: (p.stat().st_uid, p.stat().st_mode & 0o777) for p in folder.iterdir()}


def count(store: Path, sql: str) -> int:
    """One number from the store, read without locks or files (the owner's view)."""
    conn = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def snapshot_count(store: Path) -> int:
    return count(store, "SELECT count(*) FROM snapshots")


def open_alert_count(store: Path) -> int:
    return count(store, "SELECT count(*) FROM alerts WHERE status = 'open'")


def build_store(argv_runner, store: Path, home: Path) -> None:
    """Ten ordinary runs and one slow one (an open alert), recorded by `argv_runner`'s user."""
    for i in range(10):
        code, _, err = argv_runner(["--db", str(store), *SCOPE, "record", f"APP-001={400 + i}",
                                    f"VAL-001={800 + i}", "--commit", f"c{i}"], home)
        assert code == 0, err
    code, _, err = argv_runner(["--db", str(store), *SCOPE, "record", "APP-001=900",
                                "VAL-001=2000", "--commit", "slow"], home)
    assert code == 0, err


def as_root(argv: list[str], home: Path) -> tuple[int, str, str]:
    return run_in_process(argv)


@pytest.fixture
def home(shared_dir) -> Path:
    folder = shared_dir / "home"
    folder.mkdir()
    folder.chmod(0o777)
    return folder


class TestReaderCannotWriteTheDirectory:
    """Row 4: root's store in a 0755 directory, read by nobody with --read-only."""

    @pytest.fixture
    def store(self, shared_dir, home) -> Path:
        folder = shared_dir / "owner"
        folder.mkdir()
        store = folder / "perf.db"
        build_store(as_root, store, home)
        store.chmod(0o644)
        folder.chmod(0o755)
        return store

    def test_status_alerts_and_export_read_the_store(self, store, other_user, home):
        before = files(store.parent)
        code, out, err = other_user(["--db", str(store), "--read-only", *SCOPE, "status"], home)
        assert code == 0, err
        assert "APP-001" in out and "VAL-001" in out
        code, out, err = other_user(["--db", str(store), "--read-only", *SCOPE, "alerts",
                                     "--severity", "info", "--format", "json"], home)
        assert code == 0, err
        assert len(json.loads(out)["alerts"]) == open_alert_count(store) > 0
        code, out, err = other_user(["--db", str(store), "--read-only", "export",
                                     "--format", "json"], home)
        assert code == 0, err
        assert len(json.loads(out)["snapshots"]) == snapshot_count(store) == 11
        assert files(store.parent) == before

    def test_without_read_only_the_message_says_what_to_do(self, store, other_user, home):
        code, _, err = other_user(["--db", str(store), *SCOPE, "status"], home)
        assert code == 2
        assert "--read-only" in err and "Traceback" not in err

    def test_while_the_owner_has_it_open_the_reader_sees_live_data(self, store, other_user,
                                                                   home):
        """The owner's process keeps the store open (its -wal and -shm exist, 0644, owned by
        root): the reader reads through them and sees the owner's newest commit."""
        script = ("import sqlite3, sys\n"
                  "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                  "conn.execute('SELECT count(*) FROM snapshots').fetchone()\n"
                  "print('ready', flush=True)\n"
                  "sys.stdin.read()\n")
        holder = subprocess.Popen([sys.executable, "-c", script, str(store)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "ready"
            code, _, err = run_in_process(["--db", str(store), *SCOPE, "record", "APP-001=401",
                                           "VAL-001=801", "--commit", "live"])
            assert code == 0, err
            assert (store.parent / "perf.db-shm").exists()
            code, out, err = other_user(["--db", str(store), "--read-only", "export",
                                         "--format", "json"], home)
            assert code == 0, err
            assert "live" in {s.get("git_commit") for s in json.loads(out)["snapshots"]}
        finally:
            holder.stdin.close()
            holder.wait(timeout=30)


class TestReadingDoesNotChangeTheOwnersStore:
    """Row 5: nobody's store in a sticky world-writable directory, read by root."""

    @pytest.fixture
    def store(self, shared_dir, home, other_user) -> Path:
        shared_dir.chmod(0o1777)
        store = shared_dir / "perf.db"
        build_store(other_user, store, home)
        nobody = pwd.getpwnam("nobody").pw_uid
        assert store.stat().st_uid == nobody
        assert not (shared_dir / "perf.db-shm").exists()   # the owner's process has ended
        return store

    def test_a_read_leaves_no_file_and_the_owner_keeps_recording(self, store, other_user, home):
        before = files(store.parent)
        for argv in (["status"], ["alerts"], ["report"], ["export", "--format", "json"]):
            code, out, err = run_in_process(["--db", str(store), "--read-only", *SCOPE, *argv])
            assert code == 0, (argv, err)
            assert files(store.parent) == before, argv
        code, _, err = other_user(["--db", str(store), *SCOPE, "record", "APP-001=402",
                                   "VAL-001=802", "--commit", "after"], home)
        assert code == 0, err
        assert "warning" not in err.lower()
        assert snapshot_count(store) == 12

    def test_the_tui_source_reads_it_and_sees_later_runs(self, store, other_user, home):
        """An idle store of another user is read without locks; a run recorded later by its
        owner is seen on the next read (the source notices the files changed)."""
        from perftui.tui.data import StoreSource

        source = StoreSource(str(store), read_only=True)
        try:
            status = source.status("shop", "prod")
            assert {c["metric_id"] for c in status["metrics"]} >= {"APP-001", "VAL-001"}
            assert files(store.parent).keys() == {"perf.db", "home"}
            code, _, err = other_user(["--db", str(store), *SCOPE, "record", "APP-001=777",
                                       "VAL-001=803", "--commit", "later"], home)
            assert code == 0, err
            card = next(c for c in source.status("shop", "prod")["metrics"]
                        if c["metric_id"] == "APP-001")
            assert card["value"] == pytest.approx(777)
        finally:
            source.close()
        leftovers = {name for name, (uid, _) in files(store.parent).items() if uid == 0}
        assert leftovers <= {"home"} or leftovers == set(), leftovers


def test_a_store_owned_by_another_user_is_never_given_reader_files(tmp_path):
    """The rule behind both rows, in process: root reading nobody's idle WAL store."""
    from perftui.core.session import open_session

    store = tmp_path / "s.db"
    code, _, err = run_in_process(["--db", str(store), *SCOPE, "record", "APP-001=1"])
    assert code == 0, err
    os.chown(store, pwd.getpwnam("nobody").pw_uid, -1)
    with open_session(str(store), readonly=True) as db:
        assert db.scalar("SELECT count(*) FROM snapshots") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.db"]
