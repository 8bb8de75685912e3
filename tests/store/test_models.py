"""The peewee models (the schema's description) and the migrated tables agree; opening a store
gives one Database over it."""

from __future__ import annotations

import pytest

from perftui.errors import StoreMissing, StoreReadOnly
from perftui.store import sqlite as sq
from perftui.store.db import open_store
from perftui.store.models import ALL_MODELS


def test_every_model_matches_its_table(store_path):
    conn = sq.connect(str(store_path))
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, f"{model.__name__} vs table {table}"


def test_models_are_bound_to_no_database():
    """Queries are SQL text over an explicit connection: no global binding to forget."""
    assert all(model._meta.database is None for model in ALL_MODELS)


def test_open_store_reads_the_seeded_catalog(store_path):
    with open_store(str(store_path), create=True) as store:
        assert store.scalar("SELECT count(*) FROM metrics") == 21
        assert store.scalar("SELECT direction FROM metrics WHERE code = 'VAL-003'") == "higher"


def test_open_store_refuses_missing_by_default(store_path):
    with pytest.raises(StoreMissing):
        open_store(str(store_path))
    assert not store_path.exists()


def test_read_only_store_refuses_writes(store_path):
    open_store(str(store_path), create=True).close()
    with open_store(str(store_path), readonly=True) as store:
        assert store.scalar("SELECT count(*) FROM metrics") == 21
        with pytest.raises(StoreReadOnly):
            with store.transaction():
                store.execute("UPDATE metrics SET name = 'x' WHERE code = 'APP-001'")
        with pytest.raises(StoreReadOnly):
            store.execute("UPDATE metrics SET name = 'x' WHERE code = 'APP-001'")
        assert store.readonly


def test_environment_variable_picks_the_store(store_path, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", str(store_path))
    with open_store(create=True) as store:
        assert store.path == str(store_path)
    assert store_path.exists()
