"""Hostile and nonsensical input: refused with one InputError line naming what is wrong, at
the shared checks every value passes (the importers' validators in importers/model.py and
`record_snapshot`'s validate / value check), never stored and never an internal error."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from perftui.core.importers import ImportFileError, read_file
from perftui.core.importers import model as m
from perftui.core.importing import import_file
from perftui.errors import CatalogError, InputError, RecordError
from perftui.recorder.evaluate import SnapshotInput, check_value, record_snapshot
from perftui.store.catalog import read_catalog_file
from perftui.store.db import open_store

WHEN = "2026-01-01T00:00:00Z"


def write(tmp_path: Path, document, name: str = "in.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def snapshots_file(tmp_path: Path, **fields) -> Path:
    snap = {"recorded_at": WHEN, "metrics": {"APP-001": 5}, **fields}
    return write(tmp_path, {"snapshots": [snap]})


def read(path: Path, fmt: str = "auto", **defaults):
    return read_file(path, fmt, defaults)


@pytest.fixture
def conn(tmp_path):
    return open_store(str(tmp_path / "s.db"), create=True)


def count_snapshots(conn) -> int:
    return conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]


# ------------------------------------------------------------ values their unit cannot have

@pytest.mark.parametrize("metrics, words", [
    ({"APP-001": -5}, ("APP-001", "-5", "negative")),                # ms
    ({"startup_time_ms": -1}, ("startup_time_ms", "negative")),      # unit guessed: ms
    ({"payload_bytes": -1}, ("payload_bytes", "negative")),
    ({"prompt_tokens": -3}, ("prompt_tokens", "negative")),
    ({"cache_hit_ratio": 1.5}, ("cache_hit_ratio", "ratio")),
    ({"cache_hit_ratio": -0.1}, ("cache_hit_ratio", "ratio")),
])
def test_record_refuses_a_value_its_unit_cannot_have(conn, metrics, words):
    with pytest.raises(RecordError) as info:
        record_snapshot(conn, SnapshotInput(metrics))
    assert all(w in str(info.value) for w in words), str(info.value)
    assert count_snapshots(conn) == 0


def test_record_keeps_values_that_may_be_negative_or_any_size(conn):
    record_snapshot(conn, SnapshotInput({"delta_pct": -12.5, "score_change": -3,
                                         "cache_hit_ratio": 1.0, "APP-001": 0}))
    assert count_snapshots(conn) == 1


@pytest.mark.parametrize("value", [1e16, -1e16, 10 ** 400])
def test_absurd_magnitudes_are_refused_in_any_unit(conn, value):
    with pytest.raises(RecordError, match="out of range"):
        record_snapshot(conn, SnapshotInput({"delta_pct": value}))
    with pytest.raises(RecordError, match="out of range"):
        check_value("x", value)
    assert count_snapshots(conn) == 0


def test_import_refuses_negative_durations_by_the_stored_unit(tmp_path, conn):
    path = snapshots_file(tmp_path, metrics={"APP-001": 400, "VAL-001": -5})
    with pytest.raises(ImportFileError, match=r"VAL-001.*-5.*negative"):
        import_file(conn, path)
    assert count_snapshots(conn) == 0
    with pytest.raises(ImportFileError, match="negative"):
        import_file(conn, path, replay=True)
    assert count_snapshots(conn) == 0


def test_import_refuses_absurd_magnitudes(tmp_path):
    with pytest.raises(ImportFileError, match=r"metrics\.APP-001.*out of range"):
        read(snapshots_file(tmp_path, metrics={"APP-001": 1e16}))
    csv = write(tmp_path, "recorded_at,APP-001\n2026-01-01T00:00:00Z,2e15\n", "in.csv")
    with pytest.raises(ImportFileError, match="out of range"):
        read(csv)


# ------------------------------------------------------------ times out of range

def iso(delta: timedelta) -> str:
    return (datetime.now(timezone.utc) + delta).isoformat()


@pytest.mark.parametrize("when, word", [("1969-12-31T23:59:59Z", "before 1970"),
                                        ("1900-01-01T00:00:00Z", "before 1970"),
                                        (iso(timedelta(days=2)), "future")])
def test_recorded_at_before_1970_or_in_the_future_is_refused_everywhere(tmp_path, conn,
                                                                         when, word):
    with pytest.raises(ImportFileError, match=word):
        read(snapshots_file(tmp_path, recorded_at=when))
    with pytest.raises(ImportFileError, match=word):
        read(write(tmp_path, f"recorded_at,APP-001\n{when},5\n", "in.csv"))
    with pytest.raises(RecordError, match=word):
        record_snapshot(conn, SnapshotInput({"APP-001": 5}, recorded_at=when))
    assert count_snapshots(conn) == 0


def test_a_few_hours_ahead_is_clock_skew_not_a_mistake(conn):
    record_snapshot(conn, SnapshotInput({"APP-001": 5}, recorded_at=iso(timedelta(hours=3))))
    assert count_snapshots(conn) == 1


def test_pytest_benchmark_and_asv_times_are_checked_too(tmp_path):
    bench = {"machine_info": {}, "commit_info": {}, "datetime": "1950-01-01T00:00:00",
             "benchmarks": [{"name": "t", "stats": {"median": 0.1}}]}
    with pytest.raises(ImportFileError, match="before 1970"):
        read(write(tmp_path, bench))
    asv = {"commit_hash": "ab" * 20, "date": -86_400 * 365, "results": {"time_x": 0.1}}
    with pytest.raises(ImportFileError, match="before 1970"):
        read(write(tmp_path, asv), "asv")


# ------------------------------------------------------------ machine facts, breakdowns

@pytest.mark.parametrize("field", ["cpu_count", "total_memory_mb"])
def test_negative_or_huge_machine_facts_are_refused(tmp_path, conn, field):
    with pytest.raises(ImportFileError, match=f"{field}.*negative"):
        read(snapshots_file(tmp_path, **{field: -4}))
    with pytest.raises(ImportFileError, match=f"{field}.*out of range"):
        read(snapshots_file(tmp_path, **{field: 1e300}))
    digits = '{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, "%s": %s}]}' % (
        WHEN, field, "9" * 400)
    with pytest.raises(ImportFileError, match=f"{field}.*out of range"):
        read(write(tmp_path, digits))
    with pytest.raises(ImportFileError, match=f"{field}.*negative"):
        read(write(tmp_path, f"recorded_at,{field},APP-001\n{WHEN},-1,5\n", "in.csv"))
    with pytest.raises(RecordError, match=field):
        record_snapshot(conn, SnapshotInput({"APP-001": 5}, **{field: -1}))


@pytest.mark.parametrize("field", ["operations", "cache_stats", "errors"])
@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_a_breakdown_names_the_field(tmp_path, conn, field, bad):
    raw = ('{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, '
           '"%s": {"db": {"count": 3, "total_ms": %s}}}]}') % (WHEN, field, bad)
    with pytest.raises(ImportFileError, match=rf"{field}\.db\.total_ms.*finite"):
        read(write(tmp_path, raw))
    value = float(bad.replace("Infinity", "inf"))
    with pytest.raises(RecordError, match=rf"{field}\.db\.total_ms.*finite"):
        record_snapshot(conn, SnapshotInput({"APP-001": 5},
                                            **{field: {"db": {"total_ms": value}}}))
    assert count_snapshots(conn) == 0


# ------------------------------------------------------------ names, text, shapes

@pytest.mark.parametrize("name", ["APP-001\n", "APP-001\r", "APP\t001", "APP-001\x00"])
def test_a_metric_id_with_a_control_character_is_refused(tmp_path, conn, name):
    with pytest.raises(ImportFileError, match="not a valid metric id"):
        read(snapshots_file(tmp_path, metrics={name: 5}))
    with pytest.raises(RecordError, match="not a valid metric id"):
        record_snapshot(conn, SnapshotInput({name: 5}))
    assert not m.valid_metric_name(name)
    assert conn.execute("SELECT COUNT(*) FROM metrics WHERE code = ?", (name,)).fetchone()[0] == 0


def test_a_catalog_id_with_a_trailing_newline_is_refused(tmp_path):
    path = write(tmp_path, {"metrics": [{"id": "X-1\n", "unit": "ms"}]})
    with pytest.raises(CatalogError, match="short slug"):
        read_catalog_file(path)


def test_lone_surrogates_are_refused_not_stored(tmp_path, conn):
    path = write(tmp_path, '{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, '
                           '"notes": "bad \\ud800 text"}]}' % WHEN)
    with pytest.raises(ImportFileError, match="surrogate"):
        read(path)
    with pytest.raises(ImportFileError, match="surrogate"):
        m.text("bad \ud800", "notes")
    for field in ("git_commit", "notes", "host"):
        with pytest.raises(RecordError, match=f"{field}.*surrogate"):
            record_snapshot(conn, SnapshotInput({"APP-001": 5}, **{field: "x\udc80"}))
    assert count_snapshots(conn) == 0
    # a proper pair is just an emoji
    ok = write(tmp_path, '{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": 5}, '
                         '"notes": "\\ud83d\\ude00"}]}' % WHEN)
    assert read(ok).snapshots[0].fields["notes"] == "\U0001F600"


@pytest.mark.parametrize("raw, words", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"snapshots": [{"recorded_at": "%s", "metrics": {"APP-001": %s}}]}' % (WHEN, "1" * 5000),
     "not valid JSON"),
])
def test_json_that_python_cannot_hold_is_one_import_error(tmp_path, raw, words):
    path = write(tmp_path, raw)
    for fmt in ("auto", "perftui", "pytest-benchmark", "github-action-benchmark"):
        with pytest.raises(ImportFileError, match=words):
            read(path, fmt)


def test_catalog_files_python_cannot_read_are_one_catalog_error(tmp_path):
    binary = tmp_path / "bin.json"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(CatalogError, match="not a UTF-8 text file"):
        read_catalog_file(binary)
    with pytest.raises(CatalogError, match="nested too deeply"):
        read_catalog_file(write(tmp_path, "[" * 100_000))
    with pytest.raises(CatalogError, match="out of range"):
        read_catalog_file(write(tmp_path, '{"metrics": [{"id": "X-1", "target": %s}]}'
                                % ("9" * 400)))
    with pytest.raises(CatalogError, match="surrogate"):
        read_catalog_file(write(tmp_path, '{"metrics": [{"id": "X-1", "name": "\\ud800"}]}'))


@pytest.mark.parametrize("document", [
    {"commit_hash": "ab" * 20, "date": 1.7e12, "result_columns": 5,
     "results": {"time_x": [[0.1], [["1"]]]}},
    {"commit_hash": "ab" * 20, "date": 1.7e12, "results": {"time_x": [[0.1, 0.2], 7]}},
    {"commit_hash": "ab" * 20, "date": 1.7e12, "results": {"time_x": [[0.1], [5]]}},
    {"commit_hash": "ab" * 20, "date": 1.7e12,
     "results": {"time_x": {"result": [0.1], "params": [[{"a": 1}]]}}},
])
def test_asv_numbers_or_objects_where_lists_belong(tmp_path, document):
    with pytest.raises(ImportFileError):
        read(write(tmp_path, document), "asv")


@pytest.mark.parametrize("section, row, words", [
    ("alerts", {"metric_code": "APP-001", "app": "a", "environment": "e",
                "alert_type": "regression", "severity": "warning", "status": "open",
                "triggered_at": WHEN, "last_seen_at": WHEN, "current_value": 5,
                "message": {"not": "text"}}, "message"),
    ("baseline_resets", {"metric_code": "APP-001", "app": "a", "environment": "e",
                         "since": WHEN, "notes": ["x"]}, "notes"),
])
def test_an_object_where_text_belongs_in_an_export(tmp_path, section, row, words):
    path = write(tmp_path, {"format": "perftui-export", "snapshots": [], section: [row]})
    with pytest.raises(ImportFileError, match=words):
        read(path)


@pytest.mark.parametrize("agg, words", [
    ({"min": 5, "max": 1, "median": 3, "p95": 3}, "min .* above max"),
    ({"min": 1, "max": 5, "median": 9, "p95": 4}, "median.*outside"),
    ({"min": 1, "max": 5, "median": 3, "p95": 0.5}, "p95.*outside"),
])
def test_daily_aggregates_out_of_order_are_refused(tmp_path, agg, words):
    row = {"day": "2026-01-01", "app": "a", "environment": "e", "metric_code": "APP-001",
           "count": 3, "mean": 3, **agg}
    path = write(tmp_path, {"format": "perftui-export", "snapshots": [],
                            "daily_aggregates": [row]})
    with pytest.raises(ImportFileError, match=words):
        read(path)


# ------------------------------------------------------------ pytest-benchmark placeholders

@pytest.mark.parametrize("commit_id, branch", [("unversioned", "(unknown)"), ("", ""),
                                               (None, None), ("(unknown)", "unversioned")])
def test_pytest_benchmark_placeholders_take_the_given_commit_and_branch(tmp_path, commit_id,
                                                                        branch):
    bench = {"machine_info": {"node": "h"}, "commit_info": {"id": commit_id, "branch": branch},
             "datetime": WHEN, "benchmarks": [{"name": "t", "stats": {"median": 0.1}}]}
    batch = read(write(tmp_path, bench), git_commit="abc123", git_branch="main")
    fields = batch.snapshots[0].fields
    assert (fields["git_commit"], fields["git_branch"]) == ("abc123", "main")


def test_pytest_benchmark_real_commit_and_branch_win_over_the_defaults(tmp_path):
    bench = {"machine_info": {}, "commit_info": {"id": "deadbeef", "branch": "feature"},
             "datetime": WHEN, "benchmarks": [{"name": "t", "stats": {"median": 0.1}}]}
    fields = read(write(tmp_path, bench), git_commit="abc", git_branch="main").snapshots[0].fields
    assert (fields["git_commit"], fields["git_branch"]) == ("deadbeef", "feature")


def test_every_refusal_is_an_input_error():
    assert issubclass(ImportFileError, InputError) and issubclass(RecordError, InputError)


# -- terminal control characters in imported text ---------------------------------------------

OSC = "\x1b]0;pwned\x07"


@pytest.mark.parametrize("field", ["app", "environment", "host", "git_branch", "git_commit",
                                   "app_version", "platform"])
def test_import_refuses_control_characters_in_text_fields(tmp_path, field):
    """ESC and BEL are ASCII: the importers' fast path for ASCII text let them through."""
    with pytest.raises(ImportFileError, match=f"{field}.*control character"):
        read(snapshots_file(tmp_path, **{field: f"x{OSC}"}))


def test_import_notes_may_hold_lines_but_no_escapes(tmp_path):
    batch = read(snapshots_file(tmp_path, notes="first line\nsecond\tline"))
    assert batch.snapshots[0].fields["notes"] == "first line\nsecond\tline"
    with pytest.raises(ImportFileError, match="notes.*control character"):
        read(snapshots_file(tmp_path, notes=f"ok{OSC}"))


def test_import_refuses_control_characters_in_exported_alerts(tmp_path):
    alert = {"metric_code": "APP-001", "app": "shop", "environment": "prod",
             "alert_type": "threshold", "severity": "error", "status": "acknowledged",
             "triggered_at": WHEN, "last_seen_at": WHEN, "current_value": 5,
             "acknowledged_by": f"eve{OSC}"}
    document = {"format": "perftui-export", "version": 1,
                "snapshots": [{"recorded_at": WHEN, "metrics": {"APP-001": 5}}],
                "alerts": [alert]}
    with pytest.raises(ImportFileError, match="acknowledged_by.*control character"):
        read(write(tmp_path, document))


def test_pytest_benchmark_machine_name_with_an_escape_is_refused(tmp_path):
    document = {"machine_info": {"node": f"ci{OSC}", "python_version": "3.11"},
                "commit_info": {"id": "abc", "branch": "main"}, "datetime": WHEN,
                "benchmarks": [{"name": "test_x", "fullname": "t.py::test_x",
                                "stats": {"min": 0.1, "max": 0.2, "mean": 0.15, "median": 0.15,
                                          "stddev": 0.01, "rounds": 5, "iterations": 1,
                                          "ops": 6.6}}]}
    with pytest.raises(ImportFileError, match="node.*control character"):
        read(write(tmp_path, document), "pytest-benchmark")
