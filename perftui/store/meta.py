"""Small key/value facts about a store (`store_meta`): when retention last ran, flag rules,
the demo marker."""

from __future__ import annotations


from perftui._json import loads
from perftui.store.engine import Database


def meta_get(db: Database, key: str) -> str | None:
    return db.scalar("SELECT value FROM store_meta WHERE key = ?", (key,))


def meta_set(db: Database, key: str, value: str | None) -> None:
    db.execute("INSERT INTO store_meta (key, value) VALUES (?, ?)"
               " ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))


def meta_delete(db: Database, key: str) -> None:
    db.execute("DELETE FROM store_meta WHERE key = ?", (key,))


def flag_rules(db: Database) -> list[dict]:
    """The known-issue flag rules of the catalog the store was seeded with."""
    text = meta_get(db, "flag_rules")
    return loads(text) if text else []
