"""Fixtures for the command-line tests: stores on both engines, a small demo store made once per
session and copied per test; running `perftui` through its real entry point; fingerprints that
prove a store is unchanged.

Every test that takes `engine` (directly, or through `store_url`, `stores` or `demo_db`) runs
twice: on an SQLite file and on a fresh PostgreSQL database of the session's server (see
tests/_pg.py). All the stores one test uses are on the same engine.
"""

from __future__ import annotations

import json
import queue
import shutil
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"
ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """The engine of this run of the test: "sqlite" or "postgresql"."""
    return request.param


POOLS: list["DatabasePool"] = []


def pause_database_pools() -> None:
    """Stop every pool's background thread until its next get(): for a test that needs this
    process to have one thread (the TUI forks its first read only then)."""
    for pool in list(POOLS):
        pool.pause()


class DatabasePool:
    """Fresh databases made ahead of time: a background thread keeps `depth` of them ready
    (CREATE DATABASE is server work, so it overlaps with the tests instead of adding to them).
    Each is a copy of `template` (PostgreSQL's own empty template1 when None)."""

    def __init__(self, server_url: str, template: str | None = None, depth: int = 3):
        self.base = server_url.rsplit("/", 1)[0]
        self.template = template
        self.ready: queue.Queue = queue.Queue(maxsize=depth)
        self.failure: BaseException | None = None
        self._start()
        POOLS.append(self)

    def _start(self) -> None:
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._fill, daemon=True,
                                       name=f"perftui-test-databases-{self.template or 'empty'}")
        self.thread.start()

    def pause(self) -> None:
        """Stop the thread (the databases it made stay ready); the next get() starts it again."""
        self.stopping.set()
        self.thread.join(timeout=30)

    def _fill(self) -> None:
        import psycopg

        template = f' TEMPLATE "{self.template}"' if self.template else ""
        try:
            with psycopg.connect(f"{self.base}/postgres", autocommit=True) as conn:
                while not self.stopping.is_set():
                    name = f"t_{uuid.uuid4().hex[:12]}"
                    conn.execute(f'CREATE DATABASE "{name}"{template}')
                    self._offer(f"{self.base}/{name}")
        except BaseException as exc:  # noqa: BLE001 - handed to the test that waits for one
            self.failure = exc
            self._offer(None)

    def _offer(self, item) -> None:
        while not self.stopping.is_set():
            try:
                self.ready.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def get(self) -> str:
        if not self.thread.is_alive() and self.failure is None:
            self._start()
        url = self.ready.get(timeout=120)
        if url is None:
            self.ready.put(None)
            raise RuntimeError(f"cannot create a test database: {self.failure}")
        return url

    def close(self) -> None:
        self.pause()
        if self in POOLS:
            POOLS.remove(self)


@pytest.fixture(scope="session")
def empty_databases(pg_server):
    pool = DatabasePool(pg_server.url)
    yield pool
    pool.close()


class Stores:
    """New, empty store locations on one engine: files in tmp_path, or fresh databases."""

    def __init__(self, engine: str, tmp_path: Path, request):
        self.engine = engine
        self.tmp_path = tmp_path
        self._request = request

    def new(self, name: str = "store", *, linguistic: bool = False) -> str:
        """A new store location. `linguistic`: on PostgreSQL, a database whose text order is
        ICU's en-US collation (case-insensitive at first, as a team's server may well be set
        up) instead of the test server's C.UTF-8; skips the test where ICU is unavailable."""
        if self.engine == "sqlite":
            return str(self.tmp_path / f"{name}.db")
        if linguistic:
            return self._linguistic_database()
        return self._request.getfixturevalue("empty_databases").get()

    def _linguistic_database(self) -> str:
        import psycopg

        base = self._request.getfixturevalue("pg_server").url.rsplit("/", 1)[0]
        name = f"t_{uuid.uuid4().hex[:12]}"
        try:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0'
                             " LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        except psycopg.Error as exc:
            pytest.skip(f"no ICU collation on this PostgreSQL server: {exc}")
        return f"{base}/{name}"


@pytest.fixture
def stores(engine, tmp_path, request) -> Stores:
    return Stores(engine, tmp_path, request)


@pytest.fixture
def store_url(stores) -> str:
    """Where this test's store lives (nothing there yet): an SQLite path or a PostgreSQL URL.
    (Overrides the root fixture so that it shares `engine` with the test's other stores.)"""
    return stores.new("store")


@contextmanager
def clean_session_environment(tmp_path_factory):
    """What `clean_environment` (tests/conftest.py) gives each test, for work done once per
    session (session fixtures are made before a test's own fixtures)."""
    from tests.conftest import PERFTUI_ENV_VARS

    with pytest.MonkeyPatch.context() as patch:
        for name in PERFTUI_ENV_VARS:
            patch.delenv(name, raising=False)
        home = tmp_path_factory.mktemp("session_home")
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        yield


class Templates:
    """Stores built once per session and engine, copied for every test that asks for one: a
    file copy on SQLite, `CREATE DATABASE … TEMPLATE` (made ahead by a DatabasePool) on
    PostgreSQL."""

    def __init__(self, request, tmp_path_factory):
        self._request = request
        self._tmp = tmp_path_factory
        self._made: dict[tuple[str, str], object] = {}

    def sqlite_template(self, name: str, build) -> Path:
        key = (name, "sqlite")
        if key not in self._made:
            path = self._tmp.mktemp(name) / f"{name}.db"
            with clean_session_environment(self._tmp):
                build(str(path))
            conn = sqlite3.connect(path)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            self._made[key] = path
        return self._made[key]

    def postgres_pool(self, name: str, build) -> DatabasePool:
        key = (name, "postgresql")
        if key not in self._made:
            url = self._request.getfixturevalue("empty_databases").get()
            with clean_session_environment(self._tmp):
                build(url)
            server = self._request.getfixturevalue("pg_server")
            self._made[key] = DatabasePool(server.url, template=url.rsplit("/", 1)[1])
        return self._made[key]

    def copy(self, name: str, engine: str, tmp_path: Path, build, build_postgres=None) -> str:
        """A private copy of the session's store `name` on `engine`, made by `build(where)` the
        first time (on PostgreSQL by `build_postgres(url)` when given)."""
        if engine == "postgresql":
            return self.postgres_pool(name, build_postgres or build).get()
        target = tmp_path / f"{name}.db"
        shutil.copyfile(self.sqlite_template(name, build), target)
        return str(target)

    def close(self) -> None:
        for made in self._made.values():
            if isinstance(made, DatabasePool):
                made.close()


@pytest.fixture(scope="session")
def templates(request, tmp_path_factory):
    made = Templates(request, tmp_path_factory)
    yield made
    made.close()


def build_demo(where: str) -> None:
    from perftui.core.demo import generate_demo

    generate_demo(where, snapshots=300, seed=3)


@pytest.fixture
def demo_db(engine, templates, tmp_path) -> str:
    """A private copy of the session's demo store (300 snapshots, seed 3), on this test's
    engine. On PostgreSQL the template database is the SQLite demo exported to JSON and imported:
    the same history, in a fraction of a second (generating it there takes seconds)."""

    def import_demo(url: str) -> None:
        from perftui.cli.main import main

        dump = tmp_path / "demo.json"
        sqlite_demo = templates.sqlite_template("demo", build_demo)
        assert main(["--db", str(sqlite_demo), "export", "--format", "json",
                     "--output", str(dump)]) == 0
        assert json.loads(dump.read_text())["snapshots"]
        assert main(["--db", url, "import", str(dump), "--json"]) == 0
        dump.unlink()

    return templates.copy("demo", engine, tmp_path, build_demo, import_demo)


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
