"""Defaults a person relies on without typing them: the scope of write commands, and the
bounds on numbers and times that keep errors one line long."""

from __future__ import annotations

import json

from perftui.cli.main import main

from ._helpers import query, store_exists


def record(store_url, *args):
    return main(["--db", str(store_url), "record", *args, "--format", "json"])


def test_record_without_app_goes_to_the_newest_scope(store_url, capsys):
    assert record(store_url, "APP-001=400", "--commit", "a1", "--branch", "main") == 0
    first = json.loads(capsys.readouterr().out)
    assert (first["app"], first["environment"]) == ("default", "local")   # empty store
    main(["--db", str(store_url), "--app", "shop", "--env", "ci", "record", "APP-001=401",
          "--format", "json"])
    capsys.readouterr()
    assert record(store_url, "APP-001=402") == 0
    latest = json.loads(capsys.readouterr().out)
    assert (latest["app"], latest["environment"]) == ("shop", "ci")


def one_line_error(capsys, needle):
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and "Traceback" not in err[0], err


def test_times_far_in_the_future_are_refused(store_url, capsys):
    assert record(store_url, "APP-001=1", "--at", "2099-01-01T00:00:00Z") == 2
    one_line_error(capsys, "in the future")
    assert not store_exists(store_url)


def test_huge_numbers_are_usage_errors(store_url, cli):
    assert cli("--db", store_url, "record", "APP-001=1")[0] == 0
    for argv in (["report", "--days", "100000000"], ["baseline", "--metric", "APP-001",
                 "--window", "99999999999999999999"], ["alerts", "--limit", "9" * 25]):
        code, _, err = cli("--db", store_url, *argv)
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and "at most" in lines[0], (argv, err)


def test_import_branch_and_commit_only_fill_in_what_the_file_does_not_say(cli, store_url,
                                                                           fixtures):
    db = store_url
    source = fixtures / "pytest-benchmark/gab_pytest_several_units.json"
    assert cli("--db", db, "import", source, "--branch", "main", "--commit", "deadbeef")[0] == 0
    rows = query(db, "SELECT DISTINCT git_branch, git_commit FROM snapshots")
    assert rows == [("master", "b8e9e2af2493a1ee2f3fa758a9572cd9972e6db7")]


def test_accept_takes_one_alert(cli, demo_db):
    code, _, err = cli("--db", demo_db, "alerts", "accept", "--id", "1", "--id", "2")
    assert code == 2 and "takes one alert" in err and len(err.strip().splitlines()) == 1


def test_record_takes_plain_numbers_only(cli, store_url):
    for text in ("1_000", "\uff15", "1.2.3", "", "0x10"):
        code, _, err = cli("--db", store_url, "record", f"APP-001={text}")
        assert code == 2 and "is not a number" in err, (text, err)
    assert not store_exists(store_url)
    assert cli("--db", store_url, "record", "APP-001=1.5e2", "queue_delta=-3")[0] == 0  # a unit-less metric may go negative
