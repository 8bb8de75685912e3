"""`perftui import FILE [FILE ...]` and quoted glob patterns: every file checked before any is
written, oldest run first whatever the order given, a line per file and a total; one file
behaves (and prints) as before."""

from __future__ import annotations

import json
import shutil

import pytest

from ._helpers import assert_one_line_error, fingerprint, query

OLD = "codspeed/results_1764666000000.json"       # 2025-12-02 09:00
NEW = "codspeed/results_1764752400000.json"       # 2025-12-03 09:00, 12 % slower
JUNIT = "junit/pytest8_xunit2.xml"                # 2026-12-02


def stored_runs(db) -> list[tuple[str, int]]:
    """(recorded_at, measurements) of each stored snapshot, in the order they were written."""
    return [(r[0], r[1]) for r in query(db, "SELECT s.recorded_at, COUNT(m.snapshot_id) FROM "
                                            "snapshots s JOIN measurements m ON "
                                            "m.snapshot_id = s.id GROUP BY s.id, s.recorded_at "
                                            "ORDER BY s.id")]


def test_several_files_are_imported_oldest_run_first(cli, stores, fixtures):
    db = stores.new()
    code, out, err = cli("--db", db, "import", fixtures / JUNIT, fixtures / NEW, fixtures / OLD,
                         "--json")
    assert code == 0, err
    result = json.loads(out)
    assert [f["file"].split("importers/")[1] for f in result["files"]] == [OLD, NEW, JUNIT]
    total = result["total"]
    assert (total["files"], total["imported"], total["in_file"], total["measurements"]) == \
        (3, 3, 3, 10)
    assert total["first"].startswith("2025-12-02") and total["last"].startswith("2026-12-02")
    runs = stored_runs(db)
    assert [at[:10] for at, _ in runs] == ["2025-12-02", "2025-12-03", "2026-12-02"]


def test_text_summary_has_a_line_per_file_and_a_total(cli, tmp_path, fixtures):
    db = tmp_path / "s.db"
    code, out, err = cli("--db", db, "import", fixtures / NEW, fixtures / OLD)
    assert code == 0, err
    imported = [line for line in out.splitlines() if line.startswith("imported ")]
    assert [line.split(" from ")[1].split(" ")[0].endswith(name) for line, name in
            zip(imported, (OLD, NEW))] == [True, True]
    assert "total: imported 2 of 2 snapshots (6 values) from 2 files" in out


def test_a_quoted_glob_is_expanded_by_perftui(cli, tmp_path, fixtures):
    db = tmp_path / "s.db"
    code, out, err = cli("--db", db, "import", str(fixtures / "codspeed" / "results_*.json"),
                         "--json")
    assert code == 0, err
    assert [f["format"] for f in json.loads(out)["files"]] == ["pytest-codspeed"] * 2
    code, out, _ = cli("--db", db, "import", str(fixtures / "codspeed" / "results_*.json"))
    assert code == 0 and "total: imported 0 of 2 snapshots" in out     # already stored


def test_a_glob_matching_nothing_is_one_error(cli, tmp_path):
    db = tmp_path / "s.db"
    code, _, err = cli("--db", db, "import", str(tmp_path / "results_*.json"))
    assert_one_line_error(code, err, "no file matches", "results_*.json")
    assert fingerprint(db) == "absent"


@pytest.mark.parametrize("bad", ["junit", "codspeed", "store unit"])
def test_a_bad_file_among_good_ones_changes_nothing(cli, tmp_path, fixtures, bad):
    db = tmp_path / "s.db"
    assert cli("--db", db, "import", fixtures / JUNIT)[0] == 0
    before = fingerprint(db)
    if bad == "junit":
        path = tmp_path / "broken.xml"
        path.write_text('<testsuite><testcase classname="a" name="b" time="-1"/></testsuite>')
        words = ("broken.xml", "negative")
    elif bad == "codspeed":
        path = tmp_path / "results_1764800000000.json"
        path.write_text((fixtures / OLD).read_text()[:500])
        words = ("results_1764800000000.json", "truncated")
    else:       # well-formed, but a value the store's (or an earlier file's) unit cannot have
        path = tmp_path / "later.json"
        path.write_text(json.dumps({"snapshots": [
            {"recorded_at": "2026-12-01T00:00:00Z", "metrics": {"tests/test_io.py::test_load_"
                                                                "store": -1}}]}))
        words = ("later.json", "negative", "nothing was imported")
    code, out, err = cli("--db", db, "import", fixtures / OLD, path, fixtures / NEW)
    assert_one_line_error(code, err, *words)
    assert out == "" and fingerprint(db) == before


def test_a_unit_an_earlier_file_registers_is_checked_before_writing(cli, tmp_path):
    db = tmp_path / "s.db"
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_text(json.dumps({"snapshots": [
        {"recorded_at": "2025-01-01T00:00:00Z", "metrics": {"load_ms": 5}}]}))
    second.write_text(json.dumps({"snapshots": [
        {"recorded_at": "2025-01-02T00:00:00Z", "metrics": {"load_ms": -5}}]}))
    code, _, err = cli("--db", db, "import", second, first)
    assert_one_line_error(code, err, "b.json", "load_ms", "nothing was imported")
    assert not query(db, "SELECT * FROM snapshots")


def test_one_file_prints_as_before(cli, tmp_path, fixtures):
    db = tmp_path / "s.db"
    code, out, _ = cli("--db", db, "import", fixtures / OLD)
    assert code == 0
    assert out.startswith(f"imported 1 of 1 snapshots (3 values) from {fixtures / OLD} "
                          "[pytest-codspeed] (2025-12-02 .. 2025-12-02)\n")
    assert "total:" not in out
    copy = tmp_path / "copy.json"
    shutil.copy(fixtures / NEW, copy)
    code, out, _ = cli("--db", db, "import", copy, "--json")
    summary = json.loads(out)
    assert code == 0 and summary["file"] == str(copy) and "files" not in summary


def test_the_same_file_twice_is_read_once(cli, tmp_path, fixtures):
    db = tmp_path / "s.db"
    code, out, err = cli("--db", db, "import", fixtures / OLD, fixtures / OLD, fixtures / NEW,
                         "--json")
    assert code == 0, err
    assert json.loads(out)["total"]["files"] == 2


def test_help_names_the_new_formats_and_globs(cli):
    code, out, _ = cli("import", "--help")
    assert code == 0
    assert "pytest-codspeed" in out and "junit" in out and "results_*.json" in out
