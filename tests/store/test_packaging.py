"""A non-editable install can create and upgrade stores: migrations and catalog ship in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest


def test_wheel_contains_migrations_and_catalog(repo_root, tmp_path):
    pytest.importorskip("hatchling")
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(repo_root)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(out.glob("perftui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    migrations = sorted(n for n in names if n.startswith("perftui/_migrations/"))
    assert "perftui/_migrations/0001_initial.sql" in migrations
    assert len(migrations) == len(list((repo_root / "migrations").rglob("*.sql")))  # both engines
    assert "perftui/_migrations/postgresql/0001_initial.sql" in migrations
    assert "perftui/data/catalog.json" in names
    assert any(n.endswith("entry_points.txt") for n in names)
