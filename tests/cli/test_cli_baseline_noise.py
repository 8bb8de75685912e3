"""`perftui baseline` on ordinary noise (issue 14, item 5): 20 stable runs differing by 2 % have
no outliers, full confidence, and the spread the README describes (never below 1 % of the
median)."""

from __future__ import annotations

import json


def test_twenty_stable_runs_two_percent_apart_have_no_outliers(cli, tmp_path):
    db = str(tmp_path / "stable.db")
    values = [100.0] * 17 + [102.0] * 3
    for i, v in enumerate(values[::2] + values[1::2]):
        code, _, err = cli("--db", db, "record", f"VAL-001={v}", "--commit", f"{i:040x}",
                           "--at", f"2026-11-01T00:{i:02d}:00Z")
        assert code == 0, err
    code, out, err = cli("--db", db, "baseline", "--metric", "VAL-001")
    assert code == 0, err
    assert "confidence 1.00, 0 outliers removed" in out
    assert "outlier\n" not in out and not any(line.endswith("outlier") for line in out.splitlines())
    assert "spread 1ms" in out  # 1 % of the 100 ms median: the floor the README names
    code, out, _ = cli("--db", db, "baseline", "--metric", "VAL-001", "--format", "json")
    data = json.loads(out)
    assert data["baseline"]["outliers_removed"] == 0 and data["baseline"]["confidence"] == 1.0
    assert not any(v["outlier"] for v in data["values"])
