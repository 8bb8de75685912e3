"""perftui's own JSON: the minimal hand-written form and the full-fidelity export.

Minimal form (all snapshot fields but recorded_at and metrics optional):

    {"snapshots": [{"recorded_at": "2026-01-01T00:00:00Z", "metrics": {"APP-001": 412.5},
                    "app": "myapp", "environment": "ci", "git_commit": "abc123",
                    "git_branch": "main", "app_version": "1.2.0", "is_cold_start": false,
                    "status": "ok"}]}

The export (`"format": "perftui-export"`) adds the catalog, alerts, baseline resets, target
changes and daily aggregates; snapshots then carry their original `id` so alerts can point
at them. Unknown fields are refused, so a typo never silently drops data.
"""

from __future__ import annotations

from math import isfinite
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from perftui.core.importers import jsonstream, ordered
from perftui.core.importers import model as m
from perftui.errors import CatalogError
from perftui.store.catalog import parse_catalog
from perftui.store.snapshots import SNAPSHOT_FIELDS

EXPORT_FORMAT = "perftui-export"
_TOP_KEYS = {"format", "version", "exported_at", "filters", "app", "environment", "catalog",
             "snapshots", "alerts", "baseline_resets", "target_changes", "daily_aggregates"}
_SNAPSHOT_KEYS = set(SNAPSHOT_FIELDS) | {"metrics", "id"}
SEVERITIES = ("info", "warning", "error", "critical")
_KNOWN_NAMES: set[str] = set()   # metric names already found valid (a cache across snapshots)
_NUMBER_TYPES = {int, float}
STATUSES = ("open", "acknowledged", "resolved")


def looks_like(document: Any) -> bool:
    return (isinstance(document, dict) and isinstance(document.get("snapshots"), list)) or (
        isinstance(document, list) and bool(document) and isinstance(document[0], dict)
        and "metrics" in document[0])


def read(path: Path, defaults: dict, document: Any = None, *,
         stream: bool = False) -> m.ImportBatch:
    """Read and validate a perftui file (or an already parsed `document`). With `stream`, the
    file is read a snapshot at a time (jsonstream) and the snapshots go to `batch.source`
    (importers/ordered.py) instead of the `batch.snapshots` list: memory stays bounded."""
    if document is None:
        parts = jsonstream.events(path)
    elif isinstance(document, (dict, list)):
        parts = _events_of(document)
    else:
        parts = iter([("member", None, document)])
    batch = m.ImportBatch("perftui")
    privacy = m.Privacy()
    members: dict[str, Any] = {}
    found = False
    with ordered.Collect(batch, stream) as add:
        for event in parts:
            kind = event[0]
            if kind == "item":
                if not found:       # the top-level snapshots, checked before the first one
                    file_defaults = _file_defaults(path, members, defaults)
                    found = True
                add(privacy.snapshot(_snapshot(event[2], f"{path}: snapshots[{event[1]}]",
                                               file_defaults, defaults)))
            elif kind == "member":
                members[event[1]] = event[2]
                if event[1] is None:
                    raise m.ImportFileError(f"{path}: expected an object with a "
                                            "'snapshots' list")
                _check_member(path, event[1], event[2], found)
            elif kind == "start":
                members["snapshots"] = True
        if "snapshots" not in members:
            raise m.ImportFileError(f"{path}: expected an object with a 'snapshots' list")
        _file_defaults(path, members, defaults)   # app/environment after the snapshots
        _members(path, members, batch)
    return privacy.rest(batch)


def _events_of(document: dict | list) -> Iterator[tuple]:
    """The events jsonstream would give for a parsed document."""
    if isinstance(document, list):
        document = {"snapshots": document}
    first = sorted(document, key=lambda k: k not in ("app", "environment"))  # the defaults
    for key, value in ((k, document[k]) for k in first):
        if key == "snapshots" and isinstance(value, list):
            yield "start", key
            for i, raw in enumerate(value):
                yield "item", i, raw
            yield "end", key
        else:
            yield "member", key, value


def _check_member(path: Path, key: str, value: Any, after_snapshots: bool) -> None:
    if key not in _TOP_KEYS:
        raise m.ImportFileError(f"{path}: unknown field(s) {key}")
    if key == "snapshots":      # not a list (a list is streamed)
        raise m.ImportFileError(f"{path}: expected an object with a 'snapshots' list")
    if key == "format" and value is not None and value != EXPORT_FORMAT:
        raise m.ImportFileError(f"{path}: format must be {EXPORT_FORMAT!r}, got {value!r}")
    if after_snapshots and key in ("app", "environment"):
        raise m.ImportFileError(f"{path}: {key} must come before the snapshots (it is their "
                                "default)")


def _file_defaults(path: Path, members: dict, defaults: dict) -> dict:
    return {
        "app": m.text(members.get("app"), f"{path}: app") or defaults.get("app") or "default",
        "environment": m.text(members.get("environment"), f"{path}: environment")
        or defaults.get("environment") or "local"}


def _members(path: Path, document: dict, batch: m.ImportBatch) -> None:
    """The top-level members other than the snapshots, into the batch."""
    if "catalog" in document:
        try:
            batch.catalog, batch.flag_rules = parse_catalog(document["catalog"])
        except CatalogError as exc:
            raise m.ImportFileError(f"{path}: catalog: {exc}") from None
        except OverflowError:     # an integer of hundreds of digits where a number belongs
            raise m.ImportFileError(f"{path}: catalog: a number is out of range") from None
    batch.alerts = [_alert(a, f"{path}: alerts[{i}]")
                    for i, a in enumerate(_list(document, "alerts", path))]
    batch.baseline_resets = [_record(r, f"{path}: baseline_resets[{i}]",
                                     ("metric_code", "app", "environment", "since"))
                             for i, r in enumerate(_list(document, "baseline_resets", path))]
    batch.target_changes = [_record(r, f"{path}: target_changes[{i}]",
                                    ("metric_code", "field", "changed_at"))
                            for i, r in enumerate(_list(document, "target_changes", path))]
    batch.daily_aggregates = [_aggregate(r, f"{path}: daily_aggregates[{i}]")
                              for i, r in enumerate(_list(document, "daily_aggregates", path))]


def _list(document: dict, key: str, path: Path) -> list:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise m.ImportFileError(f"{path}: {key} must be a list")
    return value


def _snapshot(raw: Any, where: str, file_defaults: dict, defaults: dict) -> m.ImportedSnapshot:
    if not isinstance(raw, dict):
        raise m.ImportFileError(f"{where}: expected an object")
    unknown = set(raw) - _SNAPSHOT_KEYS
    if unknown:
        raise m.ImportFileError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    if "recorded_at" not in raw:
        raise m.ImportFileError(f"{where}: recorded_at is missing")
    metrics = raw.get("metrics")
    if not isinstance(metrics, dict):
        raise m.ImportFileError(f"{where}: metrics must be an object of metric id to number")
    if not _KNOWN_NAMES.issuperset(metrics):
        for name in metrics:
            if not m.valid_metric_name(name):
                raise m.ImportFileError(f"{where}: {name!r} is not a valid metric id")
            _KNOWN_NAMES.add(name)
    values = _fast_values(metrics)
    if values is None:
        values = {name: m.number(v, f"{where}.metrics.{name}") for name, v in metrics.items()}
    fields: dict[str, Any] = {"recorded_at": m.timestamp(raw["recorded_at"], f"{where}.recorded_at")}
    for name in m.SNAPSHOT_TEXT_FIELDS:
        fields[name] = m.text(raw.get(name), f"{where}.{name}",
                              allowed="\t\n" if name in m.NOTE_FIELDS else "")
    fields["app"] = fields["app"] or file_defaults["app"]
    fields["environment"] = fields["environment"] or file_defaults["environment"]
    fields["git_commit"] = fields["git_commit"] or defaults.get("git_commit")
    fields["git_branch"] = fields["git_branch"] or defaults.get("git_branch")
    for name in m.SNAPSHOT_NUMBER_FIELDS:
        fields[name] = m.optional_number(raw.get(name), f"{where}.{name}")
    for name in ("cpu_count", "total_memory_mb"):
        fields[name] = m.optional_count(raw.get(name), f"{where}.{name}")
    for name in m.SNAPSHOT_JSON_FIELDS:
        fields[name] = m.json_value(raw.get(name), f"{where}.{name}")
    fields["is_cold_start"] = m.check_bool(raw.get("is_cold_start"), f"{where}.is_cold_start")
    fields["status"] = m.check_status(raw.get("status"), f"{where}.status")
    fields["uid"] = m.snapshot_uid(raw.get("uid"), f"{where}.uid")
    source_id = raw.get("id")
    if source_id is not None and (isinstance(source_id, bool) or not isinstance(source_id, int)):
        raise m.ImportFileError(f"{where}.id: expected a whole number")
    return m.ImportedSnapshot(fields, values, source_id)


def _fast_values(metrics: dict) -> dict[str, float] | None:
    """The common case, fast: plain numbers whose magnitudes add up to a sane total (NaN,
    infinity and huge values fail the sum). None: check each value on the slow path."""
    numbers = metrics.values()
    if not set(map(type, numbers)) <= _NUMBER_TYPES:
        return None
    try:
        values = {name: float(v) for name, v in metrics.items()}
    except OverflowError:
        return None
    total = sum(map(abs, values.values()))
    return values if isfinite(total) and total <= m.MAX_MAGNITUDE else None


def _record(raw: Any, where: str, required: tuple[str, ...]) -> dict:
    if not isinstance(raw, dict):
        raise m.ImportFileError(f"{where}: expected an object")
    for key in required:
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise m.ImportFileError(f"{where}: {key} is missing")
    for key, value in raw.items():
        if key != "context" and isinstance(value, (dict, list)):
            raise m.ImportFileError(f"{where}.{key}: expected text or a number, got "
                                    f"{m._show(value)}")
        if isinstance(value, str):
            m.check_controls(value, f"{where}.{key}", "\t\n" if key in m.NOTE_FIELDS else "")
    m.json_value(raw, where)   # no NaN, huge numbers or lone surrogates anywhere in it
    return dict(raw)


def _alert(raw: Any, where: str) -> dict:
    alert = _record(raw, where, ("metric_code", "app", "environment", "alert_type",
                                 "severity", "status", "triggered_at", "last_seen_at"))
    if alert["severity"] not in SEVERITIES:
        raise m.ImportFileError(f"{where}.severity: must be one of {', '.join(SEVERITIES)}")
    if alert["status"] not in STATUSES:
        raise m.ImportFileError(f"{where}.status: must be one of {', '.join(STATUSES)}")
    alert["current_value"] = m.number(alert.get("current_value"), f"{where}.current_value")
    for key in ("expected_value", "deviation_percent"):
        alert[key] = m.optional_number(alert.get(key), f"{where}.{key}")
    for key in ("triggered_at", "last_seen_at"):
        alert[key] = m.timestamp(alert[key], f"{where}.{key}")
    occurrences = alert.get("occurrences", 1)
    if isinstance(occurrences, bool) or not isinstance(occurrences, int) \
            or not 1 <= occurrences <= m.MAX_MAGNITUDE:
        raise m.ImportFileError(f"{where}.occurrences: expected a whole number of at least 1")
    return alert


def _aggregate(raw: Any, where: str) -> dict:
    agg = _record(raw, where, ("day", "app", "environment", "metric_code"))
    for key in ("mean", "median", "min", "max", "p95"):
        agg[key] = m.number(agg.get(key), f"{where}.{key}")
    if agg["min"] > agg["max"]:
        raise m.ImportFileError(f"{where}: min ({agg['min']:g}) is above max ({agg['max']:g})")
    for key in ("median", "p95"):
        if not agg["min"] <= agg[key] <= agg["max"]:
            raise m.ImportFileError(f"{where}.{key}: {agg[key]:g} is outside [min, max] "
                                    f"([{agg['min']:g}, {agg['max']:g}])")
    count = agg.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= m.MAX_MAGNITUDE:
        raise m.ImportFileError(f"{where}.count: expected a whole number of at least 1")
    return agg
