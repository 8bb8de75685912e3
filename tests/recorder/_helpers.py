"""Helpers shared by the recorder tests: a tracker on a test store, and reading rows back."""

from __future__ import annotations

import sqlite3

from perftui import PerformanceTracker


def make_tracker(store_path, **kwargs):
    kwargs.setdefault("summary", False)
    kwargs.setdefault("cold_start", False)
    kwargs.setdefault("app", "shop")
    return PerformanceTracker(db=store_path, **kwargs)


def rows(store_path, sql, *params):
    conn = sqlite3.connect(store_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
