"""The pytest-codspeed and JUnit XML importers: real-shaped files, detection, ids shared with
pytest-benchmark's importer, and every kind of bad input as one ImportFileError line with the
store unchanged."""

from __future__ import annotations

import json
import os
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from perftui.core.importers import FORMATS, ImportFileError, read_file
from perftui.core.importers.junit import node_id
from perftui.core.importing import harmonise_units, import_file
from perftui.store.db import open_store
from perftui.store.metrics import Catalog

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "importers"
CODSPEED = FIXTURES / "codspeed" / "results_1764666000000.json"
XUNIT2 = FIXTURES / "junit" / "pytest8_xunit2.xml"
XUNIT1 = FIXTURES / "junit" / "pytest8_xunit1.xml"
NODES = ["tests/test_io.py::test_load_store", "tests/test_parse.py::test_parse_small",
         "tests/test_parse.py::TestRender::test_render[narrow]",
         "tests/test_parse.py::TestRender::test_render[wide]"]


def read(path, fmt="auto", **defaults):
    return read_file(Path(path), fmt, defaults)


def pytest_benchmark_ids(tmp_path: Path, fullnames: list[str]) -> list[str]:
    """The metric ids pytest-benchmark's importer gives these tests."""
    document = {"machine_info": {"node": "vm"}, "commit_info": {"id": "abc"},
                "datetime": "2025-12-01T10:00:00+00:00",
                "benchmarks": [{"fullname": name, "name": name.split("::")[-1],
                                "stats": {"median": 0.001}} for name in fullnames]}
    path = tmp_path / "pb.json"
    path.write_text(json.dumps(document))
    return list(read(path, "pytest-benchmark").snapshots[0].metrics)


# ------------------------------------------------------------------------ pytest-codspeed

def test_codspeed_results_file():
    batch = read(CODSPEED)
    assert batch.source_format == "pytest-codspeed" and not batch.notes
    (snap,) = batch.snapshots
    assert snap.fields["recorded_at"] == "2025-12-02T09:00:00.000000Z"     # from the name
    assert snap.fields["python_version"] == "3.12.7"
    assert snap.metrics["tests/benchmarks/test_parse.py::TestRender::test_render_wide"] == \
        pytest.approx(1835122.0e-9)                                        # median_ns, as s
    hint = batch.hints["tests/benchmarks/test_parse.py::TestRender::test_render_wide"]
    assert hint.name == "tests/benchmarks/test_parse.py::TestRender::test_render[wide]"
    assert hint.rescale and hint.direction == "lower" and "median" in hint.description
    harmonise_units(batch, Catalog([]))
    units = {k.rsplit("::", 1)[1]: h.unit for k, h in batch.hints.items()}
    assert units == {"test_parse_small": "us", "test_render_wide": "ms", "test_load_store": "ns"}


def test_codspeed_without_a_time_in_its_name_takes_the_mtime_with_a_note(tmp_path):
    path = tmp_path / "48211.json"              # what the CodSpeed runner writes
    path.write_text(CODSPEED.read_text())
    os.utime(path, (1764700000, 1764700000))
    batch = read(path)
    assert batch.snapshots[0].fields["recorded_at"].startswith("2025-12-02T18:26:40")
    assert any("modification time" in note for note in batch.notes)


def test_codspeed_ids_equal_pytest_benchmarks_for_the_same_test(tmp_path):
    uris = [b["uri"] for b in json.loads(CODSPEED.read_text())["benchmarks"]]
    assert list(read(CODSPEED).snapshots[0].metrics) == pytest_benchmark_ids(tmp_path, uris)


# ------------------------------------------------------------------------------- JUnit

@pytest.mark.parametrize("path", [XUNIT2, XUNIT1], ids=["xunit2", "xunit1"])
def test_junit_from_pytest(path):
    batch = read(path)
    assert batch.source_format == "junit"
    (snap,) = batch.snapshots
    assert snap.fields["recorded_at"].startswith("2026-12-02T19:53:")
    assert snap.fields["host"] == "vm"
    assert [batch.hints[k].name for k in snap.metrics] == NODES    # skipped, failed left out
    assert snap.metrics["tests/test_io.py::test_load_store"] == pytest.approx(0.032)
    (note,) = batch.notes
    assert "1 failed or errored" in note and "tests/test_parse.py::test_known_broken" in note
    assert all(h.rescale and h.unit == "s" for h in batch.hints.values())


def test_junit_ids_equal_pytest_benchmarks_for_the_same_test(tmp_path):
    assert list(read(XUNIT2).snapshots[0].metrics) == pytest_benchmark_ids(tmp_path, NODES)


@pytest.mark.parametrize("classname, name, file, node", [
    ("tests.test_x", "test_a", None, "tests/test_x.py::test_a"),
    ("tests.test_x.TestA.TestB", "test_b[1-2]", None, "tests/test_x.py::TestA::TestB::test_b[1-2]"),
    ("test_x", "test_c", None, "test_x.py::test_c"),
    ("pkg.Test_mod.TestA", "t", "pkg/Test_mod.py", "pkg/Test_mod.py::TestA::t"),
    ("", "test_d", None, "test_d"),
])
def test_node_ids_are_rebuilt_as_pytest_wrote_them(classname, name, file, node):
    assert node_id(classname, name, file) == node


def test_junit_timestamp_without_an_offset_is_local_time(tmp_path):
    path = tmp_path / "r.xml"
    path.write_text('<testsuite timestamp="2025-06-01T12:00:00"><testcase classname="t" '
                    'name="test_a" time="1.5"/></testsuite>')
    expected = datetime(2025, 6, 1, 12).astimezone().astimezone(timezone.utc)
    assert read(path).snapshots[0].fields["recorded_at"].startswith(
        expected.strftime("%Y-%m-%dT%H:%M:%S"))


def test_junit_without_timestamp_takes_the_mtime_with_a_note(tmp_path):
    path = tmp_path / "r.xml"
    path.write_text('<testsuites><testsuite><testcase classname="t" name="test_a" time="2"/>'
                    '</testsuite></testsuites>')
    os.utime(path, (1764700000, 1764700000))
    batch = read(path)
    assert batch.snapshots[0].fields["recorded_at"].startswith("2025-12-02T18:26:40")
    assert any("modification time" in note for note in batch.notes)


def test_a_huge_junit_file_is_streamed(tmp_path):
    path = tmp_path / "big.xml"
    with open(path, "w") as out:
        out.write('<testsuites><testsuite timestamp="2025-01-01T00:00:00+00:00">')
        for i in range(2000):
            out.write(f'<testcase classname="tests.test_big" name="test_{i}" time="0.{i:03d}">'
                      f'<system-out>{"x" * 8000}</system-out></testcase>')
        out.write("</testsuite></testsuites>")
    assert path.stat().st_size > 15_000_000
    tracemalloc.start()
    try:
        batch = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(batch.snapshots[0].metrics) == 2000
    assert peak < 5_000_000, peak


# ----------------------------------------------------------------------------- detection

@pytest.mark.parametrize("path, fmt", [(CODSPEED, "pytest-codspeed"), (XUNIT2, "junit"),
                                       (XUNIT1, "junit")])
def test_auto_detects_and_the_format_can_be_named(path, fmt):
    assert fmt in FORMATS
    assert read(path).source_format == fmt == read(path, fmt).source_format


def test_formats_do_not_take_each_others_files():
    with pytest.raises(ImportFileError, match="not a pytest-codspeed"):
        read(FIXTURES / "pytest-benchmark" / "gab_pytest_several_units.json", "pytest-codspeed")
    with pytest.raises(ImportFileError, match="not valid XML"):
        read(CODSPEED, "junit")


# ----------------------------------------------------------------------------- bad input

def codspeed_doc(**stats) -> dict:
    document = json.loads(CODSPEED.read_text())
    document["benchmarks"][0]["stats"].update(stats)
    return document


def _codspeed(tmp_path, document, raw=None) -> Path:
    path = tmp_path / "results_1764666000000.json"
    path.write_text(raw if raw is not None else json.dumps(document))
    return path


BAD_CODSPEED = {
    "median text": (lambda: codspeed_doc(median_ns="4.2"), "stats.median_ns"),
    "median negative": (lambda: codspeed_doc(median_ns=-3), "negative"),
    "median NaN": (lambda: codspeed_doc(median_ns=float("nan")), "finite"),
    "median missing": (lambda: {**codspeed_doc(), "benchmarks": [
        {"uri": "t.py::test_a", "stats": {"mean_ns": 4}}]}, "stats.median_ns"),
    "stats missing": (lambda: {**codspeed_doc(), "benchmarks": [{"uri": "t.py::test_a"}]},
                      "stats are missing"),
    "no benchmarks": (lambda: {**codspeed_doc(), "benchmarks": []}, "no benchmarks"),
    "benchmarks an object": (lambda: {**codspeed_doc(), "benchmarks": {}}, "must be a list"),
    "simulation mode": (lambda: {"creator": {"name": "pytest-codspeed"},
                                 "instrument": {"type": "instrumentation"}}, "walltime"),
    "twice": (lambda: {**codspeed_doc(), "benchmarks": codspeed_doc()["benchmarks"][:1] * 2},
              "appears twice"),
    "escape in uri": (lambda: {**codspeed_doc(), "benchmarks": [
        {"uri": "t.py::test_\x1b[2J", "stats": {"median_ns": 4}}]}, "control character"),
}


@pytest.mark.parametrize("case", BAD_CODSPEED)
def test_bad_codspeed_files_are_one_error_and_change_nothing(tmp_path, case):
    make, words = BAD_CODSPEED[case]
    path = _codspeed(tmp_path, make())
    _refused(tmp_path, path, "pytest-codspeed", words)


def test_truncated_or_future_codspeed_files(tmp_path):
    raw = CODSPEED.read_text()
    _refused(tmp_path, _codspeed(tmp_path, None, raw[: len(raw) // 2]), "pytest-codspeed",
             "truncated")
    future = int((datetime.now(timezone.utc) + timedelta(days=3)).timestamp() * 1000)
    path = tmp_path / f"results_{future}.json"
    path.write_text(raw)
    _refused(tmp_path, path, "pytest-codspeed", "future")


CASE = '<testcase classname="tests.test_x" name="test_a" time="{}"/>'
SUITE = '<testsuites><testsuite timestamp="2025-01-01T00:00:00+00:00">{}</testsuite></testsuites>'
BAD_JUNIT = {
    "malformed": (SUITE.format("<testcase classname='a' name='b' time='1'>"), "not valid XML"),
    "truncated": (SUITE.format(CASE.format("1"))[:-30], "truncated"),
    "text time": (SUITE.format(CASE.format("fast")), "not a number"),
    "negative time": (SUITE.format(CASE.format("-0.5")), "negative"),
    "nan time": (SUITE.format(CASE.format("nan")), "not a number"),
    "huge time": (SUITE.format(CASE.format("1e400")), "finite"),
    "no time": (SUITE.format('<testcase classname="a" name="b"/>'), "no time"),
    "bad timestamp": ('<testsuite timestamp="yesterday">' + CASE.format("1") + "</testsuite>",
                      "timestamp"),
    "entity": ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b '
               '"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + SUITE.format(CASE.format("1")).replace(
                   'name="test_a"', 'name="&b;"'), "DOCTYPE"),
    "external": ('<!DOCTYPE x SYSTEM "file:///etc/passwd">' + SUITE.format(CASE.format("1")),
                 "DOCTYPE"),
    "not junit": ('<?xml version="1.0"?><svg><g/></svg>', "not JUnit"),
    "all failed": (SUITE.format('<testcase classname="a" name="b" time="1"><failure/>'
                                '</testcase>'), "no passing test"),
    "twice": (SUITE.format(CASE.format("1") * 2), "appears twice"),
    "control": (SUITE.format('<testcase classname="a" name="b&#x9b;2J" time="1"/>'),
                "control character"),
    "undefined entity": (SUITE.format('<testcase classname="a" name="&x;" time="1"/>'),
                         "undefined entity"),
}


@pytest.mark.parametrize("case", BAD_JUNIT)
def test_bad_junit_files_are_one_error_and_change_nothing(tmp_path, case):
    raw, words = BAD_JUNIT[case]
    path = tmp_path / "report.xml"
    path.write_text(raw)
    _refused(tmp_path, path, "junit", words, auto=case != "not junit")


def test_a_binary_file_named_xml_is_refused(tmp_path):
    path = tmp_path / "report.xml"
    path.write_bytes(b"<\x00\x01\x02\xff\xfe" * 100)
    _refused(tmp_path, path, "junit", "binary", auto=False)


def _refused(tmp_path: Path, path: Path, fmt: str, words: str, auto: bool = True) -> None:
    conn = open_store(str(tmp_path / "s.db"), create=True)
    try:
        for how in (fmt, "auto") if auto else (fmt,):
            with pytest.raises(ImportFileError) as caught:
                import_file(conn, path, how)
            message = str(caught.value)
            assert "\n" not in message and str(path) in message, message
            assert words.lower() in message.lower(), message
        assert conn.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM metrics WHERE source IN "
                            "('junit', 'pytest-codspeed')").fetchone()[0] == 0
    finally:
        conn.close()
