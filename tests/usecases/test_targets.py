"""core.targets: editing lines with validation and an audit trail; catalog import/export."""

from __future__ import annotations

import json

import pytest

from perftui.core import targets
from perftui.errors import InputError
from perftui.store.db import open_store


@pytest.fixture
def store(store_url):
    with open_store(store_url, create=True) as s:
        yield s


def snapshot_of_metrics(store):
    return store.execute("SELECT code, target, warning, error, active FROM metrics"
                         " ORDER BY id").fetchall()


def test_set_target_is_applied_and_audited(store):
    row = targets.set_target(store, "APP-001", target=450, warning="500", by="ana", reason="faster now")
    assert (row["target"], row["warning"], row["error"]) == (450, 500, 600)
    trail = targets.audit_trail(store, "APP-001")
    assert {(c["field"], c["old_value"], c["new_value"]) for c in trail} == {
        ("target", "500", "450"), ("warning", "550", "500")}
    assert trail[0]["changed_by"] == "ana" and trail[0]["reason"] == "faster now"


def test_key_names_the_metric_too_and_lines_can_be_cleared(store):
    row = targets.set_target(store, "startup_time_ms", warning=None)
    assert row["metric_id"] == "APP-001" and row["warning"] is None


def test_toggle_active(store):
    assert targets.set_target(store, "VAL-003", active=False)["active"] is False
    assert store.scalar("SELECT active FROM metrics WHERE code = 'VAL-003'") == 0
    assert targets.audit_trail(store, "VAL-003")[0]["field"] == "active"


@pytest.mark.parametrize("kwargs,needle", [
    ({"target": "fast"}, "target must be a number"),
    ({"target": float("nan")}, "finite"),
    ({"warning": float("inf")}, "finite"),
    ({"warning": 450}, "warning line \\(450\\) must not be below the target line \\(500\\)"),
    ({"error": 520}, "error line \\(520\\) must not be below the warning line"),
    ({}, "nothing to change"),
])
def test_invalid_edits_leave_the_store_unchanged(store, kwargs, needle):
    before = snapshot_of_metrics(store)
    with pytest.raises(InputError, match=needle):
        targets.set_target(store, "APP-001", **kwargs)
    assert snapshot_of_metrics(store) == before
    assert store.scalar("SELECT count(*) FROM target_changes") == 0


def test_higher_is_better_lines_go_downwards(store):
    with pytest.raises(InputError, match="must not be above"):
        targets.set_target(store, "VAL-003", warning=0.95)
    assert targets.set_target(store, "VAL-003", target=0.95, warning=0.9, error=0.85)["error"] == 0.85


def test_unknown_metric(store):
    with pytest.raises(InputError, match="unknown metric 'NOPE'"):
        targets.set_target(store, "NOPE", target=1)


def test_add_metric(store):
    row = targets.add_metric(store, {"id": "SEARCH-001", "key": "search_ms", "name": "Search",
                                     "unit": "ms", "target": 80, "warning": 90, "error": 100})
    assert row["metric_id"] == "SEARCH-001"
    with pytest.raises(InputError, match="already exists"):
        targets.add_metric(store, {"id": "SEARCH-001"})
    with pytest.raises(InputError, match="warning"):
        targets.add_metric(store, {"id": "S-2", "target": 10, "warning": 5})


def test_export_import_round_trip(store, tmp_path):
    document = targets.export_catalog(store)
    assert len(document["metrics"]) == 21 and document["flags"]
    for m in document["metrics"]:
        if m["id"] == "APP-001":
            m["target"], m["warning"], m["error"] = 400, 450, 500
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))
    summary = targets.import_catalog(store, str(path), by="ci")
    assert summary["updated"] == ["APP-001"] and len(summary["unchanged"]) == 20
    assert store.scalar("SELECT target FROM metrics WHERE code = 'APP-001'") == 400


def test_import_of_a_bad_file_changes_nothing(store, tmp_path):
    document = targets.export_catalog(store)
    document["metrics"][0]["target"] = 1
    document["metrics"][5]["warning"] = "high"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    before = snapshot_of_metrics(store)
    with pytest.raises(InputError, match="warning must be a number"):
        targets.import_catalog(store, str(path))
    assert snapshot_of_metrics(store) == before
