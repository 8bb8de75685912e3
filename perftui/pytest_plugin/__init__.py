"""pytest plugin: a history for any test suite (`pytest --perftui`).

Loaded by pytest in every run of every project that installs perftui (entry point `pytest11`),
so this module is the cheap part: options and one check. It imports nothing of perftui's
recorder or store; unless `--perftui` is given (or PERFTUI_PYTEST=1), nothing else happens.

Enabled, one snapshot is recorded per session (`perftui.pytest_plugin.session`): the `call`
duration of each passing test that took at least `--perftui-min-ms`, each pytest-benchmark
benchmark's median, and the session's wall time; judged against the baselines like any
recorded run, its regressions listed in pytest's terminal summary. See docs/pytest.md.
"""

from __future__ import annotations

import os

import pytest

# pytest's own --durations-min default is 0.005 s: below 5 ms a test's time is mostly timer,
# scheduler and import noise, and a 10 % change (the regression tier's minimum) is sub-millisecond
DEFAULT_MIN_MS = 5.0
FAIL_ON = ("none", "warning", "error", "critical")
ENV_ENABLE = "PERFTUI_PYTEST"
_TRUE = ("1", "true", "yes", "on")


def _min_ms(text: str) -> float:
    """--perftui-min-ms: a finite number of milliseconds, at least 0."""
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected milliseconds (a number such as 5), "
                                         f"got {text!r}") from None
    if not 0.0 <= value < float("inf"):   # also refuses NaN
        raise argparse.ArgumentTypeError(f"expected a finite number of milliseconds of at "
                                         f"least 0, got {text!r}")
    return value


def _fail_on(text: str) -> str:
    import argparse

    if text not in FAIL_ON:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(FAIL_ON)}, got {text!r}")
    return text


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("perftui", "perftui: performance history of the test suite")
    group.addoption("--perftui", action="store_true", default=False,
                    help="record this session's test and benchmark timings into a perftui "
                         f"store and report regressions (also: {ENV_ENABLE}=1)")
    group.addoption("--perftui-db", metavar="PATH", default=None,
                    help="store file or postgresql:// URL (default: $PERFTUI_DB, else the "
                         "user data directory's perftui.db)")
    group.addoption("--perftui-app", metavar="NAME", default=None,
                    help="app name the runs are kept under (default: $PERFTUI_APP, else "
                         "'<rootdir name>-tests')")
    group.addoption("--perftui-min-ms", metavar="MS", type=_min_ms, default=DEFAULT_MIN_MS,
                    help="record only tests whose call took at least this many milliseconds "
                         f"(default {DEFAULT_MIN_MS:g}, as pytest's --durations-min)")
    group.addoption("--perftui-fail-on", metavar="LEVEL", type=_fail_on, default="none",
                    help="fail the session on a regression at this severity or worse: "
                         f"{', '.join(FAIL_ON)} (default none)")


def enabled(config: pytest.Config) -> bool:
    if config.getoption("perftui", False):
        return True
    return os.environ.get(ENV_ENABLE, "").strip().lower() in _TRUE


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if not enabled(config):
        return
    from perftui.pytest_plugin.session import SessionPlugin

    config.pluginmanager.register(SessionPlugin(config), "perftui-session")
