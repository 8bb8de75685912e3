from __future__ import annotations

import pytest

from perftui.recorder.evaluate import SnapshotInput, record_snapshot
from perftui.store.db import open_store

# Every use case here runs on both engines: `store_url` (tests/conftest.py) is an SQLite file
# and a fresh PostgreSQL database in turn.


def fill(where, series: dict[str, list[float]], app="shop", environment="local", start_day=1):
    """Record one snapshot per index through the production path."""
    conn = open_store(str(where), create=True)
    n = max(len(v) for v in series.values())
    for i in range(n):
        metrics = {k: v[i] for k, v in series.items() if i < len(v)}
        record_snapshot(conn, SnapshotInput(
            metrics=metrics, app=app, environment=environment, host="box",
            git_commit=f"{i:040x}", git_branch="main",
            recorded_at=f"2026-01-{start_day + i // 24:02d}T{i % 24:02d}:00:00Z"))
    conn.close()


@pytest.fixture
def record_series():
    """fill(path, {metric: [values...]}, app=, environment=, start_day=) through record_snapshot."""
    return fill


@pytest.fixture
def regressed_store(store_url):
    """VAL-001 steady at ~400 ms for 30 runs, then +40 % for 4 runs; API-002 above target."""
    steady = [400 + (i % 7) for i in range(30)]
    fill(store_url, {"VAL-001": steady + [560, 565, 558, 562],
                      "API-002": [4200] * 34,
                      "VAL-003": [0.93] * 34})
    store = open_store(store_url)
    yield store
    store.close()
