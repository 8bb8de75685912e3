"""Assertions shared by the command-line tests; they read a store on either engine (an SQLite
path or a postgresql:// URL) through perftui's own engine-neutral store."""

from __future__ import annotations

import hashlib
from pathlib import Path

TABLES = ("metrics", "snapshots", "measurements", "alerts", "daily_aggregates",
          "target_changes", "baseline_resets", "store_meta")


def is_url(where) -> bool:
    from perftui.store.db import is_url as _is_url

    return _is_url(str(where))


def store_exists(where) -> bool:
    """Whether anything was created there: the file, or any table in the database."""
    if not is_url(where):
        return Path(where).exists()
    import psycopg

    with psycopg.connect(str(where), autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema()").fetchone()[0] > 0


def query(where, sql: str, params=()) -> list[tuple]:
    """The rows of one read (`?` placeholders), as tuples."""
    from perftui.store.db import open_store

    with open_store(str(where), readonly=True) as db:
        return [tuple(r) for r in db.execute(sql, params).fetchall()]


def scalar(where, sql: str, params=()):
    rows = query(where, sql, params)
    return rows[0][0] if rows else None


def execute(where, sql: str, params=()) -> None:
    """One write, committed."""
    from perftui.store.db import open_store

    with open_store(str(where)) as db, db.transaction():
        db.execute(sql, params)


def fingerprint(where) -> str:
    """A digest of every row of every table: equal digests mean an unchanged store."""
    if not store_exists(where):
        return "absent"
    from perftui.store.db import open_store

    digest = hashlib.sha256()
    with open_store(str(where), readonly=True) as db:
        for table in TABLES:
            for row in db.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def assert_one_line_error(code: int, err: str, *words: str) -> None:
    """Exit 2, a single line on stderr naming the problem, no traceback."""
    assert code == 2, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word.lower() in err.lower(), (word, err)
