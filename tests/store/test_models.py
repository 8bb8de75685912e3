"""The peewee models and the migrated tables agree, and the ORM side opens stores correctly."""

from __future__ import annotations

import pytest

from perftui.store import sqlite as sq
from perftui.store.db import open_store
from perftui.store.errors import StoreMissing
from perftui.store.models import ALL_MODELS, Metric


def test_every_model_matches_its_table(store_path):
    conn = sq.connect(str(store_path))
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        fields = {f.column_name for f in model._meta.sorted_fields}
        assert fields == columns, f"{model.__name__} vs table {table}"


def test_open_store_reads_the_seeded_catalog(store_path):
    with open_store(str(store_path), create=True) as store:
        assert Metric.select().count() == 21
        assert Metric.get(Metric.code == "VAL-003").direction == "higher"
        assert store.raw().execute("SELECT count(*) FROM metrics").fetchone()[0] == 21


def test_open_store_refuses_missing_by_default(store_path):
    with pytest.raises(StoreMissing):
        open_store(str(store_path))
    assert not store_path.exists()


def test_read_only_store_refuses_writes(store_path):
    open_store(str(store_path), create=True).close()
    with open_store(str(store_path), readonly=True) as store:
        assert Metric.select().count() == 21
        with pytest.raises(Exception, match="readonly|read-only"):
            Metric.update(name="x").where(Metric.code == "APP-001").execute()
        assert store.readonly


def test_environment_variable_picks_the_store(store_path, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", str(store_path))
    with open_store(create=True) as store:
        assert store.path == str(store_path)
    assert store_path.exists()
