"""Commands that refused what they should do (issue 10, row 14): labels that are not hashes,
`targets set` on a new store, and a --db whose directory does not exist."""

from __future__ import annotations

import json


def record(cli, db, commit: str, value: float, hour: int):
    code, _, err = cli("--db", db, "--app", "shop", "--env", "ci", "record", f"APP-001={value}",
                       "--commit", commit, "--branch", "main",
                       "--at", f"2026-01-01T{hour:02d}:00:00Z")
    assert code == 0, err


def test_compare_finds_commits_recorded_under_any_label(cli, tmp_path):
    db = tmp_path / "s.db"
    for i, label in enumerate(("base000", "base039", "v1.2.0", "Release-7")):
        record(cli, db, label, 400 + 10 * i, i)
    code, out, err = cli("--db", db, "compare", "base000", "base039", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["a"]["commit"], data["b"]["commit"]) == ("base000", "base039")
    code, out, err = cli("--db", db, "compare", "v1.2.0", "Release-7", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["b"]["commit"] == "Release-7"


def test_an_exact_label_wins_over_a_longer_hash_it_prefixes(cli, tmp_path):
    db = tmp_path / "s.db"
    record(cli, db, "abc", 400, 1)
    record(cli, db, "abc1234def", 500, 2)
    record(cli, db, "abc9999def", 600, 3)
    code, out, err = cli("--db", db, "compare", "abc", "abc1234", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["a"]["commit"], data["b"]["commit"]) == ("abc", "abc1234def")


def test_targets_set_creates_the_store_as_record_does(cli, tmp_path):
    db = tmp_path / "new.db"
    code, _, err = cli("--db", db, "targets", "set", "APP-001", "--target", "450")
    assert code == 0, err
    code, out, _ = cli("--db", db, "targets", "--format", "json")
    rows = json.loads(out)
    rows = rows["metrics"] if isinstance(rows, dict) else rows
    assert next(m for m in rows if m["metric_id"] == "APP-001")["target"] == 450


def test_db_in_a_directory_that_does_not_exist_is_refused(cli, tmp_path):
    db = tmp_path / "typo" / "deeper" / "s.db"
    code, _, err = cli("--db", db, "record", "APP-001=400")
    assert code == 2 and "no such directory" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "typo").exists()


def test_record_at_out_of_every_range_is_one_line(cli, tmp_path):
    db = tmp_path / "s.db"
    for at, words in (("0001-01-01T00:00:00+05:00", "not an ISO-8601 time"),
                      ("1969-12-31T23:59:59Z", "before 1970"),
                      ("2999-01-01T00:00:00Z", "in the future")):
        code, _, err = cli("--db", db, "record", "APP-001=400", "--at", at)
        assert code == 2 and words in err and len(err.strip().splitlines()) == 1, (at, err)
