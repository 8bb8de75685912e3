"""The PostgreSQL engine: one schema on both engines, many writers at once, a server that is down
or asks for a password, and the same answers as SQLite on the same data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from perftui.errors import StoreMissing, StoreUnreachable, UsageError
from perftui.store import migrate
from perftui.store import sqlite as sq
from perftui.store.db import open_store
from perftui.store.postgres import mask


@pytest.fixture
def pg_url(pg_server):
    return pg_server.new_database()


def sqlite_schema(path) -> dict:
    db = sq.connect(str(path))
    tables = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    schema = {}
    for table in tables:
        columns = {r[1]: _kind(r[2]) for r in db.execute(f"PRAGMA table_info({table})")}
        indexes = {}
        for _seq, name, unique, *_ in db.execute(f"PRAGMA index_list({table})").fetchall():
            cols = tuple(r[2] for r in db.execute(f"PRAGMA index_info({name})"))
            indexes[name if not name.startswith("sqlite_autoindex") else f"unique{cols}"] = (
                cols, bool(unique))
        schema[table] = {"columns": columns, "indexes": indexes}
    db.close()
    return schema


def postgres_schema(url) -> dict:
    db = open_store(url)
    tables = [r[0] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE'")]
    schema = {}
    for table in tables:
        columns = {name: _kind(kind) for name, kind in db.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ?", (table,))}
        indexes = {}
        for name, unique, primary, cols in db.execute(
                "SELECT i.relname, x.indisunique, x.indisprimary,"
                " array_agg(a.attname ORDER BY k.n) FROM pg_index x"
                " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
                " CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)"
                " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
                " WHERE t.relname = ? GROUP BY i.relname, x.indisunique, x.indisprimary",
                (table,)):
            if primary:
                continue  # SQLite's primary keys are not in its index list either (rowid)
            key = name if not name.endswith(("_key", "_code_key")) else f"unique{tuple(cols)}"
            indexes[key] = (tuple(cols), bool(unique))
        schema[table] = {"columns": columns, "indexes": indexes}
    db.close()
    return schema


def _kind(declared: str) -> str:
    declared = declared.lower()
    if "int" in declared:
        return "integer"
    if "real" in declared or "double" in declared:
        return "real"
    return "text"


class TestSchema:
    """One schema, both engines."""

    def test_the_migrated_schemas_do_not_drift(self, tmp_path, pg_url):
        lite, pg = sqlite_schema(tmp_path / "s.db"), postgres_schema(_created(pg_url))
        assert set(lite) == set(pg)
        for table in lite:
            assert lite[table]["columns"] == pg[table]["columns"], table
            lite_indexes = {v for k, v in lite[table]["indexes"].items()}
            pg_indexes = {v for k, v in pg[table]["indexes"].items()}
            # SQLite's composite primary keys (WITHOUT ROWID tables) show up as an index there
            assert pg_indexes <= lite_indexes, table
            assert {v for v in lite_indexes - pg_indexes if not v[1]} == set(), table

    def test_both_engines_ship_the_same_migrations(self):
        names = [(v, n) for v, n, _ in migrate.available_migrations("sqlite")]
        assert names == [(v, n) for v, n, _ in migrate.available_migrations("postgresql")]

    def test_processes_opening_a_fresh_database_at_once_migrate_it_once(self, pg_url,
                                                                         subprocess_env):
        code = textwrap.dedent(f"""
            from perftui.store.db import open_store
            with open_store({pg_url!r}, create=True) as db:
                print(db.scalar("SELECT count(*) FROM metrics"))
        """)
        procs = [subprocess.Popen([sys.executable, "-c", code], env=subprocess_env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(6)]
        results = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in results]
        assert {out.strip() for out, _ in results} == {"21"}
        with open_store(pg_url) as db:
            versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations")]
        assert sorted(versions) == list(range(1, migrate.latest_version("postgresql") + 1))


def _created(url: str) -> str:
    open_store(url, create=True).close()
    return url


class TestConnecting:
    """URLs, passwords, servers that do not answer, a driver that is not installed."""

    def test_an_empty_database_is_missing_for_readers_and_created_for_writers(self, pg_url):
        with pytest.raises(StoreMissing, match="no perftui store"):
            open_store(pg_url)
        with open_store(pg_url, create=True) as db:
            assert db.scalar("SELECT count(*) FROM metrics") == 21

    def test_a_server_that_does_not_answer_is_one_line_within_the_timeout(self):
        url = "postgresql://someone:s3cret-pw@127.0.0.1:9/perftui"  # the discard port: closed
        started = time.monotonic()
        with pytest.raises(StoreUnreachable) as info:
            open_store(url, create=True)
        assert time.monotonic() - started < 10
        assert "s3cret-pw" not in str(info.value) and "someone:***@" in str(info.value)
        assert "\n" not in str(info.value)

    def test_passwords_never_reach_messages(self, pg_server, cli_run):
        url = pg_server.url.replace("postgres@", "postgres:hunter2@").rsplit("/", 1)[0]
        code, out, err = cli_run("--db", f"{url}/no_such_database", "status")
        assert code == 2 and "hunter2" not in out + err
        assert "postgres:***@" in err and len(err.strip().splitlines()) == 1

    def test_masking(self):
        assert mask("postgresql://u:p@h:5432/d") == "postgresql://u:***@h:5432/d"
        assert mask("postgresql://u@h/d") == "postgresql://u@h/d"
        assert mask("postgresql://h/d") == "postgresql://h/d"

    def test_without_the_driver_the_message_says_what_to_install(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "psycopg", None)
        with pytest.raises(UsageError, match=r"pip install 'perftui\[postgres\]'"):
            open_store("postgresql://u@127.0.0.1:9/d")


class TestTeamUse:
    """Many writers, one history."""

    def test_eight_processes_recording_at_once_lose_nothing(self, pg_url, subprocess_env,
                                                            monkeypatch):
        _created(pg_url)
        code = textwrap.dedent(f"""
            import sys
            from perftui import PerformanceTracker
            t = PerformanceTracker(db={pg_url!r}, app="team", summary=False, cold_start=False)
            stored = 0
            for i in range(25):
                t.record_metric("APP-001", 400 + i % 7)
                t.record_metric("shared_new_metric_ms", 10 + i % 3)   # first use, by all at once
                if t.record_baseline_snapshot() is not None:
                    stored += 1
            print(stored)
        """)
        procs = [subprocess.Popen([sys.executable, "-c", code], env=subprocess_env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(8)]
        results = [p.communicate(timeout=180) for p in procs]
        assert all(p.returncode == 0 for p in procs), [err for _, err in results]
        # on a loaded machine a writer may wait past its busy timeout: that run waits in the
        # spool (a process warns once however many of its runs wait there), and the next
        # command that writes delivers it; the count below proves none was lost
        for out, err in results:
            assert int(out.strip()) == 25 or "snapshot kept in" in err, err
        assert "not recorded" not in "".join(err for _, err in results)
        monkeypatch.setenv("HOME", subprocess_env["HOME"])
        monkeypatch.setenv("XDG_DATA_HOME", subprocess_env["XDG_DATA_HOME"])
        from perftui.core.session import open_session

        open_session(pg_url).close()
        with open_store(pg_url) as db:
            assert db.scalar("SELECT count(*) FROM snapshots") == 8 * 25
            assert db.scalar("SELECT count(*) FROM metrics WHERE code = 'shared_new_metric_ms'") == 1
            assert db.scalar(
                "SELECT count(*) FROM measurements m JOIN metrics t ON t.id = m.metric_id"
                " WHERE t.code IN ('APP-001', 'shared_new_metric_ms')") == 8 * 25 * 2

    def test_another_process_commit_moves_the_change_token(self, pg_url):
        from perftui.core.session import change_token, open_session

        _created(pg_url)
        with open_session(pg_url, readonly=True) as watcher:
            first = change_token(watcher)
            assert change_token(watcher) == first
            with open_store(pg_url) as writer, writer.transaction():
                writer.execute("INSERT INTO store_meta (key, value) VALUES ('k', 'v')")
            deadline = time.monotonic() + 5
            while change_token(watcher) == first and time.monotonic() < deadline:
                time.sleep(0.05)
            assert change_token(watcher) > first

    def test_sqlite_export_imported_into_postgresql_gives_the_same_status(self, tmp_path,
                                                                          pg_url, cli_run):
        lite = tmp_path / "local.db"
        for i in range(30):
            value = 400 + i % 5 if i < 26 else 560
            code, _, err = cli_run("--db", lite, "--app", "shop", "--env", "ci", "record",
                                   f"APP-001={value}", f"VAL-001={800 + i % 3}",
                                   "--at", f"2026-01-0{1 + i // 24}T{i % 24:02d}:00:00Z")
            assert code == 0, err
        assert cli_run("--db", lite, "export", "--format", "json", "--output",
                       tmp_path / "e.json")[0] == 0
        code, _, err = cli_run("--db", pg_url, "import", tmp_path / "e.json")
        assert code == 0, err
        statuses = []
        for where in (lite, pg_url):
            code, out, err = cli_run("--db", where, "status", "--format", "json")
            assert code == 0, err
            data = json.loads(out)
            for key in ("age_seconds", "store"):
                data.pop(key, None)
            statuses.append(data)
        assert statuses[0] == statuses[1]
        assert any(m["severity"] != "ok" for m in statuses[1]["metrics"])


@pytest.fixture
def cli_run(capsys):
    from tests._users import run_in_process

    return lambda *args: run_in_process(list(args))


def test_environment_variable_selects_postgresql(pg_url, monkeypatch):
    monkeypatch.setenv("PERFTUI_DB", pg_url)
    with open_store(create=True) as db:
        assert db.dialect.name == "postgresql"
    assert os.environ["PERFTUI_DB"] == pg_url


class TestPush:
    """`perftui push --to URL`: a local store into the team store, idempotent and resumable."""

    @pytest.fixture
    def local(self, tmp_path, cli_run):
        path = tmp_path / "local.db"
        for i in range(40):
            value = 400 + i % 5 if i < 34 else 560
            code, _, err = cli_run("--db", path, "--app", "shop", "--env", "ci", "record",
                                   f"APP-001={value}", "--at",
                                   f"2026-01-0{1 + i // 24}T{i % 24:02d}:00:00Z")
            assert code == 0, err
        assert cli_run("--db", path, "targets", "set", "APP-001", "--target", "450")[0] == 0
        return path

    def counts(self, where) -> dict:
        with open_store(str(where)) as db:
            return {t: db.scalar(f"SELECT count(*) FROM {t}") for t in
                    ("snapshots", "measurements", "alerts", "target_changes")}

    def test_push_copies_everything_once(self, local, pg_url, cli_run):
        code, out, err = cli_run("--db", local, "push", "--to", pg_url, "--format", "json")
        assert code == 0, err
        first = json.loads(out)
        assert first["pushed"] == 40 and first["alerts"] >= 1 and first["target_changes"] == 1
        assert self.counts(local) == self.counts(pg_url)
        code, out, _ = cli_run("--db", local, "push", "--to", pg_url, "--format", "json")
        again = json.loads(out)
        assert (again["pushed"], again["already_there"], again["alerts"],
                again["target_changes"]) == (0, 40, 0, 0)
        assert self.counts(local) == self.counts(pg_url)
        with open_store(pg_url) as db:   # alerts point at their snapshots in the team store
            assert db.scalar("SELECT count(*) FROM alerts a JOIN snapshots s"
                             " ON s.id = a.snapshot_id") == db.scalar("SELECT count(*) FROM alerts")

    def test_an_interrupted_push_is_finished_by_running_it_again(self, local, pg_url,
                                                                 monkeypatch):
        import perftui.core.push as push_module
        from perftui.core.session import open_session

        real, calls = push_module.apply_batch, []

        def dies_on_the_third_batch(*args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise KeyboardInterrupt("the network went away")
            return real(*args, **kwargs)

        monkeypatch.setattr(push_module, "apply_batch", dies_on_the_third_batch)
        with open_session(str(local)) as source, open_session(pg_url, create=True) as target:
            with pytest.raises(KeyboardInterrupt):
                push_module.push(source, target, batch=15)
        assert self.counts(pg_url)["snapshots"] == 30          # two whole batches, nothing half
        monkeypatch.setattr(push_module, "apply_batch", real)
        with open_session(str(local)) as source, open_session(pg_url) as target:
            result = push_module.push(source, target, batch=15)
        assert (result["pushed"], result["already_there"]) == (10, 30)
        assert self.counts(local) == self.counts(pg_url)

    def test_an_acknowledgement_in_the_team_store_is_seen_by_everyone(self, local, pg_url,
                                                                      cli_run):
        from perftui.core import alerts
        from perftui.core.session import open_session

        assert cli_run("--db", local, "push", "--to", pg_url)[0] == 0
        with open_session(pg_url) as alice, open_session(pg_url, readonly=True) as bob:
            alert = alerts.list_alerts(alice)[0]
            alerts.acknowledge(alice, alert["id"], by="alice", notes="on it")
            seen = alerts.get_alert(bob, alert["id"])
        assert (seen["status"], seen["acknowledged_by"]) == ("acknowledged", "alice")
