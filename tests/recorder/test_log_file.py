"""The daily JSON log: created owner-only, and never written through a symbolic link planted in
logs/ (no line, no exception, the recording goes on)."""

from __future__ import annotations

import json
import logging
import os
import stat
from types import SimpleNamespace

from perftui import PerformanceTracker
from perftui.recorder.tracker import append_log_line


def result(day: str = "2026-03-04") -> SimpleNamespace:
    return SimpleNamespace(
        recorded_at=f"{day}T10:00:00Z", snapshot_id=7, app="app", environment="ci",
        values={"APP-001": 1.5}, alerts=[], performance_index=None, regression_score=None,
        flags=[], baseline_confidence=None)


def test_log_is_created_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = append_log_line(result(), str(tmp_path / "logs"))
    finally:
        os.umask(old)
    assert path == str(tmp_path / "logs" / "performance_20260304.log")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(open(path).read())["snapshot_id"] == 7


def test_existing_log_is_appended_to(tmp_path):
    logs = tmp_path / "logs"
    append_log_line(result(), str(logs))
    path = append_log_line(result(), str(logs))
    assert len(open(path).read().splitlines()) == 2


def test_symlink_planted_in_logs_is_not_followed(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (logs / "performance_20260304.log").symlink_to(victim)
    assert append_log_line(result(), str(logs)) is None    # no line, no exception
    assert victim.read_text() == "precious\n"


def test_dangling_symlink_planted_in_logs_creates_nothing(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    elsewhere = tmp_path / "elsewhere.log"
    (logs / "performance_20260304.log").symlink_to(elsewhere)
    assert append_log_line(result(), str(logs)) is None
    assert not elsewhere.exists()


def test_recording_goes_on_past_a_planted_log_symlink(tmp_path, caplog):
    logs = tmp_path / "logs"
    logs.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    tracker = PerformanceTracker(db=str(tmp_path / "store.db"), log_dir=str(logs),
                                 summary=False, cold_start=False)
    try:
        from perftui.timefmt import utcnow

        day = utcnow().strftime("%Y%m%d")
        (logs / f"performance_{day}.log").symlink_to(victim)
        tracker.record_metric("APP-001", 1)
        with caplog.at_level(logging.WARNING, logger="perftui"):
            assert tracker.record_baseline_snapshot() is not None
    finally:
        tracker.close()
    assert victim.read_text() == "precious\n"
    assert "not written" not in caplog.text
