"""Assertions shared by the command-line tests."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

TABLES = ("metrics", "snapshots", "measurements", "alerts", "daily_aggregates",
          "target_changes", "baseline_resets", "store_meta")


def fingerprint(path: Path) -> str:
    """A digest of every row of every table: equal digests mean an unchanged store."""
    if not Path(path).exists():
        return "absent"
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    digest = hashlib.sha256()
    for table in TABLES:
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
            digest.update(repr(row).encode())
    conn.close()
    return digest.hexdigest()


def assert_one_line_error(code: int, err: str, *words: str) -> None:
    """Exit 2, a single line on stderr naming the problem, no traceback."""
    assert code == 2, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word.lower() in err.lower(), (word, err)
