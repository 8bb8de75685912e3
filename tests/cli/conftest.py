"""Fixtures for the command-line tests: a small demo store made once per session, copied per
test; running `perftui` through its real entry point; fingerprints that prove a store is
unchanged."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    from perftui.core.demo import generate_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate_demo(str(path), snapshots=300, seed=3)
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """A private copy of the session's demo store."""
    target = tmp_path / "demo.db"
    conn = sqlite3.connect(demo_template)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


class CLI:
    """Run `perftui ARGS` in-process; returns (exit code, stdout, stderr)."""

    def __init__(self, capsys):
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        from perftui.cli.main import main

        self.capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:      # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(capsys) -> CLI:
    return CLI(capsys)
