"""`perftui targets` and its subcommands: list, set, add, import, export, audit."""

from __future__ import annotations

import json

import pytest

from ._helpers import assert_one_line_error, fingerprint


def test_list(cli, store_url):
    assert cli("--db", store_url, "record", "APP-001=400")[0] == 0
    code, out, _ = cli("--db", store_url, "targets", "--format", "json")
    assert code == 0
    data = json.loads(out)
    app = next(m for m in data["metrics"] if m["metric_id"] == "APP-001")
    assert (app["target"], app["warning"], app["error"], app["direction"]) == (500, 550, 600, "lower")
    code, out, _ = cli("--db", store_url, "targets")
    assert code == 0 and "Application Startup Time" in out


def test_set_is_validated_and_audited(cli, store_url):
    assert cli("--db", store_url, "record", "APP-001=400")[0] == 0
    code, out, _ = cli("--db", store_url, "targets", "set", "APP-001", "--target", "450",
                       "--warning", "500", "--by", "dora", "--reason", "faster laptops",
                       "--format", "json")
    assert code == 0
    metric = json.loads(out)["metric"]
    assert (metric["target"], metric["warning"], metric["error"]) == (450, 500, 600)
    code, out, _ = cli("--db", store_url, "targets", "audit", "--metric", "APP-001",
                       "--format", "json")
    changes = json.loads(out)["changes"]
    assert {(c["field"], c["old_value"], c["new_value"], c["changed_by"]) for c in changes} == {
        ("target", "500", "450", "dora"), ("warning", "550", "500", "dora")}
    code, out, _ = cli("--db", store_url, "targets", "set", "APP-001", "--inactive")
    assert code == 0 and "inactive" in out
    code, out, _ = cli("--db", store_url, "targets", "audit")
    assert code == 0 and "faster laptops" in out


def test_clearing_a_line(cli, store_url):
    assert cli("--db", store_url, "record", "APP-001=400")[0] == 0
    code, out, _ = cli("--db", store_url, "targets", "set", "APP-001", "--error", "none",
                       "--format", "json")
    assert code == 0 and json.loads(out)["metric"]["error"] is None


@pytest.mark.parametrize("args, words", [
    (["set", "NOPE-1", "--target", "3"], ["unknown metric", "NOPE-1"]),
    (["set", "APP-001", "--target", "nan"], ["target", "finite"]),
    (["set", "APP-001", "--target", "fast"], ["target", "number"]),
    (["set", "APP-001", "--warning", "400"], ["warning", "target"]),
    (["set", "APP-001"], ["nothing to change"]),
    (["add", "APP-001"], ["already exists"]),
    (["add", "X-1", "--target", "5", "--warning", "3"], ["warning"]),
    (["audit", "--metric", "NOPE-1"], ["unknown metric"]),
])
def test_bad_edits_change_nothing(cli, store_url, args, words):
    assert cli("--db", store_url, "record", "APP-001=400")[0] == 0
    before = fingerprint(store_url)
    code, _, err = cli("--db", store_url, "targets", *args)
    assert_one_line_error(code, err, *words)
    assert fingerprint(store_url) == before


def test_add_metric(cli, store_url):
    code, out, _ = cli("--db", store_url, "targets", "add", "HIT-001", "--key", "hit_rate",
                       "--unit", "ratio", "--direction", "higher", "--target", "0.9",
                       "--format", "json")
    assert code == 0
    assert json.loads(out)["metric"]["direction"] == "higher"
    code, out, _ = cli("--db", store_url, "record", "hit_rate=0.95", "--format", "json")
    assert json.loads(out)["metrics"][0]["metric_id"] == "HIT-001"


def test_export_then_import_into_another_store(cli, stores, tmp_path):
    a, b = stores.new("a"), stores.new("b")
    assert cli("--db", a, "record", "APP-001=400")[0] == 0
    assert cli("--db", a, "targets", "set", "APP-001", "--target", "420")[0] == 0
    assert cli("--db", a, "targets", "add", "NEW-1", "--unit", "ms", "--target", "5")[0] == 0
    catalog = tmp_path / "catalog.json"
    code, _, err = cli("--db", a, "targets", "export", "--output", catalog)
    assert code == 0 and "wrote" in err
    assert cli("--db", b, "record", "APP-001=400")[0] == 0
    code, out, _ = cli("--db", b, "targets", "import", catalog, "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["added"] == ["NEW-1"] and result["updated"] == ["APP-001"]


def test_import_of_a_bad_catalog_changes_nothing(cli, store_url, tmp_path):
    assert cli("--db", store_url, "record", "APP-001=400")[0] == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"metrics": [{"id": "APP-001", "target": 450},
                                           {"id": "X-2", "target": "NaN"}]}))
    before = fingerprint(store_url)
    code, _, err = cli("--db", store_url, "targets", "import", bad)
    assert_one_line_error(code, err, "X-2", "target")
    assert fingerprint(store_url) == before
