"""Shared fixtures: every test gets its own store and a clean recorder environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PERFTUI_ENV_VARS = ("PERFTUI_DB", "PERFTUI_APP", "PERFTUI_ENV", "PERFTUI_DISABLE",
                    "PERFTUI_SUMMARY", "PERFTUI_LOG_DIR", "PERFTUI_COLD_START",
                    "PERFTUI_GIT_COMMIT", "PERFTUI_GIT_BRANCH", "PERFTUI_APP_VERSION",
                    "PERFTUI_BUSY_TIMEOUT_MS", "GITHUB_SHA", "GITHUB_HEAD_REF", "GITHUB_REF_NAME",
                    "CI_COMMIT_SHA", "CI_COMMIT_REF_NAME", "NO_COLOR")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path_factory):
    """No test reads the developer's own store or settings."""
    for name in PERFTUI_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    from perftui.recorder.tracker import PerformanceTracker

    PerformanceTracker.reset_instance()
    yield
    PerformanceTracker.reset_instance()


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def subprocess_env(tmp_path) -> dict:
    """Environment for child Python processes: this interpreter's packages, clean perftui vars."""
    env = {k: v for k, v in os.environ.items() if k not in PERFTUI_ENV_VARS}
    env["HOME"] = str(tmp_path / "home")
    env["XDG_DATA_HOME"] = str(tmp_path / "home" / "data")
    return env
