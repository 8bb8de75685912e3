"""`alerts`, `compare`, `status` and `targets` fit an 80- or 100-column terminal with asv and
pytest-benchmark names (issue 14, item 4): names are cut in the middle, low-value columns go,
numbers are never cut."""

from __future__ import annotations

import json

import pytest

from perftui.cli.tables import Col, fit_widths, middle

LONG = "query_benchmarks.QueryAllConvertedBenchmark.time_query_all_converted_objects"
LONG2 = "tests/test_parser.py::test_parse_very_long_document_with_nested_sections"
ASV = "asv/results/ubuntu-latest"


@pytest.fixture
def long_store(cli, tmp_path, fixtures):
    """An asv import (66 long names, two commits) plus long-named metrics with a regression."""
    db = str(tmp_path / "wide.db")
    files = sorted(str(p) for p in (fixtures / ASV).glob("*-conda-py3.12.json"))
    code, _, err = cli("--db", db, "import", *files, "--format", "asv")
    assert code == 0, err
    values = [100.0 + (i % 3) for i in range(25)] + [140.0, 141.0]
    for i, v in enumerate(values):
        code, _, err = cli("--db", db, "--app", "bench", "record", f"{LONG}={v}",
                           f"{LONG2}={2 * v}", "--commit", f"{i:040x}",
                           "--at", f"2026-11-01T{i // 60:02d}:{i % 60:02d}:00Z")
        assert code == 0, err
    return db


def lines_over(out: str, width: int) -> list[str]:
    return [line for line in out.splitlines() if len(line) > width]


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", [
    ["alerts", "--status", "all", "--severity", "info"],
    ["status", "--app", "bench"],
    ["status"],
    ["targets"],
    ["compare", "4c4f8fd7", "03988c5a"],
])
def test_tables_fit_the_terminal(cli, long_store, monkeypatch, width, command):
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, err = cli("--db", long_store, *command)
    assert code == 0, err
    assert out.strip()
    assert lines_over(out, width) == []


@pytest.mark.parametrize("width", [80, 100])
def test_alert_rows_keep_every_digit_and_say_which_run(cli, long_store, monkeypatch, width):
    code, out, _ = cli("--db", long_store, "alerts", "--app", "bench", "--format", "json")
    alerts = json.loads(out)["alerts"]
    assert alerts
    monkeypatch.setenv("COLUMNS", str(width))
    code, out, _ = cli("--db", long_store, "alerts", "--app", "bench")
    assert code == 0
    for a in alerts:
        row = next(line for line in out.splitlines() if line.lstrip().startswith(f"{a['id']} "))
        for number in (f"{a['current_value']:.0f}", f"{a['expected_value']:.0f}",
                       f"{a['deviation_percent']:+.1f}%", a["last_seen_at"][:16].replace("T", " ")):
            assert number in row, (number, row)
        assert "…" in row  # the long name was cut in the middle
        assert row.split()[2].startswith("bench") or "…" in row.split()[2]


def test_status_cuts_long_ids_in_the_middle_and_keeps_numbers(cli, long_store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = cli("--db", long_store, "status", "--app", "bench")
    row = next(line for line in out.splitlines() if line.startswith("query_benchmarks.Q"))
    assert row.split()[0].endswith("objects") and "…" in row
    assert "141" in row


def test_middle_keeps_both_ends():
    assert middle("abcdefghij", 5) == "ab…ij"
    assert middle("abcdefghij", 6) == "abc…ij"
    assert middle("short", 10) == "short"
    assert middle("abc", 1) == "…"


def test_fit_drops_low_value_columns_before_cutting_names_short_and_never_cuts_numbers():
    cols = [Col("name", shrink=8), Col("value", "right"), Col("scope", drop=1)]
    rows = [["x" * 60, "12,345.6 ms", "some-app/some-environment"]]
    assert fit_widths(200, cols, rows) == [60, 11, 25]
    assert fit_widths(60, cols, rows) == [47, 11, None]  # the scope goes, the name gives way
    assert fit_widths(10, cols, rows) == [8, 11, None]  # too narrow: never below the numbers


def test_alerts_say_what_the_severity_filter_hid_and_how_to_see_it(cli, tmp_path):
    db = str(tmp_path / "spike.db")
    for i, v in enumerate([100.0 + (i % 3) for i in range(25)] + [300.0]):
        code, _, err = cli("--db", db, "record", f"VAL-001={v}", "--commit", f"{i:040x}",
                           "--at", f"2026-11-01T00:{i:02d}:00Z")
        assert code == 0, err
    code, out, _ = cli("--db", db, "alerts", "--status", "all")
    assert code == 0
    assert out.splitlines() == [
        "no alerts of warning or worse",
        "1 info alert hidden below warning: perftui alerts --status all --severity info"]
    code, out, _ = cli("--db", db, "alerts", "--status", "all", "--format", "json")
    assert json.loads(out)["hidden_below_severity"] == 1
    code, out, _ = cli("--db", db, "alerts", "--status", "all", "--severity", "info")
    assert "VAL-001" in out and "hidden" not in out


def test_alert_show_says_which_run_its_numbers_come_from(cli, long_store):
    code, out, _ = cli("--db", long_store, "alerts", "--app", "bench", "--format", "json")
    a = json.loads(out)["alerts"][0]
    code, out, _ = cli("--db", long_store, "alerts", "show", "--id", a["id"])
    assert code == 0
    run = a["last_seen_at"][:16].replace("T", " ")
    assert f"{a['deviation_percent']:+.1f}% in the run of {run}" in out
    assert a["message"].startswith(a["metric_name"])  # the message names its metric
