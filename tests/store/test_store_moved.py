"""A store deleted or replaced under a running process is noticed (issue 10, row 3).

A commit into a file that is no longer the store at its path would "succeed" into a file nobody
will ever read. Every write transaction checks, at commit, that the path still names the file
it opened, and refuses otherwise (StoreMoved, one line, nothing written anywhere).
"""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest

from perftui.errors import StoreMoved, StoreUnwritable
from perftui.store.db import open_store
from perftui.store.meta import meta_get, meta_set
from tests.recorder._helpers import make_tracker


def remove_store(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.unlink(f"{path}{suffix}")


def count(path, table: str = "snapshots") -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_a_write_into_a_deleted_store_is_refused_and_creates_nothing(store_path):
    db = open_store(str(store_path), create=True)
    try:
        remove_store(store_path)
        with pytest.raises(StoreMoved, match="deleted"):
            with db.transaction():
                meta_set(db, "probe", "1")
        assert not os.path.exists(store_path)
        assert db.moved() == "deleted" and db.outdated()
    finally:
        db.close()
    assert not [p for p in store_path.parent.iterdir() if p.name.startswith(store_path.name)]


def test_a_write_into_a_replaced_store_is_refused_and_the_new_store_is_untouched(store_path,
                                                                                 tmp_path):
    db = open_store(str(store_path), create=True)
    other = tmp_path / "other.db"
    open_store(str(other), create=True).close()
    try:
        os.replace(other, store_path)
        with pytest.raises(StoreMoved, match="replaced"):
            with db.transaction():
                meta_set(db, "probe", "1")
        assert db.moved() == "replaced"
    finally:
        db.close()
    with open_store(str(store_path)) as fresh:
        assert meta_get(fresh, "probe") is None


def test_moved_is_a_kind_of_unwritable_store():
    """The recorder keeps a run it could not write for a store it cannot write now (spool)."""
    assert issubclass(StoreMoved, StoreUnwritable)


def test_a_store_that_stays_put_is_written(store_path):
    with open_store(str(store_path), create=True) as db:
        with db.transaction():
            meta_set(db, "probe", "1")
        assert db.moved() is None and not db.outdated()
        assert meta_get(db, "probe") == "1"


def test_a_long_lived_recorder_follows_a_replaced_store(store_path, tmp_path):
    """A host app keeps its tracker (and its connection) for hours; the store is replaced
    by a restored copy meanwhile: the next runs land in the store now at the path, none in the
    file that was replaced, and none is lost."""
    tracker = make_tracker(store_path)
    try:
        tracker.record_metric("APP-001", 400)
        assert tracker.record_baseline_snapshot() is not None
        restored = tmp_path / "restored.db"
        shutil.copyfile(store_path, restored)
        os.replace(restored, store_path)
        for value in (401, 402, 403):
            tracker.record_metric("APP-001", value)
            assert tracker.record_baseline_snapshot() is not None   # written, not spooled
    finally:
        tracker.close()
    assert count(store_path) == 4
    assert not os.path.exists(f"{store_path}.spool")
