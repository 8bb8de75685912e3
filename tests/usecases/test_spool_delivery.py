"""Runs a recorder could not write wait in the spool; any command that opens the store for
writing delivers them (both engines)."""

from __future__ import annotations

from perftui.core.session import open_session
from perftui.recorder import spool
from perftui.recorder.evaluate import SnapshotInput


def test_a_writing_command_delivers_spooled_runs(store_url):
    open_session(store_url, create=True).close()
    for i in range(3):
        spool.save(store_url, SnapshotInput({"APP-001": 400.0 + i}, app="shop",
                                            environment="ci",
                                            recorded_at=f"2026-01-01T00:0{i}:00Z"))
    assert len(spool.pending(store_url)) == 3
    with open_session(store_url, readonly=True) as reader:     # a reader delivers nothing
        assert reader.scalar("SELECT count(*) FROM snapshots") == 0
    with open_session(store_url) as writer:
        rows = writer.execute("SELECT recorded_at FROM snapshots ORDER BY recorded_at").fetchall()
    assert [r[0] for r in rows] == [f"2026-01-01T00:0{i}:00.000000Z" for i in range(3)]
    assert spool.pending(store_url) == []
    with open_session(store_url) as again:                      # nothing delivered twice
        assert again.scalar("SELECT count(*) FROM snapshots") == 3
