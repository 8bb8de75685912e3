"""Shared fixtures: every test gets its own store and a clean recorder environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

# The test process itself neither serves nor writes perftui's code cache (perftui._codecache):
# it would write into the developer's own cache directory. Child processes use it as hosts do
# (subprocess_env drops the switch; each test's HOME holds its own cache).
os.environ["PERFTUI_CODE_CACHE"] = "0"
# Nor does a TUI under test fork its first read (perftui.tui.early): the child would run the
# test's monkeypatches where the test cannot see them; tests of the fork ask with fork=True.
os.environ["PERFTUI_EARLY_FORK"] = "0"
from perftui import _codecache  # noqa: E402

_codecache.uninstall()

PERFTUI_ENV_VARS = ("PERFTUI_DB", "PERFTUI_APP", "PERFTUI_ENV", "PERFTUI_DISABLE",
                    "PERFTUI_SUMMARY", "PERFTUI_LOG_DIR", "PERFTUI_COLD_START",
                    "PERFTUI_GIT_COMMIT", "PERFTUI_GIT_BRANCH", "PERFTUI_APP_VERSION",
                    "PERFTUI_BUSY_TIMEOUT_MS", "GITHUB_SHA", "GITHUB_HEAD_REF", "GITHUB_REF_NAME",
                    "CI_COMMIT_SHA", "CI_COMMIT_REF_NAME", "NO_COLOR", "PERFTUI_PROFILE",
                    "PERFTUI_PROFILE_BASELINE_DAYS", "PERFTUI_NOTIFY")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path_factory):
    """No test reads the developer's own store or settings."""
    for name in PERFTUI_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
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
    env["XDG_CACHE_HOME"] = str(tmp_path / "home" / ".cache")
    env.pop("PERFTUI_CODE_CACHE", None)
    return env


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server (see tests/_pg.py): skipped with one line where none can
    be had, an error on CI, where the PostgreSQL tests must run."""
    from tests._pg import ENABLE_HINT, Server, Unavailable

    server = Server()
    try:
        server.start()
    except (Unavailable, OSError, subprocess.SubprocessError) as exc:
        server.stop()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required on CI: {exc}")
        pytest.skip(f"{ENABLE_HINT} ({exc})")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """Where a test's store lives, once per engine: an SQLite file path, or a fresh database on
    the session's PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_server").new_database()


@pytest.fixture(scope="session")
def nobody_venv():
    """See tests/_users.py: as root, a virtualenv `nobody` can run; otherwise None."""
    from tests._users import nobody_venv_fixture

    yield from nobody_venv_fixture()


@pytest.fixture
def other_user(nobody_venv):
    """Runs perftui as a user that file modes apply to (tests/_users.py)."""
    from tests._users import other_user_for

    return other_user_for(nobody_venv)


@pytest.fixture
def shared_dir():
    """A folder in the shared temporary directory that anyone may write (0777)."""
    from tests._users import shared_dir_fixture

    yield from shared_dir_fixture()
