"""`perftui import` applies the recorder's privacy policy (issue 10, row 10): session ids are
stored hashed, notes redacted, breakdown keys that are private dropped, and a metric whose name
is private is left out with a note in the import summary (the rest of the file imports).
Both the bulk path and `--replay` (which records through `record_snapshot`)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from perftui.recorder.sanitize import hash_session_id

EMAIL = "alice@example.com"
GITHUB = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
AWS = "AKIAIOSFODNN7EXAMPLE"
DIGEST = "0123456789abcdef"


def _cli(capsys, *args):
    from tests._users import run_in_process

    return run_in_process(list(args))


def _rows(store, sql):
    conn = sqlite3.connect(store)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _codes(store):
    return {c for (c,) in _rows(store, "SELECT m.code FROM measurements x JOIN metrics m"
                                       " ON m.id = x.metric_id")}


def _everything(store) -> str:
    text = []
    for table in ("snapshots", "metrics", "measurements", "alerts"):
        text.append(json.dumps(_rows(store, f"SELECT * FROM {table}"), default=str))
    return "\n".join(text)


def _perftui_file(tmp_path):
    doc = {"app": "shop", "environment": "ci", "snapshots": [
        {"recorded_at": "2026-01-01T00:00:00Z", "session_id": "raw-session-42",
         "notes": f"slow; ask {EMAIL}, Authorization: Bearer {GITHUB}",
         "metrics": {"APP-001": 400.0, "user_id": 7, AWS: 3, "tokens_total": 2800},
         "operations": {"parse": {"total_ms": 1.5, "calls": 1}, "api_key": {"calls": 1},
                        f"login:{EMAIL}": {"calls": 2}},
         "cache_stats": {"db": {"hits": 3, "password": 1}, GITHUB: {"hits": 1}},
         "errors": {"parse": "KeyError", "user_id": "ValueError"}},
        {"recorded_at": "2026-01-02T00:00:00Z", "session_id": DIGEST,
         "metrics": {"APP-001": 410.0, "tokens_total": 2900}}]}
    path = tmp_path / "run.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("replay", [False, True], ids=["bulk", "replay"])
def test_perftui_json_import_is_private(capsys, tmp_path, replay):
    store = tmp_path / "store.db"
    code, out, err = _cli(capsys, "--db", store, "import", _perftui_file(tmp_path), "--json",
                          *(["--replay"] if replay else []))
    assert code == 0, err
    summary = json.loads(out)
    assert summary["imported"] == 2
    assert any("user_id" in note and "private" in note for note in summary["notes"])
    assert not any(AWS in note for note in summary["notes"])   # the note does not echo a secret
    (first, second) = _rows(store, "SELECT session_id, notes, operations, cache_stats, errors"
                                   " FROM snapshots ORDER BY recorded_at")
    assert first[0] == hash_session_id("raw-session-42")
    assert second[0] == DIGEST                   # perftui's own digest is not hashed again
    assert first[1] == "slow; ask [redacted], Authorization: Bearer [redacted]"
    assert json.loads(first[2]) == {"parse": {"total_ms": 1.5, "calls": 1}}
    assert json.loads(first[3]) == {"db": {"hits": 3}}
    assert json.loads(first[4]) == {"parse": "KeyError"}
    assert _codes(store) == {"APP-001", "tokens_total"}
    everything = _everything(store)
    for secret in (EMAIL, GITHUB, AWS, "raw-session-42", "user_id", "api_key", "password"):
        assert secret not in everything


def test_csv_import_is_private(capsys, tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("recorded_at,app,session_id,notes,APP-001,user_id\n"
                    f"2026-01-01T00:00:00Z,shop,raw-session-42,ping {EMAIL},400,7\n")
    store = tmp_path / "store.db"
    code, out, err = _cli(capsys, "--db", store, "import", path, "--json")
    assert code == 0, err
    assert any("user_id" in note for note in json.loads(out)["notes"])
    assert _rows(store, "SELECT session_id, notes FROM snapshots") == [
        (hash_session_id("raw-session-42"), "ping [redacted]")]
    assert _codes(store) == {"APP-001"}


def test_pytest_benchmark_names_with_an_email_are_dropped(capsys, tmp_path):
    def bench(name, median):
        return {"name": name, "fullname": f"tests/test_x.py::{name}", "group": None,
                "stats": {"median": median, "mean": median}}

    doc = {"machine_info": {"node": "box", "python_version": "3.12.0", "system": "Linux"},
           "commit_info": {"id": "ab" * 20, "branch": "main"},
           "datetime": "2026-01-01T00:00:00Z",
           "benchmarks": [bench("test_foo[param-1]", 0.002), bench(f"test_login[{EMAIL}]", 0.003),
                          bench(f"test_token[{GITHUB}]", 0.004)]}
    path = tmp_path / "bench.json"
    path.write_text(json.dumps(doc))
    store = tmp_path / "store.db"
    code, out, err = _cli(capsys, "--db", store, "import", path, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["measurements"] == 1 and len(summary["notes"]) >= 1
    assert _codes(store) == {"tests/test_x.py::test_foo_param-1"}
    everything = _everything(store)
    assert EMAIL not in everything and GITHUB not in everything
    assert "alice" not in everything


def test_asv_parameter_with_an_email_is_dropped(capsys, tmp_path):
    doc = {"commit_hash": "ab" * 20, "env_name": "py", "date": 1700000000000,
           "params": {"machine": "box"}, "version": 2,
           "result_columns": ["result", "params", "version"],
           "results": {"benchmarks.TimeSuite.time_keys": [[0.5], [], "v"],
                       "benchmarks.Auth.time_login": [[0.1, 0.2], [[f"'{EMAIL}'", "'bob'"]],
                                                      "v"]}}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc))
    store = tmp_path / "store.db"
    code, out, err = _cli(capsys, "--db", store, "import", path, "--format", "asv", "--json")
    assert code == 0, err
    assert _codes(store) == {"benchmarks.TimeSuite.time_keys", "benchmarks.Auth.time_login_bob"}
    assert "alice" not in _everything(store)


def test_a_file_with_only_private_metrics_still_imports_its_snapshot(capsys, tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps({"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z",
                                               "metrics": {"password": 1}}]}))
    store = tmp_path / "store.db"
    code, out, err = _cli(capsys, "--db", store, "import", path, "--json")
    assert code == 0, err
    assert _codes(store) == set()
    assert "password" not in _everything(store)


def test_export_then_import_keeps_hashed_session_ids(capsys, tmp_path):
    first = tmp_path / "first.db"
    assert _cli(capsys, "--db", first, "import", _perftui_file(tmp_path))[0] == 0
    dump = tmp_path / "dump.json"
    assert _cli(capsys, "--db", first, "export", "--format", "json", "--output", dump)[0] == 0
    second = tmp_path / "second.db"
    code, _, err = _cli(capsys, "--db", second, "import", dump)
    assert code == 0, err
    query = "SELECT session_id, notes, operations FROM snapshots ORDER BY recorded_at"
    assert _rows(second, query) == _rows(first, query)
