"""Fixtures for the TUI tests: a small store recorded exactly as production records it
(`record_snapshot`), a fixed clock, no polling and a fixed machine-load reading."""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
SIZE = (80, 24)


def record(conn, at: datetime, metrics: dict, *, app="shop", environment="prod", cold=False,
           commit="c0ffee0000", host="build-1"):
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.timefmt import to_iso

    return record_snapshot(conn, SnapshotInput(
        metrics=metrics, recorded_at=to_iso(at), app=app, environment=environment, host=host,
        git_commit=commit, git_branch="main", is_cold_start=cold))


def build_store(path, runs: int = 60):
    """shop/prod: `runs` hourly runs of four metrics; the last four startups are ~60 % slower
    (a regression and an error-level threshold alert); shop/staging: a few older runs.
    `path` is a store file or a postgresql:// URL."""
    from perftui.store.db import open_store

    rnd = random.Random(7)
    conn = open_store(str(path), create=True)
    try:
        for i in range(8):
            record(conn, NOW - timedelta(days=3, hours=8 - i),
                   {"startup_time_ms": rnd.gauss(380, 8), "peak_memory_mb": rnd.gauss(280, 4)},
                   environment="staging", host="stage-1")
        for i in range(runs):
            at = NOW - timedelta(hours=runs - i)
            slow = i >= runs - 4
            record(conn, at, {
                "startup_time_ms": rnd.gauss(640 if slow else 400, 6),
                "prompt_token_count": rnd.gauss(2800, 40),
                "rule_cache_hit_rate": min(1.0, rnd.gauss(0.93, 0.005)),
                "peak_memory_mb": rnd.gauss(300, 4),
            }, cold=(i % 15 == 0), commit=f"{i // 10:07x}abcdef")
    finally:
        conn.close()
    return path


@pytest.fixture(scope="session")
def template_store(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("tui") / "template.db")


@pytest.fixture
def store(template_store, tmp_path) -> Path:
    """A fresh copy of the template store for each test (the tests write to it)."""
    path = tmp_path / "store.db"
    src = sqlite3.connect(template_store)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    dst.close()
    return path


def make_app(path, *, read_only=False, live=False, poll=0.1, **kwargs):
    from perftui.tui.app import PerftuiApp
    from perftui.tui.data import StoreSource
    from perftui.tui.load import FixedLoad

    source = StoreSource(str(path), read_only=read_only, clock=lambda: NOW)
    return PerftuiApp(source, live=live, poll_interval=poll, load_source=FixedLoad(), **kwargs)


async def settle(pilot, condition, timeout: float = 5.0) -> bool:
    """Wait (bounded) until condition() is true; workers answer asynchronously."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.02)
        try:
            if condition():
                return True
        except Exception:  # noqa: BLE001 - widgets may not exist yet
            pass
    return bool(condition())


def screen_text(app) -> str:
    """The current screen as plain text, as a person would read it."""
    import io

    from rich.console import Console

    console = Console(width=app.size.width, file=io.StringIO(), record=True, color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def query(path, sql: str, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def h():
    """The helpers above, for test modules (importlib import mode: no sibling imports)."""
    from types import SimpleNamespace

    return SimpleNamespace(NOW=NOW, SIZE=SIZE, make_app=make_app, settle=settle, query=query,
                           record=record, build_store=build_store,
                           screen_text=screen_text)
