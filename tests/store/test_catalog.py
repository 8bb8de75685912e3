"""The metric catalog as data: the default file, validation of entries and lines."""

from __future__ import annotations

import json

import pytest

from perftui.store.catalog import (CatalogError, default_catalog, guess_metric, parse_catalog,
                                   read_catalog_file, validate_lines)


def test_default_catalog_is_the_originals_metrics():
    metrics, flags = default_catalog()
    by_id = {m["id"]: m for m in metrics}
    assert len(by_id) == 21
    assert by_id["APP-001"]["key"] == "startup_time_ms"
    assert (by_id["APP-001"]["target"], by_id["APP-001"]["warning"], by_id["APP-001"]["error"]) == (500, 550, 600)
    assert by_id["API-002"]["unit"] == "tokens"
    assert by_id["CACHE-002"]["direction"] == "higher"
    assert by_id["APP-001"]["operation"] == "app_startup"
    assert {f["flag"] for f in flags} == {"double_container_init", "prompt_duplication"}


@pytest.mark.parametrize("direction,lines", [
    ("lower", (500, 550, 600)), ("lower", (500, None, 600)), ("lower", (None, None, None)),
    ("higher", (0.9, 0.85, 0.8)), ("higher", (0.9, 0.9, 0.9)),
])
def test_lines_in_order_are_accepted(direction, lines):
    validate_lines(direction, *lines)


@pytest.mark.parametrize("direction,lines,word", [
    ("lower", (500, 450, 600), "warning"), ("lower", (500, 550, 520), "error"),
    ("higher", (0.9, 0.95, 0.8), "warning"), ("higher", (0.9, None, 0.95), "error"),
])
def test_lines_out_of_order_are_refused(direction, lines, word):
    with pytest.raises(CatalogError, match=word):
        validate_lines(direction, *lines)


def entry(**overrides):
    base = {"id": "X-001", "name": "x", "unit": "ms", "direction": "lower", "target": 1.0}
    base.update(overrides)
    return {"metrics": [base]}


@pytest.mark.parametrize("bad,needle", [
    ({"target": "fast"}, "target must be a number"),
    ({"target": float("nan")}, "finite"),
    ({"warning": float("inf")}, "finite"),
    ({"direction": "sideways"}, "direction"),
    ({"id": "has space"}, "slug"),
    ({"active": "yes"}, "active"),
    ({"colour": "red"}, "unknown field"),
])
def test_bad_entries_name_the_field(bad, needle):
    with pytest.raises(CatalogError, match=needle):
        parse_catalog(entry(**bad))


def test_duplicate_ids_and_keys_are_refused():
    doc = {"metrics": [{"id": "A", "key": "k"}, {"id": "B", "key": "k"}]}
    with pytest.raises(CatalogError, match="already used by metric A"):
        parse_catalog(doc)


def test_malformed_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"metrics": [')
    with pytest.raises(CatalogError, match="not valid JSON"):
        read_catalog_file(bad)
    with pytest.raises(CatalogError, match="cannot read"):
        read_catalog_file(tmp_path / "missing.json")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps([1, 2]))
    with pytest.raises(CatalogError, match="'metrics' list"):
        read_catalog_file(wrong)


@pytest.mark.parametrize("name,unit,direction", [
    ("search_time_ms", "ms", "lower"), ("heap_mb", "MB", "lower"),
    ("query_cache_hit_rate", "ratio", "higher"), ("requests_per_sec", "/s", "higher"),
    ("widgets", "", "lower"), ("payload_bytes", "bytes", "lower"),
])
def test_unknown_metric_guesses(name, unit, direction):
    guessed = guess_metric(name)
    assert (guessed["unit"], guessed["direction"]) == (unit, direction)
    assert guessed["target"] is None and guessed["id"] == name
