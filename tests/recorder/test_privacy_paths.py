"""Privacy on every path that puts text or keys into the store (issue 10, row 10): the recorder's
metrics, timers and breakdowns, a snapshot recorded directly (`record_snapshot`, which
`perftui record` and `import --replay` use) and the `perftui record` command.

Dropped: a metric or operation name, or a breakdown key, that is a private key name (`user_id`,
`password`), holds an e-mail address or looks like a secret. Hashed: every session id.
Redacted: an e-mail address or secret inside notes or a breakdown's text value.
"""

from __future__ import annotations

import json
import logging

import pytest

from perftui.recorder.sanitize import (REDACTED, hash_session_id, private_reason, redact_text,
                                       sanitize_breakdown, store_session_id)

from tests.recorder._helpers import make_tracker, rows

EMAIL = "alice@example.com"
OPENAI = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv"
GITHUB = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
AWS = "AKIAIOSFODNN7EXAMPLE"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w"
HIGH_ENTROPY = "Zq8Xr2Lm4Vt7Bn1Kd9Pw3Hs6Jf"

PRIVATE_NAMES = ["user_id", "password", "api_key", "Session_ID", "customer_email", OPENAI,
                 GITHUB, AWS, JWT, HIGH_ENTROPY, f"login:{EMAIL}", f"test_login[{EMAIL}]",
                 f"call_{GITHUB}"]
ORDINARY_NAMES = ["db_query_ms", "VAL-001", "APP-001", "tokens_total", "cache_hit_rate",
                  "prompt_token_count", "app_startup", "startup_time_ms", "peak_memory_mb",
                  "benchmarks.TimeSuite.time_keys", "tests/test_x.py::test_foo[param-1]",
                  "bench.py::test_fib_10", "sk-learn-fit-ms", "disk_usage_mb", "token_count",
                  "benchmarks.Auth.time_lookup_by_id", "suite/ReadsResultsDirectory2Params",
                  "0123456789abcdef", "b8e9e2af2493a1ee2f3fa758a9572cd9972e6db7",
                  "data_struct_benchmarks.multi_value_dict.benchmark.MultiValueDictBench."
                  "time_multi_value_dict"]


# -- the policy itself -----------------------------------------------------------------------

@pytest.mark.parametrize("name", PRIVATE_NAMES)
def test_private_names_are_recognised(name):
    assert private_reason(name) is not None


@pytest.mark.parametrize("name", ORDINARY_NAMES)
def test_ordinary_names_pass(name):
    assert private_reason(name) is None


def test_notes_are_redacted_not_dropped():
    note = (f"slow after deploy, ask {EMAIL}; header Authorization: Bearer {GITHUB} "
            f"and password=hunter2 key {AWS}, token {JWT}")
    redacted = redact_text(note)
    for secret in (EMAIL, GITHUB, "hunter2", AWS, JWT):
        assert secret not in redacted
    assert redacted.startswith("slow after deploy, ask [redacted]")
    assert redacted.count(REDACTED) >= 5
    assert redact_text(redacted) == redacted            # idempotent
    plain = "validation 30% slower after commit b8e9e2af2493a1ee2f3fa758a9572cd9972e6db7"
    assert redact_text(plain) == plain


def test_session_ids_are_always_hashed_and_hashing_is_idempotent():
    assert store_session_id("raw-session-42") == hash_session_id("raw-session-42")
    digest = hash_session_id("raw-session-42")
    assert store_session_id(digest) == digest           # perftui's own digests stay as they are
    assert store_session_id(None) is None


def test_breakdowns_drop_private_keys_at_every_depth():
    breakdown = {"db": {"hits": 3, "password": 1, "api_key": 2},
                 EMAIL: {"total_ms": 1.0}, "parse": {"calls": 2, "detail": f"by {EMAIL}"}}
    assert sanitize_breakdown(breakdown) == {"db": {"hits": 3},
                                             "parse": {"calls": 2, "detail": "by [redacted]"}}


# -- the recorder inside a host app -----------------------------------------------------------

def _stored(store_path):
    (ops, cache, errors, session) = rows(
        store_path, "SELECT operations, cache_stats, errors, session_id FROM snapshots")[0]
    codes = {c for (c,) in rows(store_path, "SELECT m.code FROM measurements x JOIN metrics m"
                                            " ON m.id = x.metric_id")}
    return (json.loads(ops or "null"), json.loads(cache or "null"), json.loads(errors or "null"),
            session, codes)


def test_private_metric_names_are_dropped_with_one_warning(store_path, caplog):
    tracker = make_tracker(store_path)
    with caplog.at_level(logging.WARNING, logger="perftui"):
        for name in ("user_id", OPENAI, GITHUB, AWS, JWT):
            tracker.record_metric(name, 42)
            tracker.record_metric(name, 43)          # again: no second warning
        tracker.record_metric("db_query_ms", 12.5)
        tracker.record_metric("tokens_total", 2800)
        assert tracker.record_baseline_snapshot() is not None
    _, _, _, _, codes = _stored(store_path)
    assert {"db_query_ms", "tokens_total"} <= codes
    assert not codes & {"user_id", OPENAI, GITHUB, AWS, JWT}
    registered = {c for (c,) in rows(store_path, "SELECT code FROM metrics")}
    assert not registered & {"user_id", OPENAI, GITHUB, AWS, JWT}
    warnings = [r.getMessage() for r in caplog.records if "private" in r.getMessage()]
    assert len(warnings) == 5
    assert not any(secret in w for w in warnings for secret in (OPENAI, GITHUB, AWS, JWT))


def test_private_operation_names_are_dropped(store_path):
    tracker = make_tracker(store_path)
    for name in (f"login:{EMAIL}", "password", f"call_{GITHUB}"):
        tracker.start_operation(name)
        tracker.stop_operation(name)
        tracker.add_duration(name, 5.0, KeyError("x"))
    with tracker.measure(f"fetch {OPENAI}"):
        pass
    tracker.start_operation("validation")
    tracker.stop_operation("validation")
    assert tracker.record_baseline_snapshot() is not None
    ops, _, errors, _, codes = _stored(store_path)
    assert list(ops) == ["validation"]
    assert errors is None
    text = json.dumps(rows(store_path, "SELECT * FROM snapshots")) + json.dumps(
        rows(store_path, "SELECT code, name FROM metrics"))
    for secret in (EMAIL, GITHUB, OPENAI, "password"):
        assert secret not in text


def test_decorated_private_operation_is_dropped(store_path):
    from perftui import measure_performance

    tracker = make_tracker(store_path)

    @measure_performance(f"user:{EMAIL}", tracker=tracker)
    def work():
        return 1

    assert work() == 1
    tracker.record_metric("db_query_ms", 1.0)
    tracker.record_baseline_snapshot()
    ops, *_ = _stored(store_path)
    assert not ops


def test_private_cache_names_and_keys_are_dropped(store_path):
    tracker = make_tracker(store_path)
    tracker.record_cache_stats(GITHUB, {"hits": 1})
    tracker.record_cache_stats("user_id", {"hits": 1})
    tracker.record_cache_stats("definitions", {"hits": 5, "password": 1, "misses": 2})
    tracker.record_metric("db_query_ms", 1.0)
    tracker.record_baseline_snapshot()
    _, cache, *_ = _stored(store_path)
    assert cache == {"definitions": {"hits": 5.0, "misses": 2.0}}


def test_supplied_session_id_is_hashed(store_path):
    tracker = make_tracker(store_path, session_id=EMAIL)
    tracker.record_metric("db_query_ms", 1.0)
    tracker.record_baseline_snapshot()
    *_, session, _ = _stored(store_path)
    assert session == hash_session_id(EMAIL)


# -- a snapshot recorded directly (the path of `perftui record` and `import --replay`) -----------

def test_record_snapshot_hashes_redacts_and_filters(store_path):
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store.sqlite import connect

    conn = connect(str(store_path))
    try:
        record_snapshot(conn, SnapshotInput(
            metrics={"db_query_ms": 3.0}, app="shop", session_id="raw-session-42",
            notes=f"ask {EMAIL} about token {GITHUB}",
            operations={"parse": {"total_ms": 1.0, "calls": 1}, "api_key": {"calls": 1},
                        f"user {EMAIL}": {"calls": 1}},
            cache_stats={"db": {"hits": 2, "password": 1}},
            errors={"parse": "KeyError", "user_id": "ValueError"}))
    finally:
        conn.close()
    ops, cache, errors, session, codes = _stored(store_path)
    (notes,) = rows(store_path, "SELECT notes FROM snapshots")[0]
    assert session == hash_session_id("raw-session-42")
    assert notes == "ask [redacted] about token [redacted]"
    assert ops == {"parse": {"total_ms": 1.0, "calls": 1}}
    assert cache == {"db": {"hits": 2}}
    assert errors == {"parse": "KeyError"}
    assert codes == {"db_query_ms"}


def test_record_snapshot_refuses_a_private_metric_name(store_path):
    from perftui.errors import RecordError
    from perftui.recorder.evaluate import SnapshotInput, record_snapshot
    from perftui.store.sqlite import connect

    conn = connect(str(store_path))
    try:
        with pytest.raises(RecordError, match="private"):
            record_snapshot(conn, SnapshotInput(metrics={"user_id": 7.0, "db_query_ms": 1.0},
                                                app="shop"))
    finally:
        conn.close()
    assert rows(store_path, "SELECT count(*) FROM snapshots") == [(0,)]


# -- `perftui record` ---------------------------------------------------------------------------

def _cli(capsys, *args):
    from tests._users import run_in_process

    return run_in_process(list(args))


@pytest.mark.parametrize("name", ["user_id", "password", OPENAI, AWS, JWT])
def test_cli_record_refuses_a_private_metric_name(capsys, store_path, name):
    assert _cli(capsys, "--db", store_path, "--app", "web", "record", "db_query_ms=1")[0] == 0
    before = rows(store_path, "SELECT count(*) FROM snapshots"), rows(
        store_path, "SELECT code FROM metrics ORDER BY code")
    code, _, err = _cli(capsys, "--db", store_path, "--app", "web", "record",
                        "db_query_ms=2", f"{name}=5")
    assert code == 2, err
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "private" in err and "Traceback" not in err
    for secret in (OPENAI, AWS, JWT):
        assert secret not in err                      # the refusal does not echo a secret
    after = rows(store_path, "SELECT count(*) FROM snapshots"), rows(
        store_path, "SELECT code FROM metrics ORDER BY code")
    assert after == before


def test_cli_record_keeps_ordinary_names(capsys, store_path):
    names = ["db_query_ms", "VAL-001", "tokens_total", "cache_hit_rate"]
    code, _, err = _cli(capsys, "--db", store_path, "--app", "web", "record",
                        *(f"{n}=0.5" for n in names))
    assert code == 0, err
    codes = {c for (c,) in rows(store_path, "SELECT m.code FROM measurements x JOIN metrics m"
                                            " ON m.id = x.metric_id")}
    assert codes == set(names)


def test_ordinary_recording_compiles_no_pattern(subprocess_env, store_path):
    """The policy costs a host app nothing it did not cost before: ordinary names are judged
    by plain string tests; the patterns are compiled only for a name that could hold a secret."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        from perftui import PerformanceTracker, measure_performance
        import perftui.recorder.sanitize as policy
        t = PerformanceTracker(db={str(store_path)!r}, summary=False, cold_start=False)
        t.start_operation("app_startup"); t.stop_operation("app_startup")
        t.record_metric("prompt_token_count", 2800)
        t.record_metric("VAL-001", 890)
        t.record_cache_stats("definitions", {{"hits": 3, "misses": 1}})
        assert t.record_baseline_snapshot() is not None
        print(policy._patterns is None)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=subprocess_env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "True"
