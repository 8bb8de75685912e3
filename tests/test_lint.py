"""ruff over perftui/, with the rules in pyproject.toml's [tool.ruff]: undefined names, unused
imports, syntax errors, comparisons to None/True and mutable defaults fail the test suite."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing_in_perftui():
    if importlib.util.find_spec("ruff") is None:
        pytest.fail('ruff is not installed in this environment: pip install -e ".[test]"',
                    pytrace=False)
    # --no-cache: leave no .ruff_cache behind in the repository
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "perftui"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    exit_code = proc.returncode
    assert exit_code == 0, f"ruff check perftui exited {exit_code}:\n{proc.stdout}{proc.stderr}"
