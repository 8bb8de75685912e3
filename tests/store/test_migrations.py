"""Creating, migrating and refusing stores."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from perftui.store import sqlite as sq
from perftui.errors import (StoreLocked, StoreMissing, StoreNotAStore, StoreReadOnly,
                            StoreTooNew, StoreUnwritable)
from perftui.store import migrate
from perftui.store.engine import Database

EXPECTED_TABLES = {"metrics", "snapshots", "measurements", "alerts", "daily_aggregates",
                   "target_changes", "schema_migrations", "store_meta", "baseline_resets"}


def tables(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_fresh_store_has_every_table_and_the_catalog(store_path):
    conn = sq.connect(str(store_path))
    assert EXPECTED_TABLES <= tables(conn)
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == list(range(1, migrate.latest_version() + 1))
    codes = {r[0] for r in conn.execute("SELECT code FROM metrics")}
    assert {"APP-001", "SVC-001", "VAL-003", "MEM-002", "CACHE-003", "UFO-001"} <= codes
    assert len(codes) == 21
    flags = conn.execute("SELECT value FROM store_meta WHERE key='flag_rules'").fetchone()[0]
    assert "double_container_init" in flags and "prompt_duplication" in flags


def test_pragmas_wal_foreign_keys_busy_timeout(store_path):
    conn = sq.connect(str(store_path))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == sq.BUSY_TIMEOUT_MS


def test_new_store_file_is_private(store_path):
    sq.connect(str(store_path)).close()
    mode = stat.S_IMODE(store_path.stat().st_mode)
    assert mode == 0o600


def test_reopening_applies_nothing(store_path):
    sq.connect(str(store_path)).close()
    conn = sq.connect(str(store_path))
    assert migrate.apply_migrations(conn) == []
    assert conn.execute("SELECT count(*) FROM metrics").fetchone()[0] == 21


def test_upgrade_from_first_migration_keeps_data(store_path):
    conn = Database(sqlite3.connect(str(store_path), isolation_level=None), str(store_path))
    assert migrate.apply_migrations(conn, upto=1) == [1]
    assert "store_meta" not in tables(conn)
    conn.execute("INSERT INTO metrics (code, name, updated_at) VALUES ('X-1', 'x', 'now')")
    conn.execute("INSERT INTO snapshots (recorded_at) VALUES ('2026-01-01T00:00:00.000000Z')")
    conn.execute("INSERT INTO measurements VALUES (1, 1, 42.0)")
    conn.close()

    upgraded = sq.connect(str(store_path))
    assert sq.current_version(upgraded) == migrate.latest_version()
    assert {"store_meta", "baseline_resets"} <= tables(upgraded)
    assert upgraded.execute("SELECT value FROM measurements").fetchone()[0] == 42.0


def test_failed_migration_leaves_store_unchanged(store_path, monkeypatch, tmp_path):
    broken = tmp_path / "migrations"
    broken.mkdir()
    for _version, _name, path in migrate.available_migrations():
        (broken / Path(path).name).write_text(Path(path).read_text())
    (broken / "9999_broken.sql").write_text("CREATE TABLE ok_table (x);\nNOT VALID SQL;\n")
    conn = sq.connect(str(store_path))
    shipped = migrate.latest_version()
    monkeypatch.setattr(migrate, "migrations_dir", lambda engine="sqlite": broken)
    with pytest.raises(sqlite3.Error):
        migrate.apply_migrations(conn)
    assert "ok_table" not in tables(conn)
    assert sq.current_version(conn) == shipped


def test_newer_schema_is_refused_with_one_line(store_path):
    conn = sq.connect(str(store_path))
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'now')")
    conn.close()
    with pytest.raises(StoreTooNew) as info:
        sq.connect(str(store_path))
    assert "schema version 99" in str(info.value) and "upgrade perftui" in str(info.value)


def test_not_a_database(store_path):
    store_path.write_bytes(b"this is a text file, not SQLite\n" * 100)
    with pytest.raises(StoreNotAStore) as info:
        sq.connect(str(store_path))
    assert "not a perftui store" in str(info.value)


def test_some_other_sqlite_database(store_path):
    other = sqlite3.connect(str(store_path))
    other.execute("CREATE TABLE people (name TEXT)")
    other.commit()
    other.close()
    with pytest.raises(StoreNotAStore, match="not a perftui store"):
        sq.connect(str(store_path))


def test_unwritable_location(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreUnwritable) as info:
        sq.connect(str(blocker / "sub" / "store.db"))
    assert "cannot create the store" in str(info.value)


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(StoreNotAStore, match="is a directory"):
        sq.connect(str(tmp_path))


def test_missing_store_when_not_creating(store_path):
    with pytest.raises(StoreMissing, match="no store at"):
        sq.connect(str(store_path), create=False)
    with pytest.raises(StoreMissing):
        sq.connect(str(store_path), readonly=True)
    assert not store_path.exists()


def test_read_only_store_needing_upgrade_is_refused(store_path):
    conn = Database(sqlite3.connect(str(store_path), isolation_level=None), str(store_path))
    migrate.apply_migrations(conn, upto=1)
    conn.close()
    with pytest.raises(StoreTooNew, match="needs upgrading"):
        sq.connect(str(store_path), readonly=True)


def test_locked_store_is_classified(store_path):
    sq.connect(str(store_path)).close()
    holder = sqlite3.connect(str(store_path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    conn = sq.connect(str(store_path), busy_timeout_ms=50)
    with pytest.raises(StoreLocked, match="locked by another process"):
        with conn.transaction():
            conn.execute("INSERT INTO store_meta VALUES ('x', 'y')")
    holder.execute("ROLLBACK")
    assert conn.scalar("SELECT count(*) FROM store_meta WHERE key = 'x'") == 0


def test_statement_splitter_ignores_semicolons_in_comments():
    statements = migrate.statements("-- a; b\nCREATE TABLE t (x); -- trailing; comment\n"
                                "INSERT INTO t VALUES ('a;b');\n")
    assert len(statements) == 2
    assert "'a;b'" in statements[1]


def test_read_only_falls_back_to_immutable_where_it_cannot_write(store_path, monkeypatch):
    """Someone else's store or a read-only mount: SQLite cannot create the WAL shared-memory
    file next to it, so `mode=ro` fails; `immutable=1` still reads it."""
    conn = sq.connect(str(store_path))
    conn.execute("INSERT INTO store_meta VALUES ('probe', 'x')")
    conn.close()
    real_connect = sqlite3.connect
    attempts = []

    def unwritable_dir(database, *args, **kwargs):
        attempts.append(str(database))
        if kwargs.get("uri") and "mode=ro" in str(database) and "immutable=1" not in str(database):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sq.sqlite3, "connect", unwritable_dir)  # the module perftui opens with
    ro = sq.connect(str(store_path), readonly=True)
    assert ro.execute("SELECT value FROM store_meta WHERE key='probe'").fetchone() == ("x",)
    assert any("immutable=1" in a for a in attempts)
    with pytest.raises(StoreReadOnly):
        ro.execute("INSERT INTO store_meta VALUES ('other', 'y')")


def test_reading_an_empty_file_does_not_turn_it_into_a_store(store_path):
    store_path.write_bytes(b"")
    with pytest.raises(StoreNotAStore, match="empty file"):
        sq.connect(str(store_path), create=False)
    assert store_path.read_bytes() == b""
    sq.connect(str(store_path)).close()            # the recorder (create=True) may initialise it
    assert store_path.stat().st_size > 0
