"""perftui's code cache (perftui._codecache, issue 11): a recording keeps the code of the perftui
modules it loaded in one owner-only file of the user's cache, the next host start serves them
from it, and nothing a program can see changes; a changed source, a foreign or damaged file and
the switches fall back to Python's own import."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest

RECORD = textwrap.dedent("""
    import sys, json
    from perftui import PerformanceTracker
    t = PerformanceTracker(db={db!r}, app="host", summary=False, cold_start=False)
    t.start_operation("app_startup"); t.stop_operation("app_startup")
    t.record_metric("prompt_token_count", {tokens})
    if t.record_baseline_snapshot() is None:   # not an assert: some runs use -O
        raise SystemExit("not recorded")
    from perftui import _codecache
    finder = _codecache._finder
    loaded = sorted(m for m in sys.modules if m.startswith("perftui."))
    import inspect
    import perftui.store.engine as engine
    print(json.dumps({{
        "installed": finder is not None,
        "served": sorted(finder.served) if finder else [],
        "loaded": loaded,
        "path": _codecache.cache_path("recorder"),
        "engine_file": engine.__file__,
        "engine_cached": engine.__cached__,
        "kept": sorted(_codecache.read(_codecache.cache_path("recorder"),
                                       _codecache._identity("recorder"))),
        "engine_source": "class Database" in inspect.getsource(engine),
        "store_path": list(sys.modules["perftui.store"].__path__),
        "loader": type(engine.__loader__).__name__,
    }}))
""")

# a recording's own modules are imported before the finder is in place
NEVER_SERVED = {"perftui.recorder", "perftui._codecache", "perftui._atomic"}


def record(env: dict, db, tokens: int = 2000) -> dict:
    proc = subprocess.run([sys.executable, "-c", RECORD.format(db=str(db), tokens=tokens)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def env(subprocess_env):
    env = dict(subprocess_env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def verdicts(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT m.value, m.severity, m.tier, m.expected, m.deviation, m.baseline_runs "
            "FROM measurements m JOIN metrics k ON k.id = m.metric_id "
            "WHERE k.key = 'prompt_token_count' ORDER BY m.snapshot_id").fetchall()
        alerts = conn.execute("SELECT a.alert_type, a.severity, a.message FROM alerts a "
                              "JOIN metrics k ON k.id = a.metric_id "
                              "WHERE k.key = 'prompt_token_count' ORDER BY a.id").fetchall()
        return rows + alerts
    finally:
        conn.close()


class TestServed:
    """The second start serves every perftui module the recording loads, and records the same."""

    def test_the_second_start_serves_the_recording_path(self, env, tmp_path):
        first = record(env, tmp_path / "a.db")
        path = first["path"]
        assert first["installed"] and first["served"] == []
        assert path.startswith(env["XDG_CACHE_HOME"]) and os.path.isfile(path)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700

        second = record(env, tmp_path / "a.db", tokens=2100)
        expected = set(second["loaded"]) - NEVER_SERVED
        assert len(expected) >= 20
        assert set(second["served"]) == expected
        # what a program sees of a served module: its file, its source, its package path
        assert second["engine_file"] == first["engine_file"]
        assert second["engine_cached"] == first["engine_cached"]
        assert second["engine_source"] and second["loader"] == "_Loader"
        assert second["store_path"] == first["store_path"]
        assert "perftui._codecache_save" not in second["loaded"]   # nothing to write

    def test_what_loads_before_the_cache_is_not_kept(self, env, tmp_path):
        """perftui.recorder, the cache itself and what it imports load before the finder is in
        place at every start: the file holds none of them (unmarshalled for nothing)."""
        record(env, tmp_path / "a.db")
        kept = set(record(env, tmp_path / "a.db")["kept"])
        assert "perftui.recorder.tracker" in kept and "perftui.analysis.detect" in kept
        assert not kept & (NEVER_SERVED | {"perftui"})

    def test_code_compiled_under_another_optimisation_level_is_not_served(self, env, tmp_path):
        """-O drops asserts and -OO docstrings: a plain run never gets their code, nor they
        a plain run's."""
        record(env, tmp_path / "a.db")
        assert record(env, tmp_path / "a.db")["served"]
        optimised = dict(env, PYTHONOPTIMIZE="1")
        assert record(optimised, tmp_path / "a.db")["served"] == []
        assert record(optimised, tmp_path / "a.db")["served"]   # its own file, written once
        assert record(env, tmp_path / "a.db")["served"]         # the plain one is still there
        assert (record(optimised, tmp_path / "a.db")["path"]
                != record(env, tmp_path / "a.db")["path"])

    def test_another_pycache_prefix_is_another_cache(self, env, tmp_path):
        """PYTHONPYCACHEPREFIX moves the compiled files: a served module's __cached__ must name
        the ones of the start that serves it."""
        prefixed = dict(env, PYTHONPYCACHEPREFIX=str(tmp_path / "pyc"))
        record(prefixed, tmp_path / "a.db")
        assert record(prefixed, tmp_path / "a.db")["served"]
        plain = record(env, tmp_path / "a.db")
        assert plain["served"] == [] and str(tmp_path / "pyc") not in plain["engine_cached"]

    def test_recordings_served_from_the_cache_store_the_same_verdicts(self, env, tmp_path):
        off = dict(env, PERFTUI_CODE_CACHE="0")
        for tokens in (2000, 2010, 1990, 2005, 1995, 2002, 2600, 2700, 2650):
            served = record(env, tmp_path / "cached.db", tokens)
            plain = record(off, tmp_path / "plain.db", tokens)
            assert not plain["installed"] and plain["served"] == []
        assert served["served"]
        cached, uncached = verdicts(tmp_path / "cached.db"), verdicts(tmp_path / "plain.db")
        assert len(cached) > 9 and cached == uncached       # 9 runs and the alert they raised


class TestFallsBack:
    """Anything odd means Python's own import, and the next recording writes a good file."""

    def rewrite(self, path: str, change) -> None:
        from perftui import _codecache, _codecache_save

        identity = _codecache._identity("recorder")
        table = _codecache.read(path, identity)
        assert table
        change(table)
        _codecache_save._write(path, identity, table)

    def test_a_changed_source_is_imported_from_its_file(self, env, tmp_path):
        path = record(env, tmp_path / "s.db")["path"]

        def stale(table):
            origin, is_package, cached, (mtime, size), code = table["perftui.store.engine"]
            table["perftui.store.engine"] = (origin, is_package, cached, (mtime - 1, size), code)

        self.rewrite(path, stale)
        out = record(env, tmp_path / "s.db")
        assert "perftui.store.engine" not in out["served"] and "perftui.store.engine" in out["loaded"]
        assert "perftui.analysis.detect" in out["served"]
        # ... and that recording wrote the file anew, with the source's real stamp
        assert "perftui.store.engine" in record(env, tmp_path / "s.db")["served"]

    @pytest.mark.parametrize("damage", ["garbage", "truncated", "other python", "writable"])
    def test_a_damaged_or_foreign_file_is_not_read(self, env, tmp_path, damage):
        path = record(env, tmp_path / "d.db")["path"]
        if damage == "garbage":
            with open(path, "wb") as handle:
                handle.write(b"perftui-code\n" + os.urandom(4000))
        elif damage == "truncated":
            with open(path, "rb") as handle:
                data = handle.read()
            with open(path, "wb") as handle:
                handle.write(data[: len(data) // 2])
        elif damage == "other python":
            from perftui import _codecache

            identity = _codecache._identity("recorder")
            table = _codecache.read(path, identity)
            assert table
            with open(path, "wb") as handle:
                handle.write(_codecache._MAGIC + __import__("marshal").dumps(
                    ((1, "recorder", "cpython-299", (2, 99, 0), _codecache._PACKAGE_DIR),
                     table)))
        else:
            os.chmod(path, 0o666)
        out = record(env, tmp_path / "d.db")
        assert out["served"] == []
        again = record(env, tmp_path / "d.db")   # the next one has a good file again
        assert again["served"] and stat.S_IMODE(os.stat(path).st_mode) == 0o600

    def test_a_link_in_place_of_the_file_is_not_followed(self, env, tmp_path):
        path = record(env, tmp_path / "l.db")["path"]
        target = tmp_path / "elsewhere.bin"
        os.replace(path, target)
        os.symlink(target, path)
        assert record(env, tmp_path / "l.db")["served"] == []
        assert not os.path.islink(path)          # replaced by a file of its own, not written through


class TestSwitches:
    """PERFTUI_CODE_CACHE=0 turns it off; no bytecode writing means no file either."""

    def test_off(self, env, tmp_path):
        off = dict(env, PERFTUI_CODE_CACHE="0")
        out = record(off, tmp_path / "o.db")
        record(off, tmp_path / "o.db")
        assert not out["installed"] and not os.path.exists(out["path"])

    def test_python_told_not_to_write_bytecode(self, env, tmp_path):
        out = record(dict(env, PYTHONDONTWRITEBYTECODE="1"), tmp_path / "b.db")
        assert out["installed"] and not os.path.exists(out["path"])


def test_files_of_other_installs_go_after_30_days(tmp_path):
    """A write removes other installs' files not rewritten for STALE_DAYS; younger ones and
    anything not a code cache stay."""
    import time

    from perftui import _codecache_save

    directory = tmp_path / "perftui"
    directory.mkdir(mode=0o700)
    old = directory / "code-tui-cpython-311-00000000000000aa.bin"
    young = directory / "code-recorder-cpython-311-00000000000000bb.bin"
    other = directory / "css-rules.pickle"
    for path in (old, young, other):
        path.write_bytes(b"x")
    past = time.time() - (_codecache_save.STALE_DAYS + 1) * 86400
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    mine = directory / "code-recorder-cpython-311-00000000000000cc.bin"
    _codecache_save._write(str(mine), ("id",), {})
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        [young.name, other.name, mine.name])
