"""`perftui import` streams (issue 11): the JSON reader, the sorted runs, bounded memory.

A 1M-snapshot export took 4.8 GB to import (json.load of the whole file, every snapshot as an
object, sorted, deduplicated with sets of the store's keys). Now the file is read a snapshot
at a time, checked whole before the store is touched, and written oldest first in chunks.
"""

from __future__ import annotations

import json
import tempfile
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest

from perftui.core import importing
from perftui.core.importers import ImportFileError, jsonstream, ordered, read_file
from perftui.core.importers.model import ImportedSnapshot
from perftui.store import bulk
from perftui.store.db import open_store
from perftui.timefmt import to_iso, utcnow


def events(path: Path, size: int = 7) -> list[tuple]:
    return list(jsonstream.events(path, size=size))


def items(path: Path, size: int = 7) -> list:
    return [e[2] for e in events(path, size) if e[0] == "item"]


def write(tmp_path: Path, text: str, name: str = "f.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------ the reader

TRICKY = [{"s": 'a "quoted" ] } [ { \\ text', "n": [1, 2.5e-3, -0.0, {"x": []}]},
          {"emoji": "\U0001F600 \u00e9", "esc": "\\\"\\u0041", "t": True, "f": False,
           "z": None},
          {}, [], "plain", 12345678901234567890, 3.25]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1 << 16])
def test_elements_come_out_whole_whatever_the_buffer_size(tmp_path, size):
    document = {"format": "perftui-export", "catalog": {"metrics": [{"id": "A", "x": "]}"}]},
                "snapshots": TRICKY, "alerts": [{"m": "[{"}]}
    path = write(tmp_path, json.dumps(document, indent=2))
    got = events(path, size)
    assert got[0] == ("member", "format", "perftui-export")
    assert got[1] == ("member", "catalog", document["catalog"])
    assert got[2] == ("start", "snapshots")
    assert [e[2] for e in got if e[0] == "item"] == TRICKY
    assert [e[1] for e in got if e[0] == "item"] == list(range(len(TRICKY)))
    assert got[-2] == ("end", "snapshots")
    assert got[-1] == ("member", "alerts", document["alerts"])


@pytest.mark.parametrize("text", [' \n\t{ "snapshots" :\n[ 1 ,\r\n 2 ] , "x" : { } }\n\n ',
                                  '{"snapshots":[1,2],"x":{}}'])
def test_white_space_anywhere(tmp_path, text):
    assert events(write(tmp_path, text), 3) == [
        ("start", "snapshots"), ("item", 0, 1), ("item", 1, 2), ("end", "snapshots"),
        ("member", "x", {})]


def test_a_top_level_list_and_empty_containers(tmp_path):
    assert items(write(tmp_path, '[{"a": 1}, {"b": [2]}]')) == [{"a": 1}, {"b": [2]}]
    assert events(write(tmp_path, "[ ]")) == [("start", None), ("end", None)]
    assert events(write(tmp_path, "{ }")) == []
    assert events(write(tmp_path, '{"snapshots": []}')) == [("start", "snapshots"),
                                                            ("end", "snapshots")]


def test_a_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + b'{"snapshots": [{"a": 1}]}')
    assert items(path, 2) == [{"a": 1}]


def test_a_number_split_by_the_buffer_is_read_whole(tmp_path):
    path = write(tmp_path, '{"snapshots": [123456789, 1.5e300]}')
    for size in range(1, 30):
        assert items(path, size) == [123456789, 1.5e300]


@pytest.mark.parametrize("text", [
    '{"snapshots": [{"a": 1}, {"a": 2}',
    '{"snapshots": [{"a": 1}, {"a": "unfinished',
    '{"snapshots": [{"a": 1},',
    '{"snapshots": [{"a": 1}]',
    '{"snapshots": [{"a": 1}], "alerts": [',
    '{"snap',
    "[",
])
def test_a_truncated_file_is_one_error_naming_where_it_ends(tmp_path, text):
    path = write(tmp_path, "\n" * 4 + text)
    with pytest.raises(ImportFileError) as info:
        events(path, 5)
    assert "is truncated" in str(info.value) and "after line 5" in str(info.value)


@pytest.mark.parametrize("text, words", [
    ('{"snapshots": [{"a": 1} {"a": 2}]}', "line 2, column"),
    ('{"snapshots": [}', "Expecting value (line 2, column 16)"),
    ('{"snapshots": [1,]}', "Expecting value"),
    ('{"snapshots": [1], }', "property name"),
    ('{"snapshots" [1]}', "':' delimiter"),
    ('{"snapshots": [1]} x', "Extra data (line 2, column 20)"),
    ('{"snapshots": [1]}{}', "Extra data"),
    ('{"snapshots": [{"a": tru}]}', "Expecting value"),
])
def test_malformed_text_is_one_error_with_line_and_column(tmp_path, text, words):
    path = write(tmp_path, "\n" + text + "\n")
    for size in (3, 1 << 16):
        with pytest.raises(ImportFileError, match="not valid JSON") as info:
            events(path, size)
        assert words in str(info.value)


def test_deep_nesting_inside_an_element_is_a_clear_error(tmp_path):
    path = write(tmp_path, '{"snapshots": [{"ok": 1}, ' + "[" * 100_000 + "]" * 100_000 + "]}")
    with pytest.raises(ImportFileError, match="nested too deeply.*line 1"):
        events(path, 1 << 16)


def test_a_huge_number_is_a_clear_error(tmp_path):
    path = write(tmp_path, '{"snapshots": [{"v": %s}]}' % ("9" * 5000))
    with pytest.raises(ImportFileError, match="not valid JSON.*digits"):
        events(path, 100)
    # a big float is inf, refused where values are checked
    snap = write(tmp_path, '{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", '
                           '"metrics": {"A": 1e999}}]}', "big.json")
    with pytest.raises(ImportFileError, match=r"snapshots\[0\].metrics.A.*finite"):
        read_file(snap, "perftui", {}, stream=True)


def test_a_lone_surrogate_in_an_element_is_refused(tmp_path):
    path = write(tmp_path, '{"snapshots": [{"x\\ud800": 1}]}')
    with pytest.raises(ImportFileError, match="surrogate"):
        events(path)


def test_a_repeated_top_level_field_is_refused(tmp_path):
    path = write(tmp_path, '{"snapshots": [], "snapshots": []}')
    with pytest.raises(ImportFileError, match="'snapshots' appears twice"):
        events(path)


def test_one_enormous_value_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonstream, "MAX_ELEMENT", 1000)
    path = write(tmp_path, '{"snapshots": [{"notes": "%s"}]}' % ("x" * 5000))
    with pytest.raises(ImportFileError, match="larger than"):
        events(path, 100)


# ------------------------------------------------------------ sorted runs

def snap(i: int, at: int) -> ImportedSnapshot:
    return ImportedSnapshot({"recorded_at": f"2026-01-01T00:00:{at:02d}.000000Z", "i": i},
                            {"A": float(i)}, i)


@pytest.mark.parametrize("run, fan_in", [(1000, 64), (3, 64), (3, 2), (1, 2)])
def test_snapshots_come_back_oldest_first_and_stable(monkeypatch, run, fan_in):
    monkeypatch.setattr(ordered, "RUN", run)
    monkeypatch.setattr(ordered, "FAN_IN", fan_in)
    monkeypatch.setattr(ordered, "BLOCK", 2)
    times = [5, 3, 9, 3, 1, 5, 0, 9, 3, 2, 2, 7, 1]
    made = ordered.Snapshots.of(snap(i, at) for i, at in enumerate(times))
    try:
        got = [s.fields["i"] for s in made]
        assert got == sorted(range(len(times)), key=lambda i: times[i])
        assert (made.count, made.measurements, made.in_order) == (13, 13, False)
        assert made.ranges == {"A": [0.0, 12.0]}
        assert made.first.endswith(":00.000000Z") and made.last.endswith(":09.000000Z")
        assert [s.fields["i"] for s in made] == got          # read twice: the same
    finally:
        made.close()


def test_runs_in_time_order_are_read_back_without_merging(monkeypatch):
    monkeypatch.setattr(ordered, "RUN", 4)
    made = ordered.Snapshots.of(snap(i, i) for i in range(10))
    directory = made._dir
    assert made.in_order and made.spilled == 2 and Path(directory).is_dir()
    assert [s.source_id for s in made] == list(range(10))
    made.close()
    assert not Path(directory).exists()


# ------------------------------------------------------------ importing

START = utcnow() - timedelta(days=30)


def history(path: Path, runs: int, shuffle: bool = False, notes: str = "") -> Path:
    start = START
    order = list(range(runs))
    if shuffle:
        order = order[::2] + order[1::2]
    with path.open("w") as out:
        out.write('{"format": "perftui-export", "snapshots": [\n')
        for n, i in enumerate(order):
            run = {"recorded_at": to_iso(start + timedelta(minutes=i)), "app": "shop",
                   "environment": "prod", "git_commit": f"c{i:06d}", "notes": notes,
                   "metrics": {"APP-001": 400 + i % 7, "VAL-001": 800 + i % 5}}
            out.write(("" if n == 0 else ",\n") + json.dumps(run))
        out.write("\n]}\n")
    return path


def commits(db) -> list[str]:
    return [c for (c,) in db.execute("SELECT git_commit FROM snapshots ORDER BY id")]


@pytest.mark.parametrize("shuffle", [False, True])
def test_a_file_larger_than_the_buffer_and_the_memory_run(store_url, tmp_path, monkeypatch,
                                                          shuffle):
    monkeypatch.setattr(jsonstream, "BUFFER", 512)
    monkeypatch.setattr(ordered, "RUN", 70)
    monkeypatch.setattr(importing, "CHUNK", 25)
    spill = tmp_path / "tmp"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    path = history(tmp_path / "h.json", 500, shuffle)
    assert path.stat().st_size > 100 * 512
    with open_store(store_url, create=True) as db:
        batch = importing.load(path)
        assert len(batch.snapshots) == 500 and batch.source.spilled == 7
        assert len(list(spill.iterdir())) == 1
        summary = importing.import_batch(db, batch, path)
        assert list(spill.iterdir()) == []                 # the sorted runs are removed
        assert (summary["in_file"], summary["imported"]) == (500, 500)
        assert summary["measurements"] == 1000
        assert commits(db) == [f"c{i:06d}" for i in range(500)]      # oldest first
        again = importing.import_file(db, path)
        assert (again["imported"], again["skipped_duplicates"]) == (0, 500)
        assert bulk.count_snapshots(db) == 500


def test_an_interrupted_import_of_an_unsorted_file_is_finished_by_running_it_again(
        tmp_path, monkeypatch):
    monkeypatch.setattr(ordered, "RUN", 30)
    monkeypatch.setattr(importing, "CHUNK", 10)
    monkeypatch.setattr(bulk, "TXN_SECONDS", 0.0)
    monkeypatch.setattr(bulk, "YIELD_SECONDS", 0.0)
    path = history(tmp_path / "h.json", 100, shuffle=True)

    def stop_after_three(done: int, total: int) -> None:
        if done == 30:
            raise KeyboardInterrupt

    with open_store(str(tmp_path / "s.db"), create=True) as db:
        with pytest.raises(importing.ImportInterrupted, match="30 of 100 new snapshots"):
            importing.import_file(db, path, progress=stop_after_three)
        assert commits(db) == [f"c{i:06d}" for i in range(30)]         # the oldest
        summary = importing.import_file(db, path)
        assert (summary["imported"], summary["skipped_duplicates"]) == (70, 30)
        assert commits(db) == [f"c{i:06d}" for i in range(100)]


def test_app_after_the_snapshots_of_a_streamed_file_is_refused(tmp_path):
    path = write(tmp_path, '{"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "metrics": '
                           '{"A": 1}}], "app": "late"}')
    with pytest.raises(ImportFileError, match="app must come before the snapshots"):
        importing.load(path)
    early = write(tmp_path, '{"app": "early", "snapshots": [{"recorded_at": '
                            '"2026-01-01T00:00:00Z", "metrics": {"A": 1}}]}', "early.json")
    assert [s.fields["app"] for s in importing.load(early).snapshots] == ["early"]


def test_a_bad_snapshot_at_the_end_of_a_large_file_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(ordered, "RUN", 50)
    path = history(tmp_path / "h.json", 300)
    text = path.read_text()
    path.write_text(text.replace('"c000299"', '"c000299", "status": "meh"'))
    with open_store(str(tmp_path / "s.db"), create=True) as db:
        with pytest.raises(ImportFileError, match=r"snapshots\[299\]\.status"):
            importing.import_file(db, path)
        assert bulk.count_snapshots(db) == 0


def test_duplicates_within_the_file_and_in_the_store_are_skipped(store_url, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(importing, "CHUNK", 7)
    path = history(tmp_path / "h.json", 40)
    doubled = tmp_path / "d.json"
    runs = json.loads(path.read_text())["snapshots"]
    doubled.write_text(json.dumps({"snapshots": runs[:20] + runs[10:]}))
    with open_store(store_url, create=True) as db:
        first = importing.import_file(db, history(tmp_path / "part.json", 15))
        assert first["imported"] == 15
        summary = importing.import_file(db, doubled)
        assert (summary["in_file"], summary["imported"], summary["skipped_duplicates"]) == (
            50, 25, 25)
        assert commits(db) == [f"c{i:06d}" for i in range(40)]


def test_a_streamed_csv_import(tmp_path, monkeypatch):
    monkeypatch.setattr(ordered, "RUN", 10)
    start = utcnow() - timedelta(days=3)
    rows = [f"{to_iso(start + timedelta(minutes=i))},c{i:03d},{100 + i}" for i in range(45)]
    path = write(tmp_path, "recorded_at,git_commit,APP-001\n" + "\n".join(rows[::-1]) + "\n",
                 "h.csv")
    with open_store(str(tmp_path / "s.db"), create=True) as db:
        summary = importing.import_file(db, path)
        assert summary["imported"] == 45 and summary["format"] == "csv"
        assert commits(db) == [f"c{i:03d}" for i in range(45)]


def test_replay_streams_too(tmp_path, monkeypatch):
    monkeypatch.setattr(ordered, "RUN", 10)
    monkeypatch.setattr(importing, "CHUNK", 4)
    path = history(tmp_path / "h.json", 30, shuffle=True)
    with open_store(str(tmp_path / "s.db"), create=True) as db:
        summary = importing.import_file(db, path, replay=True)
        assert summary["imported"] == 30 and summary["replayed"]
        assert commits(db) == [f"c{i:06d}" for i in range(30)]


def peak_of_import(tmp_path: Path, runs: int) -> int:
    path = history(tmp_path / f"h{runs}.json", runs, notes="n" * 200)
    with open_store(str(tmp_path / f"s{runs}.db"), create=True) as db:
        tracemalloc.start()
        try:
            summary = importing.import_file(db, path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert summary["imported"] == runs
    return peak


def test_memory_does_not_grow_with_the_file(tmp_path, monkeypatch):
    """1,000 and 10,000 snapshots: the same peak within a small factor (before: 10x, the
    whole file as objects). RUN is lowered so that both files go through the sorted runs (a
    file of RUN snapshots or fewer is held in memory: that is the bound)."""
    monkeypatch.setattr(ordered, "RUN", 500)
    small = peak_of_import(tmp_path, 1_000)
    large = peak_of_import(tmp_path, 10_000)
    assert large < 1.5 * small, (small, large)
