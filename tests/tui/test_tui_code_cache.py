"""The terminal UI's code cache (perftui._codecache, kind "tui"; issue 11): `perftui` keeps the
code of what the UI loaded when you quit it, and the next start serves Textual's, Rich's and
perftui's modules from that one file; only under the same sys.path, and what loaded after the
start is unmarshalled one module at a time. Driven through a real pseudo-terminal."""

from __future__ import annotations

import marshal
import os
import time

import pytest

from tests.tui._pty import Terminal


@pytest.fixture
def env(subprocess_env):
    env = dict(subprocess_env, TERM="xterm-256color", PERFTUI_CODE_CACHE_REPORT="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("NO_COLOR", None)
    return env


@pytest.fixture
def db(tmp_path):
    from perftui.store.sqlite import connect

    path = tmp_path / "s.db"
    connect(str(path)).close()        # an empty current store
    return str(path)


def cache_file(env: dict) -> str:
    directory = os.path.join(env["XDG_CACHE_HOME"], "perftui")
    names = [n for n in os.listdir(directory) if n.startswith("code-tui-") and n.endswith(".bin")] \
        if os.path.isdir(directory) else []
    assert len(names) <= 1
    return os.path.join(directory, names[0]) if names else ""


def served(env: dict) -> set[str]:
    """What the last start took from the cache: the modules whose __loader__ is the cache's, as
    the run left them in `<cache file>.served` (PERFTUI_CODE_CACHE_REPORT, for tests)."""
    path = cache_file(env) + ".served"
    if not os.path.exists(path):
        return set()
    with open(path) as handle:
        return set(handle.read().split())


def start_and_quit(env: dict, db: str, cwd) -> None:
    """`perftui --db DB --read-only` in an 80x24 pseudo-terminal until its status screen is up,
    then q."""
    report = cache_file(env) + ".served" if cache_file(env) else ""
    if report and os.path.exists(report):
        os.unlink(report)
    terminal = Terminal(["--db", db, "--read-only"], env, cwd)
    try:
        terminal.wait_for(b"Status")
        time.sleep(0.3)
        terminal.press(b"q")
        assert terminal.wait_exit() == 0
    finally:
        terminal.close()


class TestTuiCodeCache:
    """Written when the UI quits, served on the next start, under the same path only."""

    def test_the_next_start_serves_textual_rich_and_perftui(self, env, db, tmp_path):
        start_and_quit(env, db, tmp_path)
        path = cache_file(env)
        assert path and served(env) == set()
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
        start_and_quit(env, db, tmp_path)
        got = served(env)
        assert {"textual.app", "rich.console", "perftui.tui.app", "perftui.tui.data"} <= got
        assert len(got) > 150
        with open(path, "rb") as handle:
            _identity, table = marshal.loads(handle.read()[len(b"perftui-code\n"):])
        assert not isinstance(table["textual.app"][4], bytes)   # loaded with the start

    def test_another_sys_path_is_another_cache(self, env, db, tmp_path):
        start_and_quit(env, db, tmp_path)
        extra = tmp_path / "extra"
        extra.mkdir()
        moved = dict(env, PYTHONPATH=str(extra))
        start_and_quit(moved, db, tmp_path)
        assert served(moved) == set()        # the same names may be other files now
        start_and_quit(moved, db, tmp_path)
        assert "textual.app" in served(moved)   # ... and the file was made for this path

    def test_off(self, env, db, tmp_path):
        off = dict(env, PERFTUI_CODE_CACHE="0")
        start_and_quit(off, db, tmp_path)
        assert cache_file(off) == ""


def test_what_loaded_after_the_start_is_kept_apart():
    """A module loaded before mark() is kept as code (unmarshalled with the others at the next
    start); one loaded after it as marshalled bytes, unmarshalled only when imported."""
    from perftui import _codecache, _codecache_save

    finder = _codecache._Finder("recorder", "/nonexistent", (), {})
    finder.before = frozenset()   # as if installed before anything of perftui was loaded
    import perftui.fmt  # noqa: F401 - loaded in this process

    finder.marked = frozenset({"perftui.fmt"})
    entries = _codecache_save._collect(finder)
    assert type(entries["perftui.fmt"][4]).__name__ == "code"
    others = [name for name in entries if name != "perftui.fmt"]
    assert others and all(isinstance(entries[name][4], bytes) for name in others)
    assert all(name.startswith("perftui.") for name in entries)
    assert "perftui._codecache_save" not in entries   # the writer: loaded only to write


def test_what_another_kind_of_start_kept_stays():
    """A module this start loaded before the finder (so never takes from the file) is kept when
    an earlier start of another kind put it there: `perftui tui` and a plain `perftui` load
    different modules first, and dropping each other's would rewrite the file at every start."""
    import perftui.fmt as fmt
    import perftui.severity  # noqa: F401 - loaded before the finder, kept by no earlier start
    from perftui import _codecache, _codecache_save

    origin = fmt.__spec__.origin
    code = compile(open(origin).read(), origin, "exec")
    kept = (origin, False, fmt.__spec__.cached, _codecache._source_stamp(origin), code)
    finder = _codecache._Finder("recorder", "/nonexistent", (), {"perftui.fmt": kept})
    assert "perftui.fmt" in finder.before   # loaded before this finder
    entries = _codecache_save._collect(finder)
    assert entries["perftui.fmt"][:4] == kept[:4]
    assert "perftui.severity" not in entries   # not added: this start can never use it
